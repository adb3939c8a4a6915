package dsl

import (
	"math"
	"math/big"

	"github.com/zclconf/go-cty/cty"
)

// decodeStepShape reads how a step's load is spread in time: arrival and
// burstiness for an open step, pace_jitter for a paced closed one, and the
// seed of their random draws. It runs after decodeStepModel, whose Model
// and Pace it reads.
func decodeStepShape(a *attrs, st *Step) {
	st.Seed = DefaultSeed
	if s, ok := a.seed("seed"); ok {
		st.Seed = s
	}

	if st.Model == Open {
		st.Arrival = ArrivalUniform
	}
	if a.has("arrival") && st.Model != Open {
		a.errorf("arrival", "Argument not allowed with users",
			"arrival shapes an open (rate) step's arrivals; the users of a users step start on their own pace (spread it with pace_jitter).")
	}
	arrival, arrivalOK := a.oneOf("arrival", "Unknown arrival process",
		`"uniform" (evenly spaced), "poisson" (independent arrivals) or "gamma" (burstiness sets how bursty)`,
		string(ArrivalUniform), string(ArrivalPoisson), string(ArrivalGamma))
	if arrivalOK && st.Model == Open {
		st.Arrival = Arrival(arrival)
	}
	if st.Arrival == ArrivalGamma {
		st.Burstiness = 1
	}
	// A misplaced or misspelt arrival is reported once, on arrival.
	arrivalBad := a.has("arrival") && (st.Model != Open || !arrivalOK)
	if a.has("burstiness") && st.Arrival != ArrivalGamma && !arrivalBad {
		a.errorf("burstiness", "Argument needs arrival = \"gamma\"",
			"burstiness is the shape of gamma-distributed gaps between arrivals; set arrival = \"gamma\" (on a rate step), or remove burstiness.")
	}
	if b, ok := a.number("burstiness"); ok {
		switch {
		case math.IsInf(b, 0) || !(b >= MinBurstiness):
			a.errorf("burstiness", "Value out of range",
				"burstiness = %s: use a number of at least %s (1 is Poisson; below 1 burstier, 0.25 gives about 4 times Poisson's variance).",
				fmtNum(b), fmtNum(MinBurstiness))
		case st.Arrival == ArrivalGamma:
			st.Burstiness = b
		}
	}

	if a.has("pace_jitter") {
		switch {
		case st.Model == Open:
			a.errorf("pace_jitter", "Argument not allowed with rate",
				"pace_jitter spreads a paced user's intervals; an open (rate) step sets its randomness with arrival, so remove pace_jitter.")
		case st.Pace <= 0 && !a.has("pace"):
			a.errorf("pace_jitter", "Argument needs pace",
				"pace_jitter spreads each interval of a paced user; set pace on this step, or remove pace_jitter.")
		}
	}
	if j, ok := a.number("pace_jitter"); ok {
		switch {
		case !(j >= 0 && j <= MaxPaceJitter):
			a.errorf("pace_jitter", "Value out of range",
				"pace_jitter = %s: use a fraction from 0 to %s (0.1 draws each interval within pace ± 10 %%).", fmtNum(j), fmtNum(MaxPaceJitter))
		case st.Model == Closed && st.Pace > 0:
			st.PaceJitter = j
		}
	}
}

// seed reads a whole number from 0 to the largest uint64, at full
// precision (a float64 holds whole numbers exactly only up to 2^53).
func (a *attrs) seed(name string) (uint64, bool) {
	v, ok := a.value(name, cty.Number)
	if !ok {
		return 0, false
	}
	f := v.AsBigFloat()
	shown, _ := f.Float64()
	if !f.IsInt() {
		a.errorf(name, "Value must be a whole number", "%s must be a whole number; got %s.", name, fmtNum(shown))
		return 0, false
	}
	u, acc := f.Uint64()
	if acc != big.Exact {
		a.errorf(name, "Value out of range", "%s = %s: use a whole number from 0 to %d.", name, fmtNum(shown), uint64(math.MaxUint64))
		return 0, false
	}
	return u, true
}
