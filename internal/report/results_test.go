package report

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/runner"
)

func TestDefaultResultsPath(t *testing.T) {
	at := time.Date(2026, 11, 27, 22, 4, 5, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct{ name, want string }{
		{"ai-quality", "results/ai-quality-20261127T210405Z.json"},
		{"a/b c", "results/a-b-c-20261127T210405Z.json"},
		{"", "results/scenario-20261127T210405Z.json"},
	} {
		if got := DefaultResultsPath(tc.name, at); got != tc.want {
			t.Errorf("DefaultResultsPath(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// A real run's results file round-trips through WriteResults and
// result.ReadFile unchanged, and its histogram decodes to the recorded count.
func TestResultsRoundTrip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	s := &dsl.Scenario{
		Name: "rt", File: "rt.hcl",
		Targets: []*dsl.Target{{Name: "t", Method: "GET", URL: srv.URL, Timeout: time.Second}},
		Steps: []*dsl.Step{{Name: "s", Target: "t", Model: dsl.Closed, Users: 2, Pace: 50 * time.Millisecond,
			Ramp: 200 * time.Millisecond, Duration: 600 * time.Millisecond}},
	}
	f, err := runner.Run(context.Background(), s, plan.Build(s), runner.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "nested", "out.json")
	if err := WriteResults(path, f); err != nil {
		t.Fatal(err)
	}
	got, err := result.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, got); diff != "" {
		t.Errorf("round trip differs (-wrote +read):\n%s", diff)
	}
	h, err := result.DecodeHistogram(got.Steps[0].Histogram)
	if err != nil {
		t.Fatal(err)
	}
	if ok := got.Steps[0].Requests.OK; ok == 0 || h.TotalCount() != ok {
		t.Errorf("histogram holds %d values, step recorded %d ok", h.TotalCount(), ok)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temp files left beside the results: %v", entries)
	}
}

func TestWriteResultsUnwritable(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := WriteResults(filepath.Join(blocker, "out.json"), &result.File{Schema: result.Schema})
	if err == nil || !strings.Contains(err.Error(), "writing results") {
		t.Errorf("err = %v", err)
	}
}
