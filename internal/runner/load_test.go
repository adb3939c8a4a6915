package runner

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

func run(t *testing.T, ctx context.Context, s *dsl.Scenario, opts Options) *result.File {
	t.Helper()
	f, err := Run(ctx, s, buildPlan(s), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return f
}

// 20 users at pace 100ms for 10 s send 2,000 requests ± 2 %, as the server counts them.
func TestClosedPacedCount(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL, &dsl.Step{Name: "paced", Users: 20, Pace: 100 * time.Millisecond, Duration: 10 * time.Second})
	f := run(t, context.Background(), s, Options{})
	served, st := srv.served.Load(), f.Steps[0]
	if !within(served, 2000, 0.02) {
		t.Errorf("server counted %d requests, want 2000 ± 2%%", served)
	}
	if st.Requests.Total != served || st.Requests.OK != served {
		t.Errorf("recorded total %d ok %d, server counted %d", st.Requests.Total, st.Requests.OK, served)
	}
	if st.Status != result.StepCompleted || f.Verdict != "" {
		t.Errorf("status %q verdict %q", st.Status, f.Verdict)
	}
	if sr := st.Requests.SuccessRate; sr == nil || *sr != 1 {
		t.Errorf("success rate %v", st.Requests.SuccessRate)
	}
	if n := len(srv.conns); n != 20 {
		t.Errorf("server saw %d connections, want one per user (20)", n)
	}
	if len(st.Series) < 10 || len(st.Series) > 11 {
		t.Errorf("series has %d points, want 10 (or 11 with a partial last second)", len(st.Series))
	}
}

// rate = 300 for 10 s sends 3,000 requests ± 1 %.
func TestOpenRateCount(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL, &dsl.Step{Name: "open", Rate: 300, Duration: 10 * time.Second})
	f := run(t, context.Background(), s, Options{})
	served, st := srv.served.Load(), f.Steps[0]
	if !within(served, 3000, 0.01) {
		t.Errorf("server counted %d requests, want 3000 ± 1%%", served)
	}
	if st.Requests.Total != served || st.Requests.Dropped != 0 {
		t.Errorf("recorded total %d dropped %d, server counted %d", st.Requests.Total, st.Requests.Dropped, served)
	}
	if st.SendLatency == nil || st.SendLatency.P50 == nil {
		t.Errorf("open model step has no send latency")
	}
}

// A ramp from 0 to 20 users over 4 s has 10 users at its midpoint: each user
// has its own connection, so the server's connection log shows it.
func TestRampHalfAtMidpoint(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL, &dsl.Step{Name: "ramp", Users: 20, Ramp: 4 * time.Second, Think: 100 * time.Millisecond, Duration: time.Second})
	f := run(t, context.Background(), s, Options{})
	mid := f.StartedAt.Add(2 * time.Second)
	srv.mu.Lock()
	var before int
	for _, c := range srv.conns {
		if c.Before(mid.Add(100 * time.Millisecond)) {
			before++
		}
	}
	total := len(srv.conns)
	srv.mu.Unlock()
	if before < 9 || before > 11 {
		t.Errorf("%d users connected by the ramp's midpoint, want 10 ± 1", before)
	}
	if total != 20 {
		t.Errorf("%d users in all, want 20", total)
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
}

// A server that sleeps 50 ms gives a p50 between 50 and 53 ms.
func TestLatencyOfSlowServer(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, sleepHandler(50*time.Millisecond))
	s := scenario(srv.URL, &dsl.Step{Name: "slow", Users: 10, Pace: 100 * time.Millisecond, Duration: 3 * time.Second})
	f := run(t, context.Background(), s, Options{})
	p50 := f.Steps[0].Latency.P50
	if p50 == nil || *p50 < 50 || *p50 > 53 {
		t.Errorf("p50 = %v ms, want within [50, 53]", deref(p50))
	}
}

