package runner

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// After a ramp of any length the users of a paced step are spread evenly
// over the pace interval: every second of the steady window carries
// users/pace starts, within 5 %. (A ramp that is not a whole number of pace
// intervals used to leave the phases it gave: 100 users at 2 s after a 5 s
// ramp sent 45, 55, 45, 55 … a second.)
func TestClosedEvenAfterRamp(t *testing.T) {
	for _, tc := range []struct {
		users, from int
		ramp, pace  time.Duration
	}{
		{100, 0, 5 * time.Second, 2 * time.Second},
		{200, 0, 5 * time.Second, 2 * time.Second},
		{100, 0, 3 * time.Second, 2 * time.Second},
		{100, 0, 7300 * time.Millisecond, 2 * time.Second},
		{100, 0, 0, 2 * time.Second},
		{60, 0, 10 * time.Second, 3 * time.Second},
		{100, 40, 5 * time.Second, 2 * time.Second}, // on from a previous step's 40 users
		{40, 100, 5 * time.Second, 2 * time.Second}, // down from 100
	} {
		t.Run(fmt.Sprintf("%d-%d/ramp%v/pace%v", tc.from, tc.users, tc.ramp, tc.pace), func(t *testing.T) {
			virtual(t, func(t *testing.T) {
				fs := &fakeService{service: constant(20 * ms)}
				var steps []*dsl.Step
				if tc.from > 0 {
					steps = append(steps, &dsl.Step{Name: "before", Users: tc.from, Pace: 1300 * ms, Duration: 3 * time.Second})
				}
				steps = append(steps, &dsl.Step{Name: "steady", Users: tc.users, Ramp: tc.ramp, Pace: tc.pace, Duration: 20 * time.Second})
				s := scenario("http://fake/", steps...)
				st := runFake(t, s, fs, Options{}, 0).Steps[len(steps)-1]
				want := float64(tc.users) / tc.pace.Seconds()
				var got []int64
				bad := false
				for _, p := range st.Series {
					if p.T.Before(st.Measured.Start) || p.T.Add(time.Second).After(st.Measured.End) {
						continue // a second only partly steady
					}
					got = append(got, p.Requests)
					if d := float64(p.Requests) - want; d > 0.05*want || -d > 0.05*want {
						bad = true
					}
				}
				if full := int(st.Measured.End.Truncate(time.Second).Sub(st.Measured.Start) / time.Second); bad || len(got) < 19 {
					t.Errorf("starts per second of the steady window %v, want %v ± 5%% in each of its %d whole seconds", got, want, full)
				}
				if st.Requests.Late != 0 {
					t.Errorf("%d late starts", st.Requests.Late)
				}
			})
		})
	}
}

// pace_jitter draws each interval in pace·(1 ± j): the count over the
// window stays users × window / pace, the per-second counts move, and one
// seed gives one run.
func TestClosedPaceJitter(t *testing.T) {
	t.Parallel()
	series := func(t *testing.T, jitter float64, seed uint64) (total int64, perSec []int64) {
		synctest.Test(t, func(t *testing.T) {
			fs := &fakeService{service: constant(20 * ms)}
			s := scenario("http://fake/", &dsl.Step{Name: "j", Users: 50, Pace: time.Second, Duration: 60 * time.Second})
			p := buildPlan(s)
			p.Steps[0].PaceJitter, p.Steps[0].Seed = jitter, seed
			f, err := Run(t.Context(), s, p, fs.options(Options{}))
			if err != nil {
				t.Fatal(err)
			}
			total = f.Steps[0].Requests.Total
			for _, pt := range f.Steps[0].Series {
				perSec = append(perSec, pt.Requests)
			}
		})
		return total, perSec
	}
	n0, s0 := series(t, 0, 1)
	n1, s1 := series(t, 0.5, 1)
	n2, s2 := series(t, 0.5, 1)
	_, s3 := series(t, 0.5, 2)
	if n0 != 3000 || n1 < 2900 || n1 > 3100 {
		t.Errorf("totals %d without jitter, %d with 0.5: want 3000 and about 3000", n0, n1)
	}
	if n1 != n2 || fmt.Sprint(s1) != fmt.Sprint(s2) {
		t.Errorf("seed 1 gave two runs: %d %v\n%d %v", n1, s1, n2, s2)
	}
	if fmt.Sprint(s0) == fmt.Sprint(s1) || fmt.Sprint(s1) == fmt.Sprint(s3) {
		t.Errorf("jitter changed nothing, or seeds 1 and 2 gave one run")
	}
}
