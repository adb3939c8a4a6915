package result

import (
	"testing"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

func TestHistogramLatency(t *testing.T) {
	h := hdr.New(1, 3_600_000_000, 3)
	if l := HistogramLatency(h); l != (Latency{}) {
		t.Fatalf("empty histogram: %+v, want every field nil", l)
	}
	for v := int64(1000); v <= 100_000; v += 1000 { // 1 ms to 100 ms
		if err := h.RecordValue(v); err != nil {
			t.Fatal(err)
		}
	}
	l := HistogramLatency(h)
	for _, c := range []struct {
		name string
		got  *float64
		want float64
	}{
		{"min", l.Min, 1}, {"max", l.Max, 100}, {"mean", l.Mean, 50.5},
		{"p50", l.P50, 50}, {"p90", l.P90, 90}, {"p99", l.P99, 99},
	} {
		if c.got == nil || *c.got < c.want*0.999 || *c.got > c.want*1.001 {
			t.Errorf("%s = %v, want %v ms within the histogram's 0.1%%", c.name, c.got, c.want)
		}
	}
	s := Step{Histogram: encode(t, h)}
	if p := s.Percentiles(); !p.FromHistogram || *p.P95 != *l.P95 {
		t.Errorf("Step.Percentiles p95 = %v, HistogramLatency's %v", p.P95, *l.P95)
	}
}

func TestExtractSetPercentiles(t *testing.T) {
	h := hdr.New(1, 1e12, 3)
	for _, v := range []float64{0.5, 2, 7.25} {
		if err := h.RecordValue(int64(v * ExtractScale)); err != nil {
			t.Fatal(err)
		}
	}
	lo, hi := 0.6, 7.0 // narrower than the histogram's values: the exact extremes win
	x := Extract{Min: &lo, Max: &hi}
	x.SetPercentiles(h)
	for _, c := range []struct {
		name string
		got  *float64
		want float64
	}{{"p50", x.P50, 2}, {"p90", x.P90, 7}, {"p95", x.P95, 7}, {"p99", x.P99, 7}} {
		if c.got == nil || *c.got < c.want*0.999 || *c.got > c.want*1.001 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func encode(t *testing.T, h *hdr.Histogram) string {
	t.Helper()
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
