package result

import "sort"

// What the reports derive from a step's window, computed once here so that
// the HTML report and harness diff show the same figures.

// Percentiles holds a step's latency percentiles in milliseconds, nil when
// unknown, and says where they came from.
type Percentiles struct {
	P50, P95, P99 *float64
	// FromHistogram is true when the values were computed from the step's
	// HDR histogram, false when they are the results file's rounded summary.
	FromHistogram bool
}

// Percentiles computes p50, p95 and p99 from the step's HDR histogram (µs),
// which is exact to the histogram's precision, unlike the summaries written
// rounded into the file. Without a histogram it falls back to the summary.
// An empty histogram (no successful request) gives nil values.
func (s *Step) Percentiles() Percentiles {
	summary := Percentiles{P50: s.Latency.P50, P95: s.Latency.P95, P99: s.Latency.P99}
	if s.Histogram == "" {
		return summary
	}
	h, err := DecodeHistogram(s.Histogram)
	if err != nil {
		// Decode already refused such files; stay safe for hand-built ones.
		return summary
	}
	l := HistogramLatency(h)
	return Percentiles{P50: l.P50, P95: l.P95, P99: l.P99, FromHistogram: true}
}

// Load is a step's position on the capacity curve: users for the closed
// model, the arrival rate for the open one.
func (s *Step) Load() float64 {
	if s.Users > 0 {
		return float64(s.Users)
	}
	return s.Rate
}

// KneeEfficiency is the share of the best throughput per unit of load under
// which added load is said to stop paying: the knee is the highest load
// whose req/s per user (or per offered req/s) is still at least this share
// of the best step's.
const KneeEfficiency = 0.8

// CapacityPoint is one step on the capacity curve.
type CapacityPoint struct {
	Load, RPS float64
	P95       *float64 // ms, from Percentiles
}

// CapacityPoints returns the steps of f that ran with a load, ordered by load.
func CapacityPoints(f *File) []CapacityPoint {
	var pts []CapacityPoint
	for i := range f.Steps {
		s := &f.Steps[i]
		if s.Status == StepNotRun || s.Load() <= 0 {
			continue
		}
		pts = append(pts, CapacityPoint{Load: s.Load(), RPS: s.Requests.RPS, P95: s.Percentiles().P95})
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].Load < pts[j].Load })
	return pts
}

// Knee returns the load at the knee of pts (ordered by load) and whether
// one was reached: false when throughput per unit of load still holds at
// the last step, or already falls at the first.
func Knee(pts []CapacityPoint) (float64, bool) {
	best := 0.0
	for _, p := range pts {
		best = max(best, p.RPS/p.Load)
	}
	if best == 0 {
		return 0, false
	}
	for i, p := range pts {
		if p.RPS/p.Load < KneeEfficiency*best {
			if i == 0 {
				return 0, false
			}
			return pts[i-1].Load, true
		}
	}
	return 0, false
}
