package dsl

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"},
	},
}

// decodeVariableBlock reads a `variable "name"` block. Its value is the
// default for now; resolveVariables applies the other sources later.
func decodeVariableBlock(block *hcl.Block) (*Variable, hcl.Diagnostics) {
	v := &Variable{Name: block.Labels[0], Type: cty.DynamicPseudoType, DeclRange: block.DefRange}
	content, diags := bodyContent(block.Body, variableSchema)
	a := newAttrs(content.Attributes, nil)
	if at := content.Attributes["type"]; at != nil {
		ty, tyDiags := typeexpr.TypeConstraint(at.Expr)
		diags = append(diags, tyDiags...)
		if !tyDiags.HasErrors() {
			v.Type = ty
		}
	}
	v.Description, _ = a.str("description")
	v.Sensitive, _ = a.boolean("sensitive")
	if at := content.Attributes["default"]; at != nil {
		val, valDiags := at.Expr.Value(nil)
		diags = append(diags, valDiags...)
		// A bad default is reported here; the unknown value stops it from
		// also being reported as missing.
		v.Value, v.Source = cty.DynamicVal, "default"
		if !valDiags.HasErrors() {
			cv, err := convert.Convert(val, v.Type)
			if err != nil {
				r := at.Expr.Range()
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid default value for variable",
					Detail:   "This default does not fit the variable's type: " + err.Error() + ".",
					Subject:  &r,
				})
			} else {
				v.Value, v.Source = cv, "default"
			}
		}
	}
	return v, append(diags, a.diags...)
}
