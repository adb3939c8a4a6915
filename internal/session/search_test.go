package session

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// queueServer is one worker that takes exactly service per request, first
// come first served: its capacity is 1 s / service requests per second,
// and above it the queue, and so the latency, grows without bound. Each
// request's completion is computed from the previous one's, so the
// server's own timer overshoot does not add up into a lower capacity.
func queueServer(t *testing.T, service time.Duration) string {
	t.Helper()
	var mu sync.Mutex
	var free time.Time // when the worker is next free
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now := time.Now()
		start := free
		if now.After(start) {
			start = now
		}
		done := start.Add(service)
		free = done
		mu.Unlock()
		select {
		case <-time.After(time.Until(done)):
		case <-r.Context().Done():
		}
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestSearchFindsCapacity runs a search of each model against a server of
// known capacity (one worker, 5 ms a request: 200 req/s; 20 users pacing
// 100 ms) and checks that the capacity found lies within 10 % below the
// true knee, with a bracket within the precision.
func TestSearchFindsCapacity(t *testing.T) {
	if testing.Short() {
		t.Skip("runs about 7 s of load against two loopback servers")
	}
	cases := []struct {
		name, search string
		knee         float64
		precision    float64
		unit         string
	}{
		{"users", `model = "users"
  pace = "100ms"
  start = 16
  max = 32`, 20, 0.05, "users"},
		{"rate", `model = "rate"
  start = 150
  max = 400`, 200, 0.1, "req/s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // a server each: one worker, 5 ms a request
			url := queueServer(t, 5*time.Millisecond)
			src := fmt.Sprintf(`scenario { name = "capacity" }
target "api" {
  url     = "%s/"
  timeout = "2s"
}
assert "p95" { condition = latency.p95 < 15 }
assert "ok" { condition = requests.success_rate >= 1 }
assert "floor" { condition = search.cap.capacity >= %g }
search "cap" {
  %s
  precision = %g
  ramp      = "0s"
  duration  = "1s"
}
`, url, tc.knee*0.9, tc.search, tc.precision)
			scn := load(t, src)
			var out syncBuffer
			out.b.Grow(1 << 12)
			f, err := Run(context.Background(), scn, Options{Out: filepath.Join(t.TempDir(), "r.json"), Stdout: &out, Quiet: true})
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			if len(f.Searches) != 1 {
				t.Fatalf("searches = %+v", f.Searches)
			}
			s := f.Searches[0]
			var trail []string
			for _, st := range f.Steps {
				trail = append(trail, fmt.Sprintf("%s %v %s p95=%v rps=%.0f", st.Name, st.Probe.Level, st.Probe.Outcome, deref(st.Latency.P95), st.Requests.RPS))
			}
			t.Logf("probes:\n%s", strings.Join(trail, "\n"))
			if s.Status != result.SearchFound || s.Capacity < 0.9*tc.knee || s.Capacity > tc.knee {
				t.Errorf("capacity %v (%s) not within 10 %% below the knee %v", s.Capacity, s.Status, tc.knee)
			}
			if s.FirstFailing == nil {
				t.Fatal("no first failing level")
			}
			if w := *s.FirstFailing - s.Capacity; w > tc.precision*s.Capacity && !(tc.unit == "users" && w <= 1) {
				t.Errorf("bracket %v..%v is wider than precision %v", s.Capacity, *s.FirstFailing, tc.precision)
			}
			if s.Probes != len(f.Steps) || s.Unit != tc.unit || s.ThroughputAtCapacity == nil || len(s.Breached) == 0 {
				t.Errorf("search = %+v", s)
			}
			if f.Verdict != result.VerdictPass {
				t.Errorf("verdict %s: failing probes must not fail the run; assertions %+v", f.Verdict, f.Assertions)
			}
			var gate *result.Assertion
			for i, a := range f.Assertions {
				if a.Name == "floor" {
					gate = &f.Assertions[i]
				}
			}
			if gate == nil || gate.Status != result.StatusPass || len(f.Assertions) != 1 {
				t.Errorf("assertions = %+v, want the floor alone, passing", f.Assertions)
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestSearchAmongSteps: a search runs where it stands (after the steps above
// it, before those below), its probes are steps of the results file, and an
// interrupt during it leaves the search incomplete and the later steps
// not run.
func TestSearchAmongSteps(t *testing.T) {
	url := queueServer(t, time.Millisecond) // 1000 req/s: every probe passes
	src := fmt.Sprintf(`scenario { name = "among" }
target "api" {
  url     = "%s/"
  timeout = "2s"
}
assert "p95" { condition = latency.p95 < 500 }
assert "floor" { condition = search.cap.capacity >= 8 }
step "warm" {
  users    = 2
  pace     = "100ms"
  duration = "1s"
}
search "cap" {
  model    = "users"
  pace     = "100ms"
  start    = 4
  max      = 8
  ramp     = "0s"
  duration = "1s"
}
step "after" {
  users    = 2
  pace     = "100ms"
  duration = "1s"
}
`, url)
	t.Run("runs in place", func(t *testing.T) {
		f, err := Run(context.Background(), load(t, src), Options{Out: filepath.Join(t.TempDir(), "r.json"), Quiet: true})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, st := range f.Steps {
			names = append(names, st.Name)
		}
		if got := strings.Join(names, " "); got != "warm cap/01 cap/02 after" {
			t.Errorf("steps = %s", got)
		}
		s := f.Searches[0]
		if s.Status != result.SearchAboveMax || s.Capacity != 8 || s.FirstFailing != nil || f.Verdict != result.VerdictPass {
			t.Errorf("search %+v, verdict %s", s, f.Verdict)
		}
	})
	t.Run("interrupted", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond) // during cap/01
		defer cancel()
		f, _ := Run(ctx, load(t, src), Options{Out: filepath.Join(t.TempDir(), "r.json"), Quiet: true})
		if f == nil || f.Verdict != result.VerdictInterrupted || len(f.Searches) != 1 || f.Searches[0].Status != result.SearchIncomplete {
			t.Fatalf("file %+v", f)
		}
		last := f.Steps[len(f.Steps)-1]
		if last.Name != "after" || last.Status != result.StepNotRun {
			t.Errorf("last step %s %s, want after not_run", last.Name, last.Status)
		}
		if p := f.Steps[1].Probe; p == nil || p.Outcome != result.ProbeStopped {
			t.Errorf("probe %+v, want stopped", p)
		}
	})
}

// A segment of a run with a search is refused by Run itself (exit 2,
// nothing contacted, no results file), not only by the CLI: each probe's
// verdict needs every part's results.
func TestSearchRefusesSegment(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	scn := load(t, fmt.Sprintf(`scenario { name = "split" }
target "api" { url = "%s/" }
assert "ok" { condition = requests.success_rate >= 1 }
search "cap" {
  model    = "rate"
  start    = 5
  max      = 20
  duration = "1s"
  ramp     = "0s"
}
`, srv.URL))
	out := filepath.Join(t.TempDir(), "r.json")
	f, err := Run(context.Background(), scn, Options{Out: out, Quiet: true, Segment: plan.Segment{Index: 0, Count: 2}})
	if exitcode.Of(err) != exitcode.Usage || !errors.Is(err, plan.ErrSplitSearch) {
		t.Fatalf("Run = %v (exit %d); want plan.ErrSplitSearch, exit 2", err, exitcode.Of(err))
	}
	if f != nil {
		t.Errorf("a refused run returned a results file: %+v", f)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused run wrote %s (%v)", out, err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the target got %d requests", n)
	}
}
