package plan

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/dsl"
)

const s = time.Second

// TestBuild checks offsets, ramps, expectations and load shapes from
// literal steps.
func TestBuild(t *testing.T) {
	sc := &dsl.Scenario{
		Targets: []*dsl.Target{{Name: "api", Timeout: 10 * s}},
		Steps: []*dsl.Step{
			{Name: "baseline", Target: "api", Model: dsl.Closed, Users: 1, Pace: 2 * s, Duration: 30 * s},
			{Name: "users_100", Target: "api", Model: dsl.Closed, Users: 100, Ramp: 10 * s, Pace: 2 * s, PaceJitter: 0.1, Seed: 3, Duration: 60 * s},
			{Name: "think", Target: "api", Model: dsl.Closed, Users: 50, RampRate: 10, Think: s, Duration: 10 * s},
			{Name: "b2b", Target: "api", Model: dsl.Closed, Users: 5, Duration: 10 * s},
			{Name: "open", Target: "api", Model: dsl.Open, Rate: 20, RampRate: 5, Arrival: dsl.ArrivalPoisson, Seed: 1, Duration: 60 * s},
			{Name: "open_cap", Target: "api", Model: dsl.Open, Rate: 40, Ramp: 4 * s, MaxInFlight: 7, Arrival: dsl.ArrivalGamma, Burstiness: 0.25, Seed: 1 << 60, Duration: 10 * s},
		},
	}
	want := Plan{Total: 30*s + 70*s + 15*s + 10*s + 64*s + 14*s, Steps: []Step{
		{Index: 0, Name: "baseline", Target: "api", Model: dsl.Closed, Users: 1, Pace: 2 * s, Duration: 30 * s,
			Start: 0, RampEnd: 0, End: 30 * s, ExpectedRPS: 0.5, Bound: Exact, ExpectedRequests: 15},
		{Index: 1, Name: "users_100", Target: "api", Model: dsl.Closed, Users: 100, FromUsers: 1, Ramp: 10 * s, Pace: 2 * s, PaceJitter: 0.1, Seed: 3, Duration: 60 * s,
			Start: 30 * s, RampEnd: 40 * s, End: 100 * s, ExpectedRPS: 50, Bound: Exact, ExpectedRequests: 3000},
		{Index: 2, Name: "think", Target: "api", Model: dsl.Closed, Users: 50, FromUsers: 100, Ramp: 5 * s, Think: s, Duration: 10 * s,
			Start: 100 * s, RampEnd: 105 * s, End: 115 * s, ExpectedRPS: 50, Bound: AtMost, ExpectedRequests: 500},
		{Index: 3, Name: "b2b", Target: "api", Model: dsl.Closed, Users: 5, FromUsers: 50, Duration: 10 * s,
			Start: 115 * s, RampEnd: 115 * s, End: 125 * s, Bound: Unbounded},
		{Index: 4, Name: "open", Target: "api", Model: dsl.Open, Rate: 20, Ramp: 4 * s, Duration: 60 * s, MaxInFlight: 201, Arrival: Poisson, Seed: 1,
			Start: 125 * s, RampEnd: 129 * s, End: 189 * s, ExpectedRPS: 20, Bound: Exact, ExpectedRequests: 1200},
		{Index: 5, Name: "open_cap", Target: "api", Model: dsl.Open, Rate: 40, FromRate: 20, Ramp: 4 * s, MaxInFlight: 7, Duration: 10 * s,
			Arrival: Gamma, Burstiness: 0.25, Seed: 1 << 60,
			Start: 189 * s, RampEnd: 193 * s, End: 203 * s, ExpectedRPS: 40, Bound: Exact, ExpectedRequests: 400},
	}}
	if diff := cmp.Diff(want, Build(sc)); diff != "" {
		t.Errorf("Build (-want +got):\n%s", diff)
	}
}

// TestLevelsDuringRamp checks the linear ramp helpers at their edges.
func TestLevelsDuringRamp(t *testing.T) {
	st := Step{Users: 100, FromUsers: 0, Rate: 50, FromRate: 10, Ramp: 10 * s}
	tests := []struct {
		at    time.Duration
		users int
		rate  float64
	}{
		{-s, 0, 10}, {0, 0, 10}, {5 * s, 50, 30}, {9999 * time.Millisecond, 99, 49.996}, {10 * s, 100, 50}, {time.Hour, 100, 50},
	}
	for _, tc := range tests {
		if got := st.UsersAt(tc.at); got != tc.users {
			t.Errorf("UsersAt(%v) = %d, want %d", tc.at, got, tc.users)
		}
		if got := st.RateAt(tc.at); got < tc.rate-1e-9 || got > tc.rate+1e-9 {
			t.Errorf("RateAt(%v) = %v, want %v", tc.at, got, tc.rate)
		}
	}
	if got := (Step{Users: 7}).UsersAt(0); got != 7 {
		t.Errorf("no ramp: UsersAt(0) = %d, want 7", got)
	}
}

// Absurd rates and levels (which validation refuses before a run) give a
// plan without wrapped integers: no negative count, cap or offset.
func TestBuildExtremes(t *testing.T) {
	for _, st := range []*dsl.Step{
		{Name: "huge", Target: "api", Model: dsl.Open, Rate: 1e300, Duration: 60 * s},
		{Name: "huge_ramp", Target: "api", Model: dsl.Open, Rate: 1e300, RampRate: 1, Duration: 60 * s},
		{Name: "tiny", Target: "api", Model: dsl.Open, Rate: 1e-300, Duration: 60 * s},
		{Name: "users", Target: "api", Model: dsl.Closed, Users: 1e9, RampRate: 1e-9, Pace: time.Nanosecond, Duration: 60 * s},
	} {
		sc := &dsl.Scenario{Targets: []*dsl.Target{{Name: "api", Timeout: 10 * s}}, Steps: []*dsl.Step{st, st}}
		p := Build(sc)
		for _, ps := range p.Steps {
			if ps.MaxInFlight < 0 || ps.ExpectedRequests < 0 || ps.Ramp < 0 || ps.Start < 0 || ps.RampEnd < ps.Start || ps.End < ps.RampEnd {
				t.Errorf("%s: %+v", st.Name, ps)
			}
			if st.Model == dsl.Open && ps.MaxInFlight < 1 {
				t.Errorf("%s: max in flight %d", st.Name, ps.MaxInFlight)
			}
		}
		if p.Total < p.Steps[1].End {
			t.Errorf("%s: total %v before the last step's end %v", st.Name, p.Total, p.Steps[1].End)
		}
	}
}
