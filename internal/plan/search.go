package plan

import (
	"fmt"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/search"
)

// Search is a capacity search as the session runs it: the policy's
// configuration, the probes' timing, and its worst case.
type Search struct {
	Name   string
	Target string
	Model  dsl.LoadModel
	Unit   string // "users" or "req/s"
	Config search.Config

	Pace, Think              time.Duration
	Ramp, Duration, Cooldown time.Duration
	// MaxInFlight caps an open probe's requests in flight, as a step's
	// default: max × target timeout (+1).
	MaxInFlight int
	// After is how many of the plan's steps run before the search.
	After int
	// Asserts names the assertions that judge each probe.
	Asserts []string

	// WorstProbes is the most probes the search can take (repeats of
	// unstable probes aside); WorstTime their ramps, windows and cooldowns.
	WorstProbes int
	WorstTime   time.Duration
}

// Searches plans the searches of s.
func Searches(s *dsl.Scenario) []Search {
	var out []Search
	for _, sr := range s.Searches {
		ps := Search{
			Name: sr.Name, Target: sr.Target, Model: sr.Model, Unit: sr.Unit(),
			Config: search.Config{Start: sr.Start, Max: sr.Max, Growth: sr.Growth, Precision: sr.Precision, Integer: sr.Model == dsl.Closed},
			Pace:   sr.Pace, Think: sr.Think, Ramp: sr.Ramp, Duration: sr.Duration, Cooldown: sr.Cooldown,
			After: sr.After, Asserts: sr.Asserts,
		}
		if sr.Model == dsl.Open {
			ps.MaxInFlight = defaultMaxInFlight(s, sr.Target, sr.Max)
		}
		ps.WorstProbes = search.Worst(ps.Config)
		if ps.WorstProbes > 0 {
			ps.WorstTime = time.Duration(ps.WorstProbes)*(sr.Ramp+sr.Duration) + time.Duration(ps.WorstProbes-1)*sr.Cooldown
		}
		out = append(out, ps)
	}
	return out
}

// Probe is the one-step plan of probe number n (from 1) at level, ramping
// from the level from (a closed model's users or an open model's rate)
// over ramp, measured for duration.
func (s Search) Probe(n int, level, from float64, ramp, duration time.Duration) Step {
	ps := Step{
		Name: ProbeName(s.Name, n), Target: s.Target, Model: s.Model,
		Pace: s.Pace, Think: s.Think, Duration: duration, MaxInFlight: s.MaxInFlight,
		Ramp: ramp, RampEnd: ramp, End: ramp + duration,
	}
	if s.Model == dsl.Open {
		ps.Rate, ps.FromRate = level, from
	} else {
		ps.Users, ps.FromUsers = int(level), int(from)
	}
	ps.ExpectedRPS, ps.Bound = expectedRPS(ps)
	ps.ExpectedRequests = expectedRequests(ps)
	return ps
}

// ProbeName names probe n of a search: "max_users/03".
func ProbeName(search string, n int) string {
	return fmt.Sprintf("%s/%02d", search, n)
}

// Level is step st's load level: users for the closed model, the rate for
// the open one.
func (st Step) Level() float64 {
	if st.Model == dsl.Open {
		return st.Rate
	}
	return float64(st.Users)
}

// WorstTotal is the plan's time with every search at its worst case.
func (p Plan) WorstTotal() time.Duration {
	t := p.Total
	for _, s := range p.Searches {
		t += s.WorstTime
	}
	return t
}

// Count says how many steps and searches a plan has: "3 steps and 1
// search", "1 search".
func Count(steps, searches int) string {
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	switch {
	case searches == 0:
		return plural(steps, "step", "steps")
	case steps == 0:
		return plural(searches, "search", "searches")
	}
	return plural(steps, "step", "steps") + " and " + plural(searches, "search", "searches")
}
