// Package runner executes a plan against a scenario's HTTP targets and
// records what happened, step by step, into a results file (docs/results.md).
//
// The load models are a closed pool of users (closed.go, user.go) and an
// open arrival schedule (pacer.go, open.go); every request becomes a flat
// Result that the step's recorder (recorder.go, window.go) aggregates as it
// streams, into HdrHistograms and counters, so memory stays flat however
// long the run.
// Assertions are not evaluated here; the runner only feeds Options.Watch.
//
// Decisions a reader of the results needs:
//   - A request belongs to the step, window (ramp or measured) and
//     per-second bucket of its start: the scheduled arrival for the open
//     model, the send for the closed one. Requests that start before a
//     measured window's end are waited for (at most the target timeout plus
//     1 s) before the step's numbers close, while the next step's ramp starts
//     on schedule; the overlap is attributed by start time.
//   - Latency: open model from the scheduled arrival (Step.Latency) and from
//     the actual send (Step.SendLatency); closed model from the send. Only
//     successful requests enter the latency histograms.
//   - Closed pace is a metronome per user: a response past the next slot
//     starts the next request at once and counts it late, and the user then
//     catches up (by at most one slot: a user a whole pace behind gives up
//     the missed slots), so the count follows the plan while responses
//     average faster than the pace.
//   - A closed-model user has its own http.Transport and so its own
//     keep-alive connection, but no goroutine of its own while it waits: a
//     paced or thinking user between requests is a timer that starts its
//     next request on a short-lived goroutine. At 10,000 paced users the
//     memory is then net/http's two goroutines and buffers per connection,
//     not 10,000 parked user stacks (BENCHMARKS.md, "Memory").
//   - An extraction miss (field absent, not a number, body not JSON) is
//     counted in Extract.Misses and the "extract" error class; the request
//     itself still counts as ok when its status is expected.
//   - Extracted values' percentiles come from a histogram of value×1000
//     (3 significant digits, values in [0.001, 1e9]); min, mean, max and last
//     are exact. Series p50/p95 use 2 significant digits (1 %).
//   - Run returns an error only before anything is sent: an unknown target
//     or an unreadable TLS file (exitcode.Usage).
package runner

import (
	"context"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

// Samplers is what the runner needs from the sampler group
// (internal/sampler.Group satisfies it).
type Samplers interface {
	Window(start, end time.Time) result.Aggregates
	Latest() map[string]float64
	Status() []result.SamplerStatus // for the live console's stale marks
	SampleNow(ctx context.Context)
}

// Options tune a run; the zero value runs with no samplers and no output.
type Options struct {
	Samplers Samplers          // nil = none
	OnTick   func(result.Tick) // nil = none
	// Watch is called once a second during a measured window with the step so
	// far (its requests, latency, extract, status codes and
	// Samplers.Window(measuredStart, now)). Returning abort=true stops the load
	// within a second; the runner then calls Samplers.SampleNow, closes the
	// step with Status result.StepAborted, marks later steps
	// result.StepNotRun, and sets File.Verdict = result.VerdictAborted and
	// File.Reason = reason.
	Watch   func(step result.Step) (abort bool, reason string)
	Logf    func(format string, args ...any) // warnings (insecure TLS etc.); nil = discard
	Version string                           // harness version for Environment

	// newClient, when set, makes every sender's client in place of the
	// target's own HTTP client: the engine's tests run on virtual time
	// (testing/synctest) against a fake that simulates service time.
	newClient func(tg *target, maxConns int) client
	// fineWait, when set, replaces the platform's last-stretch wait of the
	// open model (finewait_*.go): a thread sleep that virtual time can't see.
	fineWait func(deadline time.Time)
}

// clientFor is the client a sender of tg uses: the target's own unless a
// test put a fake in Options.
func (o *Options) clientFor(tg *target, maxConns int) client {
	if o.newClient != nil {
		return o.newClient(tg, maxConns)
	}
	return tg.newClient(maxConns)
}

// waitFine is Options.fineWait or the platform's fineWait.
func (o *Options) waitFine(deadline time.Time) {
	if o.fineWait != nil {
		o.fineWait(deadline)
		return
	}
	fineWait(deadline)
}

func (o *Options) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}
