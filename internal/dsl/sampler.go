package dsl

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
)

var samplerSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "interval"}, {Name: "timeout"}, {Name: "optional"}, {Name: "url"},
		{Name: "model"}, {Name: "version"}, {Name: "devices"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "series", LabelNames: []string{"name"}}},
}

// samplerAttrKinds says which kinds take each kind-specific attribute; the
// schema accepts them all so that a misplaced one gets a message naming the
// kinds it belongs to rather than a bare "unsupported argument".
var samplerAttrKinds = map[string][]SamplerKind{
	"url":     {SamplerTriton, SamplerDCGM, SamplerPrometheus, SamplerVLLM},
	"model":   {SamplerTriton, SamplerVLLM},
	"version": {SamplerTriton},
	"devices": {SamplerNVML},
}

// decodeSamplerBlock reads a `sampler "kind" "name"` block.
func decodeSamplerBlock(block *hcl.Block, ctx *hcl.EvalContext) (*Sampler, hcl.Diagnostics) {
	sm := &Sampler{Kind: SamplerKind(block.Labels[0]), Name: block.Labels[1], Interval: time.Second, DeclRange: block.DefRange}
	content, diags := bodyContent(block.Body, samplerSchema)
	if !validSamplerKind(sm.Kind) {
		r := block.LabelRanges[0]
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown sampler kind",
			Detail: fmt.Sprintf("%q is not a sampler kind; use nvml, triton, dcgm, prometheus or vllm.%s",
				sm.Kind, suggestSuffix(string(sm.Kind), kindNames())),
			Subject: &r,
		})
	}
	a := newAttrs(content.Attributes, ctx)
	sm.Interval = a.positiveDurationOr("interval", time.Second)
	sm.Timeout = a.positiveDurationOr("timeout", sm.Interval)
	sm.Optional, _ = a.boolean("optional")
	sm.URL, _ = a.str("url")
	if a.has("url") && sm.URL != "" {
		checkURL(a, "url", sm.URL)
	}
	sm.Model, _ = a.str("model")
	sm.Version, _ = a.str("version")
	sm.Devices, _ = a.ints("devices")
	if validSamplerKind(sm.Kind) {
		checkSamplerAttrs(a, sm.Kind, block.DefRange)
	}
	series := newDefinitions("series")
	for _, b := range content.Blocks {
		if sm.Kind != SamplerPrometheus {
			r := b.DefRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Series outside a prometheus sampler",
				Detail:   fmt.Sprintf("series blocks belong in a prometheus sampler; the %s kind reads its own fixed metrics.", sm.Kind),
				Subject:  &r,
			})
			continue
		}
		s, d := decodeSeriesBlock(b, ctx)
		diags = append(diags, d...)
		if series.claim(s.Name, labelRange(b), &diags) {
			sm.Series = append(sm.Series, s)
		}
	}
	return sm, append(diags, a.diags...)
}

// checkSamplerAttrs enforces which attributes each kind takes and needs.
func checkSamplerAttrs(a *attrs, kind SamplerKind, blockRange hcl.Range) {
	for _, name := range []string{"url", "model", "version", "devices"} {
		if a.has(name) && !kindIn(kind, samplerAttrKinds[name]) {
			a.errorf(name, "Argument not allowed for this sampler kind",
				"%s applies to %s samplers only, not %s; remove it.", name, kindList(samplerAttrKinds[name]), kind)
		}
	}
	if kind != SamplerNVML {
		a.required("url", string(kind)+" sampler", blockRange)
	}
}

var seriesSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "name"}, {Name: "labels"}, {Name: "kind"}},
}

// decodeSeriesBlock reads `series "name" {name, labels, kind}`; the metric
// name defaults to the block's label.
func decodeSeriesBlock(b *hcl.Block, ctx *hcl.EvalContext) (*Series, hcl.Diagnostics) {
	s := &Series{Name: b.Labels[0], Metric: b.Labels[0], Kind: SeriesGauge, DeclRange: b.DefRange}
	content, diags := bodyContent(b.Body, seriesSchema)
	a := newAttrs(content.Attributes, ctx)
	if m, ok := a.str("name"); ok {
		s.Metric = m
	}
	s.Labels, _ = a.strMap("labels")
	if k, ok := a.oneOf("kind", "Invalid series kind", `"gauge" or "counter"`, string(SeriesGauge), string(SeriesCounter)); ok {
		s.Kind = SeriesKind(k)
	}
	return s, append(diags, a.diags...)
}

func validSamplerKind(k SamplerKind) bool { return kindIn(k, SamplerKinds) }

func kindIn(k SamplerKind, kinds []SamplerKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

func kindNames() []string {
	out := make([]string, len(SamplerKinds))
	for i, k := range SamplerKinds {
		out[i] = string(k)
	}
	return out
}

func kindList(kinds []SamplerKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return plainOrList(names)
}
