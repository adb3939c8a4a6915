package runner

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// Tests of what the engine does with absurd input and at its limits; each
// runs on virtual time, so a hang shows as the test's timeout, not a flake.

// More users than one process holds is refused before anything is sent,
// with the limit in the message, rather than added one by one for ever.
func TestHugeUsersRefused(t *testing.T) {
	for _, users := range []int{dsl.MaxUsers + 1, 1_000_000, 1_000_000_000} {
		t.Run(strconv.Itoa(users), func(t *testing.T) {
			virtual(t, func(t *testing.T) {
				fs := &fakeService{}
				s := scenario("http://fake/",
					&dsl.Step{Name: "small", Users: 1, Duration: time.Second},
					&dsl.Step{Name: "huge", Users: users, Ramp: time.Second, Duration: time.Second})
				f, err := Run(context.Background(), s, buildPlan(s), fs.options(Options{}))
				if err == nil || f != nil || exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "at most 50000") {
					t.Errorf("users = %d: err %v (exit %d), want a usage error naming the limit", users, err, exitcode.Of(err))
				}
				if n := fs.served.Load(); n != 0 {
					t.Errorf("users = %d: %d requests sent before the refusal", users, n)
				}
			})
		})
	}
}

// SetLevel stops adding users once its stop is closed, so an interrupt
// during a big jump in level is seen at once; and it never holds more than
// dsl.MaxUsers whatever it is asked.
func TestSetLevelStopsAdding(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(ms)}
		opts := fs.options(Options{})
		p := &closedPool{opts: &opts}
		stop := make(chan struct{})
		close(stop)
		p.SetLevel(stop, dsl.MaxUsers)
		if n := len(p.users); n > addCheck {
			t.Errorf("added %d users after the stop, want at most %d", n, addCheck)
		}
		p.SetLevel(nil, 1<<40)
		if n := len(p.users); n != dsl.MaxUsers {
			t.Errorf("asked for 2^40 users: %d run, want dsl.MaxUsers (%d)", n, dsl.MaxUsers)
		}
		p.SetLevel(nil, 0)
		if !p.wait(time.Second) {
			t.Errorf("users still running after SetLevel(0)")
		}
	})
}

// A run at dsl.MaxUsers cancelled as it starts ends at once, interrupted.
func TestInterruptAtMaxUsers(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(100 * ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "max", Users: dsl.MaxUsers, Pace: 10 * time.Second, Duration: time.Hour})
		f := runFake(t, s, fs, Options{}, 10*ms)
		if got := f.EndedAt.Sub(f.StartedAt); got > 200*ms || f.Steps[0].Status != "interrupted" {
			t.Errorf("run ended %v after its start, step %q; want within the in-flight requests' 100 ms, interrupted", got, f.Steps[0].Status)
		}
	})
}

// A rate that is not a number above 0 or is over dsl.MaxRate never reaches the
// pacer: Run refuses it before anything is sent. 1e300 or 1e9 arrivals/s
// would all be due at once for ever.
func TestExtremeRateRefused(t *testing.T) {
	for _, rate := range []float64{1e300, 1e9, dsl.MaxRate + 1, math.Inf(1), math.NaN(), 0, -1} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			virtual(t, func(t *testing.T) {
				fs := &fakeService{}
				s := scenario("http://fake/", &dsl.Step{Name: "open", Model: dsl.Open, Rate: rate, Duration: time.Second})
				f, err := Run(context.Background(), s, buildPlan(s), fs.options(Options{}))
				if err == nil || f != nil || exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "at most 100000 per second") {
					t.Errorf("rate = %g: err %v, want a usage error naming the limit", rate, err)
				}
				if n := fs.served.Load(); n != 0 {
					t.Errorf("rate = %g: %d requests sent", rate, n)
				}
			})
		})
	}
}

