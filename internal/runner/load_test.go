package runner

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// The tests in this file run against a real server on 127.0.0.1: the
// server's own count is independent of the runner's. Their tolerances hold
// on a loaded 2-core machine; the engine's exact behaviour is checked on
// virtual time in engine_test.go.

func run(t *testing.T, ctx context.Context, s *dsl.Scenario, opts Options) *result.File {
	t.Helper()
	f, err := Run(ctx, s, buildPlan(s), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return f
}

// 20 users at pace 100ms for 3 s send 600 requests, as the server counts
// them: the metronome catches up with timers that fire late, so only the
// window's edges can move the count.
func TestLoopbackClosedCount(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL, &dsl.Step{Name: "paced", Users: 20, Pace: 100 * time.Millisecond, Duration: 3 * time.Second})
	f := run(t, context.Background(), s, Options{})
	served, st := srv.served.Load(), f.Steps[0]
	if !within(served, 600, 0.1) {
		t.Errorf("server counted %d requests, want 600 ± 10%%", served)
	}
	if st.Requests.Total != served || st.Requests.OK != served {
		t.Errorf("recorded total %d ok %d, server counted %d", st.Requests.Total, st.Requests.OK, served)
	}
	if st.Status != result.StepCompleted || f.Verdict != "" {
		t.Errorf("status %q verdict %q", st.Status, f.Verdict)
	}
	if conns := srv.conns.Load(); conns != 20 {
		t.Errorf("server saw %d connections, want one per user (20)", conns)
	}
}

// rate = 300 for 3 s schedules 900 arrivals; a late process sends its
// backlog, so every one is either served or (never here) dropped.
func TestLoopbackOpenCount(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL, &dsl.Step{Name: "open", Rate: 300, Duration: 3 * time.Second})
	st := run(t, context.Background(), s, Options{}).Steps[0]
	served := srv.served.Load()
	if st.Requests.Total+st.Requests.Dropped != 900 {
		t.Errorf("recorded %d sent + %d dropped, want 900 arrivals", st.Requests.Total, st.Requests.Dropped)
	}
	if st.Requests.Total != served {
		t.Errorf("recorded %d sent, server counted %d", st.Requests.Total, served)
	}
	if st.SendLatency == nil || st.SendLatency.P50 == nil {
		t.Errorf("open model step has no send latency")
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

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
