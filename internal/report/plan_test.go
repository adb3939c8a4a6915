package report

import (
	"bytes"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/golden"
	"github.com/harness-gpu/harness/internal/plan"
)

// TestWritePlanCapacity pins the plan of scenarios/capacity.hcl.
func TestWritePlanCapacity(t *testing.T) {
	s, diags := dsl.LoadFile("../../scenarios/capacity.hcl", dsl.LoadOptions{Environ: func() []string { return nil }})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var b bytes.Buffer
	if err := WritePlan(&b, s, plan.Build(s)); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "plan_capacity.golden"), b.Bytes())
}

// TestWritePlanRows checks single rows: 100 users at pace 2s over 60s are
// 50 req/s and 3,000 requests; think time is an upper bound; back to back
// is "max".
func TestWritePlanRows(t *testing.T) {
	tests := []struct {
		name string
		step *dsl.Step
		want []string
	}{
		{"paced", &dsl.Step{Name: "u100", Model: dsl.Closed, Users: 100, Pace: 2 * time.Second, Duration: time.Minute},
			[]string{"100 users", "pace 2s", "50", "3,000", "total wall time 1m, expected requests 3,000"}},
		{"think", &dsl.Step{Name: "t", Model: dsl.Closed, Users: 10, Think: time.Second, Duration: 10 * time.Second},
			[]string{"think 1s", "≤ 10", "≤ 100", "expected requests ≤ 100"}},
		{"back to back", &dsl.Step{Name: "b", Model: dsl.Closed, Users: 1, Duration: 10 * time.Second},
			[]string{"1 user", "back to back", "max", "plus the back-to-back steps"}},
		{"open", &dsl.Step{Name: "o", Model: dsl.Open, Rate: 12.5, Ramp: 5 * time.Second, Duration: 2 * time.Minute},
			[]string{"12.5 req/s", "5s from 0", "1,500", "total wall time 2m5s"}},
		{"absurd rate", &dsl.Step{Name: "o", Model: dsl.Open, Rate: 1e300, Duration: time.Minute},
			[]string{"1e+300 req/s", "1e+300  "}},
		{"tiny rate", &dsl.Step{Name: "o", Model: dsl.Open, Rate: 1e-300, Duration: time.Minute},
			[]string{"0 req/s", "expected requests 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &dsl.Scenario{Name: "t", Steps: []*dsl.Step{tc.step}}
			var b bytes.Buffer
			if err := WritePlan(&b, s, plan.Build(s)); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("WritePlan(%+v):\n%s\nwant it to contain %q", tc.step, b.String(), w)
				}
			}
		})
	}
}

// TestWritePlanShape checks the level, arrivals and seed cells of one
// step: the arrivals name the load shape, and a seed shows only where the
// schedule draws at random.
func TestWritePlanShape(t *testing.T) {
	tests := []struct {
		name string
		step *dsl.Step
		want []string // level, arrivals, seed
	}{
		{"paced", &dsl.Step{Model: dsl.Closed, Users: 100, Pace: 2 * time.Second, Seed: 1},
			[]string{"100 users", "pace 2s", "-"}},
		{"jittered", &dsl.Step{Model: dsl.Closed, Users: 100, Pace: 2 * time.Second, PaceJitter: 0.1, Seed: 7},
			[]string{"100 users", "pace 2s ±10 %", "7"}},
		{"think", &dsl.Step{Model: dsl.Closed, Users: 1, Think: time.Second, Seed: 1},
			[]string{"1 user", "think 1s", "-"}},
		{"back to back", &dsl.Step{Model: dsl.Closed, Users: 3, Seed: 1},
			[]string{"3 users", "back to back", "-"}},
		{"uniform", &dsl.Step{Model: dsl.Open, Rate: 20, Arrival: dsl.ArrivalUniform, Seed: 1},
			[]string{"20 req/s", "uniform", "-"}},
		{"unset arrival", &dsl.Step{Model: dsl.Open, Rate: 20},
			[]string{"20 req/s", "uniform", "-"}},
		{"poisson", &dsl.Step{Model: dsl.Open, Rate: 20, Arrival: dsl.ArrivalPoisson, Seed: 1},
			[]string{"20 req/s", "poisson", "1"}},
		{"gamma", &dsl.Step{Model: dsl.Open, Rate: 20, Arrival: dsl.ArrivalGamma, Burstiness: 0.25, Seed: 18446744073709551615},
			[]string{"20 req/s", "gamma b=0.25", "18446744073709551615"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.step.Name, tc.step.Duration = "s", time.Minute
			s := &dsl.Scenario{Name: "t", Steps: []*dsl.Step{tc.step}}
			var b bytes.Buffer
			if err := WritePlan(&b, s, plan.Build(s)); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(b.String(), "\n")
			cells := regexp.MustCompile(`\s{2,}`).Split(lines[3], -1)
			if len(cells) < 6 || !slices.Equal(cells[3:6], tc.want) {
				t.Errorf("WritePlan(%+v) row:\n%s\ncells %q, want level, arrivals, seed %q", tc.step, lines[3], cells, tc.want)
			}
		})
	}
}

func TestFmtCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := fmtCount(n); got != want {
			t.Errorf("fmtCount(%d) = %q, want %q", n, got, want)
		}
	}
}
