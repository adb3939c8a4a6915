package runner

import (
	"os"
	"runtime"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// NewFile is the results file before anything runs: identity, environment,
// and every planned step as not_run. Target headers never enter it (they
// may carry credentials) and sensitive variables read "(sensitive)".
func NewFile(s *dsl.Scenario, p plan.Plan, version string) *result.File {
	host, _ := os.Hostname()
	f := &result.File{
		Schema: result.Schema,
		Scenario: result.ScenarioInfo{
			Name: s.Name, Description: s.Description, File: s.File, SHA256: s.SHA256,
			Variables: map[string]string{},
		},
		Environment: result.Environment{
			HarnessVersion: version, GoVersion: runtime.Version(), Host: host,
			OS: runtime.GOOS + "/" + runtime.GOARCH, CPUs: runtime.NumCPU(), GoMaxProcs: runtime.GOMAXPROCS(0),
			GPUs: []result.GPUInfo{},
		},
		Steps:      make([]result.Step, len(p.Steps)),
		Assertions: []result.Assertion{},
	}
	for _, v := range s.Variables {
		f.Scenario.Variables[v.Name] = variableText(v)
	}
	for i, ps := range p.Steps {
		st := result.Step{Name: ps.Name, Model: result.Model(ps.Model), Target: ps.Target, Status: result.StepNotRun,
			StatusCodes: map[string]int64{}, Series: []result.Second{}}
		if ps.Model == dsl.Open {
			st.Rate = ps.Rate
		} else {
			st.Users = ps.Users
		}
		recordShape(&st, ps)
		f.Steps[i] = st
	}
	return f
}

// recordShape writes the step's load shape into its header: what a second
// run needs to send the same schedule. An open step always has an arrival
// process and a seed (a uniform schedule ignores it, but a rerun with
// another arrival would use it); a closed step only when pace_jitter draws.
func recordShape(st *result.Step, ps plan.Step) {
	seed := ps.Seed
	switch {
	case ps.Model == dsl.Open:
		st.Arrival = string(ps.Arrival)
		if st.Arrival == "" {
			st.Arrival = string(plan.Uniform)
		}
		if ps.Arrival == plan.Gamma {
			st.Burstiness = ps.Burstiness
		}
		st.Seed = &seed
	case ps.Pace > 0 && ps.PaceJitter > 0:
		st.PaceJitter = ps.PaceJitter
		st.Seed = &seed
	}
}

// variableText renders a variable's value for the results file: strings as
// they are, anything else as JSON.
func variableText(v *dsl.Variable) string {
	switch {
	case v.Sensitive:
		return result.VariableSensitive
	case v.Value == cty.NilVal || v.Value.IsNull():
		return ""
	case !v.Value.IsWhollyKnown():
		return result.VariableUnknown
	case v.Value.Type() == cty.String:
		return v.Value.AsString()
	}
	b, err := ctyjson.Marshal(v.Value, v.Value.Type())
	if err != nil {
		return "(unprintable)"
	}
	return string(b)
}
