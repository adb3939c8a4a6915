package diff

import "github.com/harness-gpu/harness/internal/result"

// Direction says which way a metric gets better.
type Direction string

const (
	LowerIsBetter  Direction = "lower"
	HigherIsBetter Direction = "higher"
	// Neutral metrics are shown and marked "changed" beyond the threshold but
	// never count as a regression.
	Neutral Direction = "neutral"
)

// Metric is one compared value of a step.
type Metric struct {
	Name   string    // condition-style name, e.g. "latency.p95"
	Unit   string    // shown after the name
	Better Direction // which way is an improvement
	// get reads the value; nil when the step has none.
	get func(v *stepValues) *float64
}

// stepValues is what the metric getters read: the step plus its latency
// computed once from the histogram.
type stepValues struct {
	step    *result.Step
	latency result.Percentiles
}

// Metrics is the table of compared metrics, in the order they are shown,
// with the direction that counts as better and why:
//
//	latency.p50/p95/p99   lower   users wait less
//	requests.rps          higher  more work done at the same load
//	requests.success_rate higher  fewer failed requests
//	efficiency.joules_per_request
//	                      lower   GPU energy each ok request costs
//	gpu.utilization.mean  neutral higher can be better use or less headroom
//	gpu.temperature.max   lower   closer to throttling when hotter
//	gpu.power_w.mean      lower   cost and power budget
//	gpu.memory_used_mib   lower   headroom for larger batches or models
//	triton.queue_ms       lower   time waiting for an instance
//	triton.infer_ms       lower   compute time per request
//	triton.batch_size     higher  dynamic batching packs more per execution
var Metrics = []Metric{
	{"latency.p50", "ms", LowerIsBetter, func(v *stepValues) *float64 { return v.latency.P50 }},
	{"latency.p95", "ms", LowerIsBetter, func(v *stepValues) *float64 { return v.latency.P95 }},
	{"latency.p99", "ms", LowerIsBetter, func(v *stepValues) *float64 { return v.latency.P99 }},
	{"requests.rps", "req/s", HigherIsBetter, func(v *stepValues) *float64 { return &v.step.Requests.RPS }},
	{"requests.success_rate", "%", HigherIsBetter, func(v *stepValues) *float64 { return percent(v.step.Requests.SuccessRate) }},
	{"efficiency.joules_per_request", "J", LowerIsBetter, efficiency(func(e *result.Efficiency) *float64 { return e.JoulesPerRequest })},
	{"gpu.utilization.mean", "%", Neutral, gpuStat(func(g *result.GPUStats) *float64 { return g.Utilization.Mean })},
	{"gpu.temperature.max", "°C", LowerIsBetter, gpuStat(func(g *result.GPUStats) *float64 { return g.Temperature.Max })},
	{"gpu.power_w.mean", "W", LowerIsBetter, gpuStat(func(g *result.GPUStats) *float64 { return g.PowerW.Mean })},
	{"gpu.memory_used_mib.max", "MiB", LowerIsBetter, gpuStat(func(g *result.GPUStats) *float64 { return g.MemoryUsedMiB.Max })},
	{"triton.queue_ms", "ms", LowerIsBetter, triton(func(t *result.Triton) *float64 { return t.QueueMs })},
	{"triton.infer_ms", "ms", LowerIsBetter, triton(func(t *result.Triton) *float64 { return t.InferMs })},
	{"triton.batch_size", "", HigherIsBetter, triton(func(t *result.Triton) *float64 { return t.BatchSize })},
}

// MetricByName returns the metric of that name (of Metrics, StreamMetrics
// or VLLMMetrics).
func MetricByName(name string) (Metric, bool) {
	for _, m := range append(append(Metrics[:len(Metrics):len(Metrics)], StreamMetrics...), VLLMMetrics...) {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

// within reads a metric with f from the part of a step that part returns:
// nil when the step has no such part (part returns nil) or f's field is
// unknown.
func within[T any](part func(*result.Step) *T, f func(*T) *float64) func(*stepValues) *float64 {
	return func(v *stepValues) *float64 {
		if p := part(v.step); p != nil {
			return f(p)
		}
		return nil
	}
}

func gpuStat(f func(*result.GPUStats) *float64) func(*stepValues) *float64 {
	return within(func(s *result.Step) *result.GPUStats { return s.GPU }, f)
}

func triton(f func(*result.Triton) *float64) func(*stepValues) *float64 {
	return within(func(s *result.Step) *result.Triton { return s.Triton }, f)
}

// percent shows a 0-1 rate as a percentage, as people read it.
func percent(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := *p * 100
	return &v
}

// Judge marks a change from base to cur: "improved", "regressed" or
// "changed" (neutral metrics) when the relative change exceeds threshold
// (0.05 = 5%), else "unchanged". A change from zero counts as beyond any
// threshold. Either value unknown gives "" (not comparable).
func (d Direction) Judge(base, cur *float64, threshold float64) string {
	if base == nil || cur == nil {
		return ""
	}
	delta := *cur - *base
	if delta == 0 {
		return MarkUnchanged
	}
	if *base != 0 && abs(delta / *base) <= threshold {
		return MarkUnchanged
	}
	switch {
	case d == Neutral:
		return MarkChanged
	case (d == LowerIsBetter) == (delta < 0):
		return MarkImproved
	default:
		return MarkRegressed
	}
}

// Marks of a metric change.
const (
	MarkImproved  = "improved"
	MarkRegressed = "regressed"
	MarkChanged   = "changed"
	MarkUnchanged = "unchanged"
)

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
