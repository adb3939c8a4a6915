package assert

import (
	"math"
	"strconv"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// Namespace names (docs/conditions.md), the root variables a condition can read.
// Values builds each as a value of the type dsl.ConditionTypes gives it.
const (
	NSLatency     = "latency"
	NSRequests    = "requests"
	NSStatusCodes = "status_codes"
	NSExtract     = "extract"
	NSGPU         = "gpu"
	NSGPUs        = "gpus"
	NSTriton      = "triton"
	NSSampler     = "sampler"
	NSStep        = "step"
	NSEfficiency  = "efficiency"
	NSStream      = "stream"
	NSVLLM        = "vllm"
)

// Values builds the condition namespaces (docs/conditions.md) for one step window as
// cty values. Every value with no samples behind it (a nil pointer, an absent
// sampler) is unknown rather than zero, so whatever reads it becomes an error
// instead of a silent pass. plannedDuration is the step's planned measured
// window and gives step.duration_s; when zero the recorded window is used.
func Values(step result.Step, plannedDuration time.Duration) map[string]cty.Value {
	return map[string]cty.Value{
		NSLatency:     latencyVal(step.Latency),
		NSRequests:    requestsVal(step.Requests),
		NSStatusCodes: statusCodesVal(step.StatusCodes),
		NSExtract:     objectOf(step.Extract, extractVal),
		NSGPU:         gpuStatsVal(step.GPU),
		NSGPUs:        gpusVal(step.GPUs, step.GPU != nil),
		NSTriton:      tritonVal(step.Triton),
		NSSampler:     objectOf(step.Samplers, samplerVal),
		NSStep:        stepVal(step, plannedDuration),
		NSEfficiency:  efficiencyVal(step.Efficiency),
		NSStream:      streamVal(step.Stream),
		NSVLLM:        vllmVal(step.VLLM),
	}
}

// num turns a possibly-unknown number into a cty number.
func num(p *float64) cty.Value {
	if p == nil {
		return cty.UnknownVal(cty.Number)
	}
	return numF(*p)
}

// numF makes a value that is not a finite number unknown: cty cannot hold
// NaN (big.Float panics on it), and ±Inf (a gauge of +Inf, an overflowed
// sum) is no measurement either; the results file writes both as null.
func numF(f float64) cty.Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return cty.UnknownVal(cty.Number)
	}
	return cty.NumberFloatVal(f)
}

func latencyVal(l result.Latency) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"min": num(l.Min), "mean": num(l.Mean), "stddev": num(l.Stddev),
		"p50": num(l.P50), "p90": num(l.P90), "p95": num(l.P95),
		"p99": num(l.P99), "p999": num(l.P999), "max": num(l.Max),
	})
}

func requestsVal(r result.Requests) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"total":          cty.NumberIntVal(r.Total),
		"ok":             cty.NumberIntVal(r.OK),
		"failed":         cty.NumberIntVal(r.Failed),
		"dropped":        cty.NumberIntVal(r.Dropped),
		"timeouts":       cty.NumberIntVal(r.Timeouts),
		"rps":            numF(r.RPS),
		"success_rate":   num(r.SuccessRate),
		"error_rate":     num(r.ErrorRate),
		"goodput":        num(r.Goodput),
		"slo_attainment": num(r.SLOAttainment),
	})
}

// statusCodesVal holds every HTTP status 100-599 (0 when never seen) plus any
// other key the runner recorded, so that `status_codes["503"] == 0` is a
// known true in a step without 503s instead of a missing-key error.
func statusCodesVal(codes map[string]int64) cty.Value {
	m := make(map[string]cty.Value, 500+len(codes))
	for c := 100; c < 600; c++ {
		m[strconv.Itoa(c)] = cty.Zero
	}
	for k, n := range codes {
		m[k] = cty.NumberIntVal(n)
	}
	return cty.MapVal(m)
}

// objectOf is an object with one attribute per entry of m, valued by val.
func objectOf[T any](m map[string]T, val func(T) cty.Value) cty.Value {
	attrs := make(map[string]cty.Value, len(m))
	for name, e := range m {
		attrs[name] = val(e)
	}
	return cty.ObjectVal(attrs)
}

func extractVal(e result.Extract) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"count": cty.NumberIntVal(e.Count),
		"min":   num(e.Min), "mean": num(e.Mean), "p50": num(e.P50),
		"p90": num(e.P90), "p95": num(e.P95), "p99": num(e.P99),
		"max": num(e.Max), "last": num(e.Last),
	})
}

func statVal(s result.Stat) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"min": num(s.Min), "mean": num(s.Mean), "max": num(s.Max),
		"last": num(s.Last), "p95": num(s.P95),
	})
}

