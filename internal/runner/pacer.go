package runner

import (
	"math"
	"time"

	"github.com/harness-gpu/harness/internal/plan"
)

// Pacer decides when the next arrival of the open model is due, as vegeta's
// Pacer does: given the time elapsed since the step began and the arrivals
// already sent, it returns how long to wait before the next one, or stop when
// the schedule is over. It holds no clock, so it is tested with plain numbers.
type Pacer interface {
	Pace(elapsed time.Duration, hits uint64) (wait time.Duration, stop bool)
}

// RampPacer is the open model's schedule for one plan step: the rate moves
// linearly from FromRate to Rate over the ramp (plan.Step.RateAt), then holds
// Rate for the measured window; it stops at the window's end.
//
// Arrival k (k = 0, 1, …) is due at the time t_k where the integrated rate
// N(t) = ∫₀ᵗ rate(s) ds reaches k, so the count of arrivals in any interval is
// the integral of the rate over it (± 1), ramps included. During the ramp
// rate(s) = r0 + (r1-r0)·s/R, so N(t) = r0·t + a·t² with a = (r1-r0)/(2R),
// and t_k = 2k / (r0 + √(r0² + 4ak)), the root of a·t² + r0·t - k = 0 written
// in the form that stays exact when a → 0 and for ramps down (a < 0).
type RampPacer struct {
	From, Rate float64       // arrivals/s at the ramp's start and after it
	Ramp       time.Duration // 0 = no ramp
	Total      time.Duration // ramp + measured window
}

var _ Pacer = RampPacer{}

// NewRampPacer takes the rates, ramp and window from a plan step as they are.
func NewRampPacer(s plan.Step) RampPacer {
	return RampPacer{From: s.FromRate, Rate: s.Rate, Ramp: s.Ramp, Total: s.Ramp + s.Duration}
}

// Pace implements Pacer.
func (p RampPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	due, ok := p.Due(hits)
	if !ok {
		return 0, true
	}
	if due <= elapsed {
		return 0, false
	}
	return due - elapsed, false
}

// Due is the offset at which arrival k is scheduled; false when the schedule
// has no arrival k before Total. Open-model latency is measured from it.
// The time is computed in float seconds and compared with Total before it
// becomes a Duration, so a rate so low that arrival k lies past any
// Duration (1e-300/s) ends the schedule rather than overflowing into the
// past.
func (p RampPacer) Due(k uint64) (time.Duration, bool) {
	n := float64(k)
	rampSecs := p.Ramp.Seconds()
	var t float64 // seconds
	rampArrivals := 0.0
	if p.Ramp > 0 {
		rampArrivals = (p.From + p.Rate) / 2 * rampSecs // N(R)
	}
	switch {
	case n == 0:
		t = 0
	case p.Ramp > 0 && n < rampArrivals:
		a := (p.Rate - p.From) / (2 * rampSecs)
		disc := p.From*p.From + 4*a*n
		if disc < 0 {
			disc = 0
		}
		t = 2 * n / (p.From + math.Sqrt(disc))
	case !(p.Rate > 0): // 0, negative or NaN: no arrival after the ramp
		return 0, false
	default:
		t = rampSecs + (n-rampArrivals)/p.Rate
	}
	if !(t < p.Total.Seconds()) { // NaN included
		return 0, false
	}
	due := time.Duration(t * float64(time.Second))
	if due >= p.Total {
		return 0, false
	}
	return due, true
}
