package runner

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// shapesScenario is a Poisson open step followed by 100 users paced at 2 s
// after a 5 s ramp (the ramp that used to leave 45, 55, 45, 55 … starts a
// second), written in the scenario language.
const shapesScenario = `
scenario { name = "shapes" }
target "api" { url = "http://127.0.0.1:1/" }
step "poisson" {
  rate     = 100
  arrival  = "poisson"
  seed     = SEED
  duration = "20s"
}
step "paced" {
  users    = 100
  ramp     = "5s"
  pace     = "2s"
  duration = "20s"
}
assert "p95" { condition = latency.p95 < 500 }
`

// runShapes loads shapesScenario with seed, plans it and runs it against a
// fake service on virtual time.
func runShapes(t *testing.T, seed string) *result.File {
	t.Helper()
	src := strings.Replace(shapesScenario, "SEED", seed, 1)
	s, diags := dsl.LoadBytes("shapes.hcl", []byte(src), dsl.LoadOptions{Environ: func() []string { return nil }})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var f *result.File
	synctest.Test(t, func(t *testing.T) {
		fs := &fakeService{service: constant(20 * ms)}
		var err error
		if f, err = Run(t.Context(), s, plan.Build(s), fs.options(Options{})); err != nil {
			t.Fatal(err)
		}
	})
	return f
}

func perSecond(st result.Step) []int64 {
	var out []int64
	for _, p := range st.Series {
		out = append(out, p.Requests)
	}
	return out
}

// From file to results: the paced step's whole measured seconds each carry
// users/pace = 50 starts within ±5 %, one seed sends one per-second series
// (another seed another), and the results record each step's load shape.
func TestShapesEndToEnd(t *testing.T) {
	t.Parallel()
	a, b, other := runShapes(t, "11"), runShapes(t, "11"), runShapes(t, "12")

	paced := a.Steps[1]
	var steady []int64
	for _, p := range paced.Series {
		if p.T.Before(paced.Measured.Start) || p.T.Add(time.Second).After(paced.Measured.End) {
			continue // a second only partly in the measured window
		}
		steady = append(steady, p.Requests)
	}
	if len(steady) < 19 || slices.ContainsFunc(steady, func(n int64) bool { return n < 48 || n > 52 }) {
		t.Errorf("paced step: starts per whole measured second %v, want 50 ± 5 %% in each of about 20", steady)
	}

	for i, name := range []string{"poisson", "paced"} {
		if x, y := perSecond(a.Steps[i]), perSecond(b.Steps[i]); !slices.Equal(x, y) {
			t.Errorf("%s: seed 11 sent two series:\n%v\n%v", name, x, y)
		}
	}
	if x, y := perSecond(a.Steps[0]), perSecond(other.Steps[0]); slices.Equal(x, y) {
		t.Errorf("poisson: seeds 11 and 12 sent one series %v", x)
	}
	if n := a.Steps[0].Requests.Total; n < 1800 || n > 2200 {
		t.Errorf("poisson: %d requests in 20 s at 100/s", n)
	}

	if got := a.Steps[0]; got.Arrival != "poisson" || got.Seed == nil || *got.Seed != 11 || got.Burstiness != 0 {
		t.Errorf("poisson step records arrival %q, burstiness %v, seed %v", got.Arrival, got.Burstiness, deref64(got.Seed))
	}
	if got := a.Steps[1]; got.Arrival != "" || got.Seed != nil || got.PaceJitter != 0 {
		t.Errorf("unjittered paced step records arrival %q, pace_jitter %v, seed %v", got.Arrival, got.PaceJitter, deref64(got.Seed))
	}
}

func deref64(p *uint64) any {
	if p == nil {
		return nil
	}
	return *p
}

// The header of each step records its load shape, as JSON, and only where
// it has one: an open step always (its seed too, 0 included), a closed
// step only when pace_jitter draws.
func TestNewFileShape(t *testing.T) {
	tests := []struct {
		name string
		ps   plan.Step
		want string // the shape fields of the step's JSON, in order
	}{
		{"uniform", plan.Step{Model: dsl.Open, Rate: 5, Arrival: plan.Uniform, Seed: 1}, `"arrival":"uniform","seed":1`},
		{"unset arrival", plan.Step{Model: dsl.Open, Rate: 5}, `"arrival":"uniform","seed":0`},
		{"poisson", plan.Step{Model: dsl.Open, Rate: 5, Arrival: plan.Poisson, Seed: 42}, `"arrival":"poisson","seed":42`},
		{"gamma", plan.Step{Model: dsl.Open, Rate: 5, Arrival: plan.Gamma, Burstiness: 0.25, Seed: 1}, `"arrival":"gamma","burstiness":0.25,"seed":1`},
		{"jittered", plan.Step{Model: dsl.Closed, Users: 5, Pace: time.Second, PaceJitter: 0.1, Seed: 7}, `"pace_jitter":0.1,"seed":7`},
		{"paced", plan.Step{Model: dsl.Closed, Users: 5, Pace: time.Second, Seed: 7}, ``},
		{"back to back", plan.Step{Model: dsl.Closed, Users: 5, Seed: 7}, ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.ps.Name = "s"
			f := NewFile(&dsl.Scenario{Name: "t"}, plan.Plan{Steps: []plan.Step{tc.ps}}, "test")
			js, err := json.Marshal(f.Steps[0])
			if err != nil {
				t.Fatal(err)
			}
			var fields []string
			for _, k := range []string{"arrival", "burstiness", "pace_jitter", "seed"} {
				if i := strings.Index(string(js), `"`+k+`":`); i >= 0 {
					end := i + strings.IndexAny(string(js[i:]), ",}")
					fields = append(fields, string(js[i:end]))
				}
			}
			if got := strings.Join(fields, ","); got != tc.want {
				t.Errorf("step JSON %s\nshape fields %s, want %s", js, got, tc.want)
			}
		})
	}
}
