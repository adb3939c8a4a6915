package dsl

import "github.com/zclconf/go-cty/cty"

// The names a condition may read (docs/conditions.md) are
// held as the cty types of their values: an object's attributes are its
// fields, a list or map holds its elements, and cty.DynamicPseudoType stands
// for anything (var and local values, checked by evaluation). assert.Values
// builds values of exactly these types; a test there checks it.

// numbers is an object attribute set of number fields.
func numbers(names ...string) map[string]cty.Type {
	m := make(map[string]cty.Type, len(names))
	for _, name := range names {
		m[name] = cty.Number
	}
	return m
}

var (
	latencyType  = cty.Object(numbers("min", "mean", "stddev", "p50", "p90", "p95", "p99", "p999", "max"))
	requestsType = cty.Object(numbers("total", "ok", "failed", "dropped", "timeouts", "rps", "success_rate", "error_rate",
		"goodput", "slo_attainment"))
	statusType  = cty.Map(cty.Number)
	extractType = cty.Object(numbers("count", "min", "mean", "p50", "p90", "p95", "p99", "max", "last"))
	seriesType  = cty.Object(numbers("min", "mean", "max", "last", "p95", "delta", "rate"))
	gpuStatType = cty.Object(numbers("min", "mean", "max", "last", "p95"))
	stepType    = cty.Object(map[string]cty.Type{
		"name": cty.String, "users": cty.Number, "rate": cty.Number, "duration_s": cty.Number,
	})
	efficiencyType = cty.Object(numbers("joules_per_request", "requests_per_joule", "watts_per_rps",
		"joules_per_token", "tokens_per_joule"))
	gpuMetrics = []string{"utilization", "memory_utilization", "memory_used_mib", "memory_total_mib", "temperature", "power_w"}
	gpuType    = gpuObject(false)
	gpusType   = cty.List(gpuObject(true))
	tritonType = tritonObject()
	streamType = streamObject()
	vllmType   = vllmObject()
)

// vllmObject is the `vllm` namespace of vllm samplers.
func vllmObject() cty.Type {
	m := numbers("preemptions", "prompt_tokens", "generation_tokens", "ttft_ms", "tpot_ms", "e2e_ms",
		"queue_ms", "prefix_cache_hit_rate")
	for _, g := range []string{"running", "waiting", "kv_cache_usage"} {
		m[g] = cty.Object(numbers("max", "mean"))
	}
	return cty.Object(m)
}

// streamDists are the `stream` fields that summarise a distribution.
var streamDists = []string{"ttft", "tpot", "itl", "chunk_gap", "output_tokens", "input_tokens"}

// streamObject is the `stream` namespace of a streaming target.
func streamObject() cty.Type {
	dist := cty.Object(numbers("min", "mean", "p50", "p90", "p95", "p99", "max"))
	m := map[string]cty.Type{"tokens_per_s": cty.Number, "token_source": cty.String}
	for _, name := range streamDists {
		m[name] = dist
	}
	return cty.Object(m)
}

// gpuObject is the `gpu` namespace; one element of `gpus` adds index, name
// and uuid.
func gpuObject(entry bool) cty.Type {
	m := map[string]cty.Type{}
	for _, name := range gpuMetrics {
		m[name] = gpuStatType
	}
	m["energy_j"] = cty.Number
	if entry {
		m["index"], m["name"], m["uuid"] = cty.Number, cty.String, cty.String
	}
	return cty.Object(m)
}

func tritonObject() cty.Type {
	m := numbers("requests", "failures", "rps", "queue_ms", "infer_ms", "input_ms",
		"output_ms", "request_ms", "batch_size")
	m["pending"] = cty.Object(numbers("max", "mean"))
	return cty.Object(m)
}

// ConditionTypes returns the types of the measurement namespaces a condition
// of s may read, keyed by root name: the fixed ones of docs/conditions.md specialised
// to s (its extracts, samplers and their series).
func ConditionTypes(s *Scenario) map[string]cty.Type {
	extract := map[string]cty.Type{}
	for _, t := range s.Targets {
		for _, ex := range t.Extracts {
			extract[ex.Name] = extractType
		}
	}
	samplers := map[string]cty.Type{}
	for _, sm := range s.Samplers {
		samplers[sm.Name] = samplerType(sm)
	}
	return map[string]cty.Type{
		"latency": latencyType, "requests": requestsType, "status_codes": statusType,
		"extract": cty.Object(extract), "gpu": gpuType, "gpus": gpusType, "triton": tritonType,
		"sampler": cty.Object(samplers), "step": stepType, "efficiency": efficiencyType,
		"stream": streamType, "vllm": vllmType,
	}
}

// conditionRoots is ConditionTypes plus var and local, whose names are
// checked against the declared ones.
func conditionRoots(s *Scenario) map[string]cty.Type {
	roots := ConditionTypes(s)
	roots[blockSearch] = searchType(s)
	for root := range valueRoots {
		roots[root] = valueNames(s, root)
	}
	return roots
}

// samplerType is sampler.NAME: the namespaces its kind provides.
func samplerType(sm *Sampler) cty.Type {
	switch sm.Kind {
	case SamplerNVML, SamplerDCGM:
		return cty.Object(map[string]cty.Type{"gpu": gpuType, "gpus": gpusType})
	case SamplerTriton:
		return cty.Object(map[string]cty.Type{"triton": tritonType, "gpu": gpuType, "gpus": gpusType})
	case SamplerVLLM:
		return cty.Object(map[string]cty.Type{"vllm": vllmType})
	case SamplerPrometheus:
		m := map[string]cty.Type{}
		for _, se := range sm.Series {
			m[se.Name] = seriesType
		}
		return cty.Object(m)
	}
	return cty.DynamicPseudoType
}

// valueNames is var or local: the declared names, each holding anything.
func valueNames(s *Scenario, root string) cty.Type {
	m := map[string]cty.Type{}
	if s.EvalCtx != nil {
		if v, ok := s.EvalCtx.Variables[root]; ok && !v.IsNull() && v.Type().IsObjectType() {
			for name := range v.Type().AttributeTypes() {
				m[name] = cty.DynamicPseudoType
			}
		}
	}
	return cty.Object(m)
}
