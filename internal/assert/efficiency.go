package assert

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/harness-gpu/harness/internal/result"
)

// efficiencyVal is the `efficiency` object (docs/conditions.md); nil (no
// GPU sampler) gives every field unknown, so a condition reading it is an
// error rather than a pass.
func efficiencyVal(e *result.Efficiency) cty.Value {
	if e == nil {
		e = &result.Efficiency{}
	}
	return cty.ObjectVal(map[string]cty.Value{
		"joules_per_request": num(e.JoulesPerRequest),
		"requests_per_joule": num(e.RequestsPerJoule),
		"watts_per_rps":      num(e.WattsPerRPS),
		"joules_per_token":   num(e.JoulesPerToken),
		"tokens_per_joule":   num(e.TokensPerJoule),
	})
}