// 404s count as failed requests, with their status.
func TestStatusFailures(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	s := scenario(srv.URL, &dsl.Step{Name: "nf", Users: 2, Pace: 100 * time.Millisecond, Duration: time.Second})
	f := run(t, context.Background(), s, Options{})
	st := f.Steps[0]
	if st.Requests.Total == 0 || st.Requests.Failed != st.Requests.Total || st.Requests.OK != 0 {
		t.Errorf("requests %+v, want all failed", st.Requests)
	}
	if st.StatusCodes["404"] != st.Requests.Total {
		t.Errorf("status codes %v", st.StatusCodes)
	}
	if ec := st.Errors[ClassStatus]; ec.Count != st.Requests.Total || len(ec.Messages) != 1 || ec.Messages[0] != "unexpected status 404" {
		t.Errorf("errors %+v", st.Errors)
	}
	if st.Latency.P50 != nil {
		t.Errorf("latency from failed requests only: %v", *st.Latency.P50)
	}
	if sr := st.Requests.SuccessRate; sr == nil || *sr != 0 {
		t.Errorf("success rate %v, want 0", sr)
	}
}

// With max_in_flight and a slow server, arrivals over the cap are dropped,
// and the server never sees more than the cap at once.
func TestOpenDropsOverMaxInFlight(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, sleepHandler(300*time.Millisecond))
	s := scenario(srv.URL, &dsl.Step{Name: "capped", Rate: 50, MaxInFlight: 5, Duration: 2 * time.Second})
	f := run(t, context.Background(), s, Options{})
	st := f.Steps[0]
	if st.Requests.Dropped == 0 {
		t.Errorf("nothing dropped: %+v", st.Requests)
	}
	if m := srv.maxSeen.Load(); m > 5 {
		t.Errorf("server saw %d in flight, cap is 5", m)
	}
	if got := st.Requests.Dropped + st.Requests.Total; !within(got, 100, 0.02) {
		t.Errorf("arrivals (sent + dropped) = %d, want 100", got)
	}
	if st.Requests.Total != srv.served.Load() {
		t.Errorf("recorded %d sent, server counted %d", st.Requests.Total, srv.served.Load())
	}
}

// Cancelling ctx mid-step stops the load: verdict interrupted, the step
// interrupted with what it recorded, later steps not run.
func TestInterrupt(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL,
		&dsl.Step{Name: "one", Users: 2, Pace: 50 * time.Millisecond, Duration: 10 * time.Second},
		&dsl.Step{Name: "two", Users: 2, Duration: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(1500*time.Millisecond, cancel)
	f := run(t, ctx, s, Options{})
	if f.Verdict != result.VerdictInterrupted || f.Reason == "" {
		t.Errorf("verdict %q reason %q", f.Verdict, f.Reason)
	}
	if f.Steps[0].Status != result.StepInterrupted || f.Steps[1].Status != result.StepNotRun {
		t.Errorf("statuses %q, %q", f.Steps[0].Status, f.Steps[1].Status)
	}
	if got := f.EndedAt.Sub(f.StartedAt); got > 5*time.Second {
		t.Errorf("run went on %s after the interrupt", got)
	}
	if st := f.Steps[0]; st.Requests.Total == 0 || st.Requests.Total != srv.served.Load() || st.Measured.DurationS > 3 {
		t.Errorf("partial step: %+v over %.1fs, server %d", st.Requests, st.Measured.DurationS, srv.served.Load())
	}
}

// A Live abort stops the step within a second and marks the run aborted.
func TestLiveAbort(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL,
		&dsl.Step{Name: "one", Users: 1, Pace: 50 * time.Millisecond, Duration: 10 * time.Second},
		&dsl.Step{Name: "two", Users: 1, Duration: time.Second})
	var calls int
	opts := Options{Live: func(st result.Step) (bool, string) {
		calls++
		return st.Requests.Total > 0 && calls >= 2, "too hot"
	}}
	f := run(t, context.Background(), s, opts)
	if f.Verdict != result.VerdictAborted || f.Reason != "too hot" {
		t.Errorf("verdict %q reason %q", f.Verdict, f.Reason)
	}
	if f.Steps[0].Status != result.StepAborted || f.Steps[1].Status != result.StepNotRun {
		t.Errorf("statuses %q, %q", f.Steps[0].Status, f.Steps[1].Status)
	}
	if d := f.Steps[0].Measured.DurationS; d < 1.5 || d > 3.5 {
		t.Errorf("aborted after %.1fs, want about 2s", d)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
