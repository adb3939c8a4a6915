package dsl

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// envVarPrefix names the environment variables that set scenario variables.
const envVarPrefix = "HARNESS_VAR_"

// resolveVariables applies the value sources over the declared defaults in
// Terraform's order, each later one winning: --var-file (in order), then
// HARNESS_VAR_name, then --var (in order). It returns the `var` object for the
// evaluation context. Parsed var-files are added to files for diagnostics.
func resolveVariables(vars []*Variable, opts LoadOptions, files map[string]*hcl.File) (cty.Value, hcl.Diagnostics) {
	byName := map[string]*Variable{}
	for _, v := range vars {
		if byName[v.Name] == nil {
			byName[v.Name] = v
		}
	}
	var diags hcl.Diagnostics
	for _, path := range opts.VarFiles {
		diags = append(diags, applyVarFile(byName, path, files)...)
	}
	for _, kv := range opts.environ()() {
		name, raw, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envVarPrefix) {
			continue
		}
		// An undeclared HARNESS_VAR_ is ignored, as Terraform ignores TF_VAR_:
		// the environment is shared with other scenarios.
		if v := byName[strings.TrimPrefix(name, envVarPrefix)]; v != nil {
			diags = append(diags, setRaw(v, raw, "env", "environment variable "+name)...)
		}
	}
	for _, kv := range opts.Vars {
		diags = append(diags, applyCLIVar(byName, kv)...)
	}
	obj := map[string]cty.Value{}
	for _, v := range vars {
		if v.Value == cty.NilVal {
			r := v.DeclRange
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No value for required variable",
				Detail: fmt.Sprintf("Variable %q has no default and no value was given. Set it with --var %s=…, --var-file, or HARNESS_VAR_%s.",
					v.Name, v.Name, v.Name),
				Subject: &r,
			})
			obj[v.Name] = cty.UnknownVal(v.Type)
			continue
		}
		obj[v.Name] = v.Value
	}
	return cty.ObjectVal(obj), diags
}

// applyCLIVar applies one --var name=value.
func applyCLIVar(byName map[string]*Variable, kv string) hcl.Diagnostics {
	name, raw, ok := strings.Cut(kv, "=")
	if !ok || name == "" {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid --var option",
			Detail:   fmt.Sprintf("--var %q must have the form name=value.", kv),
		}}
	}
	v := byName[name]
	if v == nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Value for undeclared variable",
			Detail:   fmt.Sprintf("--var sets %q, but the scenario declares no such variable; add a variable %q block or remove the option.%s", name, name, suggestSuffix(name, variableNames(byName))),
		}}
	}
	return setRaw(v, raw, "cli", "--var "+name)
}

// setRaw sets v from a string given outside HCL. As in Terraform, a string
// variable takes it verbatim and any other type parses it as an HCL
// expression, so `--var users=10` is the number 10. A value that does not
// parse, reads a name, or does not convert gets one diagnostic that names
// the variable, its type and the value.
func setRaw(v *Variable, raw, source, what string) hcl.Diagnostics {
	val := cty.StringVal(raw)
	if !v.Type.Equals(cty.String) && !v.Type.Equals(cty.DynamicPseudoType) {
		if d := checkNesting([]byte(raw), what, true); d != nil {
			return invalidValue(v, what, raw, d[0].Detail, nil)
		}
		expr, diags := hclsyntax.ParseExpression([]byte(raw), what, hcl.InitialPos)
		if diags.HasErrors() {
			return invalidValue(v, what, raw, notA(v.Type), nil)
		}
		var valDiags hcl.Diagnostics
		val, valDiags = expr.Value(nil)
		if valDiags.HasErrors() {
			return invalidValue(v, what, raw, notA(v.Type), nil)
		}
	}
	return setValue(v, val, source, what, raw, nil)
}

// setValue converts val to v's type and sets it. raw is the value as the
// user wrote it, for the message.
func setValue(v *Variable, val cty.Value, source, what, raw string, subject *hcl.Range) hcl.Diagnostics {
	cv, err := convert.Convert(val, v.Type)
	if err != nil {
		why := err.Error()
		if v.Type.IsPrimitiveType() {
			why = notA(v.Type)
		}
		return invalidValue(v, what, raw, why, subject)
	}
	v.Value, v.Source = cv, source
	return nil
}

// notA says what a value of a type looks like, for a value that is not one.
func notA(ty cty.Type) string {
	switch {
	case ty.Equals(cty.Number):
		return "it is not a number"
	case ty.Equals(cty.Bool):
		return "it is not true or false"
	}
	return "write it as an HCL value of that type, such as [1, 2] for a list or {a = 1} for an object"
}

// invalidValue reports a value that does not fit v, and marks v unknown so
// that it is not reported a second time as having no value. A sensitive
// variable's value is not repeated.
func invalidValue(v *Variable, what, raw, why string, subject *hcl.Range) hcl.Diagnostics {
	v.Value, v.Source = cty.DynamicVal, ""
	shown := fmt.Sprintf("%q", raw)
	if v.Sensitive {
		shown = "(sensitive value)"
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail:   fmt.Sprintf("%s sets variable %q of type %s to %s: %s.", what, v.Name, v.Type.FriendlyName(), shown, why),
		Subject:  subject,
	}}
}

// applyVarFile reads a --var-file: an HCL file of name = value attributes.
func applyVarFile(byName map[string]*Variable, path string, files map[string]*hcl.File) hcl.Diagnostics {
	src, err := readInput(path, "--var-file", MaxScenarioSize)
	if err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("--var-file %s: %v.", path, err),
		}}
	}
	return applyVarFileBytes(byName, path, src, files)
}

// applyVarFileBytes applies the name = value attributes of a var-file's
// contents src; path names it in diagnostics.
func applyVarFileBytes(byName map[string]*Variable, path string, src []byte, files map[string]*hcl.File) hcl.Diagnostics {
	if diags := checkSource(path, src); diags != nil {
		return diags
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if f != nil {
		files[path] = f
	}
	if diags.HasErrors() || f == nil {
		return diags
	}
	attrs, attrDiags := f.Body.JustAttributes()
	diags = append(diags, attrDiags...)
	for _, name := range sortedAttrNames(attrs) {
		at := attrs[name]
		r := at.NameRange
		v := byName[name]
		if v == nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("The scenario declares no variable %q; this value is ignored.%s", name, suggestSuffix(name, variableNames(byName))),
				Subject:  &r,
			})
			continue
		}
		er := at.Expr.Range()
		raw := string(er.SliceBytes(src))
		val, valDiags := at.Expr.Value(nil)
		if valDiags.HasErrors() {
			// Usually a bare word for a string (`name = fast`), which HCL
			// reads as a reference: say what was expected instead.
			why := notA(v.Type)
			if v.Type.Equals(cty.String) || v.Type.Equals(cty.DynamicPseudoType) {
				why = "a var-file value is an HCL value: quote a string"
			}
			diags = append(diags, invalidValue(v, path, raw, why, &er)...)
			continue
		}
		diags = append(diags, setValue(v, val, "var-file", path, raw, &er)...)
	}
	return diags
}

func variableNames(byName map[string]*Variable) []string {
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	return names
}
