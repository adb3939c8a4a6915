package result_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/runner"
)

// A real run's results file round-trips through result.WriteFile and
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
	if err := result.WriteFile(path, f); err != nil {
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
