package diff

import (
	"github.com/harness-gpu/harness/internal/result"
)

// StepLatency holds a step's latency percentiles in milliseconds, nil when
// unknown, and says where they came from.
type StepLatency struct {
	P50, P95, P99 *float64
	// FromHistogram is true when the values were computed from the step's
	// HDR histogram, false when they are the results file's rounded summary.
	FromHistogram bool
}

// LatencyOf computes p50, p95 and p99 from the step's HDR histogram (µs),
// which is exact to the histogram's precision, unlike the summaries written
// rounded into the file. Without a histogram it falls back to the summary.
// An empty histogram (no successful request) gives nil values.
func LatencyOf(s *result.Step) StepLatency {
	if s.Histogram == "" {
		return StepLatency{P50: s.Latency.P50, P95: s.Latency.P95, P99: s.Latency.P99}
	}
	h, err := result.DecodeHistogram(s.Histogram)
	if err != nil {
		// Decode already refused such files; stay safe for hand-built ones.
		return StepLatency{P50: s.Latency.P50, P95: s.Latency.P95, P99: s.Latency.P99}
	}
	out := StepLatency{FromHistogram: true}
	if h.TotalCount() == 0 {
		return out
	}
	ms := func(q float64) *float64 {
		v := float64(h.ValueAtQuantile(q)) / 1000
		return &v
	}
	out.P50, out.P95, out.P99 = ms(50), ms(95), ms(99)
	return out
}
