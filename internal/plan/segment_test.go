package plan

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

func TestParseSegment(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Segment
		wantErr string
	}{
		{in: "0/3", want: Segment{0, 3}},
		{in: "2/3", want: Segment{2, 3}},
		{in: " 0 / 1 ", want: Segment{0, 1}},
		{in: "3/3", wantErr: "from 0 to 2"},
		{in: "-1/3", wantErr: "from 0 to 2"},
		{in: "1/0", wantErr: "N must be from 1"},
		{in: "0/10001", wantErr: "N must be from 1 to 10000"},
		{in: "1", wantErr: "want I/N"},
		{in: "a/b", wantErr: "whole numbers"},
		{in: "1.5/3", wantErr: "whole numbers"},
	} {
		got, err := ParseSegment(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseSegment(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseSegment(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// TestSplitCount deals n over N parts: the shares differ by at most one, the
// first n mod N get the extra one, and they sum to n.
func TestSplitCount(t *testing.T) {
	for _, tc := range []struct {
		n     int64
		count int
		want  []int64
	}{
		{7, 3, []int64{3, 2, 2}},
		{10, 3, []int64{4, 3, 3}},
		{2, 3, []int64{1, 1, 0}},
		{0, 2, []int64{0, 0}},
		{9, 3, []int64{3, 3, 3}},
		{5, 1, []int64{5}},
	} {
		var sum int64
		for i, want := range tc.want {
			got := SplitCount(tc.n, Segment{i, tc.count})
			if got != want {
				t.Errorf("SplitCount(%d, %d/%d) = %d, want %d", tc.n, i, tc.count, got, want)
			}
			sum += got
		}
		if sum != tc.n {
			t.Errorf("SplitCount(%d over %d) sums to %d", tc.n, tc.count, sum)
		}
	}
}

func splitScenario() *dsl.Scenario {
	return &dsl.Scenario{
		Targets: []*dsl.Target{{Name: "api", Timeout: 10 * s}},
		Steps: []*dsl.Step{
			{Name: "paced", Target: "api", Model: dsl.Closed, Users: 10, Pace: 2 * s, Duration: 30 * s},
			{Name: "ramp_up", Target: "api", Model: dsl.Closed, Users: 100, Ramp: 10 * s, Pace: 2 * s, Duration: 60 * s},
			{Name: "open", Target: "api", Model: dsl.Open, Rate: 20, Ramp: 4 * s, Duration: 7 * s},
			{Name: "open_odd", Target: "api", Model: dsl.Open, Rate: 7, Ramp: 3 * s, MaxInFlight: 7, Duration: 5 * s},
		},
	}
}

// TestSplitSumsToWhole: for every N, the parts' users, rates, expected
// requests and caps add up to the whole step's, and the timing is unchanged.
func TestSplitSumsToWhole(t *testing.T) {
	whole := Build(splitScenario())
	for _, n := range []int{1, 2, 3, 7} {
		parts := make([]Plan, n)
		for i := range parts {
			parts[i] = Split(whole, Segment{i, n})
		}
		for si, ws := range whole.Steps {
			var users int
			var rate float64
			var expected int64
			var inflight int
			for _, p := range parts {
				ps := p.Steps[si]
				if ps.Start != ws.Start || ps.RampEnd != ws.RampEnd || ps.End != ws.End || p.Total != whole.Total {
					t.Errorf("N=%d step %q: timing changed: %+v", n, ws.Name, ps)
				}
				users += ps.Users
				rate += ps.Rate
				expected += ps.ExpectedRequests
				inflight += ps.MaxInFlight
			}
			if users != ws.Users || math.Abs(rate-ws.Rate) > 1e-9 || expected != ws.ExpectedRequests {
				t.Errorf("N=%d step %q: parts sum to users %d rate %g expected %d; whole %d %g %d",
					n, ws.Name, users, rate, expected, ws.Users, ws.Rate, ws.ExpectedRequests)
			}
			if inflight < ws.MaxInFlight {
				t.Errorf("N=%d step %q: caps sum to %d < whole %d", n, ws.Name, inflight, ws.MaxInFlight)
			}
		}
	}
}

// TestSplitUsersAtRamp: during a ramp every part holds its round-robin share
// of the whole level at that moment, so the parts sum to it at every instant.
func TestSplitUsersAtRamp(t *testing.T) {
	whole := Build(splitScenario())
	ws := whole.Steps[1] // 10 → 100 users over 10 s
	for _, n := range []int{2, 3, 7} {
		for d := -time.Second; d <= ws.Ramp+time.Second; d += 137 * time.Millisecond {
			sum := 0
			for i := 0; i < n; i++ {
				sum += Split(whole, Segment{i, n}).Steps[1].UsersAt(d)
			}
			if want := ws.UsersAt(d); sum != want {
				t.Fatalf("N=%d at %v: parts hold %d users, whole %d", n, d, sum, want)
			}
		}
	}
	if got := Split(whole, Segment{0, 3}).Steps[1].UsersAt(0); got != 4 {
		t.Errorf("segment 0/3 at ramp start = %d users, want 4 (10 over 3 → 4,3,3)", got)
	}
}

// TestSegmentSendsPartition: the N segments' arrivals are a partition of
// the whole schedule's: every whole arrival is sent by exactly one segment.
func TestSegmentSendsPartition(t *testing.T) {
	whole := Build(splitScenario())
	const arrivals = 1000
	for _, n := range []int{1, 2, 3, 7} {
		seen := make([]int, arrivals)
		for i := 0; i < n; i++ {
			ps := Split(whole, Segment{i, n}).Steps[2]
			for g := range uint64(arrivals) {
				if ps.Segment.Sends(g) {
					seen[g]++
				}
			}
		}
		for g, c := range seen {
			if c != 1 {
				t.Fatalf("N=%d: whole arrival %d sent %d times", n, g, c)
			}
		}
	}
}

func TestPhaseOffset(t *testing.T) {
	whole := Build(splitScenario())
	for _, tc := range []struct {
		seg  Segment
		want float64
	}{{Segment{}, 0}, {Segment{0, 4}, 0}, {Segment{1, 4}, 0.25}, {Segment{3, 4}, 0.75}} {
		if got := Split(whole, tc.seg).Steps[0].PhaseOffset(); got != tc.want {
			t.Errorf("%v: PhaseOffset = %g, want %g", tc.seg, got, tc.want)
		}
	}
}

// TestCheckSplit: fixed steps split; any given segment of a scenario with a
// search (0/1 too) is ErrSplitSearch; no segment always runs.
func TestCheckSplit(t *testing.T) {
	steps := splitScenario()
	searching := splitScenario()
	searching.Searches = []*dsl.Search{{Name: "cap", Target: "api", Model: dsl.Open}}
	for _, c := range []struct {
		scn  *dsl.Scenario
		seg  Segment
		want error
	}{
		{steps, Segment{Index: 1, Count: 3}, nil},
		{searching, Segment{}, nil},
		{searching, Segment{Index: 0, Count: 1}, ErrSplitSearch},
		{searching, Segment{Index: 1, Count: 2}, ErrSplitSearch},
	} {
		if got := CheckSplit(c.scn, c.seg); got != c.want {
			t.Errorf("CheckSplit(searches %d, %v) = %v, want %v", len(c.scn.Searches), c.seg, got, c.want)
		}
	}
}
