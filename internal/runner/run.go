package runner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// engine is one run's state.
type engine struct {
	p       plan.Plan
	opts    Options
	f       *result.File
	targets map[string]*target
	open    map[*target]client // open model: one pooled client per target
	pool    *closedPool
	live    *liveStats
	// streaming: a target of the scenario streams (the console shows
	// stream columns).
	streaming bool
	runStart  time.Time
	closers   sync.WaitGroup
	mu        sync.Mutex // guards f.Steps and drainStop against the step closers
	// drainStop is the reason when ctx stopped a closer that was still
	// sending a completed open step's backlog.
	drainStop string
}

// Run executes the plan against the scenario's targets and returns the
// results file: Schema, Scenario (sensitive variables "(sensitive)"),
// Environment (version, host, os; GPUs are the caller's to add),
// StartedAt/EndedAt and every planned step (unrun ones not_run). Verdict is
// left "" unless an Options.Watch abort stopped the run (VerdictAborted) or
// ctx was cancelled (VerdictInterrupted: new requests stop, those in flight
// finish within the target timeout, the step under way is "interrupted").
// Assertions are not evaluated here.
//
// err is only for what stops a run before it starts: a step naming an
// unknown target, more than dsl.MaxUsers users, a rate that is not in
// (0, dsl.MaxRate], or a TLS ca_file/cert_file/key_file that can't be read or
// parsed; all are the user's to fix and carry exitcode.Usage, and nothing
// has been sent. A failing target is counted in the file, never an error.
// An interrupt while a completed open step still sends the arrivals due
// before its end stops them: that step is interrupted, and so is the run.
func Run(ctx context.Context, s *dsl.Scenario, p plan.Plan, opts Options) (*result.File, error) {
	e, err := newEngine(s, p, opts)
	if err != nil {
		return nil, err
	}
	e.f.StartedAt = time.Now()
	e.runStart = e.f.StartedAt
	for i := range p.Steps {
		status, reason := e.runStep(ctx, i)
		if status == result.StepCompleted {
			continue
		}
		e.f.Verdict, e.f.Reason = result.VerdictInterrupted, reason
		if status == result.StepAborted {
			e.f.Verdict = result.VerdictAborted
		}
		break
	}
	e.pool.SetLevel(nil, 0)
	e.pool.wait(e.maxTimeout() + time.Second)
	e.closers.Wait()
	if e.f.Verdict == "" && e.drainStop != "" {
		e.f.Verdict, e.f.Reason = result.VerdictInterrupted, e.drainStop
	}
	for _, c := range e.open {
		c.close()
	}
	e.f.EndedAt = time.Now()
	return e.f, nil
}

func newEngine(s *dsl.Scenario, p plan.Plan, opts Options) (*engine, error) {
	e := &engine{
		p: p, opts: opts, f: NewFile(s, p, opts.Version),
		targets: map[string]*target{}, open: map[*target]client{},
		live: newLiveStats(), streaming: hasStream(s),
	}
	e.pool = &closedPool{opts: &e.opts, epoch: time.Now()}
	if len(p.Steps) > 0 {
		e.pool.phase = p.Steps[0].PhaseOffset()
	}
	for _, t := range s.Targets {
		cfg, err := tlsConfig(t.TLS, fmt.Sprintf("target %q", t.Name), opts.logf)
		if err != nil {
			return nil, err
		}
		e.targets[t.Name] = newTarget(t, cfg, opts.Version)
	}
	inFlight := map[*target]int{}
	for _, ps := range p.Steps {
		tg := e.targets[ps.Target]
		if tg == nil {
			return nil, exitcode.Wrap(exitcode.Usage, fmt.Errorf("step %q: no target named %q", ps.Name, ps.Target))
		}
		if ps.Model == dsl.Open {
			if err := checkRate(ps.Name, ps.Rate); err != nil {
				return nil, exitcode.Wrap(exitcode.Usage, err)
			}
			inFlight[tg] = max(inFlight[tg], ps.MaxInFlight)
		}
		if users := max(ps.Users, ps.FromUsers); ps.Model == dsl.Closed && users > dsl.MaxUsers {
			return nil, exitcode.Wrap(exitcode.Usage, fmt.Errorf(
				"step %q: users = %d is more than one process runs (at most %d); share the load among several harness processes", ps.Name, users, dsl.MaxUsers))
		}
	}
	for tg, n := range inFlight {
		e.open[tg] = e.opts.clientFor(tg, n)
	}
	return e, nil
}

