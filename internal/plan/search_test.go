package plan

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/search"
)

func TestSearches(t *testing.T) {
	sc := &dsl.Scenario{
		Targets: []*dsl.Target{{Name: "api", Timeout: 2 * s}},
		Steps:   []*dsl.Step{{Name: "warm", Target: "api", Model: dsl.Closed, Users: 5, Pace: 2 * s, Duration: 10 * s}},
		Searches: []*dsl.Search{
			{Name: "users", Target: "api", Model: dsl.Closed, Pace: 2 * s, Start: 10, Max: 2000, Growth: 2, Precision: 0.05,
				Ramp: 5 * s, Duration: 30 * s, Cooldown: s, Asserts: []string{"p95"}, After: 1},
			{Name: "rate", Target: "api", Model: dsl.Open, Start: 1, Max: 8, Growth: 2, Precision: 0.05, Duration: 10 * s},
		},
	}
	p := Build(sc)
	want := []Search{
		{Name: "users", Target: "api", Model: dsl.Closed, Unit: "users",
			Config: search.Config{Start: 10, Max: 2000, Growth: 2, Precision: 0.05, Integer: true},
			Pace:   2 * s, Ramp: 5 * s, Duration: 30 * s, Cooldown: s, After: 1, Asserts: []string{"p95"},
			WorstProbes: 13, WorstTime: 13*35*s + 12*s},
		// max 8 req/s × 2 s timeout + 1 in flight
		{Name: "rate", Target: "api", Model: dsl.Open, Unit: "req/s",
			Config:   search.Config{Start: 1, Max: 8, Growth: 2, Precision: 0.05},
			Duration: 10 * s, MaxInFlight: 17, WorstProbes: search.Worst(search.Config{Start: 1, Max: 8, Growth: 2, Precision: 0.05})},
	}
	want[1].WorstTime = time.Duration(want[1].WorstProbes) * 10 * s
	if d := cmp.Diff(want, p.Searches); d != "" {
		t.Errorf("searches (-want +got):\n%s", d)
	}
	if got := p.WorstTotal(); got != p.Total+want[0].WorstTime+want[1].WorstTime {
		t.Errorf("WorstTotal = %s", got)
	}
	probe := p.Searches[0].Probe(3, 40, 20, 5*s, 30*s)
	wantProbe := Step{Name: "users/03", Target: "api", Model: dsl.Closed, Users: 40, FromUsers: 20, Pace: 2 * s,
		Ramp: 5 * s, Duration: 30 * s, RampEnd: 5 * s, End: 35 * s, ExpectedRPS: 20, Bound: Exact, ExpectedRequests: 600}
	if d := cmp.Diff(wantProbe, probe); d != "" {
		t.Errorf("probe (-want +got):\n%s", d)
	}
	for _, c := range []struct {
		steps, searches int
		want            string
	}{{3, 0, "3 steps"}, {0, 1, "1 search"}, {1, 2, "1 step and 2 searches"}} {
		if got := Count(c.steps, c.searches); got != c.want {
			t.Errorf("Count(%d, %d) = %q, want %q", c.steps, c.searches, got, c.want)
		}
	}
}

// An absurd search maximum (a plan printed before validation refuses it)
// gives a search's max_in_flight as a step's: capped, never wrapped
// negative.
func TestSearchMaxInFlightSaturates(t *testing.T) {
	sc := &dsl.Scenario{
		Targets:  []*dsl.Target{{Name: "api", Timeout: 2 * s}},
		Searches: []*dsl.Search{{Name: "rate", Target: "api", Model: dsl.Open, Start: 1, Max: 1e19, Growth: 2, Precision: 0.05, Duration: 10 * s}},
		Steps:    []*dsl.Step{{Name: "big", Target: "api", Model: dsl.Open, Rate: 1e19, Duration: 10 * s}},
	}
	p := Build(sc)
	if got, want := p.Searches[0].MaxInFlight, p.Steps[0].MaxInFlight; got != want || got < 1 {
		t.Errorf("search max_in_flight %d, want the step's %d (at least 1)", got, want)
	}
	if pr := p.Searches[0].Probe(1, 1e19, 0, 0, 10*s); pr.ExpectedRequests < 0 {
		t.Errorf("probe at 1e19 req/s expects %d requests", pr.ExpectedRequests)
	}
}
