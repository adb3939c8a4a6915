package diff

import "github.com/harness-gpu/harness/internal/result"

// StreamMetrics are compared, after Metrics, for a step of a streaming
// target (when either side has a stream object), with the vLLM sampler's
// KV-cache pressure when either side has one:
//
//	stream.ttft.p95        lower   users wait less for the first token
//	stream.tpot.p95        lower   answers stream faster
//	stream.itl.p95         lower   smoother streaming per token
//	stream.tokens_per_s    higher  more tokens generated at the same load
//	requests.goodput       higher  more requests meet their objectives
//	efficiency.joules_per_token
//	                       lower   GPU energy each output token costs
//	vllm.kv_cache_usage.max lower  headroom before requests wait for KV room
//	vllm.preemptions       lower   fewer sequences recomputed
var StreamMetrics = []Metric{
	{"stream.ttft.p95", "ms", LowerIsBetter, stream(func(s *result.Stream) *float64 { return s.TTFT.P95 })},
	{"stream.tpot.p95", "ms", LowerIsBetter, stream(func(s *result.Stream) *float64 { return s.TPOT.P95 })},
	{"stream.itl.p95", "ms", LowerIsBetter, stream(func(s *result.Stream) *float64 { return s.ITL.P95 })},
	{"stream.tokens_per_s", "tok/s", HigherIsBetter, stream(func(s *result.Stream) *float64 { return s.TokensPerS })},
	{"requests.goodput", "req/s", HigherIsBetter, func(v *stepValues) *float64 { return v.step.Requests.Goodput }},
	{"efficiency.joules_per_token", "J", LowerIsBetter, efficiency(func(e *result.Efficiency) *float64 { return e.JoulesPerToken })},
}

// VLLMMetrics are compared for a step with a vllm sampler on either side.
var VLLMMetrics = []Metric{
	{"vllm.kv_cache_usage.max", "", LowerIsBetter, vllm(func(x *result.VLLM) *float64 { return x.KVCacheUsage.Max })},
	{"vllm.preemptions", "", LowerIsBetter, vllm(func(x *result.VLLM) *float64 { return x.Preemptions })},
}

// stepMetrics is the metrics compared for a pair of steps.
func stepMetrics(b, n *result.Step) []Metric {
	ms := Metrics
	if b.Stream != nil || n.Stream != nil {
		ms = append(ms[:len(ms):len(ms)], StreamMetrics...)
	}
	if b.VLLM != nil || n.VLLM != nil {
		ms = append(ms[:len(ms):len(ms)], VLLMMetrics...)
	}
	return ms
}

func stream(f func(*result.Stream) *float64) func(*stepValues) *float64 {
	return within(func(s *result.Step) *result.Stream { return s.Stream }, f)
}

func vllm(f func(*result.VLLM) *float64) func(*stepValues) *float64 {
	return within(func(s *result.Step) *result.VLLM { return s.VLLM }, f)
}
