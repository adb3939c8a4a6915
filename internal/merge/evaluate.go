package merge

import (
	"fmt"
	"slices"

	"github.com/harness-gpu/harness/internal/assert"
	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// Evaluate re-evaluates scn's assertions over the merged windows of f and
// sets its verdict and exit code as one run would (assert.Evaluate). scn
// must be the scenario the parts ran: same file digest, same variables.
// The steps' levels become the whole plan's (the parts' shares summed).
func Evaluate(scn *dsl.Scenario, f *result.File) error {
	if scn.SHA256 != f.Scenario.SHA256 {
		return fmt.Errorf("scenario %s is not the file the parts ran (sha256 %.12s…, theirs %.12s…): give that file with --scenario", scn.File, scn.SHA256, f.Scenario.SHA256)
	}
	p := plan.Build(scn)
	if len(p.Steps) != len(f.Steps) {
		return fmt.Errorf("scenario %s has %d steps, the parts %d: give the variables they ran with", scn.File, len(p.Steps), len(f.Steps))
	}
	for i, ps := range p.Steps {
		st := &f.Steps[i]
		if ps.Name != st.Name {
			return fmt.Errorf("scenario %s: step %d is %q, the parts' %q: give the variables they ran with", scn.File, i+1, ps.Name, st.Name)
		}
		if ps.Model == dsl.Open {
			st.Users, st.Rate = 0, ps.Rate
		} else {
			st.Users, st.Rate = ps.Users, 0
		}
	}
	assert.Evaluate(scn, f)
	return nil
}

// RecordedVars are the parts' variables as --var name=value options: the
// values they ran with, but for sensitive ones (recorded redacted), which
// the caller must give again.
func RecordedVars(f *result.File) []string {
	var out []string
	for name, v := range f.Scenario.Variables {
		if v == result.VariableSensitive || v == result.VariableUnknown {
			continue
		}
		out = append(out, name+"="+v)
	}
	slices.Sort(out)
	return out
}
