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
// included): same count, same due times.
func TestSegmentScheduleUnion(t *testing.T) {
	scn := &dsl.Scenario{
		Targets: []*dsl.Target{{Name: "api"}},
		Steps: []*dsl.Step{
			{Name: "warm", Target: "api", Model: dsl.Open, Rate: 10, Duration: 3 * time.Second},
			{Name: "up", Target: "api", Model: dsl.Open, Rate: 37, Ramp: 2 * time.Second, Duration: 3 * time.Second},
		},
	}
	whole := plan.Build(scn)
	for si := range whole.Steps {
		want := dues(stepSchedule(whole.Steps[si]))
		for _, n := range []int{2, 3, 5} {
			var got []time.Duration
			for i := 0; i < n; i++ {
				got = append(got, dues(stepSchedule(plan.Split(whole, plan.Segment{Index: i, Count: n}).Steps[si]))...)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("step %q over %d segments: %d arrivals, whole %d; or due times differ", whole.Steps[si].Name, n, len(got), len(want))
			}
		}
	}
}

// TestSegmentPace: a segment waits for its own next arrival, not the whole's.
func TestSegmentPace(t *testing.T) {
	scn := &dsl.Scenario{
		Targets: []*dsl.Target{{Name: "api"}},
		Steps:   []*dsl.Step{{Name: "s", Target: "api", Model: dsl.Open, Rate: 10, Duration: time.Second}},
	}
	ps := plan.Split(plan.Build(scn), plan.Segment{Index: 1, Count: 2}).Steps[0]
	p := stepSchedule(ps)
	for _, tc := range []struct {
		elapsed time.Duration
		hits    uint64
		wait    time.Duration
		stop    bool
	}{
		{0, 0, 100 * time.Millisecond, false},                      // its first arrival is the whole's second
		{150 * time.Millisecond, 1, 150 * time.Millisecond, false}, // then the whole's fourth, at 300 ms
		{0, 5, 0, true}, // the whole's 11th is past the window
	} {
		wait, stop := p.Pace(tc.elapsed, tc.hits)
		if wait != tc.wait || stop != tc.stop {
			t.Errorf("Pace(%v, %d) = %v, %v; want %v, %v", tc.elapsed, tc.hits, wait, stop, tc.wait, tc.stop)
		}
	}
}

func dues(s schedule) []time.Duration {
	var out []time.Duration
	for k := uint64(0); ; k++ {
		d, ok := s.Due(k)
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