func (e *engine) maxTimeout() time.Duration {
	var d time.Duration
	for _, tg := range e.targets {
		d = max(d, tg.timeout())
	}
	return d
}

// runStep runs step i from its scheduled start to its end (or a stop) and
// hands its recorder to a closer, so the next step's ramp starts on time
// while this one's last requests come in. It returns the step's status and,
// for a stop, the reason.
func (e *engine) runStep(ctx context.Context, i int) (result.StepStatus, string) {
	ps := e.p.Steps[i]
	stepStart := e.runStart.Add(ps.Start)
	if sleep(ctx.Done(), time.Until(stepStart)) != nil {
		return result.StepInterrupted, interruptReason(ctx, ps.Name)
	}
	tg := e.targets[ps.Target]
	rec := newRecorder(stepStart, e.runStart.Add(ps.RampEnd), e.runStart.Add(ps.End), extractNames(tg.t), e.live)
	st := &stepRun{tg: tg, rec: rec, pace: ps.Pace, think: ps.Think, jitter: ps.PaceJitter, seed: ps.Seed}
	var om *openModel
	openStop := make(chan struct{})
	stopOpen := sync.OnceFunc(func() { close(openStop) })
	if ps.Model == dsl.Open {
		e.pool.SetLevel(nil, 0)
		e.pool.cur.Store(nil)
		om = newOpenModel(e.open[tg], ps, st, e.opts.waitFine)
		go om.run(stepStart, openStop)
	} else {
		e.pool.cur.Store(st)
		e.setLevel(ctx, ps, stepStart)
	}
	status, reason := e.drive(ctx, i, st, stepStart)
	if status != result.StepCompleted {
		stopOpen()
		rec.stop(time.Now())
		e.pool.SetLevel(nil, 0)
		if status == result.StepAborted && e.opts.Samplers != nil {
			e.opts.Samplers.SampleNow(ctx)
		}
	}
	e.closers.Add(1)
	go e.closeStep(ctx, i, rec, status, om, stopOpen)
	return status, reason
}

// closeStep waits for the step's requests that started before its end (at
// most the target timeout and a margin), then writes the step's numbers.
// An open step's backlog (arrivals due before the end that a starved
// process has not sent yet) goes out first, unless ctx ends: the rest of
// the backlog is then never sent and the step is interrupted.
func (e *engine) closeStep(ctx context.Context, i int, rec *recorder, status result.StepStatus, om *openModel, stopOpen func()) {
	defer e.closers.Done()
	ps := e.p.Steps[i]
	limit := e.targets[ps.Target].timeout() + time.Second
	if om != nil {
		select {
		case <-om.done: // the backlog is dispatched (sent or dropped)
		case <-ctx.Done():
			stopOpen()
			<-om.done // at once: the sender stops at its next arrival
			if status == result.StepCompleted {
				status = result.StepInterrupted
				e.mu.Lock()
				e.drainStop = interruptReason(ctx, ps.Name) + " (sending the arrivals due before its end)"
				e.mu.Unlock()
			}
		}
	}
	rec.wait(limit)
	e.mu.Lock()
	st := e.f.Steps[i]
	e.mu.Unlock()
	end := rec.stepEnd()
	if err := rec.fill(&st, end, true); err != nil {
		e.opts.logf("warning: step %q: histogram not encoded: %v", ps.Name, err)
	}
	st.Status = status
	if e.opts.Samplers != nil && end.After(rec.rampEnd) {
		applyAggregates(&st, e.opts.Samplers.Window(rec.rampEnd, end))
	}
	e.mu.Lock()
	e.f.Steps[i] = st
	e.mu.Unlock()
}

func applyAggregates(st *result.Step, a result.Aggregates) {
	st.Samplers, st.GPU, st.GPUs, st.Triton, st.VLLM = a.Samplers, a.GPU, a.GPUs, a.Triton, a.VLLM
	st.Efficiency = result.StepEfficiency(*st)
}

func extractNames(t *dsl.Target) []string {
	names := make([]string, len(t.Extracts))
	for i, x := range t.Extracts {
		names[i] = x.Name
	}
	return names
}

func interruptReason(ctx context.Context, step string) string {
	if cause := context.Cause(ctx); cause != nil && cause != context.Canceled {
		return fmt.Sprintf("interrupted during step %q: %v", step, cause)
	}
	return fmt.Sprintf("interrupted during step %q", step)
}
