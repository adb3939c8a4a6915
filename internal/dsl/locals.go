package dsl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// decodeLocals evaluates every `locals` block into the `local` object. Locals
// may reference each other in any order: each pass evaluates the locals whose
// local.* references are all resolved, until none is left or a pass makes no
// progress, which means a cycle (or a reference to an undeclared local).
func decodeLocals(blocks hcl.Blocks, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	all := map[string]*hcl.Attribute{}
	seen := newDefinitions("local value")
	for _, b := range blocks {
		attrs, d := b.Body.JustAttributes()
		diags = append(diags, d...)
		for _, name := range sortedAttrNames(attrs) {
			at := attrs[name]
			if !seen.claim(name, at.NameRange, &diags) {
				continue
			}
			all[name] = at
		}
	}
	done := map[string]cty.Value{}
	for len(done) < len(all) {
		progress := false
		for _, name := range sortedAttrNames(all) {
			if _, ok := done[name]; ok || !localsReady(all[name], done) {
				continue
			}
			child := ctx.NewChild()
			child.Variables = map[string]cty.Value{"local": cty.ObjectVal(copyVals(done))}
			v, d := all[name].Expr.Value(child)
			diags = append(diags, d...)
			if d.HasErrors() {
				v = cty.DynamicVal
			}
			done[name] = v
			progress = true
		}
		if !progress {
			d, stuck := unresolvedLocals(all, done)
			diags = append(diags, d...)
			if stuck {
				break
			}
		}
	}
	for name := range all {
		if _, ok := done[name]; !ok {
			done[name] = cty.DynamicVal
		}
	}
	return cty.ObjectVal(done), diags
}

// localsReady reports whether every local.* the attribute reads is resolved.
func localsReady(at *hcl.Attribute, done map[string]cty.Value) bool {
	for _, name := range localRefs(at) {
		if _, ok := done[name]; !ok {
			return false
		}
	}
	return true
}

// localRefs lists the local names an attribute reads.
func localRefs(at *hcl.Attribute) []string {
	var out []string
	for _, t := range at.Expr.Variables() {
		if t.RootName() != "local" || len(t) < 2 {
			continue
		}
		if step, ok := t[1].(hcl.TraverseAttr); ok {
			out = append(out, step.Name)
		}
	}
	return out
}

// unresolvedLocals explains why the remaining locals could not be evaluated.
// Locals reading an undeclared local are reported and marked unknown, so that
// their dependents can go on; stuck is true when only a cycle is left.
func unresolvedLocals(all map[string]*hcl.Attribute, done map[string]cty.Value) (diags hcl.Diagnostics, stuck bool) {
	var cycle []string
	for _, name := range sortedAttrNames(all) {
		if _, ok := done[name]; ok {
			continue
		}
		undeclared := ""
		for _, ref := range localRefs(all[name]) {
			if all[ref] == nil {
				undeclared = ref
			}
		}
		r := all[name].Expr.Range()
		if undeclared != "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Reference to undeclared local value",
				Detail:   fmt.Sprintf("local.%s reads local.%s, which no locals block declares.", name, undeclared),
				Subject:  &r,
			})
			done[name] = cty.DynamicVal
			continue
		}
		cycle = append(cycle, name)
	}
	if len(diags) > 0 {
		return diags, false
	}
	sort.Strings(cycle)
	for _, name := range cycle {
		r := all[name].NameRange
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cycle in local values",
			Detail:   fmt.Sprintf("local.%s depends on itself through %s; break the cycle.", name, strings.Join(cycle, ", ")),
			Subject:  &r,
		})
	}
	return diags, true
}

func copyVals(m map[string]cty.Value) map[string]cty.Value {
	out := make(map[string]cty.Value, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
