package htmlreport

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

var fixtures = []string{"../diff/testdata/rtx3060.json", "../diff/testdata/rtx5090.json"}

func loadInputs(t testing.TB, paths ...string) []Input {
	t.Helper()
	var in []Input
	for _, p := range paths {
		f, err := result.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, Input{Path: p, Label: LabelFor(p, f), File: f})
	}
	return in
}

func render(t testing.TB, in []Input) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, in, time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestSelfContained checks the page needs nothing at view time and carries
// every chart: 2 capacity + 1 percentiles + 8 time series.
func TestSelfContained(t *testing.T) {
	page := render(t, loadInputs(t, fixtures...))
	if n := strings.Count(page, `<svg class="chart"`); n != 11 {
		t.Errorf("%d charts, want 11", n)
	}
	for _, bad := range []string{"<script", "<link", "<img", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q: not self-contained", bad)
		}
	}
	// Any attribute pointing off the page (src/href) is a network fetch.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//`).FindString(page); m != "" {
		t.Errorf("page references the network: %s", m)
	}
	for _, want := range []string{
		`<table class="matrix">`, "GeForce RTX 3060 · rtx3060.json", "GeForce RTX 5090 · rtx5090.json",
		"knee ≈ 100", "power_budget", "gpu.power_w.mean = 470", "570.124.04", "Triton queue time",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "no data:") {
		t.Errorf("fixtures have every series, yet a chart says no data")
	}
}

// TestEscapes feeds markup through every user-controlled string.
func TestEscapes(t *testing.T) {
	in := loadInputs(t, fixtures[0])
	f := in[0].File
	evil := `<script>alert("x")</script>`
	f.Scenario.Name = evil
	f.Steps[0].Name = evil
	f.Assertions[0].Step = evil
	f.Assertions[0].Message = evil
	f.Environment.GPUs[0].Name = evil
	in[0].Label = LabelFor("a<b>.json", f)
	page := render(t, in)
	if strings.Contains(page, "<script") {
		t.Fatalf("unescaped markup in the page")
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Errorf("escaped text missing")
	}
}

// TestNoData: a run without GPU or Triton samplers still renders, and the
// charts it has no data for say so.
func TestNoData(t *testing.T) {
	in := loadInputs(t, fixtures[0])
	for i := range in[0].File.Steps {
		for j := range in[0].File.Steps[i].Series {
			in[0].File.Steps[i].Series[j].Samples = nil
		}
	}
	page := render(t, in)
	if n := strings.Count(page, "no data: no results file has samples for this series"); n != 6 {
		t.Errorf("%d no-data charts, want 6 (gpu ×4, triton ×2)", n)
	}
	if n := strings.Count(page, `<svg class="chart"`); n != 5 {
		t.Errorf("%d charts, want 5", n)
	}
	empty := []Input{{Path: "e.json", Label: "e", File: &result.File{Schema: result.Schema}}}
	if page := render(t, empty); !strings.Contains(page, "no completed steps") {
		t.Errorf("an empty run should render with no-data notes")
	}
}

func TestKnee(t *testing.T) {
	pts := func(loads, rps []float64) []capPoint {
		var out []capPoint
		for i := range loads {
			out = append(out, capPoint{load: loads[i], rps: rps[i]})
		}
		return out
	}
	users := []float64{1, 10, 25, 50, 100, 200}
	for _, tc := range []struct {
		name    string
		pts     []capPoint
		want    float64
		reached bool
	}{
		{"saturates after 100", pts(users, []float64{0.5, 5, 12.5, 24.9, 49.1, 61.8}), 100, true},
		{"still linear", pts(users, []float64{0.5, 5, 12.5, 25, 49.9, 99.6}), 0, false},
		{"saturated at once", pts(users, []float64{5, 5, 5, 5, 5, 5}), 1, true},
		{"no throughput", pts(users, make([]float64, 6)), 0, false},
	} {
		k, ok := knee(tc.pts)
		if k != tc.want || ok != tc.reached {
			t.Errorf("%s: knee = %v, %v; want %v, %v", tc.name, k, ok, tc.want, tc.reached)
		}
	}
}

// TestMatrixCells: a breached warn-severity assert shows as warn, not as the
// failure it does not count as, and observed values read as on the console.
func TestMatrixCells(t *testing.T) {
	f := &result.File{
		Steps: []result.Step{{Name: "s"}},
		Assertions: []result.Assertion{
			{Name: "tight", Step: "s", Severity: "warn", Status: result.StatusFail,
				Observed: map[string]any{"requests.success_rate": 0.99995, "latency.p95": nil}},
			{Name: "hard", Step: "s", Severity: "fail", Status: result.StatusFail,
				Observed: map[string]any{"latency.p95": 12345.6}},
		},
	}
	m := matrixOf(Input{File: f})
	cells := m.Rows[0].Cells
	if cells[0].Status != "warn" || statusClass(cells[0].Status) != "st-warn" || cells[1].Status != result.StatusFail {
		t.Errorf("statuses %q, %q; want warn, fail", cells[0].Status, cells[1].Status)
	}
	if want := "latency.p95 = ?, requests.success_rate = 0.99995"; cells[0].Observed != want {
		t.Errorf("observed %q, want %q", cells[0].Observed, want)
	}
	if want := "latency.p95 = 12345.6"; cells[1].Observed != want {
		t.Errorf("observed %q, want %q", cells[1].Observed, want)
	}
}
