package session

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/runner"
)

// syncBuffer is a strings.Builder safe for the runner's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// load decodes a scenario from src, failing the test on any diagnostic.
func load(t *testing.T, src string) *dsl.Scenario {
	t.Helper()
	scn, diags := dsl.LoadBytes(filepath.Join(t.TempDir(), "s.hcl"), []byte(src), dsl.LoadOptions{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return scn
}

// hangingServer never answers until its client goes away; started is
// closed on its first request.
func hangingServer(t *testing.T) (url string, started <-chan struct{}) {
	t.Helper()
	first := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(first) })
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, first
}

// A signal while a sampler is starting (its endpoint hangs) is an
// interrupt: exit 130 and a results file with verdict interrupted, nothing
// sent.
func TestInterruptWhileSamplersStart(t *testing.T) {
	metrics, started := hangingServer(t)
	var sent atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent.Add(1) }))
	t.Cleanup(target.Close)
	scn := load(t, `scenario {
  name = "sig"
}
target "t" {
  url = "`+target.URL+`"
}
sampler "triton" "tri" {
  url     = "`+metrics+`/metrics"
  timeout = "30s"
}
step "s" {
  users    = 1
  duration = "2s"
}
`)
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-started; cancel() }()
	out := filepath.Join(t.TempDir(), "results.json")
	var stdout, stderr syncBuffer
	f, err := Run(ctx, scn, Options{Out: out, Quiet: true, Stdout: &stdout, Stderr: &stderr, Version: "test"})
	if code := exitcode.Of(err); code != exitcode.Interrupted {
		t.Fatalf("exit %d (%v), want 130; stderr:\n%s", code, err, stderr.String())
	}
	back, rerr := result.ReadFile(out)
	if rerr != nil {
		t.Fatal(rerr)
	}
	for _, g := range []*result.File{f, back} {
		if g.Verdict != result.VerdictInterrupted || g.ExitCode != 130 || len(g.Steps) != 1 || g.Steps[0].Status != result.StepNotRun {
			t.Errorf("results: verdict %q exit_code %d steps %+v, want interrupted 130 with the step not run", g.Verdict, g.ExitCode, g.Steps)
		}
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("the target saw %d requests, want none", n)
	}
}

// A run with a stream target reads with runner.MinStreamProcs Go
// processors (the results file says how many), unless GOMAXPROCS is set,
// and puts the setting back afterwards; a run without one is left alone.
func TestStreamRunProcs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte(`data: {"choices":[{"delta":{"content":"a"}}]}` + "\n\ndata: [DONE]\n\n"))
	}))
	t.Cleanup(srv.Close)
	src := func(stream bool) string {
		block := ""
		if stream {
			block = `stream { format = "openai" }`
		}
		return `scenario {
  name = "procs"
}
target "t" {
  method = "POST"
  url    = "` + srv.URL + `"
  ` + block + `
}
step "s" {
  users    = 1
  duration = "300ms"
}
`
	}
	before := runtime.GOMAXPROCS(0)
	if before >= runner.MinStreamProcs {
		t.Skipf("GOMAXPROCS is %d already", before)
	}
	for _, tc := range []struct {
		name   string
		stream bool
		env    string
		want   int
	}{
		{"stream", true, "", runner.MinStreamProcs},
		{"stream, GOMAXPROCS set", true, "3", before},
		{"no stream", false, "", before},
	} {
		getenv := func(k string) string {
			if k == "GOMAXPROCS" {
				return tc.env
			}
			return ""
		}
		f, err := Run(t.Context(), load(t, src(tc.stream)), Options{Out: filepath.Join(t.TempDir(), "r.json"), Quiet: true, Getenv: getenv, Version: "test"})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if f.Environment.GoMaxProcs != tc.want || f.Environment.CPUs != runtime.NumCPU() {
			t.Errorf("%s: ran with gomaxprocs %d on %d cpus, want %d on %d", tc.name, f.Environment.GoMaxProcs, f.Environment.CPUs, tc.want, runtime.NumCPU())
		}
		if now := runtime.GOMAXPROCS(0); now != before {
			t.Errorf("%s: GOMAXPROCS %d after the run, was %d", tc.name, now, before)
		}
	}
}
