// Package plan turns a scenario's steps into the timed schedule the runner
// executes and `harness plan` prints. It is a pure function of the scenario:
// no clock, no I/O, so it is tested with literal tables. The runner consumes a
// Plan unchanged and never recomputes ramps or offsets.
package plan

import (
	"math"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// Bound says how firmly ExpectedRPS is known.
type Bound string

const (
	Exact     Bound = "exact"     // paced users or an open rate: the schedule fixes it
	AtMost    Bound = "at_most"   // users with think time: responses add to each cycle
	Unbounded Bound = "unbounded" // users back to back: as fast as the server answers
)

// Arrival is an open step's arrival process.
type Arrival string

const (
	Uniform Arrival = "uniform" // arrivals evenly spaced at the rate (the zero value too)
	Poisson Arrival = "poisson" // exponential gaps: independent arrivals at the rate
	Gamma   Arrival = "gamma"   // gamma gaps of shape Burstiness: variance of counts ≈ 1/Burstiness × Poisson's
)

// Step is one step of the plan with its offsets from the start of the run.
type Step struct {
	Index  int
	Name   string
	Target string
	Model  dsl.LoadModel

	// Users or Rate is the level held during the measured window; FromUsers or
	// FromRate is the level the ramp starts at (the previous step's level when it
	// used the same model, else zero).
	Users     int
	FromUsers int
	Rate      float64
	FromRate  float64

	Ramp     time.Duration // resolved from ramp or ramp_rate; 0 = jump straight to the level
	Pace     time.Duration
	Think    time.Duration
	Duration time.Duration // measured window

	// Arrival is the open model's arrival process ("" is Uniform) and
	// Burstiness the gamma shape of its gaps (Gamma only: 1 is Poisson's
	// variability, below 1 burstier). PaceJitter (0–0.5) draws each paced
	// closed-model interval uniformly in Pace·(1 ± PaceJitter). Seed makes
	// the random draws of both repeatable: one seed, one schedule.
	Arrival    Arrival
	Burstiness float64
	PaceJitter float64
	Seed       uint64

	// MaxInFlight caps concurrent requests of an open step. When the scenario
	// leaves it out it is rate × target timeout (+1): the most that could be in
	// flight if every request ran to its timeout, so nothing is dropped that
	// would not have timed out anyway.
	MaxInFlight int

	Start   time.Duration // ramp start, from the start of the run
	RampEnd time.Duration // measured window start
	End     time.Duration // measured window end

	ExpectedRPS      float64 // over the measured window; 0 when Unbounded
	Bound            Bound
	ExpectedRequests int64 // over the measured window; 0 when Unbounded

	// Segment is the part of the step this process sends (Split); the zero
	// value is all of it. Whole is then the step's level before the split.
	Segment Segment
	Whole   Level
}

// Plan is the whole schedule.
type Plan struct {
	Steps []Step
	Total time.Duration // the steps' time; searches add up to WorstTotal
	// Searches are the capacity searches, each placed after its After steps.
	Searches []Search
	// Segment is the part of the run this plan sends (Split); zero: all of it.
	Segment Segment
}

// Build computes the plan of s. It assumes s passed dsl validation.
func Build(s *dsl.Scenario) Plan {
	var p Plan
	var prev *Step
	var at time.Duration
	for i, st := range s.Steps {
		ps := Step{
			Index: i, Name: st.Name, Target: st.Target, Model: st.Model,
			Users: st.Users, Rate: st.Rate,
			Pace: st.Pace, Think: st.Think, Duration: st.Duration,
			MaxInFlight: st.MaxInFlight,
			Arrival:     Arrival(st.Arrival), Burstiness: st.Burstiness,
			PaceJitter: st.PaceJitter, Seed: st.Seed,
		}
		if prev != nil && prev.Model == st.Model {
			ps.FromUsers, ps.FromRate = prev.Users, prev.Rate
		}
		var prevStep *dsl.Step
		if i > 0 {
			prevStep = s.Steps[i-1]
		}
		ps.Ramp = rampDuration(st, prevStep)
		ps.Start = at
		ps.RampEnd = addSat(at, ps.Ramp)
		ps.End = addSat(ps.RampEnd, st.Duration)
		at = ps.End

		if st.Model == dsl.Open && ps.MaxInFlight == 0 {
			ps.MaxInFlight = defaultMaxInFlight(s, st.Target, st.Rate)
		}
		ps.ExpectedRPS, ps.Bound = expectedRPS(ps)
		ps.ExpectedRequests = expectedRequests(ps)
		p.Steps = append(p.Steps, ps)
		prev = &p.Steps[len(p.Steps)-1]
	}
	p.Total = at
	p.Searches = Searches(s)
	return p
}

// rampDuration resolves `ramp` or `ramp_rate` (level units per second),
// from prev's level, into a duration.
func rampDuration(st, prev *dsl.Step) time.Duration {
	if st.Ramp > 0 {
		return st.Ramp
	}
	return durationOf(st.RampSeconds(prev))
}

// The plan is computed in float64 from whatever the scenario holds; these
// keep an absurd rate (1e300) or level from wrapping an integer round to a
// negative count or offset. Validation refuses such values before a run;
// the plan still prints them sanely.

// clampInt is f rounded toward zero within [0, limit]; NaN is 0.
func clampInt(f float64, limit int64) int64 {
	switch {
	case !(f > 0):
		return 0
	case f >= float64(limit):
		return limit
	}
	return int64(f)
}

// durationOf is secs seconds as a Duration, saturating at the largest one.
func durationOf(secs float64) time.Duration {
	return time.Duration(clampInt(secs*float64(time.Second), math.MaxInt64))
}

// addSat is a+b for non-negative durations, saturating at the largest one.
func addSat(a, b time.Duration) time.Duration {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// defaultMaxInFlight is an open step's or search's max_in_flight when the
// scenario leaves it out: rate × the target's timeout, + 1 (Step.MaxInFlight).
func defaultMaxInFlight(s *dsl.Scenario, target string, rate float64) int {
	timeout := dsl.DefaultTimeout
	for _, t := range s.Targets {
		if t.Name == target && t.Timeout > 0 {
			timeout = t.Timeout
		}
	}
	return int(clampInt(math.Ceil(rate*timeout.Seconds())+1, math.MaxInt32))
}

// expectedRequests is ps's count over its measured window at ExpectedRPS;
// 0 when Unbounded.
func expectedRequests(ps Step) int64 {
	if ps.Bound == Unbounded {
		return 0
	}
	return clampInt(math.Round(ps.ExpectedRPS*ps.Duration.Seconds()), math.MaxInt64)
}

func expectedRPS(ps Step) (float64, Bound) {
	switch {
	case ps.Model == dsl.Open:
		return ps.Rate, Exact
	case ps.Pace > 0:
		return float64(ps.Users) / ps.Pace.Seconds(), Exact
	case ps.Think > 0:
		return float64(ps.Users) / ps.Think.Seconds(), AtMost
	default:
		return 0, Unbounded
	}
}

// UsersAt is the closed-model level at offset d into the step's ramp: linear
// from FromUsers to Users, rounded down, and Users once the ramp is over.
func (s Step) UsersAt(d time.Duration) int {
	if !s.Segment.Whole() {
		return s.usersAtSplit(d)
	}
	if s.Ramp <= 0 || d >= s.Ramp {
		return s.Users
	}
	if d < 0 {
		return s.FromUsers
	}
	f := float64(d) / float64(s.Ramp)
	return s.FromUsers + int(math.Floor(f*float64(s.Users-s.FromUsers)))
}

// RateAt is the open-model arrival rate at offset d into the step's ramp.
func (s Step) RateAt(d time.Duration) float64 {
	if s.Ramp <= 0 || d >= s.Ramp {
		return s.Rate
	}
	if d < 0 {
		return s.FromRate
	}
	f := float64(d) / float64(s.Ramp)
	return s.FromRate + f*(s.Rate-s.FromRate)
}
