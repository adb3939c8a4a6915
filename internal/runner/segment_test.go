package runner

import (
	"slices"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
)

// TestSegmentScheduleUnion: the arrivals the N segments of an open step are
// due to send, put together, are exactly the whole step's schedule (ramp
// included): same count, same due times, for uniform and (same seed)
// Poisson arrivals.
func TestSegmentScheduleUnion(t *testing.T) {
	scn := &dsl.Scenario{
		Targets: []*dsl.Target{{Name: "api"}},
		Steps: []*dsl.Step{
			{Name: "warm", Target: "api", Model: dsl.Open, Rate: 10, Duration: 3 * time.Second},
			{Name: "up", Target: "api", Model: dsl.Open, Rate: 37, Ramp: 2 * time.Second, Duration: 3 * time.Second},
			{Name: "poisson", Target: "api", Model: dsl.Open, Rate: 50, Duration: 4 * time.Second, Arrival: dsl.ArrivalPoisson, Seed: 7},
		},
	}
	whole := plan.Build(scn)
	for si := range whole.Steps {
		want := dues(newSchedule(whole.Steps[si]))
		for _, n := range []int{2, 3, 5} {
			var got []time.Duration
			for i := 0; i < n; i++ {
				got = append(got, dues(newSchedule(plan.Split(whole, plan.Segment{Index: i, Count: n}).Steps[si]))...)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("step %q over %d segments: %d arrivals, whole %d; or due times differ", whole.Steps[si].Name, n, len(got), len(want))
			}
		}
	}
}

// TestSegmentSchedule: a segment sends its own share of the whole's
// arrivals: part 1 of 2 at 10/s sends the whole's 2nd, 4th, … arrival.
func TestSegmentSchedule(t *testing.T) {
	scn := &dsl.Scenario{
		Targets: []*dsl.Target{{Name: "api"}},
		Steps:   []*dsl.Step{{Name: "s", Target: "api", Model: dsl.Open, Rate: 10, Duration: time.Second}},
	}
	ps := plan.Split(plan.Build(scn), plan.Segment{Index: 1, Count: 2}).Steps[0]
	ms := time.Millisecond
	want := []time.Duration{100 * ms, 300 * ms, 500 * ms, 700 * ms, 900 * ms}
	if got := dues(newSchedule(ps)); !slices.Equal(got, want) {
		t.Errorf("segment 1/2 due at %v, want %v", got, want)
	}
}

func dues(s *schedule) []time.Duration {
	var out []time.Duration
	for {
		d, ok := s.next()
		if !ok {
			return out
		}
		out = append(out, d)
	}
}

// TestStartOffsetUnion: N segments adding the same number of paced users
// start them, together, at the offsets of one pool adding all of them
// (within a nanosecond of rounding), not in N bursts at the same instants.
func TestStartOffsetUnion(t *testing.T) {
	const pace = 2 * time.Second
	for _, tc := range []struct{ n, add int }{{2, 5}, {3, 4}, {4, 1}, {7, 3}} {
		var got []time.Duration
		for i := 0; i < tc.n; i++ {
			phase := plan.Step{Segment: plan.Segment{Index: i, Count: tc.n}}.PhaseOffset()
			for j := 0; j < tc.add; j++ {
				got = append(got, startOffset(j, tc.add, pace, phase))
			}
		}
		slices.Sort(got)
		for j, d := range got {
			want := startOffset(j, tc.n*tc.add, pace, 0)
			if diff := d - want; diff < -time.Nanosecond || diff > time.Nanosecond {
				t.Errorf("N=%d add=%d: user %d starts at %v, one pool's at %v", tc.n, tc.add, j, d, want)
			}
		}
	}
}
