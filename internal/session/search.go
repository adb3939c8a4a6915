package session

// Runs with capacity searches: the steps before a search run as one plan,
// then each probe as a one-step plan of its own, the search's policy
// (internal/search) choosing the next level from the probes judged so far,
// then the steps after. The parts are joined into one results file.

import (
	"context"
	"fmt"
	"time"

	"github.com/harness-gpu/harness/internal/assert"
	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/runner"
	"github.com/harness-gpu/harness/internal/search"
)

// searchRun joins the parts of a run with searches.
type searchRun struct {
	s    *session
	opts runner.Options
	f    *result.File
	// level and model are the load the last part ended at, for the next
	// part's ramp to start from.
	level float64
	model dsl.LoadModel
}

// runWithSearches runs s.p's steps and searches in file order.
func (s *session) runWithSearches(opts runner.Options) (*result.File, error) {
	r := &searchRun{s: s, opts: opts}
	done := 0
	for _, sr := range s.p.Searches {
		if !r.stopped() && sr.After > done {
			if err := r.steps(done, sr.After); err != nil {
				return nil, err
			}
			done = sr.After
		}
		if r.stopped() {
			break
		}
		if err := r.search(sr); err != nil {
			return nil, err
		}
	}
	if done < len(s.p.Steps) {
		if r.stopped() {
			r.join(runner.NewFile(s.scn, r.part(done, len(s.p.Steps)), s.o.Version))
		} else if err := r.steps(done, len(s.p.Steps)); err != nil {
			return nil, err
		}
	}
	return r.f, nil
}

// stopped reports whether an abort or interrupt has ended the run.
func (r *searchRun) stopped() bool { return r.f != nil && r.f.Verdict != "" }

// join adds a part's steps to the run's file.
func (r *searchRun) join(part *result.File) {
	if r.f == nil {
		r.f = part
		return
	}
	r.f.Steps = append(r.f.Steps, part.Steps...)
	if !part.EndedAt.IsZero() {
		r.f.EndedAt = part.EndedAt
	}
	if r.f.Verdict == "" {
		r.f.Verdict, r.f.Reason = part.Verdict, part.Reason
	}
	for _, w := range part.Warnings {
		r.f.AddWarning(w)
	}
}

// part is the plan of steps [from, to), its offsets from its own start and
// its first ramp from the level the run is at.
func (r *searchRun) part(from, to int) plan.Plan {
	steps := append([]plan.Step(nil), r.s.p.Steps[from:to]...)
	offset := steps[0].Start
	for j := range steps {
		steps[j].Index = j
		steps[j].Start -= offset
		steps[j].RampEnd -= offset
		steps[j].End -= offset
	}
	if first := &steps[0]; r.f != nil {
		// The ramp starts from where the run is: a search's last probe.
		first.FromUsers, first.FromRate = 0, 0
		if first.Model == r.model && first.Model == dsl.Open {
			first.FromRate = r.level
		} else if first.Model == r.model {
			first.FromUsers = int(r.level)
		}
	}
	return plan.Plan{Steps: steps, Total: steps[len(steps)-1].End}
}

// steps runs steps [from, to).
func (r *searchRun) steps(from, to int) error {
	p := r.part(from, to)
	part, err := runner.Run(r.s.ctx, r.s.scn, p, r.opts)
	if err != nil {
		return err
	}
	r.join(part)
	last := p.Steps[len(p.Steps)-1]
	r.level, r.model = last.Level(), last.Model
	return nil
}

