package dsl

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// valueRoots are the roots that hold the scenario's own values, not
// measurements: a condition that reads only these is a constant.
var valueRoots = map[string]bool{"var": true, "local": true}

// CheckConditionReferences checks every name expr reads against the
// condition namespaces of docs/conditions.md specialised to s (its samplers, their
// kinds and series, its targets' extracts, its variables and locals), so that
// a typo fails at load with a file:line diagnostic instead of making a
// condition error, or worse pass, at run time. It also rejects a condition
// that reads no measurement at all. Iterators of dynamic blocks are already
// hidden from expr.Variables() by dynblock.
func CheckConditionReferences(s *Scenario, expr hcl.Expression) hcl.Diagnostics {
	if s == nil || expr == nil {
		return nil
	}
	diags, measured := checkReferences(conditionRoots(s), expr)
	diags = append(diags, checkStreamRefs(s, expr)...)
	if !measured && !diags.HasErrors() {
		r := expr.Range()
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Condition reads no measurement",
			Detail: "This condition does not read latency, requests, status_codes, extract, stream, gpu, gpus, triton, vllm, efficiency, sampler, step or search, " +
				"so it has the same value in every step; compare a measurement, e.g. latency.p95 < 500.",
			Subject: &r,
		})
	}
	return diags
}

// checkReferences checks each traversal of expr; measured says whether any
// of them reads a measurement namespace.
func checkReferences(roots map[string]cty.Type, expr hcl.Expression) (diags hcl.Diagnostics, measured bool) {
	for _, t := range expr.Variables() {
		if len(t) == 0 {
			continue
		}
		name := t.RootName()
		root, ok := roots[name]
		if !ok {
			r := t[0].SourceRange()
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown name in condition",
				Detail: fmt.Sprintf("A condition can read %s; %q is none of them.%s",
					strings.Join(slices.Sorted(maps.Keys(roots)), ", "), name, suggestSuffix(name, slices.Sorted(maps.Keys(roots)))),
				Subject: &r,
			})
			continue
		}
		if !valueRoots[name] {
			measured = true
		}
		if d := checkTraversal(root, t); d != nil {
			diags = append(diags, d)
		}
	}
	return diags, measured
}

// checkTraversal walks t's steps down the types from root and reports the
// first step that does not fit, on that step's own range.
func checkTraversal(ty cty.Type, t hcl.Traversal) *hcl.Diagnostic {
	path := t.RootName()
	for _, step := range t[1:] {
		if ty == cty.DynamicPseudoType {
			return nil
		}
		name, isName := "", false
		switch st := step.(type) {
		case hcl.TraverseAttr:
			name, isName = st.Name, true
		case hcl.TraverseIndex:
			if st.Key.IsKnown() && !st.Key.IsNull() && st.Key.Type() == cty.String && ty.IsObjectType() {
				name, isName = st.Key.AsString(), true
			}
		}
		switch {
		case ty.IsMapType() || (ty.IsListType() && !isName):
			ty = ty.ElementType()
		case ty.IsListType():
			return stepDiag(step, "Attribute of a list", fmt.Sprintf("%s is a list, one element per GPU; index it, e.g. %s[0].%s.", path, path, name))
		case ty.IsObjectType() && isName:
			if !ty.HasAttribute(name) {
				return stepDiag(step, "Unknown field in condition", unknownFieldDetail(path, name, ty))
			}
			ty = ty.AttributeType(name)
		case ty.IsObjectType():
			return nil // a computed index: left to evaluation
		default:
			return stepDiag(step, "Field of a plain value", fmt.Sprintf("%s is a %s and has no fields; remove what follows it.", path, ty.FriendlyName()))
		}
		if isName {
			path += "." + name
		} else {
			path += "[…]"
		}
	}
	return nil
}

func unknownFieldDetail(path, name string, ty cty.Type) string {
	fields := slices.Sorted(maps.Keys(ty.AttributeTypes()))
	if len(fields) == 0 {
		if path == blockSearch {
			return fmt.Sprintf("No search is named %q: the scenario declares no search block.", name)
		}
		if path == "extract" {
			return fmt.Sprintf("No target declares extract %q; add extract %q { json = \"…\" } to a target.", name, name)
		}
		return fmt.Sprintf("%s has no field %s: nothing is declared there.", path, name)
	}
	if path == blockSearch {
		return fmt.Sprintf("No search is named %q; the searches are %s.%s", name, orList(fields), suggestSuffix(name, fields))
	}
	if path == "sampler" {
		return fmt.Sprintf("No sampler is named %q; the samplers are %s.%s", name, orList(fields), suggestSuffix(name, fields))
	}
	if s := suggestions(name, fields); len(s) > 0 {
		return fmt.Sprintf("%s has no field %s; did you mean %s?", path, name, plainOrList(s))
	}
	return fmt.Sprintf("%s has no field %s; its fields are %s.", path, name, strings.Join(fields, ", "))
}

// plainOrList joins names as "a, b or c".
func plainOrList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func stepDiag(step hcl.Traverser, summary, detail string) *hcl.Diagnostic {
	r := step.SourceRange()
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &r}
}

// typeCheckAssert evaluates a's condition and message over unknown values of
// the namespaces' types: what is left to fail is what would fail in every
// step (a function given the wrong type, a condition that is not a bool).
func typeCheckAssert(s *Scenario, a *Assert) hcl.Diagnostics {
	if a.EvalCtx == nil || a.Condition == nil {
		return nil
	}
	ctx := a.EvalCtx.NewChild()
	ctx.Variables = map[string]cty.Value{}
	for name, ty := range ConditionTypes(s) {
		ctx.Variables[name] = cty.UnknownVal(ty)
	}
	ctx.Variables[blockSearch] = cty.UnknownVal(searchType(s))
	v, diags := a.Condition.Value(ctx)
	defer stripValues(diags)
	if !diags.HasErrors() {
		if _, err := convert.Convert(v, cty.Bool); err != nil || (v.IsKnown() && v.IsNull()) {
			r := a.Condition.Range()
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Condition is not a boolean",
				Detail:   fmt.Sprintf("A condition must be true or false, e.g. latency.p95 < 500; this one is a %s.", v.Type().FriendlyName()),
				Subject:  &r,
			})
		}
	}
	if a.ErrorMessage != nil {
		m, d := a.ErrorMessage.Value(ctx)
		stripValues(d)
		diags = append(diags, d...)
		if _, err := convert.Convert(m, cty.String); err != nil && !d.HasErrors() {
			r := a.ErrorMessage.Range()
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Invalid error_message",
				Detail: "error_message must be a string: " + err.Error() + ".", Subject: &r,
			})
		}
	}
	return diags
}

// stripValues drops the expression and context hcl attaches to evaluation
// diagnostics: at load time every value is unknown, and "latency.p95 as
// unknown" would suggest a measurement was missing.
func stripValues(diags hcl.Diagnostics) {
	for _, d := range diags {
		d.Expression, d.EvalContext = nil, nil
	}
}
