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
	Total time.Duration
	// Segment is the part of the run this plan sends (Split); zero: all of it.
	Segment Segment
}

// Build computes the plan of s. It assumes s passed dsl validation.
func Build(s *dsl.Scenario) Plan {
	targets := map[string]*dsl.Target{}
	for _, t := range s.Targets {
		targets[t.Name] = t
	}
	var p Plan
	var prev *Step
	var at time.Duration
	for i, st := range s.Steps {
		ps := Step{
			Index: i, Name: st.Name, Target: st.Target, Model: st.Model,
			Users: st.Users, Rate: st.Rate,
			Pace: st.Pace, Think: st.Think, Duration: st.Duration,
			MaxInFlight: st.MaxInFlight,
		}
		if prev != nil && prev.Model == st.Model {
			ps.FromUsers, ps.FromRate = prev.Users, prev.Rate
		}
		ps.Ramp = rampDuration(st, ps)
		ps.Start = at
		ps.RampEnd = at + ps.Ramp
		ps.End = ps.RampEnd + st.Duration
		at = ps.End

		if st.Model == dsl.Open && ps.MaxInFlight == 0 {
			timeout := dsl.DefaultTimeout
			if t := targets[st.Target]; t != nil && t.Timeout > 0 {
				timeout = t.Timeout
			}
			ps.MaxInFlight = int(math.Ceil(st.Rate*timeout.Seconds())) + 1
		}
		ps.ExpectedRPS, ps.Bound = expectedRPS(ps)
		if ps.Bound != Unbounded {
			ps.ExpectedRequests = int64(math.Round(ps.ExpectedRPS * st.Duration.Seconds()))
		}
		p.Steps = append(p.Steps, ps)
		prev = &p.Steps[len(p.Steps)-1]
	}
	p.Total = at
	return p
}

// rampDuration resolves `ramp` or `ramp_rate` (level units per second) into a duration.
func rampDuration(st *dsl.Step, ps Step) time.Duration {
	if st.Ramp > 0 {
		return st.Ramp
	}
	if st.RampRate <= 0 {
		return 0
	}
	delta := math.Abs(float64(ps.Users - ps.FromUsers))
	if st.Model == dsl.Open {
		delta = math.Abs(ps.Rate - ps.FromRate)
	}
	return time.Duration(delta / st.RampRate * float64(time.Second))
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
