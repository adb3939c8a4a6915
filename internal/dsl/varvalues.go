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
// expression, so `--var users=10` is the number 10.
func setRaw(v *Variable, raw, source, what string) hcl.Diagnostics {
	val := cty.StringVal(raw)
	if !v.Type.Equals(cty.String) && !v.Type.Equals(cty.DynamicPseudoType) {
		if d := checkNesting([]byte(raw), what, true); d != nil {
			return invalidValue(v, what, d[0].Detail)
		}
		expr, diags := hclsyntax.ParseExpression([]byte(raw), what, hcl.InitialPos)
		if diags.HasErrors() {
			return invalidValue(v, what, "it is not a valid expression")
		}
		var valDiags hcl.Diagnostics
		val, valDiags = expr.Value(nil)
		if valDiags.HasErrors() {
			return invalidValue(v, what, valDiags[0].Summary)
		}
	}
	return setValue(v, val, source, what, nil)
}

func setValue(v *Variable, val cty.Value, source, what string, subject *hcl.Range) hcl.Diagnostics {
	cv, err := convert.Convert(val, v.Type)
	if err != nil {
		d := invalidValue(v, what, err.Error())
		d[0].Subject = subject
		return d
	}
	v.Value, v.Source = cv, source
	return nil
}

func invalidValue(v *Variable, what, why string) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail:   fmt.Sprintf("The value from %s does not fit variable %q (type %s): %s.", what, v.Name, v.Type.FriendlyName(), why),
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
	if diags := checkNesting(src, path, false); diags != nil {
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
		val, valDiags := at.Expr.Value(nil)
		diags = append(diags, valDiags...)
		if !valDiags.HasErrors() {
			er := at.Expr.Range()
			diags = append(diags, setValue(v, val, "var-file", path, &er)...)
		}
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