// search runs one capacity search to its answer (or a stop) and records it.
func (r *searchRun) search(sr plan.Search) error {
	started := time.Now()
	from := 0.0
	if r.model == sr.Model {
		from = r.level
	}
	res := result.Search{Name: sr.Name, Model: result.Model(sr.Model), Unit: sr.Unit, Start: sr.Config.Start, Max: sr.Config.Max,
		Breached: []result.Assertion{}, Steps: []string{}}
	var probes []search.Probe
	var judged []result.Step // the step that decided each of probes
	var final search.Result
	for {
		d := search.Next(sr.Config, probes)
		final = d.Result
		if d.Done {
			res.Status = string(d.Result.Status)
			break
		}
		if res.Probes > 0 && sr.Cooldown > 0 {
			if sleepCtx(r.s.ctx, sr.Cooldown) != nil {
				r.f.Verdict, r.f.Reason = result.VerdictInterrupted, fmt.Sprintf("interrupted during search %q", sr.Name)
			}
		}
		var outcome search.Outcome
		var decided result.Step
		var err error
		if !r.stopped() {
			outcome, decided, err = r.probe(sr, d.Level, from, d.Result, &res)
			if err != nil {
				return err
			}
		}
		from = d.Level
		if r.stopped() {
			res.Status = result.SearchIncomplete
			break
		}
		probes = append(probes, search.Probe{Level: d.Level, Outcome: outcome})
		judged = append(judged, decided)
	}
	res.Capacity, res.FirstFailing, res.NonMonotonic = final.Capacity, final.FirstFailing, final.NonMonotonic
	for i, p := range probes {
		st := judged[i]
		if p.Level == res.Capacity && p.Outcome.Passed() {
			rps := st.Requests.RPS
			res.ThroughputAtCapacity = &rps
		}
		if res.FirstFailing != nil && p.Level == *res.FirstFailing && !p.Outcome.Passed() {
			res.Breached = res.Breached[:0]
			for _, a := range st.Probe.Assertions {
				if a.Status != result.StatusPass {
					res.Breached = append(res.Breached, a)
				}
			}
			if p.Outcome == search.Unstable {
				res.Breached = append(res.Breached, result.Assertion{
					Name: result.StableWindowName, Step: st.Name, Severity: result.SeverityFail, Status: result.StatusFail,
					Condition: fmt.Sprintf("the window's thirds within %g %% in throughput and p95", search.StabilityShare*100), Observed: map[string]any{},
					Message: st.Probe.Unstable,
				})
			}
		}
	}
	if res.NonMonotonic {
		r.f.AddWarning(fmt.Sprintf("search %s: a level passed above one that failed (non-monotonic); the capacity is the highest passing level below the lowest failing one", sr.Name))
	}
	res.DurationS = time.Since(started).Seconds()
	r.f.Searches = append(r.f.Searches, res)
	r.level, r.model = from, sr.Model
	return nil
}

// probe runs probe(s) at level: one, and a repeat at twice the duration
// when the first passed its assertions but its window was unstable. It
// returns the outcome and the step that decided it.
func (r *searchRun) probe(sr plan.Search, level, from float64, bracket search.Result, res *result.Search) (search.Outcome, result.Step, error) {
	ramp, duration := sr.Ramp, sr.Duration
	for repeat := false; ; repeat = true {
		n := res.Probes + 1 // probes are numbered across the search, repeats included
		st, err := r.runProbe(sr, n, level, from, ramp, duration, bracket)
		if err != nil {
			return "", st, err
		}
		if r.stopped() {
			st.Probe = &result.Probe{Search: sr.Name, Number: n, Level: level, Outcome: result.ProbeStopped, Repeat: repeat}
			r.f.Steps[len(r.f.Steps)-1] = st
			res.Probes++
			res.Steps = append(res.Steps, st.Name)
			return "", st, nil
		}
		pass, entries := assert.JudgeProbe(r.s.scn, sr.Asserts, st, duration)
		stab := search.Stable(st.Series)
		outcome := search.Fail
		if pass {
			outcome = search.Pass
		}
		if pass && !stab.Stable && repeat {
			outcome = search.Unstable
			res.UnstableProbes++
		}
		st.Probe = &result.Probe{Search: sr.Name, Number: n, Level: level, Outcome: string(outcome),
			Unstable: stab.Why, Repeat: repeat, Assertions: entries}
		r.f.Steps[len(r.f.Steps)-1] = st
		res.Probes++
		res.Steps = append(res.Steps, st.Name)
		// An unstable window that failed its assertions fails either way; one
		// that passed is repeated once, at twice the duration, from its level.
		if !pass || stab.Stable || repeat {
			return outcome, st, nil
		}
		ramp, duration, from = 0, 2*duration, level
	}
}

// runProbe runs probe n as a one-step plan and joins it to the run.
func (r *searchRun) runProbe(sr plan.Search, n int, level, from float64, ramp, duration time.Duration, bracket search.Result) (result.Step, error) {
	ps := sr.Probe(n, level, from, ramp, duration)
	opts := r.opts
	if tick := opts.OnTick; tick != nil {
		note := probeNote(sr, n, level, bracket)
		opts.OnTick = func(t result.Tick) { t.Note = note; tick(t) }
	}
	part, err := runner.Run(r.s.ctx, r.s.scn, plan.Plan{Steps: []plan.Step{ps}, Total: ps.End}, opts)
	if err != nil {
		return result.Step{}, err
	}
	r.join(part)
	return r.f.Steps[len(r.f.Steps)-1], nil
}

// probeNote is the live line's word on a probe: "probe 4 at 80 users,
// bracket 40..160 users".
func probeNote(sr plan.Search, n int, level float64, b search.Result) string {
	note := fmt.Sprintf("search %s probe %d at %s %s", sr.Name, n, result.FormatLevel(level), sr.Unit)
	lo := "-"
	if b.Capacity > 0 {
		lo = result.FormatLevel(b.Capacity)
	}
	hi := "?"
	if b.FirstFailing != nil {
		hi = result.FormatLevel(*b.FirstFailing)
	}
	if b.Probes > 0 {
		note += fmt.Sprintf(", bracket %s..%s", lo, hi)
	}
	return note
}

// sleepCtx waits d or until ctx is done (then its error).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
