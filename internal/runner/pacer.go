package runner

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
)

// rampPacer is the open model's rate for one plan step: the rate moves
// linearly from FromRate to Rate over the ramp (plan.Step.RateAt), then holds
// Rate for the measured window; it stops at the window's end. It holds no
// clock, so it is tested with plain numbers; schedule draws the arrivals.
//
// Arrival k (k = 0, 1, …) is due at the time t_k where the integrated rate
// N(t) = ∫₀ᵗ rate(s) ds reaches k, so the count of arrivals in any interval is
// the integral of the rate over it (± 1), ramps included. During the ramp
// rate(s) = r0 + (r1-r0)·s/R, so N(t) = r0·t + a·t² with a = (r1-r0)/(2R),
// and t_k = 2k / (r0 + √(r0² + 4ak)), the root of a·t² + r0·t - k = 0 written
// in the form that stays exact when a → 0 and for ramps down (a < 0).
type rampPacer struct {
	From, Rate float64       // arrivals/s at the ramp's start and after it
	Ramp       time.Duration // 0 = no ramp
	Total      time.Duration // ramp + measured window
}

// At is the offset at which the integrated rate N(t) reaches n (n ≥ 0, in
// expected arrivals); false when it does not before Total. A uniform
// schedule's arrival k is due at At(k), a random arrival process's at At of
// its own sums of gaps; open-model latency is measured from it.
// The time is computed in float seconds and compared with Total before it
// becomes a Duration, so a rate so low that arrival k lies past any
// Duration (1e-300/s) ends the schedule rather than overflowing into the
// past.
func (p rampPacer) At(n float64) (time.Duration, bool) {
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

// schedule yields one open step's arrival offsets in order. Its arrival
// process draws the gaps between arrivals in operational time — expected
// arrivals, the integrated rate N(t) — and rampPacer.At maps them to
// offsets, so a ramp shapes a random process as it shapes a uniform one
// (the time-rescaling of a non-homogeneous process). Uniform gaps are 1,
// exactly; Poisson's are exponential with mean 1; gamma's have shape
// Burstiness and mean 1, so their variance, and the index of dispersion of
// the counts, is 1/Burstiness.
//
// A segment of a split run (plan.Split) walks the whole step's schedule,
// from the same seed, and sends only its own arrivals (plan.Segment.Sends),
// so the segments' arrivals interleave into exactly the schedule one process
// would send.
type schedule struct {
	p    rampPacer
	u    float64        // operational time of the next arrival
	gap  func() float64 // nil: uniform
	k    uint64         // the whole schedule's index of the next arrival
	part plan.Segment   // whole: every arrival is this process's
}

// newSchedule is the schedule of plan step ps: its rates, ramp and window,
// its arrival process, drawn from a generator seeded with ps.Seed.
func newSchedule(ps plan.Step) *schedule {
	s := &schedule{p: rampPacer{From: ps.FromRate, Rate: ps.Rate, Ramp: ps.Ramp, Total: ps.Ramp + ps.Duration}, part: ps.Segment}
	if !ps.Segment.Whole() {
		s.p.From, s.p.Rate = ps.Whole.FromRate, ps.Whole.Rate
	}
	rng := rand.New(rand.NewPCG(ps.Seed, arrivalStream))
	switch ps.Arrival {
	case plan.Poisson:
		s.gap = rng.ExpFloat64
	case plan.Gamma:
		shape := ps.Burstiness
		switch {
		case !(shape > 0) || math.IsInf(shape, 0):
			shape = 1
		case shape < dsl.MinBurstiness:
			// Below it most gaps underflow to 0 in float64 and the
			// schedule would send far more than its rate. The scenario
			// language refuses a lower burstiness; a plan built by hand
			// is floored.
			shape = dsl.MinBurstiness
		}
		s.gap = func() float64 { return gammaVariate(rng, shape) / shape }
	}
	if s.gap != nil {
		s.u = s.gap() // a random process has no arrival pinned to the start
	}
	return s
}

// arrivalStream tells the open model's draws from the closed model's
// (pace_jitter) for one seed.
const arrivalStream = 0x61727269 // "arri"

// next is the offset of the next arrival; false when the schedule is over.
func (s *schedule) next() (time.Duration, bool) {
	for {
		d, ok := s.p.At(s.u)
		if !ok {
			return 0, false
		}
		if s.gap == nil {
			s.u++ // exact: integers are exact in float64 up to 2^53 arrivals
		} else {
			s.u += s.gap()
		}
		k := s.k
		s.k++
		if s.part.Sends(k) {
			return d, true
		}
	}
}

// gammaVariate draws from Gamma(shape, 1) by Marsaglia and Tsang's method
// (ACM TOMS 26(3), 2000); below shape 1 it boosts to shape+1 and scales by
// U^(1/shape), as they show.
func gammaVariate(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		u := 1 - rng.Float64() // (0, 1]
		return gammaVariate(rng, shape+1) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := 1 - rng.Float64()
		if math.Log(u) < x*x/2+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}
