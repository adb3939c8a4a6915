package result

import hdr "github.com/HdrHistogram/hdrhistogram-go"

// How a window's figures are read off its HDR histograms, in one place so
// that a run (internal/runner), a merge of segments (internal/merge) and
// the reports (Step.Percentiles) derive the same numbers from the same
// histogram.

// ExtractScale is the factor an Extract.Histogram holds its values by:
// value ×1000, so 0.001 of the field's unit is the finest step.
const ExtractScale = 1000

// HistogramLatency derives the latency summary (ms) from a histogram of
// µs; every field is nil when the histogram is empty.
func HistogramLatency(h *hdr.Histogram) Latency {
	if h.TotalCount() == 0 {
		return Latency{}
	}
	ms := func(v float64) *float64 { v /= 1000; return &v }
	at := func(q float64) *float64 { return ms(float64(h.ValueAtQuantile(q))) }
	return Latency{
		Min: ms(float64(h.Min())), Max: ms(float64(h.Max())),
		Mean: ms(h.Mean()), Stddev: ms(h.StdDev()),
		P50: at(50), P90: at(90), P95: at(95), P99: at(99), P999: at(99.9),
	}
}

// SetPercentiles fills x's p50 to p99 from h, a histogram of its values
// ×ExtractScale, each kept within [x.Min, x.Max] (the exact extremes) so
// that the histogram's rounding and clamping never show a value outside
// those seen. x.Min and x.Max must be set.
func (x *Extract) SetPercentiles(h *hdr.Histogram) {
	q := func(p float64) *float64 {
		v := min(max(float64(h.ValueAtQuantile(p))/ExtractScale, *x.Min), *x.Max)
		return &v
	}
	x.P50, x.P90, x.P95, x.P99 = q(50), q(90), q(95), q(99)
}