// gpuFields are the `gpu` fields of docs/conditions.md (SMClockMHz is not a condition name).
func gpuFields(g *result.GPUStats) map[string]cty.Value {
	if g == nil {
		g = &result.GPUStats{}
	}
	return map[string]cty.Value{
		"utilization":        statVal(g.Utilization),
		"memory_utilization": statVal(g.MemoryUtilization),
		"memory_used_mib":    statVal(g.MemoryUsedMiB),
		"memory_total_mib":   statVal(g.MemoryTotalMiB),
		"temperature":        statVal(g.Temperature),
		"power_w":            statVal(g.PowerW),
		"energy_j":           num(g.EnergyJ),
	}
}

// gpuStatsVal is the `gpu` object; a nil g gives the same shape with every
// leaf unknown, so `gpu.temperature.max` resolves to an unknown number whose
// name the error message can quote.
func gpuStatsVal(g *result.GPUStats) cty.Value {
	return cty.ObjectVal(gpuFields(g))
}

func gpuVal(g result.GPU) cty.Value {
	m := gpuFields(&g.GPUStats)
	m["index"] = cty.NumberIntVal(int64(g.Index))
	m["name"] = cty.StringVal(g.Name)
	m["uuid"] = cty.StringVal(g.UUID)
	return cty.ObjectVal(m)
}

// gpuType is the type of one `gpus` element.
var gpuType = gpuVal(result.GPU{}).Type()

// gpusVal is the `gpus` list. With no GPU data at all (known=false and no
// entries) the list itself is unknown, so reading any element is an error;
// with data but fewer GPUs than indexed, HCL reports the bad index.
func gpusVal(gs []result.GPU, known bool) cty.Value {
	if len(gs) == 0 {
		if known {
			return cty.ListValEmpty(gpuType)
		}
		return cty.UnknownVal(cty.List(gpuType))
	}
	vs := make([]cty.Value, len(gs))
	for i, g := range gs {
		vs[i] = gpuVal(g)
	}
	return cty.ListVal(vs)
}

// tritonVal is the `triton` object; nil gives every leaf unknown. pending
// holds only the max and mean (docs/conditions.md).
func tritonVal(t *result.Triton) cty.Value {
	if t == nil {
		t = &result.Triton{}
	}
	return cty.ObjectVal(map[string]cty.Value{
		"requests": num(t.Requests), "failures": num(t.Failures), "rps": num(t.RPS),
		"queue_ms": num(t.QueueMs), "infer_ms": num(t.InferMs), "input_ms": num(t.InputMs),
		"output_ms": num(t.OutputMs), "request_ms": num(t.RequestMs),
		"batch_size": num(t.BatchSize), "pending": cty.ObjectVal(map[string]cty.Value{
			"max": num(t.Pending.Max), "mean": num(t.Pending.Mean),
		}),
	})
}

func seriesVal(s result.SeriesStats) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"min": num(s.Min), "mean": num(s.Mean), "max": num(s.Max), "last": num(s.Last),
		"p95": num(s.P95), "delta": num(s.Delta), "rate": num(s.Rate),
	})
}

// samplerVal gives one sampler's namespaces: gpu and gpus for GPU samplers,
// triton (plus its GPU gauges) for triton samplers, and one object per
// declared series for prometheus samplers.
func samplerVal(w result.SamplerWindow) cty.Value {
	m := map[string]cty.Value{}
	kind := dsl.SamplerKind(w.Kind)
	gpuKind := kind == dsl.SamplerNVML || kind == dsl.SamplerDCGM || kind == dsl.SamplerTriton
	if gpuKind || w.GPU != nil || len(w.GPUs) > 0 {
		m[NSGPU] = gpuStatsVal(w.GPU)
		m[NSGPUs] = gpusVal(w.GPUs, w.GPU != nil)
	}
	if kind == dsl.SamplerTriton || w.Triton != nil {
		m[NSTriton] = tritonVal(w.Triton)
	}
	if kind == dsl.SamplerVLLM || w.VLLM != nil {
		m[NSVLLM] = vllmVal(w.VLLM)
	}
	for name, s := range w.Series {
		m[name] = seriesVal(s)
	}
	return cty.ObjectVal(m)
}

func stepVal(s result.Step, planned time.Duration) cty.Value {
	d := planned.Seconds()
	if planned <= 0 {
		d = s.Measured.DurationS
	}
	return cty.ObjectVal(map[string]cty.Value{
		"name":       cty.StringVal(s.Name),
		"users":      cty.NumberIntVal(int64(s.Users)),
		"rate":       numF(s.Rate),
		"duration_s": numF(d),
	})
}
