package runner

import (
	"context"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// drive holds step i's level from stepStart to its end: it moves the closed
// pool along plan.Step.UsersAt during the ramp, closes each second of the
// series, sends a Tick, asks Options.Watch during the measured window, and
// returns at the end (completed), on ctx (interrupted) or on an abort. Every
// second it ran is closed in the series with the level held, the last
// (perhaps partial) one included, whichever way it returns.
func (e *engine) drive(ctx context.Context, i int, st *stepRun, stepStart time.Time) (result.StepStatus, string) {
	ps := e.p.Steps[i]
	total := ps.Ramp + ps.Duration
	end := time.NewTimer(time.Until(stepStart.Add(total)))
	defer end.Stop()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	level := time.NewTimer(time.Hour)
	defer level.Stop()
	armLevel(level, ps, stepStart)
	closed := 0 // seconds of the series closed so far
	defer func() {
		elapsed := min(time.Since(stepStart), total)
		e.closeSeconds(ps, st, &closed, int((elapsed+time.Second-1)/time.Second), elapsed)
	}()
	for {
		select {
		case <-ctx.Done():
			return result.StepInterrupted, interruptReason(ctx, ps.Name)
		case <-end.C:
			return result.StepCompleted, ""
		case <-level.C:
			e.setLevel(ctx, ps, stepStart)
			armLevel(level, ps, stepStart)
		case now := <-tick.C:
			if abort, reason := e.onSecond(i, st, &closed, stepStart, now); abort {
				return result.StepAborted, reason
			}
		}
	}
}

// setLevel moves the closed pool to ps's level now; once that is the
// step's level, it spreads the users' starts evenly over the pace.
func (e *engine) setLevel(ctx context.Context, ps plan.Step, stepStart time.Time) {
	now := time.Now()
	n := ps.UsersAt(now.Sub(stepStart))
	e.pool.SetLevel(ctx.Done(), n)
	if n == ps.Users && ctx.Err() == nil {
		// At the ramp's end the grid starts where the ramp ended, not
		// where the timer woke (1 µs and a timer's lag later).
		if rampEnd := stepStart.Add(ps.Ramp); ps.Ramp > 0 && !now.Before(rampEnd) {
			now = rampEnd
		}
		e.pool.rephase(ps.Pace, now)
	}
}

// armLevel sets t to fire at the next change of the closed model's level:
// UsersAt steps by one user at offsets Ramp·j/|Users-FromUsers|.
func armLevel(t *time.Timer, ps plan.Step, stepStart time.Time) {
	d, ok := nextLevelChange(ps, time.Since(stepStart))
	if !ok {
		return
	}
	t.Reset(time.Until(stepStart.Add(d)))
}

// nextLevelChange is the offset of the first level change of ps's ramp
// after d, nudged 1 µs late so UsersAt has certainly moved; false when the
// level holds to the ramp's end. UsersAt floors FromUsers + f·Δ, so going up
// the level changes at Ramp·j/|Δ| for j = 1…|Δ|, and going down just after
// Ramp·j/|Δ| for j = 0…|Δ|-1 (the floor of a negative step drops at once).
func nextLevelChange(ps plan.Step, d time.Duration) (time.Duration, bool) {
	delta, first := ps.Users-ps.FromUsers, int64(1)
	if delta < 0 {
		delta, first = -delta, 0
	}
	if ps.Model != dsl.Closed || ps.Ramp <= 0 || delta == 0 {
		return 0, false
	}
	at := func(j int64) time.Duration {
		return time.Duration(int64(ps.Ramp)*j/int64(delta)) + time.Microsecond
	}
	j := max(int64(d)*int64(delta)/int64(ps.Ramp), first)
	for at(j) <= d {
		j++
	}
	if j > int64(delta)-1+first {
		return 0, false
	}
	return at(j), true
}

// closeSeconds marks the series' seconds from *closed up to (not
// including) upto as over, with the level held at elapsed and the samplers'
// latest values. A tick that came late (a starved process) closes the
// seconds it skipped too.
func (e *engine) closeSeconds(ps plan.Step, st *stepRun, closed *int, upto int, elapsed time.Duration) (users int, rate float64, samples map[string]float64) {
	if e.opts.Samplers != nil {
		samples = e.opts.Samplers.Latest()
	}
	if ps.Model == dsl.Open {
		rate = ps.RateAt(elapsed)
	} else {
		users = len(e.pool.users)
	}
	for ; *closed < upto; *closed++ {
		st.rec.endSecond(*closed, float64(users), rate, samples)
	}
	return users, rate, samples
}

// onSecond is the once-a-second work of drive: close the second that just
// ended, tell OnTick, and ask Watch. It reports an abort and its reason.
func (e *engine) onSecond(i int, st *stepRun, closed *int, stepStart, now time.Time) (bool, string) {
	ps := e.p.Steps[i]
	elapsed := now.Sub(stepStart)
	users, rate, samples := e.closeSeconds(ps, st, closed, int(elapsed/time.Second), elapsed)
	phase := result.PhaseMeasured
	if elapsed < ps.Ramp {
		phase = result.PhaseRamp
	}
	var status []result.SamplerStatus
	if e.opts.Samplers != nil {
		status = e.opts.Samplers.Status()
	}
	if e.opts.OnTick != nil {
		last := e.live.take()
		e.opts.OnTick(result.Tick{
			Time: now, Elapsed: now.Sub(e.runStart), Step: ps.Name, StepIndex: i, StepCount: len(e.p.Steps),
			Phase: phase, StepElapsed: elapsed, StepTotal: ps.Ramp + ps.Duration,
			Users: users, Rate: rate, RPS: float64(last.completed), P50: last.p50, P95: last.p95,
			Errors: last.errors, Dropped: last.dropped, Samples: samples, Samplers: status,
			Streaming: e.streaming, TTFTP50: last.ttftP50, TokensPerS: float64(last.tokens),
		})
	}
	if phase != result.PhaseMeasured || e.opts.Watch == nil {
		return false, ""
	}
	e.mu.Lock()
	snap := e.f.Steps[i]
	e.mu.Unlock()
	snap.Status = ""
	_ = st.rec.fill(&snap, now, false)
	if e.opts.Samplers != nil {
		applyAggregates(&snap, e.opts.Samplers.Window(st.rec.rampEnd, now))
	}
	return e.opts.Watch(snap)
}
