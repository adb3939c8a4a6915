package assert

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/harness-gpu/harness/internal/result"
)

// streamVal is the `stream` object (docs/conditions.md); nil (a target
// without a stream block, or a window with no request) gives every leaf
// unknown, so a condition reading it is an error rather than a pass.
func streamVal(s *result.Stream) cty.Value {
	if s == nil {
		s = &result.Stream{}
	}
	source := cty.UnknownVal(cty.String)
	if s.TokenSource != "" {
		source = cty.StringVal(s.TokenSource)
	}
	vals := map[string]cty.Value{"tokens_per_s": num(s.TokensPerS), "token_source": source}
	for i, d := range s.Dists() {
		vals[result.StreamDists[i]] = distVal(*d)
	}
	return cty.ObjectVal(vals)
}

func distVal(d result.Dist) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"min": num(d.Min), "mean": num(d.Mean), "p50": num(d.P50), "p90": num(d.P90),
		"p95": num(d.P95), "p99": num(d.P99), "max": num(d.Max),
	})
}

// vllmVal is the `vllm` object; nil (no vllm sampler) gives every leaf
// unknown. Its gauges hold max and mean only (docs/conditions.md).
func vllmVal(v *result.VLLM) cty.Value {
	if v == nil {
		v = &result.VLLM{}
	}
	gauge := func(s result.Stat) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"max": num(s.Max), "mean": num(s.Mean)})
	}
	return cty.ObjectVal(map[string]cty.Value{
		"running": gauge(v.Running), "waiting": gauge(v.Waiting), "kv_cache_usage": gauge(v.KVCacheUsage),
		"preemptions": num(v.Preemptions), "prompt_tokens": num(v.PromptTokens),
		"generation_tokens": num(v.GenerationTokens), "ttft_ms": num(v.TTFTMs), "tpot_ms": num(v.TPOTMs),
		"e2e_ms": num(v.E2EMs), "queue_ms": num(v.QueueMs), "prefix_cache_hit_rate": num(v.PrefixCacheHitRate),
	})
}
