package result

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func fp(v float64) *float64 { return &v }

// TestWriteNonFinite: values the system under test can produce (a gauge of
// +Inf, a sum of two 1.7e308 samples, a NaN mean, -Inf) must not stop the
// results file from being written; each becomes null (unknown), a plain
// number field becomes 0 with a warning, and the file decodes again.
func TestWriteNonFinite(t *testing.T) {
	big := 1.7e308
	f := &File{
		Schema: Schema, Verdict: VerdictPass,
		Steps: []Step{{
			Name: "s", Model: ModelClosed, Status: StepCompleted,
			Requests: Requests{RPS: math.Inf(1), SuccessRate: fp(math.NaN())},
			Latency:  Latency{P95: fp(math.Inf(1)), Max: fp(big)},
			Extract:  map[string]Extract{"x": {Count: 2, Max: fp(big), Mean: fp(big + big)}},
			Samplers: map[string]SamplerWindow{"prom": {Kind: "prometheus",
				Series: map[string]SeriesStats{"queue": {Kind: "gauge", Last: fp(math.Inf(1)), Min: fp(3)}}}},
			Triton: &Triton{QueueMs: fp(math.Inf(-1))},
			Series: []Second{{Phase: PhaseMeasured, Samples: map[string]float64{"gpu.utilization": math.NaN(), "gpu.temperature": 61}}},
		}},
		Assertions: []Assertion{{Name: "a", Step: "s", Severity: SeverityFail, Status: StatusError,
			Observed: map[string]any{"extract.x.mean": math.Inf(1), "latency.max": big,
				"nested": map[string]any{"v": math.NaN()}}}},
	}
	path := filepath.Join(t.TempDir(), "out.json")
	if err := WriteFile(path, f); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Steps []struct {
			Requests map[string]any
			Latency  map[string]any
			Extract  map[string]map[string]any
			Samplers map[string]struct {
				Series map[string]map[string]any
			}
			Triton map[string]any
			Series []struct{ Samples map[string]any }
		}
		Assertions []struct{ Observed map[string]any }
		Warnings   []string
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	st := raw.Steps[0]
	for _, c := range []struct {
		name string
		m    map[string]any
		key  string
		want any
	}{
		{"requests.success_rate", st.Requests, "success_rate", nil},
		{"requests.rps", st.Requests, "rps", 0.0},
		{"latency.p95", st.Latency, "p95", nil},
		{"latency.max", st.Latency, "max", big},
		{"extract.x.mean", st.Extract["x"], "mean", nil},
		{"extract.x.max", st.Extract["x"], "max", big},
		{"series queue last", st.Samplers["prom"].Series["queue"], "last", nil},
		{"series queue min", st.Samplers["prom"].Series["queue"], "min", 3.0},
		{"triton.queue_ms", st.Triton, "queue_ms", nil},
		{"observed extract.x.mean", raw.Assertions[0].Observed, "extract.x.mean", nil},
		{"observed latency.max", raw.Assertions[0].Observed, "latency.max", big},
		{"observed nested", raw.Assertions[0].Observed["nested"].(map[string]any), "v", nil},
	} {
		got, ok := c.m[c.key]
		if !ok || got != c.want {
			t.Errorf("%s = %v (present %v), want %v", c.name, got, ok, c.want)
		}
	}
	if _, ok := st.Series[0].Samples["gpu.utilization"]; ok || st.Series[0].Samples["gpu.temperature"] != 61.0 {
		t.Errorf("series samples = %v, want gpu.utilization dropped and gpu.temperature kept", st.Series[0].Samples)
	}
	if want := "results: steps[0].requests.rps was not a finite number; written as 0"; len(raw.Warnings) != 1 || raw.Warnings[0] != want {
		t.Errorf("warnings = %q, want [%q]", raw.Warnings, want)
	}
	if _, err := ReadFile(path); err != nil {
		t.Errorf("the written file does not decode: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	at := time.Date(2026, 11, 27, 22, 4, 5, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct{ name, want string }{
		{"ai-quality", "results/ai-quality-20261127T210405Z.json"},
		{"a/b c", "results/a-b-c-20261127T210405Z.json"},
		{"", "results/scenario-20261127T210405Z.json"},
	} {
		if got := DefaultPath(tc.name, at); got != tc.want {
			t.Errorf("DefaultPath(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestWriteFileUnwritable(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(filepath.Join(blocker, "out.json"), &File{Schema: Schema})
	if err == nil || !strings.Contains(err.Error(), "writing results") {
		t.Errorf("err = %v", err)
	}
}

// TestMarshalKeepsFinite: a file without non-finite values is written
// exactly as encoding/json writes it, so the change is invisible to readers.
func TestMarshalKeepsFinite(t *testing.T) {
	f := &File{Schema: Schema, Verdict: VerdictFail, Steps: []Step{{Name: "s", Latency: Latency{P95: fp(1.5)},
		Series: []Second{{Samples: map[string]float64{"a": 1}}}}},
		Assertions: []Assertion{{Name: "a", Step: "s", Observed: map[string]any{"x": 2.0, "y": nil}}}}
	want, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, append(want, '\n')) {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
}

// TestUnknownRatesAreNull: with no request sent, success_rate, error_rate
// and slo_attainment are unknown, written as null (docs/results.md: null
// means unknown), not left out.
func TestUnknownRatesAreNull(t *testing.T) {
	got, err := Marshal(&File{Schema: Schema, Steps: []Step{{Name: "s", Requests: Requests{Goodput: fp(0)}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"success_rate": null`, `"error_rate": null`, `"slo_attainment": null`, `"goodput": 0`} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("Marshal: no %s in\n%s", want, got)
		}
	}
}

func TestAddWarningOnce(t *testing.T) {
	f := &File{}
	for _, w := range []string{"a", "b", "a"} {
		f.AddWarning(w)
	}
	if !slices.Equal(f.Warnings, []string{"a", "b"}) {
		t.Errorf("warnings %q, want [a b]", f.Warnings)
	}
}
