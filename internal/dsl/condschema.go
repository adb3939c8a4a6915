package dsl

import (
	"sort"

	"github.com/zclconf/go-cty/cty"
)

// node is one level of the names a condition may read (DESIGN §1, "What a
// condition sees"): an object with fixed fields, a list or map of elem, a
// leaf value, or anything (var and local values, checked by evaluation).
type node struct {
	fields map[string]*node
	elem   *node
	isMap  bool // elem is keyed by string (a map), else indexed (a list)
	leaf   cty.Type
	any    bool
}

func leafNode(ty cty.Type) *node { return &node{leaf: ty} }

// numbers is an object of number fields.
func numbers(names ...string) *node {
	n := &node{fields: map[string]*node{}}
	for _, name := range names {
		n.fields[name] = leafNode(cty.Number)
	}
	return n
}

var (
	latencyNode  = numbers("min", "mean", "stddev", "p50", "p90", "p95", "p99", "p999", "max")
	requestsNode = numbers("total", "ok", "failed", "dropped", "timeouts", "rps", "success_rate", "error_rate")
	statusNode   = &node{elem: leafNode(cty.Number), isMap: true}
	extractNode  = numbers("count", "min", "mean", "p50", "p90", "p95", "p99", "max", "last")
	seriesNode   = numbers("min", "mean", "max", "last", "p95", "delta", "rate")
	gpuStatNode  = numbers("min", "mean", "max", "last", "p95")
	stepNode     = &node{fields: map[string]*node{
		"name": leafNode(cty.String), "users": leafNode(cty.Number),
		"rate": leafNode(cty.Number), "duration_s": leafNode(cty.Number),
	}}
	gpuMetrics = []string{"utilization", "memory_utilization", "memory_used_mib", "memory_total_mib", "temperature", "power_w"}
	gpuNode    = gpuObject(false)
	gpusNode   = &node{elem: gpuObject(true)}
	tritonNode = tritonObject()
)

// gpuObject is the `gpu` namespace; one element of `gpus` adds index, name
// and uuid.
func gpuObject(entry bool) *node {
	n := &node{fields: map[string]*node{}}
	for _, m := range gpuMetrics {
		n.fields[m] = gpuStatNode
	}
	if entry {
		n.fields["index"] = leafNode(cty.Number)
		n.fields["name"] = leafNode(cty.String)
		n.fields["uuid"] = leafNode(cty.String)
	}
	return n
}

func tritonObject() *node {
	n := numbers("requests", "failures", "rps", "queue_ms", "infer_ms", "input_ms",
		"output_ms", "request_ms", "batch_size")
	n.fields["pending"] = numbers("max", "mean")
	return n
}

// conditionRoots returns the namespaces a condition of s may read, keyed by
// root name: the fixed ones of DESIGN §1 specialised to s (its extracts,
// samplers and their series), plus var and local, whose names are checked
// against the declared ones.
func conditionRoots(s *Scenario) map[string]*node {
	extract := &node{fields: map[string]*node{}}
	for _, t := range s.Targets {
		for _, ex := range t.Extracts {
			extract.fields[ex.Name] = extractNode
		}
	}
	samplers := &node{fields: map[string]*node{}}
	for _, sm := range s.Samplers {
		samplers.fields[sm.Name] = samplerNode(sm)
	}
	return map[string]*node{
		"var": valueNames(s, "var"), "local": valueNames(s, "local"),
		"latency": latencyNode, "requests": requestsNode, "status_codes": statusNode,
		"extract": extract, "gpu": gpuNode, "gpus": gpusNode, "triton": tritonNode,
		"sampler": samplers, "step": stepNode,
	}
}

// samplerNode is sampler.NAME: the namespaces its kind provides.
func samplerNode(sm *Sampler) *node {
	switch sm.Kind {
	case SamplerNVML, SamplerDCGM:
		return &node{fields: map[string]*node{"gpu": gpuNode, "gpus": gpusNode}}
	case SamplerTriton:
		return &node{fields: map[string]*node{"triton": tritonNode, "gpu": gpuNode, "gpus": gpusNode}}
	case SamplerPrometheus:
		n := &node{fields: map[string]*node{}}
		for _, se := range sm.Series {
			n.fields[se.Name] = seriesNode
		}
		return n
	}
	return &node{any: true}
}

// valueNames is var or local: the declared names, each holding anything.
func valueNames(s *Scenario, root string) *node {
	n := &node{fields: map[string]*node{}}
	if s.EvalCtx == nil {
		return n
	}
	v, ok := s.EvalCtx.Variables[root]
	if !ok || v.IsNull() || !v.Type().IsObjectType() {
		return n
	}
	for name := range v.Type().AttributeTypes() {
		n.fields[name] = &node{any: true}
	}
	return n
}

// typ is the cty type of values of n, for type-checking a condition over
// unknown values at load time.
func (n *node) typ() cty.Type {
	switch {
	case n.any:
		return cty.DynamicPseudoType
	case n.fields != nil:
		attrs := map[string]cty.Type{}
		for k, f := range n.fields {
			attrs[k] = f.typ()
		}
		return cty.Object(attrs)
	case n.elem != nil && n.isMap:
		return cty.Map(n.elem.typ())
	case n.elem != nil:
		return cty.List(n.elem.typ())
	}
	return n.leaf
}

func (n *node) fieldNames() []string {
	out := make([]string, 0, len(n.fields))
	for k := range n.fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
