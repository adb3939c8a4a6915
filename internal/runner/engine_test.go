package runner

import (
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// The engine's behaviour on virtual time (testing/synctest) against
// fakeService: every count and latency below is exact.

const ms = time.Millisecond

// 20 users at pace 100ms for 10 s start 2,000 requests: user j of 20 starts
// at j·5 ms and then every 100 ms.
func TestClosedPacedCount(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "paced", Users: 20, Pace: 100 * ms, Duration: 10 * time.Second})
		f := runFake(t, s, fs, Options{}, 0)
		st := f.Steps[0]
		if got := fs.served.Load(); got != 2000 {
			t.Errorf("served %d requests, want 2000", got)
		}
		if st.Requests.Total != 2000 || st.Requests.OK != 2000 || st.Requests.Late != 0 {
			t.Errorf("requests %+v, want 2000 ok, none late", st.Requests)
		}
		if st.Status != result.StepCompleted || f.Verdict != "" {
			t.Errorf("status %q verdict %q", st.Status, f.Verdict)
		}
		if n := len(fs.clientStarts()); n != 20 {
			t.Errorf("%d clients, want one per user (20)", n)
		}
		if len(st.Series) != 10 {
			t.Fatalf("series has %d points, want 10", len(st.Series))
		}
		for i, p := range st.Series {
			if p.Requests != 200 || p.Users != 20 {
				t.Errorf("second %d: %d requests at %v users, want 200 at 20", i, p.Requests, p.Users)
			}
		}
	})
}

// rate = 300 for 10 s sends 3,000 arrivals, 30 in every 100 ms.
func TestOpenRateCount(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(2 * ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "open", Rate: 300, Duration: 10 * time.Second})
		st := runFake(t, s, fs, Options{}, 0).Steps[0]
		if got := fs.served.Load(); got != 3000 {
			t.Errorf("served %d, want 3000", got)
		}
		if st.Requests.Total != 3000 || st.Requests.Dropped != 0 {
			t.Errorf("requests %+v", st.Requests)
		}
		// Sent on schedule: latency from the schedule is the service time.
		if want := msAt(histOf(2000), 50); st.Latency.P50 == nil || *st.Latency.P50 != *want ||
			st.SendLatency == nil || *st.SendLatency.P99 != *want {
			t.Errorf("latency p50 %v send %+v, want %v", deref(st.Latency.P50), st.SendLatency, *want)
		}
		for i, p := range st.Series {
			if p.Requests != 300 {
				t.Errorf("second %d: %d requests, want 300", i, p.Requests)
			}
		}
	})
}

// histOf is a latency histogram holding one value of us microseconds: what
// the recorder reports for a request that took exactly that long.
func histOf(us int64) *hdr.Histogram {
	h := newLatencyHist()
	_ = h.RecordValue(us)
	return h
}

// A ramp from 0 to 20 users over 4 s adds user j at 200 ms·j (+1 µs), so
// 10 are running from the midpoint on.
func TestRampHalfAtMidpoint(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "ramp", Users: 20, Ramp: 4 * time.Second, Think: 100 * ms, Duration: time.Second})
		f := runFake(t, s, fs, Options{}, 0)
		starts := fs.clientStarts()
		if len(starts) != 20 {
			t.Fatalf("%d users in all, want 20", len(starts))
		}
		var byMid int
		for j, at := range starts {
			want := time.Duration(j+1)*200*ms + time.Microsecond
			if got := at.Sub(f.StartedAt); got != want {
				t.Errorf("user %d started at %v, want %v", j+1, got, want)
			}
			if !at.After(f.StartedAt.Add(2*time.Second + time.Microsecond)) {
				byMid++
			}
		}
		if byMid != 10 {
			t.Errorf("%d users by the midpoint, want 10", byMid)
		}
		st := f.Steps[0]
		if st.Ramp == nil || st.RampRequests == nil || st.RampRequests.Total == 0 {
			t.Fatalf("ramp not recorded apart: %+v", st.RampRequests)
		}
		var rampPoints int
		for _, p := range st.Series {
			if p.Phase == "ramp" {
				rampPoints++
			}
		}
		if rampPoints != 4 {
			t.Errorf("%d ramp seconds in the series, want 4", rampPoints)
		}
	})
}

// A service time of 50 ms is a latency of 50 ms, to the histogram's precision.
func TestLatencyOfSlowServer(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(50 * ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "slow", Users: 10, Pace: 100 * ms, Duration: 3 * time.Second})
		st := runFake(t, s, fs, Options{}, 0).Steps[0]
		want := result.HistogramLatency(histOf(50000))
		if p := st.Latency; p.P50 == nil || *p.P50 != *want.P50 || *p.P99 != *want.P99 || *p.Min != *want.Min || *p.Max != *want.Max {
			t.Errorf("latency p50 %v p99 %v min %v max %v, want every one the 50 ms bucket (%v)", deref(p.P50), deref(p.P99), deref(p.Min), deref(p.Max), *want.P50)
		}
		if st.Requests.Total != 300 || st.Requests.Late != 0 {
			t.Errorf("requests %+v, want 300, none late", st.Requests)
		}
	})
}

