package dsl

import (
	"github.com/hashicorp/hcl/v2"
)

var assertSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true}, {Name: "error_message"}, {Name: "steps"},
		{Name: "severity"}, {Name: "abort"}, {Name: "sustain"},
	},
}

// decodeAssert reads an `assert "name"` block, top-level or in a step.
// condition and error_message stay expressions: they are evaluated per step
// window, in ctx plus the condition namespaces. Their names are checked
// later, once every sampler, target and step is known (see loader.check).
// It also returns the range of `steps` when it is set, which a step-nested
// assert must not do.
func decodeAssert(b *hcl.Block, ctx *hcl.EvalContext, files map[string]*hcl.File) (*Assert, *hcl.Range, hcl.Diagnostics) {
	as := &Assert{Name: b.Labels[0], Severity: SeverityFail, EvalCtx: ctx, DeclRange: b.DefRange}
	content, diags := bodyContent(b.Body, assertSchema)
	a := newAttrs(content.Attributes, ctx)
	if at := content.Attributes["condition"]; at != nil {
		as.Condition = at.Expr
		as.ConditionSource = sourceText(files, at.Expr.Range())
	}
	if at := content.Attributes["error_message"]; at != nil {
		as.ErrorMessage = at.Expr
	}
	as.Steps, _ = a.strs("steps")
	if s, ok := a.oneOf("severity", "Invalid severity", `"fail" (a breach fails the run) or "warn" (reported only)`,
		string(SeverityFail), string(SeverityWarn)); ok {
		as.Severity = Severity(s)
	}
	as.Abort, _ = a.boolean("abort")
	as.Sustain, _ = a.duration("sustain")
	if as.Sustain > 0 && !as.Abort {
		a.warnf("sustain", "sustain without abort",
			"sustain only delays a live abort; without abort = true it has no effect.")
	}
	return as, a.rng("steps"), append(diags, a.diags...)
}

// sourceText is the text of r in its file, for reports; "" when unknown.
func sourceText(files map[string]*hcl.File, r hcl.Range) string {
	f := files[r.Filename]
	if f == nil || r.Start.Byte < 0 || r.End.Byte > len(f.Bytes) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(f.Bytes[r.Start.Byte:r.End.Byte])
}
