package sampler

import (
	"math"
	"slices"

	"github.com/harness-gpu/harness/internal/result"
)

// gaugeStat aggregates gauge samples (oldest first): min, mean, max, last
// and p95. The p95 is the nearest-rank percentile (the smallest sample with
// at least 95 % of the samples at or below it), so it is always a value that
// was observed. No samples gives all nil: unknown, never 0.
func gaugeStat(vals []float64) result.Stat {
	if len(vals) == 0 {
		return result.Stat{}
	}
	sum, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		sum += v
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return result.Stat{
		Min:  ptr(lo),
		Mean: ptr(mean(vals, sum)),
		Max:  ptr(hi),
		Last: ptr(vals[len(vals)-1]),
		P95:  ptr(percentile(vals, 0.95)),
	}
}

// mean is sum/n, or, when the sum of finite values overflowed (gauges near
// MaxFloat64 are legal in an exposition page), the sum of v/n, which cannot.
func mean(vals []float64, sum float64) float64 {
	n := float64(len(vals))
	if !math.IsInf(sum, 0) {
		return sum / n
	}
	m := 0.0
	for _, v := range vals {
		m += v / n
	}
	return m
}

// percentile is the nearest-rank percentile of vals (not modified).
func percentile(vals []float64, q float64) float64 {
	s := slices.Clone(vals)
	slices.Sort(s)
	rank := int(math.Ceil(q * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// ptr makes a window value: &v, or nil (unknown) when v is ±Inf or NaN. A
// delta, rate or ratio of finite samples can still overflow; it is then
// unknown rather than a value the results file cannot hold.
func ptr(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}

// div returns a/b, or nil when either is unknown or b is 0.
func div(a, b *float64) *float64 {
	if a == nil || b == nil || *b == 0 {
		return nil
	}
	return ptr(*a / *b)
}

// scale returns v*k, nil staying nil.
func scale(v *float64, k float64) *float64 {
	if v == nil {
		return nil
	}
	return ptr(*v * k)
}
