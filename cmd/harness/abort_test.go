package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// Abort assertions stopping a running step early (issue 5), through
// `harness run` in process against local servers whose latency or sampler
// value jumps mid-step.

// sinceFirst returns a clock that starts at its first call, so a server's
// behaviour is timed from the first request it sees, not from when the
// test started it.
func sinceFirst() func() time.Duration {
	var once sync.Once
	var start time.Time
	return func() time.Duration {
		once.Do(func() { start = time.Now() })
		return time.Since(start)
	}
}

// slowAfterServer answers at once for its first `after` of traffic, then
// sleeps `delay` before every answer.
func slowAfterServer(t *testing.T, after, delay time.Duration) *httptest.Server {
	t.Helper()
	elapsed := sinceFirst()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if elapsed() >= after {
			time.Sleep(delay)
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// spikeServer sleeps `delay` for requests number from+1 to from+count only:
// a short latency spike defined by request count, so the share of slow
// requests in the step is known whatever the machine's speed.
func spikeServer(t *testing.T, from, count int64, delay time.Duration) *httptest.Server {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k := n.Add(1); k > from && k <= from+count {
			time.Sleep(delay)
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// abortScenario is a long step "long" then a step "after" against url, with
// the given blocks (the abort assert, a sampler).
func abortScenario(url, duration, blocks string) string {
	return `scenario {
  name = "abort"
}
target "t" {
  url = "` + url + `"
}
step "long" {
  users    = 4
  pace     = "100ms"
  duration = "` + duration + `"
}
step "after" {
  users    = 1
  duration = "2s"
}
` + blocks
}

// runAborting runs file and checks what every abort must give: exit 1,
// verdict aborted with a reason naming the assert, the step "long" aborted
// well before its 20 s, the step "after" not run.
func runAborting(t *testing.T, file, assertName string) *result.File {
	t.Helper()
	f, _ := runScenario(t, file, exitcode.Failed)
	if f.Verdict != result.VerdictAborted || f.ExitCode != 1 {
		t.Errorf("verdict %q exit_code %d, want aborted 1", f.Verdict, f.ExitCode)
	}
	if !strings.Contains(f.Reason, assertName) {
		t.Errorf("reason %q does not name the assert %q", f.Reason, assertName)
	}
	if len(f.Steps) != 2 {
		t.Fatalf("%d steps, want 2", len(f.Steps))
	}
	long, after := f.Steps[0], f.Steps[1]
	if long.Status != result.StepAborted {
		t.Errorf("step long status %q, want aborted", long.Status)
	}
	if d := long.Measured.DurationS; d <= 0 || d >= 10 {
		t.Errorf("step long measured %.1f s, want it cut well short of 20 s", d)
	}
	if after.Status != result.StepNotRun {
		t.Errorf("step after status %q, want not_run", after.Status)
	}
	if a := findAssertion(t, f, assertName, "after"); a.Status != result.StatusSkip {
		t.Errorf("%s on the step not run: status %q, want not_run", assertName, a.Status)
	}
	return f
}

func TestAbortOnSustainedLatency(t *testing.T) {
	t.Parallel()
	srv := slowAfterServer(t, 1500*time.Millisecond, 80*time.Millisecond)
	file := writeScenario(t, abortScenario(srv.URL, "20s", `
assert "fast" {
  condition = latency.p95 < 50
  abort     = true
  sustain   = "1s"
}
`))
	f := runAborting(t, file, "fast")
	a := findAssertion(t, f, "fast", "long")
	if p95, ok := a.Observed["latency.p95"].(float64); a.Status != result.StatusFail || !ok || p95 < 50 {
		t.Errorf("fast on the aborted step = %+v, want fail with p95 ≥ 50", a)
	}
}

// spikeScenario is one 8 s step whose requests 121 to 130 (about 3 s in)
// take 80 ms: the step so far has a p95 over 50 ms from about the 127th
// request to the 200th (some 1.8 s at 40 req/s), while the whole step's
// p95 (10 slow of about 320) stays fast.
func spikeScenario(t *testing.T, sustain string) string {
	srv := spikeServer(t, 120, 10, 80*time.Millisecond)
	return writeScenario(t, fmt.Sprintf(`scenario {
  name = "spike"
}
target "t" {
  url = %q
}
step "long" {
  users    = 4
  pace     = "100ms"
  duration = "8s"
}
assert "fast" {
  condition = latency.p95 < 50
  abort     = true
  sustain   = %q
}
`, srv.URL, sustain))
}

// TestAbortSustainNotMet: a breach shorter than sustain does not abort; the
// run completes and passes on the whole step's p95.
func TestAbortSustainNotMet(t *testing.T) {
	t.Parallel()
	f, _ := runScenario(t, spikeScenario(t, "4s"), exitcode.OK)
	if f.Verdict != result.VerdictPass || f.Reason != "" {
		t.Errorf("verdict %q reason %q, want pass and no reason", f.Verdict, f.Reason)
	}
	st := f.Steps[0]
	if st.Status != result.StepCompleted || st.Latency.Max == nil || *st.Latency.Max < 80 {
		t.Errorf("step: status %q, latency max %v; want completed and the spike (≥ 80 ms) in it", st.Status, st.Latency.Max)
	}
}

// TestAbortSustainZeroSeesSpike is the control for TestAbortSustainNotMet:
// the same spike with no sustain aborts, so the breach was there to see.
func TestAbortSustainZeroSeesSpike(t *testing.T) {
	t.Parallel()
	f, _ := runScenario(t, spikeScenario(t, "0s"), exitcode.Failed)
	if f.Verdict != result.VerdictAborted || f.Steps[0].Status != result.StepAborted || !strings.Contains(f.Reason, "fast") {
		t.Errorf("verdict %q, step %q, reason %q; want aborted naming fast", f.Verdict, f.Steps[0].Status, f.Reason)
	}
}

// gaugeServer serves a Prometheus page whose fake_temp gauge reads 40 for
// its first `after` of scrapes, then 90.
func gaugeServer(t *testing.T, after time.Duration) *httptest.Server {
	t.Helper()
	elapsed := sinceFirst()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		temp := 40
		if elapsed() >= after {
			temp = 90
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# HELP fake_temp A temperature.\n# TYPE fake_temp gauge\nfake_temp %d\n", temp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAbortOnSamplerValue(t *testing.T) {
	t.Parallel()
	api, _ := countingServer(t)
	metrics := gaugeServer(t, 1500*time.Millisecond)
	file := writeScenario(t, abortScenario(api.URL, "20s", `
sampler "prometheus" "hw" {
  url      = "`+metrics.URL+`/metrics"
  interval = "250ms"
  series "temp" {
    name = "fake_temp"
  }
}
assert "cool" {
  condition = sampler.hw.temp.max < 80
  abort     = true
}
`))
	f := runAborting(t, file, "cool")
	a := findAssertion(t, f, "cool", "long")
	if temp, ok := a.Observed["sampler.hw.temp.max"].(float64); a.Status != result.StatusFail || !ok || temp != 90 {
		t.Errorf("cool on the aborted step = %+v, want fail with sampler.hw.temp.max 90", a)
	}
}
