// Package search is the capacity search's policy: given the probes so far
// (a level and whether it met the chosen assertions), which level to probe
// next, or the answer. It is a pure function of its inputs, with no clock
// and no I/O, so it is tested with literal tables; the session runs the
// probes it asks for (docs/scenario-language.md, "search").
//
// The search steps up geometrically from Start by Growth until a probe
// fails or Max passes, then bisects between the highest passing and the
// lowest failing level until the bracket is within Precision.
package search

import (
	"math"
	"slices"

	"github.com/harness-gpu/harness/internal/result"
)

// Outcome is what one probe (after any repeat) says about its level.
type Outcome string

// Probe outcomes. An unstable probe counts as failing.
const (
	Pass     Outcome = result.ProbePass
	Fail     Outcome = result.ProbeFail
	Unstable Outcome = result.ProbeUnstable
)

// Passed reports whether the outcome counts as passing.
func (o Outcome) Passed() bool { return o == Pass }

// Status is how a finished search ended.
type Status string

// Search statuses.
const (
	Found      Status = "found"       // a passing level below a failing one, within the precision
	AboveMax   Status = "above_max"   // max passed: the capacity is at least max
	BelowStart Status = "below_start" // start failed: the capacity is below start
)

// Config is a search's levels. Integer levels (users) are whole numbers;
// real ones (rate) are kept to two decimals.
type Config struct {
	Start, Max, Growth, Precision float64
	Integer                       bool
}

// Probe is one finished probe.
type Probe struct {
	Level   float64
	Outcome Outcome
}

// Result is the answer of a finished search, and the bracket so far of one
// under way.
type Result struct {
	Status Status
	// Capacity is the highest passing level below FirstFailing, 0 if none.
	Capacity float64
	// FirstFailing is the lowest failing level; nil when none failed.
	FirstFailing *float64
	// Probes counts the probes given; Unstable those whose outcome was Unstable.
	Probes, Unstable int
	// NonMonotonic is set when a level passed above one that failed.
	NonMonotonic bool
}

// Decision is Next's answer: Done with Result, or the Level to probe next
// (Result then holds the bracket so far).
type Decision struct {
	Done   bool
	Level  float64
	Result Result
}

// Next decides what follows probes under c. It assumes c is valid
// (0 < Start <= Max, Growth > 1, 0 < Precision <= 0.5), as the scenario
// loader guarantees.
func Next(c Config, probes []Probe) Decision {
	r := Result{Probes: len(probes)}
	var lowestFail, highestPass float64 = math.Inf(1), math.Inf(-1)
	for _, p := range probes {
		if p.Outcome == Unstable {
			r.Unstable++
		}
		if p.Outcome.Passed() {
			highestPass = max(highestPass, p.Level)
		} else {
			lowestFail = min(lowestFail, p.Level)
		}
	}
	r.NonMonotonic = highestPass > lowestFail
	if len(probes) == 0 {
		return Decision{Level: c.level(c.Start), Result: r}
	}
	if math.IsInf(lowestFail, 1) {
		// Stepping up: nothing failed yet.
		r.Capacity = highestPass
		if highestPass >= c.Max {
			r.Status = AboveMax
			return Decision{Done: true, Result: r}
		}
		next := c.level(min(highestPass*c.Growth, c.Max))
		if next <= highestPass {
			next = c.level(min(highestPass+c.unit(), c.Max))
		}
		return Decision{Level: next, Result: r}
	}
	ff := lowestFail
	r.FirstFailing = &ff
	lo, ok := highestPassBelow(probes, lowestFail)
	if !ok {
		if lowestFail > c.Start && !probed(probes, c.level(c.Start)) {
			return Decision{Level: c.level(c.Start), Result: r}
		}
		r.Status = BelowStart
		return Decision{Done: true, Result: r}
	}
	r.Capacity = lo
	if c.converged(lo, lowestFail) {
		r.Status = Found
		return Decision{Done: true, Result: r}
	}
	mid := c.level(lo + (lowestFail-lo)/2)
	if mid <= lo || mid >= lowestFail {
		r.Status = Found
		return Decision{Done: true, Result: r}
	}
	return Decision{Level: mid, Result: r}
}

// converged reports whether the bracket (lo, hi] is within the precision:
// (hi - lo) / lo <= Precision, or adjacent whole numbers.
func (c Config) converged(lo, hi float64) bool {
	if c.Integer && hi-lo <= 1 {
		return true
	}
	return (hi-lo)/lo <= c.Precision
}

// level rounds a level to what can be probed: down to a whole number of
// users (at least 1), or a rate to two decimals.
func (c Config) level(v float64) float64 {
	if c.Integer {
		return max(1, math.Floor(v+1e-9))
	}
	return math.Round(v*100) / 100
}

// unit is the smallest step between two levels.
func (c Config) unit() float64 {
	if c.Integer {
		return 1
	}
	return 0.01
}

func highestPassBelow(probes []Probe, limit float64) (float64, bool) {
	best, ok := 0.0, false
	for _, p := range probes {
		if p.Outcome.Passed() && p.Level < limit && (!ok || p.Level > best) {
			best, ok = p.Level, true
		}
	}
	return best, ok
}

func probed(probes []Probe, level float64) bool {
	return slices.ContainsFunc(probes, func(p Probe) bool { return p.Level == level })
}

// Worst is the most probes the search can take under c, not counting the
// repeats of unstable probes: the step-up to each possible first failure,
// then a bisection in which every probe fails (the slowest to converge,
// since the bracket is relative to its lower end).
func Worst(c Config) int {
	worst := 0
	// levels of the step-up, each taken as the one that fails
	var ups []float64
	for d := Next(c, nil); !d.Done; {
		ups = append(ups, d.Level)
		d = Next(c, stepUp(ups))
		if len(ups) > 10000 {
			break
		}
	}
	for j := range ups {
		lastPass := 0.0
		if j > 0 {
			lastPass = ups[j-1]
		}
		n := 0
		probes := []Probe{}
		for d := Next(c, nil); !d.Done && n < 10000; d = Next(c, probes) {
			o := Fail
			if d.Level <= lastPass {
				o = Pass
			}
			probes = append(probes, Probe{Level: d.Level, Outcome: o})
			n++
		}
		worst = max(worst, n)
	}
	return max(worst, len(ups))
}

func stepUp(levels []float64) []Probe {
	out := make([]Probe, len(levels))
	for i, l := range levels {
		out[i] = Probe{Level: l, Outcome: Pass}
	}
	return out
}
