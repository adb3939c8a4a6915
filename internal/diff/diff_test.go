package diff

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/golden"
	"github.com/harness-gpu/harness/internal/result"
)

// update rewrites the golden files: go test ./internal/diff -update

const (
	base3060 = "testdata/rtx3060.json"
	new5090  = "testdata/rtx5090.json"
)

func loadPair(t *testing.T) (*result.File, *result.File) {
	t.Helper()
	b, err := result.ReadFile(base3060)
	if err != nil {
		t.Fatal(err)
	}
	n, err := result.ReadFile(new5090)
	if err != nil {
		t.Fatal(err)
	}
	return b, n
}

func TestGolden(t *testing.T) {
	b, n := loadPair(t)
	r := Compare(base3060, b, new5090, n, 0.05)
	for _, tc := range []struct {
		golden string
		write  func(*bytes.Buffer, *Report) error
	}{
		{"diff_3060_5090.txt.golden", func(w *bytes.Buffer, r *Report) error { return WriteText(w, r) }},
		{"diff_3060_5090.md.golden", func(w *bytes.Buffer, r *Report) error { return WriteMarkdown(w, r) }},
		{"diff_3060_5090.json.golden", func(w *bytes.Buffer, r *Report) error { return WriteJSON(w, r) }},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf, r); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tc.golden), buf.Bytes())
		})
	}
}

// TestCompareFixtures pins the facts the fixtures were built to show.
func TestCompareFixtures(t *testing.T) {
	b, n := loadPair(t)
	r := Compare(base3060, b, new5090, n, 0.05)
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "sha256 differs") {
		t.Errorf("warnings = %q, want one sha256 warning", r.Warnings)
	}
	if len(r.Steps) != 6 || len(r.OnlyInBase)+len(r.OnlyInNew) != 0 {
		t.Fatalf("matched %d steps, unmatched %v %v", len(r.Steps), r.OnlyInBase, r.OnlyInNew)
	}
	got := map[string]string{}
	for _, a := range r.Assertions {
		got[a.Assert+"@"+a.Step] = a.Transition
	}
	want := map[string]string{
		"p95_under_500ms@users_200": "fail→pass", "success_rate@users_200": "fail→pass",
		"gpu_cool@users_200": "fail→pass", "power_budget@users_200": "pass→fail",
	}
	for _, s := range []string{"users_1", "users_10", "users_25", "users_50", "users_100", "users_200"} {
		want["queue_small@"+s] = "removed"
		want["memory_headroom@"+s] = "added"
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("assertion transitions (-want +got):\n%s", d)
	}
	if r.Broken != 1 || !r.Regressed() {
		t.Errorf("broken = %d, regressed = %v; want 1, true", r.Broken, r.Regressed())
	}
	// p95 at 200 users: from the histograms, the 3060 is in seconds.
	p95 := metricOf(t, r, "users_200", "latency.p95")
	if *p95.Base < 3000 || *p95.New > 100 || p95.Mark != MarkImproved {
		t.Errorf("users_200 p95 = %v → %v (%s)", *p95.Base, *p95.New, p95.Mark)
	}
	// Identical files: nothing changes, the gate stays open.
	same := Compare(base3060, b, base3060, b, 0.05)
	if same.Regressed() || same.Improvements != 0 || len(same.Assertions) != 0 || len(same.Warnings) != 0 {
		t.Errorf("self-compare: %+v", same)
	}
}

func metricOf(t *testing.T, r *Report, step, metric string) MetricDiff {
	t.Helper()
	for _, s := range r.Steps {
		for _, m := range s.Metrics {
			if s.Name == step && m.Metric == metric {
				return m
			}
		}
	}
	t.Fatalf("no %s in %s", metric, step)
	return MetricDiff{}
}

// TestPercentilesFromHistogram shows the diff reads the histogram, not the
// rounded summary: a summary altered by hand does not change the result.
func TestPercentilesFromHistogram(t *testing.T) {
	b, n := loadPair(t)
	v := 1.0
	b.Steps[0].Latency.P95 = &v
	r := Compare("a", b, "b", n, 0.05)
	if m := metricOf(t, r, "users_1", "latency.p95"); *m.Base == 1 {
		t.Errorf("p95 came from the summary, not the histogram")
	}
	if len(r.Notes) != 0 {
		t.Errorf("unexpected notes %q", r.Notes)
	}
	b.Steps[0].Histogram = ""
	r = Compare("a", b, "b", n, 0.05)
	if m := metricOf(t, r, "users_1", "latency.p95"); *m.Base != 1 {
		t.Errorf("without a histogram p95 = %v, want the summary 1", *m.Base)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "rounded summary") {
		t.Errorf("notes = %q, want the fallback note", r.Notes)
	}
}