// The schedule has no overflow at either end: 1e-300/s is one arrival (at
// 0; the next lies past any Duration), never "everything due"; a ramp up to
// it too; a rate of dsl.MaxRate is exactly that many a second.
func TestRampPacerExtremes(t *testing.T) {
	const s = time.Second
	for _, tc := range []struct {
		p    rampPacer
		want uint64 // arrivals in the schedule
	}{
		{rampPacer{Rate: 1e-300, Total: 10 * s}, 1},
		{rampPacer{From: 0, Rate: 1e-300, Ramp: 10 * s, Total: 20 * s}, 1},
		{rampPacer{From: 1e-300, Rate: 1e-300, Ramp: 10 * s, Total: 20 * s}, 1},
		{rampPacer{Rate: 0.01, Total: 300 * s}, 3},
		{rampPacer{Rate: dsl.MaxRate, Total: 10 * s}, 10 * dsl.MaxRate},
		{rampPacer{From: dsl.MaxRate, Rate: 0.01, Ramp: 10 * s, Total: 10 * s}, dsl.MaxRate*10/2 + 1}, // N(10 s) = 500,000.05
	} {
		var k uint64
		var last time.Duration
		for ; ; k++ {
			due, ok := tc.p.At(float64(k))
			if !ok {
				break
			}
			if due < last || due >= tc.p.Total {
				t.Fatalf("%+v: arrival %d due at %v after %v", tc.p, k, due, last)
			}
			last = due
		}
		if k != tc.want {
			t.Errorf("%+v: %d arrivals, want %d", tc.p, k, tc.want)
		}
		if _, ok := tc.p.At(float64(k + 1000)); ok {
			t.Errorf("%+v: an arrival after the last", tc.p)
		}
	}
}

// On virtual time the open model holds 50,000 req/s and 0.01 req/s exactly.
func TestOpenExtremeRatesExact(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		dur  time.Duration
		want int64
	}{
		{50_000, time.Second, 50_000},
		{0.01, 300 * time.Second, 3},
	} {
		t.Run(fmt.Sprint(tc.rate), func(t *testing.T) {
			virtual(t, func(t *testing.T) {
				fs := &fakeService{service: constant(ms)}
				s := scenario("http://fake/", &dsl.Step{Name: "open", Rate: tc.rate, Duration: tc.dur})
				st := runFake(t, s, fs, Options{}, 0).Steps[0]
				if st.Requests.Total != tc.want || st.Requests.Dropped != 0 || fs.served.Load() != tc.want {
					t.Errorf("rate %v for %v: %+v, served %d; want %d", tc.rate, tc.dur, st.Requests, fs.served.Load(), tc.want)
				}
				// every arrival went out on its schedule
				if p := st.Latency.P99; p == nil || *p != *result.HistogramLatency(histOf(1000)).P99 {
					t.Errorf("rate %v: p99 %v, want the 1 ms service time", tc.rate, deref(p))
				}
			})
		})
	}
}

// An interrupt after an open step's window closed, while a starved process
// still sends the arrivals due before the end, stops that backlog at once:
// the run is interrupted, not passed, and ends at the interrupt rather than
// when the backlog is out. Every fine wait here oversleeps by 5 ms (the
// process is starved), so at 1,000/s only a fifth of the arrivals are out
// by the end of the 2 s window and the backlog would take 8 s more.
func TestInterruptDuringBacklog(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(10 * ms)}
		opts := fs.options(Options{})
		opts.fineWait = func(deadline time.Time) { time.Sleep(max(time.Until(deadline), 0) + 5*ms) }
		s := scenario("http://fake/", &dsl.Step{Name: "open", Rate: 1000, Duration: 2 * time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(3*time.Second, cancel)
		f, err := Run(ctx, s, buildPlan(s), opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.EndedAt.Sub(f.StartedAt); got > 3*time.Second+20*ms {
			t.Errorf("run ended %v after its start, want at the interrupt (3 s) plus one request", got)
		}
		if f.Verdict != result.VerdictInterrupted || !strings.Contains(f.Reason, `interrupted during step "open"`) {
			t.Errorf("verdict %q reason %q, want interrupted", f.Verdict, f.Reason)
		}
		if st := f.Steps[0]; st.Status != result.StepInterrupted || st.Requests.Total >= 2000 || st.Requests.Total < 400 {
			t.Errorf("step %q with %d requests, want interrupted with part of the 2,000", st.Status, st.Requests.Total)
		}
	})
}

// Without an interrupt the same starved step sends its whole backlog: every
// arrival due before the end goes out, late, and counts.
func TestBacklogSentAtEnd(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(10 * ms)}
		opts := fs.options(Options{})
		opts.fineWait = func(deadline time.Time) { time.Sleep(max(time.Until(deadline), 0) + 5*ms) }
		s := scenario("http://fake/", &dsl.Step{Name: "open", Rate: 1000, Duration: 2 * time.Second})
		f, err := Run(context.Background(), s, buildPlan(s), opts)
		if err != nil {
			t.Fatal(err)
		}
		if st := f.Steps[0]; f.Verdict != "" || st.Status != result.StepCompleted || st.Requests.Total != 2000 {
			t.Errorf("verdict %q, step %q with %d requests; want completed with 2,000", f.Verdict, st.Status, st.Requests.Total)
		}
		if got := f.EndedAt.Sub(f.StartedAt); got < 10*time.Second {
			t.Errorf("run ended %v after its start; the backlog takes 10 s", got)
		}
	})
}
