package dsl

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// dynIteration is one expansion of a `dynamic "step"` block: the iterator's
// name and the child context dynblock evaluates that step's content in.
type dynIteration struct {
	iterator string
	explicit bool // the block set `iterator`
	ctx      *hcl.EvalContext
}

// dynamicSteps recomputes, for every top-level `dynamic "step"` block, the
// iterations dynblock will expand it into, keyed by the block's DefRange
// (which dynblock gives every block it generates). dynblock keeps its
// iteration private: its expressions carry the iterator themselves, but
// Assert.EvalCtx and the shadowing check need it in the open. The for_each
// is walked in the same element order dynblock uses, so the n-th generated
// step of a block is its n-th iteration. Errors are left to dynblock.
func dynamicSteps(raw hcl.Blocks, ctx *hcl.EvalContext) map[hcl.Range][]dynIteration {
	out := map[hcl.Range][]dynIteration{}
	for _, b := range raw {
		if b.Type != blockDynamic || len(b.Labels) == 0 || b.Labels[0] != blockStep {
			continue
		}
		content, _, diags := b.Body.PartialContent(&hcl.BodySchema{
			Attributes: []hcl.AttributeSchema{{Name: "for_each"}, {Name: "iterator"}},
		})
		if diags.HasErrors() || content == nil || content.Attributes["for_each"] == nil {
			continue
		}
		name, explicit := blockStep, false
		if at := content.Attributes["iterator"]; at != nil {
			t, d := hcl.AbsTraversalForExpr(at.Expr)
			if d.HasErrors() || len(t) != 1 {
				continue
			}
			name, explicit = t.RootName(), true
		}
		forEach, d := content.Attributes["for_each"].Expr.Value(ctx)
		forEach, _ = forEach.Unmark()
		if d.HasErrors() || !forEach.IsWhollyKnown() || forEach.IsNull() || !forEach.CanIterateElements() {
			continue
		}
		var its []dynIteration
		for it := forEach.ElementIterator(); it.Next(); {
			k, v := it.Element()
			child := ctx.NewChild()
			child.Variables = map[string]cty.Value{
				name: cty.ObjectVal(map[string]cty.Value{"key": k, "value": v}),
			}
			its = append(its, dynIteration{iterator: name, explicit: explicit, ctx: child})
		}
		out[b.DefRange] = its
	}
	return out
}

// shadowedStepRefs reports the reads of the `step` condition namespace in an
// assert of dynamic "step" content whose iterator is `step`: there the
// iterator hides the namespace, so `step.name` would be the iteration object.
func shadowedStepRefs(expr hcl.Expression, it *dynIteration) hcl.Diagnostics {
	if it == nil || it.iterator != blockStep || expr == nil {
		return nil
	}
	var diags hcl.Diagnostics
	for _, t := range hcl.UnwrapExpression(expr).Variables() {
		if t.RootName() != blockStep {
			continue
		}
		r := t.SourceRange()
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Iterator hides the step namespace",
			Detail: fmt.Sprintf("Inside dynamic \"step\" content the iterator is named %q, which hides the step.* condition namespace. "+
				"Name the iterator, e.g. iterator = level, and read it as level.value.", blockStep),
			Subject: &r,
		})
	}
	return diags
}