func TestUnmatchedSteps(t *testing.T) {
	b, n := loadPair(t)
	n.Steps[5].Name = "users_400"
	r := Compare("a", b, "b", n, 0.05)
	if d := cmp.Diff([]string{"users_200"}, r.OnlyInBase); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"users_400"}, r.OnlyInNew); d != "" {
		t.Error(d)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"steps only in base: users_200", "steps only in new: users_400"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("text lacks %q", s)
		}
	}
}

func TestDirections(t *testing.T) {
	want := map[string]Direction{
		"latency.p50": LowerIsBetter, "latency.p95": LowerIsBetter, "latency.p99": LowerIsBetter,
		"requests.rps": HigherIsBetter, "requests.success_rate": HigherIsBetter, "efficiency.joules_per_request": LowerIsBetter,
		"gpu.utilization.mean": Neutral, "gpu.temperature.max": LowerIsBetter,
		"gpu.power_w.mean": LowerIsBetter, "gpu.memory_used_mib.max": LowerIsBetter,
		"triton.queue_ms": LowerIsBetter, "triton.infer_ms": LowerIsBetter, "triton.batch_size": HigherIsBetter,
	}
	got := map[string]Direction{}
	for _, m := range Metrics {
		got[m.Name] = m.Better
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("metric directions (-want +got):\n%s", d)
	}
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		metric    string
		base, cur *float64
		want      string
	}{
		{"latency.p95", f(100), f(120), MarkRegressed},
		{"latency.p95", f(100), f(80), MarkImproved},
		{"latency.p95", f(100), f(105), MarkUnchanged}, // exactly at 5%: not beyond
		{"latency.p95", f(100), f(105.1), MarkRegressed},
		{"requests.rps", f(50), f(40), MarkRegressed},
		{"requests.rps", f(50), f(60), MarkImproved},
		{"requests.success_rate", f(100), f(90), MarkRegressed},
		{"gpu.utilization.mean", f(40), f(80), MarkChanged},
		{"gpu.utilization.mean", f(40), f(41), MarkUnchanged},
		{"gpu.temperature.max", f(70), f(84), MarkRegressed},
		{"gpu.power_w.mean", f(170), f(470), MarkRegressed},
		{"gpu.memory_used_mib.max", f(4900), f(3000), MarkImproved},
		{"triton.queue_ms", f(0), f(0.5), MarkRegressed}, // from zero: beyond any threshold
		{"triton.queue_ms", f(0), f(0), MarkUnchanged},
		{"triton.infer_ms", f(40), f(20), MarkImproved},
		{"triton.batch_size", f(4), f(2), MarkRegressed},
		{"triton.batch_size", f(2), f(4), MarkImproved},
		{"latency.p95", nil, f(4), ""},
		{"latency.p95", f(4), nil, ""},
	} {
		m, ok := MetricByName(tc.metric)
		if !ok {
			t.Fatalf("no metric %s", tc.metric)
		}
		if got := m.Better.Judge(tc.base, tc.cur, 0.05); got != tc.want {
			t.Errorf("%s.Judge(%v, %v, 5%%) = %q, want %q", tc.metric, deref(tc.base), deref(tc.cur), got, tc.want)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestParseThreshold(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		err  bool
	}{
		{"5%", 0.05, false}, {"5", 0.05, false}, {" 10 % ", 0.10, false}, {"0.5", 0.005, false},
		{"0", 0, false}, {"-1", 0, true}, {"abc", 0, true}, {"", 0, true}, {"NaN", 0, true}, {"Inf%", 0, true},
	} {
		got, err := ParseThreshold(tc.in)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("ParseThreshold(%q) = %v, %v; want %v, err %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	good, err := os.ReadFile(base3060)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(good, &obj); err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(map[string]any)) string {
		var m map[string]any
		_ = json.Unmarshal(good, &m)
		f(m)
		out, _ := json.Marshal(m)
		return string(out)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "invalid JSON"},
		{"not json", "schema: harness", "invalid JSON"},
		{"array", `[1,2]`, "top level is not a JSON object"},
		{"foreign", `{"name":"x","version":3}`, `no "schema" field`},
		{"schema type", `{"schema":1}`, `"schema" is not a string`},
		{"other schema", `{"schema":"harness.result/v2"}`, `unsupported results schema "harness.result/v2"`},
		{"trailing", string(good) + `{}`, "invalid JSON"},
		{"wrong type", `{"schema":"harness.result/v1","steps":{}}`, "malformed"},
		{"bad histogram", mutate(func(m map[string]any) {
			m["steps"].([]any)[0].(map[string]any)["histogram"] = "bm90IGEgaGlzdG9ncmFt"
		}), `step "users_1": histogram`},
		{"duplicate step", mutate(func(m map[string]any) {
			m["steps"].([]any)[1].(map[string]any)["name"] = "users_1"
		}), `step "users_1" appears twice`},
		{"unnamed step", mutate(func(m map[string]any) {
			m["steps"].([]any)[2].(map[string]any)["name"] = ""
		}), "steps[2] has no name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := result.Decode(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Decode error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	if _, err := result.Decode(bytes.NewReader(good)); err != nil {
		t.Errorf("good file: %v", err)
	}
}

// FuzzDecodeResults feeds arbitrary bytes to the decoder and, when they
// decode, to the comparison and every renderer: none may panic. Seeds live
// in testdata/fuzz/FuzzDecodeResults (plain go test runs them) plus the
// fixtures themselves.
func FuzzDecodeResults(f *testing.F) {
	for _, p := range []string{base3060, new5090} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	ref, err := result.ReadFile(base3060)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := result.Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		r := Compare("fuzz", got, "ref", ref, 0.05)
		var buf bytes.Buffer
		for _, w := range []func(*bytes.Buffer, *Report) error{
			func(b *bytes.Buffer, r *Report) error { return WriteText(b, r) },
			func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) },
			func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) },
		} {
			if err := w(&buf, r); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestBrokenFollowsOutcome: pass→fail trips the gate for a fail-severity
// assertion, not for a warn-severity one, which every report shows as a
// warning.
func TestBrokenFollowsOutcome(t *testing.T) {
	for _, c := range []struct {
		sev    result.Severity
		status result.Status
		broken bool
	}{
		{result.SeverityFail, result.StatusFail, true},
		{result.SeverityFail, result.StatusError, true},
		{result.SeverityWarn, result.StatusFail, false},
		{result.SeverityWarn, result.StatusError, false},
	} {
		mk := func(st result.Status) *result.File {
			return &result.File{Schema: result.Schema, Steps: []result.Step{{Name: "s"}},
				Assertions: []result.Assertion{{Name: "a", Step: "s", Severity: c.sev, Status: st}}}
		}
		r := Compare("b.json", mk(result.StatusPass), "n.json", mk(c.status), 0.05)
		if len(r.Assertions) != 1 || r.Assertions[0].Broken != c.broken || (r.Broken == 1) != c.broken {
			t.Errorf("%s pass→%s: broken %v (%d), want %v", c.sev, c.status, r.Assertions, r.Broken, c.broken)
		}
	}
}

// TestStreamMetrics: steps of a streaming target compare the stream fields
// (and the vllm sampler's), steps of others do not show them.
func TestStreamMetrics(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	step := func(ttft, tps, goodput float64, kv *float64) result.Step {
		return result.Step{Name: "s", Status: result.StepCompleted,
			Requests: result.Requests{Goodput: f(goodput)},
			Stream:   &result.Stream{TTFT: result.Dist{P95: f(ttft)}, TokensPerS: f(tps)},
			VLLM:     &result.VLLM{KVCacheUsage: result.Stat{Max: kv}}}
	}
	base := &result.File{Steps: []result.Step{step(400, 1000, 10, f(0.9))}}
	cur := &result.File{Steps: []result.Step{step(200, 2000, 9, f(0.3))}}
	r := Compare("base.json", base, "new.json", cur, 0.05)
	marks := map[string]string{}
	for _, m := range r.Steps[0].Metrics {
		marks[m.Metric] = m.Mark
	}
	want := map[string]string{"stream.ttft.p95": MarkImproved, "stream.tokens_per_s": MarkImproved,
		"requests.goodput": MarkRegressed, "vllm.kv_cache_usage.max": MarkImproved}
	for name, w := range want {
		if marks[name] != w {
			t.Errorf("%s: %q, want %q", name, marks[name], w)
		}
	}
	plain := Compare("base.json", &result.File{Steps: []result.Step{{Name: "s"}}}, "new.json", &result.File{Steps: []result.Step{{Name: "s"}}}, 0.05)
	for _, m := range plain.Steps[0].Metrics {
		if strings.HasPrefix(m.Metric, "stream.") || strings.HasPrefix(m.Metric, "vllm.") {
			t.Errorf("a step without a stream compares %s", m.Metric)
		}
	}
}
