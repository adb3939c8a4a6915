package search

import (
	"fmt"
	"math"

	"github.com/harness-gpu/harness/internal/result"
)

// Stability, as perf_analyzer judges a measurement: the probe's measured
// window is split in three thirds, and the probe is unstable when the
// thirds differ by more than StabilityShare in throughput or in p95.
const StabilityShare = 0.10

// What a difference must also exceed to count, so that counting noise in
// a short or light window is not taken for instability: in requests, twice
// the Poisson noise of the busier third (2·√n); in p95, 5 ms (the p95 of
// a third is estimated from its seconds' p95s, which in a light window move
// by a few milliseconds with no change in load), and a third's p95 is only
// compared with at least minP95Requests successful requests behind it
// (fewer put only a handful of requests above the 95th percentile).
const (
	minP95Diff     = 5.0
	minP95Requests = 100
)

// Stability is Stable's verdict on one window.
type Stability struct {
	Stable bool
	// Why names what differed, e.g. "throughput 41.0 to 52.3 req/s".
	Why string
	// RPS and P95 are the thirds' figures (P95 nil when a third had no
	// successful request).
	RPS [3]float64
	P95 [3]*float64
}

// Stable judges the measured seconds of series (ramp seconds are left out).
// A window of fewer than three seconds cannot be split and is stable.
// Throughput is completed requests (ok + failed) per second; a third's p95
// is the mean of its seconds' p95 weighted by their successful requests.
func Stable(series []result.Second) Stability {
	var m []result.Second
	for _, s := range series {
		if s.Phase == result.PhaseMeasured {
			m = append(m, s)
		}
	}
	st := Stability{Stable: true}
	if len(m) < 3 {
		return st
	}
	n := len(m)
	var counts [3]float64
	for k := 0; k < 3; k++ {
		part := m[k*n/3 : (k+1)*n/3]
		var done int64
		var wsum, w float64
		for _, s := range part {
			done += s.OK + s.Failed
			if s.P95 != nil && s.OK > 0 {
				wsum += *s.P95 * float64(s.OK)
				w += float64(s.OK)
			}
		}
		st.RPS[k] = float64(done) / float64(len(part))
		counts[k] = float64(done)
		if w >= minP95Requests {
			v := wsum / w
			st.P95[k] = &v
		}
	}
	lo, hi := spread(st.RPS[:])
	_, busiest := spread(counts[:])
	// the rates' noise floor: 2·√n requests over a third's seconds
	noise := 2 * math.Sqrt(busiest) / float64(len(m[:n/3]))
	if differs(lo, hi, noise) {
		st.Stable = false
		st.Why = fmt.Sprintf("throughput %.1f to %.1f req/s across the window's thirds", lo, hi)
		return st
	}
	var p95 []float64
	for _, p := range st.P95 {
		if p != nil {
			p95 = append(p95, *p)
		}
	}
	if len(p95) == 3 {
		lo, hi = spread(p95)
		if differs(lo, hi, minP95Diff) {
			st.Stable = false
			st.Why = fmt.Sprintf("p95 %.1f to %.1f ms across the window's thirds", lo, hi)
		}
	}
	return st
}

func spread(v []float64) (lo, hi float64) {
	lo, hi = v[0], v[0]
	for _, x := range v[1:] {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// differs reports a difference over StabilityShare of the smaller value (perf_analyzer: max/min > 1.1) and
// over floor.
func differs(lo, hi, floor float64) bool {
	return hi-lo > floor && hi-lo > StabilityShare*lo
}