// A paced user whose responses overrun the pace starts the next request at
// once and counts it late: at 150 ms a response and a 100 ms pace, requests
// start at 0, 150, …, 900 ms; all but the first are late.
func TestPacedLate(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(150 * ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "late", Users: 1, Pace: 100 * ms, Duration: time.Second})
		st := runFake(t, s, fs, Options{}, 0).Steps[0]
		if st.Requests.Total != 7 || st.Requests.Late != 6 {
			t.Errorf("requests %+v, want 7 of which 6 late", st.Requests)
		}
	})
}

// A paced user keeps its metronome while responses are faster than the pace
// on average: one slow response (150 ms) is followed by a late start, then
// the user catches up and the count is users × window / pace.
func TestPacedCatchesUp(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: func(n int64) time.Duration {
			if n == 3 {
				return 150 * ms
			}
			return 10 * ms
		}}
		s := scenario("http://fake/", &dsl.Step{Name: "catch", Users: 1, Pace: 100 * ms, Duration: time.Second})
		st := runFake(t, s, fs, Options{}, 0).Steps[0]
		if st.Requests.Total != 10 || st.Requests.Late != 1 {
			t.Errorf("requests %+v, want 10 of which 1 late", st.Requests)
		}
	})
}

// With max_in_flight 5, one arrival every 20 ms and 290 ms of service, each
// 300 ms sees 5 arrivals sent and 10 dropped; the service never sees more
// than the cap.
func TestOpenDropsOverMaxInFlight(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(290 * ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "capped", Rate: 50, MaxInFlight: 5, Duration: 2 * time.Second})
		st := runFake(t, s, fs, Options{}, 0).Steps[0]
		if st.Requests.Total != 35 || st.Requests.Dropped != 65 || fs.served.Load() != 35 {
			t.Errorf("requests %+v, served %d; want 35 sent, 65 dropped", st.Requests, fs.served.Load())
		}
		if m := fs.maxSeen.Load(); m != 5 {
			t.Errorf("%d in flight at most, want the cap (5)", m)
		}
	})
}

// An open ramp from 0 to 200/s over 2 s then 1 s at 200/s sends the
// integral of the rate: 200 in the ramp, 200 measured.
func TestOpenRampIntegratesRate(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "ramp", Rate: 200, Ramp: 2 * time.Second, Duration: time.Second})
		st := runFake(t, s, fs, Options{}, 0).Steps[0]
		if st.RampRequests == nil || st.RampRequests.Total != 200 || st.Requests.Total != 200 || fs.served.Load() != 400 {
			t.Errorf("ramp %+v measured %+v served %d", st.RampRequests, st.Requests, fs.served.Load())
		}
	})
}

// Consecutive closed steps keep their users (and connections): 5 users,
// then a ramp to 10 over 500 ms, is 10 clients in all, not 15. The new user
// j joins at 100 ms·j of the ramp and sends on its own 100 ms metronome.
func TestClosedStepsKeepUsers(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(ms)}
		s := scenario("http://fake/",
			&dsl.Step{Name: "five", Users: 5, Pace: 100 * ms, Duration: time.Second},
			&dsl.Step{Name: "ten", Users: 10, Ramp: 500 * ms, Pace: 100 * ms, Duration: time.Second})
		f := runFake(t, s, fs, Options{}, 0)
		if n := len(fs.clientStarts()); n != 10 {
			t.Errorf("%d clients, want 10", n)
		}
		a, b, r := f.Steps[0].Requests.Total, f.Steps[1].Requests.Total, f.Steps[1].RampRequests.Total
		if a != 50 || r != 35 || b != 100 || fs.served.Load() != a+r+b {
			t.Errorf("step totals %d, %d (+%d ramp); served %d; want 50, 100 (+35)", a, b, r, fs.served.Load())
		}
	})
}

