package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// What `harness run` writes is what `harness diff` and `harness report` read:
// a real run's results file, histogram included, goes through both.
func TestRunResultsFeedDiffAndReport(t *testing.T) {
	t.Parallel()
	srv, _ := countingServer(t)
	file := writeScenario(t, passingScenario(srv.URL))
	f, run := runScenario(t, file, exitcode.OK)
	h, err := result.DecodeHistogram(f.Steps[0].Histogram)
	if err != nil {
		t.Fatalf("the step's histogram does not decode: %v", err)
	}
	if h.TotalCount() != f.Steps[0].Requests.OK {
		t.Errorf("histogram holds %d latencies, the step %d successful requests", h.TotalCount(), f.Steps[0].Requests.OK)
	}

	code, stdout, stderr := runHarness(t, "diff", run.out, run.out, "--fail-on", "regression")
	if code != exitcode.OK || !strings.Contains(stdout, "step s\n") || !strings.Contains(stdout, "latency.p95") {
		t.Errorf("diff of a run with itself: exit %d, want 0 and step s listed\n%s\n%s", code, stdout, stderr)
	}

	html := filepath.Join(t.TempDir(), "report.html")
	if code, stdout, stderr := runHarness(t, "report", run.out, "-o", html); code != exitcode.OK {
		t.Fatalf("report: exit %d\n%s\n%s", code, stdout, stderr)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), "<svg"); n < 3 {
		t.Errorf("report has %d charts, want the capacity, latency and time-series charts", n)
	}
}
