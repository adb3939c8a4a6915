package dsl

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalContext is the one place the scenario's evaluation context is built,
// in a fixed order: variables (defaults < --var-file < HARNESS_VAR_name <
// --var), then locals, which may read variables and each other, then one
// context {var, local, functions} that every later expression is evaluated
// in, dynamic blocks included. rawBlocks are the unexpanded top-level blocks.
func (l *loader) evalContext(rawBlocks hcl.Blocks) (*hcl.EvalContext, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	seen := newDefinitions("variable")
	var localBlocks hcl.Blocks
	for _, b := range rawBlocks {
		switch b.Type {
		case blockVariable:
			v, d := decodeVariableBlock(b)
			diags = append(diags, d...)
			if !seen.claim(v.Name, labelRange(b), &diags) {
				continue
			}
			l.s.Variables = append(l.s.Variables, v)
		case blockLocals:
			localBlocks = append(localBlocks, b)
		}
	}
	varObj, d := resolveVariables(l.s.Variables, l.opts, l.s.Files)
	diags = append(diags, d...)
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": varObj, "local": cty.EmptyObjectVal},
		Functions: Functions(l.baseDir, l.opts.getenv()),
	}
	localObj, d := decodeLocals(localBlocks, ctx)
	diags = append(diags, d...)
	ctx.Variables["local"] = localObj
	return ctx, diags
}
