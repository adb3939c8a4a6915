package htmlreport

import (
	"bytes"
	"math"
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

// TestHostileText puts markup that would run script, were it not escaped,
// in the strings of a results file and in the label: outside the charts'
// SVG (trusted markup, whose text chartdraw escapes) no <script> or <img>
// element may appear, only their escaped text.
func TestHostileText(t *testing.T) {
	const script, img = `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`
	in := loadInputs(t, fixtures...)
	for i := range in {
		f := in[i].File
		f.Scenario.Name = script + img
		f.Scenario.Description = img
		f.Scenario.Variables[script] = script + img
		f.Verdict = img
		f.Reason = script
		f.Warnings = []string{img}
		f.Steps[0].Name = img
		f.Assertions[0].Step = img
		f.Assertions[0].Name = script
		f.Assertions[0].Message = script + img
		f.Environment.GPUs[0].Name = img
		f.Environment.Host = script
		in[i].Path = img
		in[i].Label = script + img
	}
	page := render(t, in)
	if n := strings.Count(page, `<svg class="chart"`); n != 11 {
		t.Errorf("%d charts, want 11", n)
	}
	outside := regexp.MustCompile(`(?s)<svg class="chart".*?</svg>`).ReplaceAllString(page, "")
	for _, bad := range []string{"<script", "<img"} {
		if i := strings.Index(strings.ToLower(outside), bad); i >= 0 {
			t.Errorf("unescaped %q outside the charts: …%s…", bad, outside[max(0, i-80):min(len(outside), i+80)])
		}
	}
	for _, want := range []string{
		`<title>&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt; — 2 runs compared</title>`,
		`<span class="verdict v-&#34;&gt;&lt;img src=x onerror=alert(1)&gt;">`,
		`<span class="msg">&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</span>`,
		`<code>&lt;script&gt;alert(1)&lt;/script&gt; = &lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</code>`,
	} {
		if !strings.Contains(outside, want) {
			t.Errorf("page lacks the escaped %s", want)
		}
	}
	if n := strings.Count(outside, "&lt;script&gt;alert(1)&lt;/script&gt;"); n < 20 {
		t.Errorf("escaped script text shows %d times, want every hostile string (at least 20)", n)
	}
}

// TestNoData: a run without GPU or Triton samplers still renders, without
// the GPU and Triton panels it has no data for; requests and latency stay.
func TestNoData(t *testing.T) {
	in := loadInputs(t, fixtures[0])
	for i := range in[0].File.Steps {
		for j := range in[0].File.Steps[i].Series {
			in[0].File.Steps[i].Series[j].Samples = nil
		}
	}
	page := render(t, in)
	if n := strings.Count(page, "no data:"); n != 0 {
		t.Errorf("%d no-data panels, want none: a chart without data is left out", n)
	}
	for _, title := range []string{"GPU utilization", "GPU power", "Triton queue time", "Triton compute (infer) time"} {
		if strings.Contains(page, "<figcaption>"+title+"</figcaption>") {
			t.Errorf("page shows the %q chart with no data for it", title)
		}
	}
	for _, title := range []string{"Requests per second", "p95 latency"} {
		if !strings.Contains(page, "<figcaption>"+title+"</figcaption>") {
			t.Errorf("page lacks the %q chart", title)
		}
	}
	if n := strings.Count(page, `<svg class="chart"`); n != 5 {
		t.Errorf("%d charts, want 5", n)
	}
	empty := []Input{{Path: "e.json", Label: "e", File: &result.File{Schema: result.Schema}}}
	if page := render(t, empty); !strings.Contains(page, "no completed steps") {
		t.Errorf("an empty run should render with no-data notes")
	}
}

// TestPrometheusCharts: each declared prometheus series gets a time-series
// chart (a gauge's value, a counter's rate), named after its sampler.
func TestPrometheusCharts(t *testing.T) {
	in := loadInputs(t, fixtures[0])
	f := in[0].File
	for i := range f.Steps {
		st := &f.Steps[i]
		st.Samplers = map[string]result.SamplerWindow{"vllm": {Kind: "prometheus", Series: map[string]result.SeriesStats{
			"waiting": {Kind: "gauge"}, "tokens": {Kind: "counter"}, "absent": {Kind: "gauge"},
		}}}
		for j := range st.Series {
			sec := &st.Series[j]
			sec.Samples = map[string]float64{"sampler.vllm.waiting": float64(j % 7), "sampler.vllm.tokens.rate": 100 + float64(j)}
		}
	}
	page := render(t, in)
	for _, title := range []string{"Prometheus vllm: tokens (rate)", "Prometheus vllm: waiting"} {
		if !strings.Contains(page, "<figcaption>"+title+"</figcaption>") {
			t.Errorf("page lacks the %q chart", title)
		}
	}
	if strings.Contains(page, "vllm: absent") {
		t.Errorf("a series with no samples is charted")
	}
	if a, b := strings.Index(page, "vllm: tokens"), strings.Index(page, "vllm: waiting"); a > b {
		t.Errorf("prometheus charts not in name order")
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
	if cells[0].Outcome != result.OutcomeWarn || cells[1].Outcome != result.OutcomeFail {
		t.Errorf("outcomes %v, %v; want warn, fail", cells[0].Outcome, cells[1].Outcome)
	}
	if want := "latency.p95 = –, requests.success_rate = 0.99995"; cells[0].Observed != want {
		t.Errorf("observed %q, want %q", cells[0].Observed, want)
	}
	if want := "latency.p95 = 12345.6"; cells[1].Observed != want {
		t.Errorf("observed %q, want %q", cells[1].Observed, want)
	}
}

// TestScales: axis ticks fall on round numbers and a log axis spans the
// 1-2-5 values around the data, sub-millisecond ones included.
func TestScales(t *testing.T) {
	labels := func(s *scale) string {
		var l []string
		for _, tk := range s.ticks {
			l = append(l, tk.Label)
		}
		return strings.Join(l, " ")
	}
	for _, tc := range []struct {
		s             *scale
		ticks         string
		lo, hi        float64
		translateZero float64 // a value that must map to the range's start
	}{
		{linearScale(0, 61.8, 5, false), "0 20 40 60 80", 0, 80, 0},
		{linearScale(0, 165.4, 12, true), "0 20 40 60 80 100 120 140 160", 0, 165.4, 0},
		{linearScale(0, 0, 4, false), "0 0.5 1", 0, 1, 0},
		{linearScale(-0.25, 0.7, 4, false), "-0.5 0 0.5 1", -0.5, 1, -0.5},
		{logScale(19, 1300), "10 20 50 100 200 500 1000 2000", 1, math.Log10(2000), 10},
		{logScale(0.3, 0.9), "0.2 0.5 1", math.Log10(0.2), 0, 0.2},
		{logScale(40, 40), "20 50 100", math.Log10(20), 2, 20},
		{logScale(0.5, 90000), "0.1 1 10 100 1000 10000 100000", -1, 5, 0.1},
	} {
		if got := labels(tc.s); got != tc.ticks {
			t.Errorf("ticks %q, want %q", got, tc.ticks)
		}
		if math.Abs(tc.s.Min-tc.lo) > 1e-9 || math.Abs(tc.s.Max-tc.hi) > 1e-9 {
			t.Errorf("%s: range %v..%v, want %v..%v", tc.ticks, tc.s.Min, tc.s.Max, tc.lo, tc.hi)
		}
		tc.s.SetDomain(100)
		if got := tc.s.Translate(tc.translateZero); got != 0 {
			t.Errorf("%s: Translate(%v) = %d, want 0", tc.ticks, tc.translateZero, got)
		}
	}
}

// TestTinyRuns: one step, one second, sub-millisecond latencies, flat
// values: every chart still renders (no zero-width axis, no log of zero).
func TestTinyRuns(t *testing.T) {
	ms := func(v float64) *float64 { return &v }
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f := &result.File{Schema: result.Schema, Steps: []result.Step{{
		Name: "only", Users: 1, Status: result.StepCompleted,
		Measured: result.Window{Start: t0, End: t0.Add(time.Second)},
		Requests: result.Requests{RPS: 3},
		Latency:  result.Latency{P50: ms(0.2), P95: ms(0.4), P99: ms(0.4)},
		Series: []result.Second{{T: t0, Requests: 3, P95: ms(0.4),
			Samples: map[string]float64{"gpu.utilization": 0, "gpu.temperature": 40, "gpu.power_w": 30,
				"gpu.memory_used_mib": 100, "triton.queue_ms": 0, "triton.infer_ms": 0.1}}},
	}}}
	page := render(t, []Input{{Path: "tiny.json", Label: "tiny", File: f}})
	if n := strings.Count(page, `<svg class="chart"`); n != 11 {
		t.Errorf("%d charts, want 11", n)
	}
}