// Users removed by a ramp down finish the request they have in flight: none
// is abandoned, none fails, and the measured window of the lower level looks
// like 2 users back to back at 200 ms a request.
func TestRampDownFinishesInFlight(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(200 * ms)}
		s := scenario("http://fake/",
			&dsl.Step{Name: "ten", Users: 10, Duration: time.Second},
			&dsl.Step{Name: "two", Users: 2, Ramp: 600 * ms, Duration: time.Second})
		f := runFake(t, s, fs, Options{}, 0)
		if n := fs.abandoned.Load(); n != 0 {
			t.Errorf("%d requests abandoned mid-flight by the ramp down, want 0", n)
		}
		for _, st := range f.Steps {
			if st.Requests.Failed != 0 {
				t.Errorf("step %s: %d failed requests, want 0 (errors %v)", st.Name, st.Requests.Failed, st.Errors)
			}
		}
		if got := f.Steps[0].Requests.Total; got != 50 {
			t.Errorf("step ten: %d requests, want 50", got)
		}
		if got := f.Steps[1].Requests.Total; got != 10 {
			t.Errorf("step two: %d requests in 1 s, want 10", got)
		}
		if fs.inFlight.Load() != 0 {
			t.Errorf("%d requests still in flight after Run returned", fs.inFlight.Load())
		}
	})
}

// Cancelling ctx mid-step stops the load at once: verdict interrupted, the
// step interrupted with what it recorded up to the cancel, later steps not run.
func TestInterrupt(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(ms)}
		s := scenario("http://fake/",
			&dsl.Step{Name: "one", Users: 2, Pace: 50 * ms, Duration: 10 * time.Second},
			&dsl.Step{Name: "two", Users: 2, Duration: time.Second})
		f := runFake(t, s, fs, Options{}, 1510*ms)
		if f.Verdict != result.VerdictInterrupted || f.Reason != `interrupted during step "one"` {
			t.Errorf("verdict %q reason %q", f.Verdict, f.Reason)
		}
		if f.Steps[0].Status != result.StepInterrupted || f.Steps[1].Status != result.StepNotRun {
			t.Errorf("statuses %q, %q", f.Steps[0].Status, f.Steps[1].Status)
		}
		if got := f.EndedAt.Sub(f.StartedAt); got != 1510*ms {
			t.Errorf("run ended %v after its start, want 1.51s (at the cancel)", got)
		}
		// user 0 at 0, 50, …, 1500 ms (31), user 1 at 25, …, 1475 ms (30)
		if st := f.Steps[0]; st.Requests.Total != 61 || fs.served.Load() != 61 || st.Measured.DurationS != 1.51 {
			t.Errorf("partial step: %+v over %vs, served %d", st.Requests, st.Measured.DurationS, fs.served.Load())
		}
	})
}

// A Watch abort stops the step at the tick that asked for it and marks the
// run aborted.
func TestWatchAbort(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(ms)}
		s := scenario("http://fake/",
			&dsl.Step{Name: "one", Users: 1, Pace: 30 * ms, Duration: 10 * time.Second},
			&dsl.Step{Name: "two", Users: 1, Duration: time.Second})
		var calls int
		opts := Options{Watch: func(st result.Step) (bool, string) {
			calls++
			return st.Requests.Total > 0 && calls >= 2, "too hot"
		}}
		f := runFake(t, s, fs, opts, 0)
		if f.Verdict != result.VerdictAborted || f.Reason != "too hot" {
			t.Errorf("verdict %q reason %q", f.Verdict, f.Reason)
		}
		if f.Steps[0].Status != result.StepAborted || f.Steps[1].Status != result.StepNotRun {
			t.Errorf("statuses %q, %q", f.Steps[0].Status, f.Steps[1].Status)
		}
		if st := f.Steps[0]; st.Measured.DurationS != 2 || st.Requests.Total != 67 {
			t.Errorf("aborted after %vs with %d requests, want 2s and 67 (one every 30 ms)", st.Measured.DurationS, st.Requests.Total)
		}
	})
}

// Samplers feed the series, the ticks and the measured window's aggregates:
// 2.2 s is two ticks.
func TestSamplersAndTicks(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "s", Users: 2, Pace: 100 * ms, Duration: 2200 * ms})
		smp := &fakeSamplers{}
		var ticks []result.Tick
		f := runFake(t, s, fs, Options{Samplers: smp, OnTick: func(tk result.Tick) { ticks = append(ticks, tk) }}, 0)
		st := f.Steps[0]
		if len(ticks) != 2 || ticks[0].Samples["gpu.temperature"] != 70 || len(ticks[0].Samplers) != 1 || ticks[1].RPS != 20 || ticks[1].Users != 2 {
			t.Errorf("ticks %+v", ticks)
		}
		if st.GPU == nil || st.Samplers["gpu"].Kind != "nvml" || smp.windows.Load() != 1 {
			t.Errorf("aggregates not applied: %+v, %d windows", st.GPU, smp.windows.Load())
		}
		if len(st.Series) != 3 || st.Series[0].Requests != 20 || st.Series[2].Requests != 4 {
			t.Fatalf("series %+v, want 20, 20, 4 requests", st.Series)
		}
		for i, p := range st.Series { // the last, partial second too
			if p.Samples["gpu.temperature"] != 70 || p.Users != 2 {
				t.Errorf("second %d: users %v samples %v", i, p.Users, p.Samples)
			}
		}
	})
}
