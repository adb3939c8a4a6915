package runner

import (
	"encoding/json"
	"math"
	"testing"
)

// One field whose number is out of float64's range is that field's miss
// only: the others in the same response are still read.
func TestExtractOutOfRangeFieldMissesAlone(t *testing.T) {
	body := `{"big": 1e400, "neg": {"x": -1e999}, "ok": 2.5, "max": 1.7e308, "tiny": 1e-400, "arr": [1e400, 7]}`
	paths := []string{"big", "neg.x", "ok", "max", "tiny", "arr.0", "arr.1"}
	want := []float64{math.NaN(), math.NaN(), 2.5, 1.7e308, 0, math.NaN(), 7}
	out := make([]float64, len(paths))
	newExtractor(paths).extract([]byte(body), out)
	for i, p := range paths {
		if got := out[i]; !(got == want[i] || math.IsNaN(got) && math.IsNaN(want[i])) {
			t.Errorf("%s = %v, want %v", p, got, want[i])
		}
	}
}

// A body with something after its JSON value is not JSON: every field misses.
func TestExtractTrailingDataMisses(t *testing.T) {
	for _, body := range []string{`{"a": 1} x`, `{"a": 1}{"a": 2}`, `{"a": 1`, ``} {
		out := []float64{0}
		newExtractor([]string{"a"}).extract([]byte(body), out)
		if !math.IsNaN(out[0]) {
			t.Errorf("%q: a = %v, want a miss", body, out[0])
		}
	}
}

// The target's own values near float64's limit never make a summary
// non-finite: the mean of huge values is still a number, and the step's
// extract summary can be written as JSON.
func TestExtractSummaryOfHugeValuesStaysFinite(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []float64
		mean   float64
	}{
		{"huge", []float64{1.7e308, 1.7e308, 1.7e308}, 1.7e308},
		{"huge both signs", []float64{1.7e308, -1.7e308, 1.7e308, -1.7e308}, 0},
		{"max", []float64{math.MaxFloat64, math.MaxFloat64}, math.MaxFloat64},
		{"small", []float64{1, 2, 3, 4}, 2.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWindow([]string{"x"})
			for _, v := range tc.values {
				w.add(&Result{Extracts: []float64{v}})
			}
			x := w.extractResults()["x"]
			for name, p := range map[string]*float64{"min": x.Min, "max": x.Max, "mean": x.Mean, "last": x.Last, "p50": x.P50, "p99": x.P99} {
				if p == nil {
					t.Errorf("%s missing", name)
				} else if math.IsNaN(*p) || math.IsInf(*p, 0) {
					t.Errorf("%s = %v, want a finite number", name, *p)
				}
			}
			if x.Mean != nil && math.Abs(*x.Mean-tc.mean) > 1e-9*math.Max(1, math.Abs(tc.mean)) {
				t.Errorf("mean = %v, want %v", *x.Mean, tc.mean)
			}
			if _, err := json.Marshal(x); err != nil {
				t.Errorf("summary can't be written: %v", err)
			}
		})
	}
}

// A response of huge values read end to end (target.do → extract) gives
// finite values, or a miss for what is out of range.
func TestTargetExtractsHugeValues(t *testing.T) {
	out := make([]float64, 2)
	newExtractor([]string{"x", "y"}).extract([]byte(`{"x": 1.7e308, "y": 1e309}`), out)
	if out[0] != 1.7e308 || !math.IsNaN(out[1]) {
		t.Errorf("x, y = %v, want 1.7e308 and a miss", out)
	}
}
