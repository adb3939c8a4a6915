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
		Mean: ptr(sum / float64(len(vals))),
		Max:  ptr(hi),
		Last: ptr(vals[len(vals)-1]),
		P95:  ptr(percentile(vals, 0.95)),
	}
}

// percentile is the nearest-rank percentile of vals (not modified).
func percentile(vals []float64, q float64) float64 {
	s := slices.Clone(vals)
	slices.Sort(s)
	rank := int(math.Ceil(q * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

func ptr(v float64) *float64 { return &v }

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
