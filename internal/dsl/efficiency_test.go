package dsl

import (
	"strings"
	"testing"
)

// TestEfficiencyConditionNames: conditions may read efficiency.* and
// gpu.energy_j (per GPU and per GPU sampler too); a misspelt field is
// refused at load time with a suggestion.
func TestEfficiencyConditionNames(t *testing.T) {
	head := base + "sampler \"nvml\" \"local\" {}\nstep \"s\" {\n users = 1\n duration = \"1s\"\n}\n"
	for _, cond := range []string{
		"efficiency.joules_per_request < 2",
		"efficiency.requests_per_joule > 0.5 && efficiency.watts_per_rps < 10",
		"efficiency.joules_per_token < 1 || efficiency.tokens_per_joule > 1",
		"gpu.energy_j < 5000 && gpus[0].energy_j < 5000 && sampler.local.gpu.energy_j < 5000",
	} {
		src := head + "assert \"a\" { condition = " + cond + " }\n"
		if s, diags := LoadBytes("t.hcl", []byte(src), LoadOptions{Environ: noEnv}); diags.HasErrors() {
			t.Errorf("%s: %s", cond, renderDiags(s, diags))
		}
	}
	for _, c := range []struct{ cond, want string }{
		{"efficiency.joules_per_reqest < 2", "did you mean joules_per_request"},
		{"efficency.joules_per_request < 2", `Did you mean "efficiency"?`},
		{"gpu.energy_j.max < 2", "energy_j"},
	} {
		src := head + "assert \"a\" { condition = " + c.cond + " }\n"
		s, diags := LoadBytes("t.hcl", []byte(src), LoadOptions{Environ: noEnv})
		if out := renderDiags(s, diags); !diags.HasErrors() || !strings.Contains(out, c.want) {
			t.Errorf("%s:\n%s\nwant an error containing %q", c.cond, out, c.want)
		}
	}
}
