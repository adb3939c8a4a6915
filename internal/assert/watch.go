package assert

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// Watch evaluates the abort = true asserts live, on the current step's data
// so far, and says when one has been breached for its sustain.
//
// A breach is a known false. An error (a value with no samples yet, a
// sampler gap) is neither a breach nor a pass: it does not start the clock,
// does not stop a running one, and cannot trigger the abort by itself, so a
// one-second sampler gap inside a sustained breach does not hide it, and
// missing data alone never stops a run (the final evaluation reports it as
// an error instead). A pass resets the clock, as does moving to another step.
// The clock counts from the first false Check to the current one, so with
// Checks once a second a sustain of 5s aborts on the sixth false reading.
type Watch struct {
	mu      sync.Mutex
	asserts []*dsl.Assert
	planned map[string]time.Duration
	step    string
	// since holds, per assert index, when its current unbroken breach began.
	since map[int]time.Time
}

// NewWatch prepares a Watch over the abort asserts of s.
func NewWatch(s *dsl.Scenario) *Watch {
	w := &Watch{planned: plannedDurations(s), since: map[int]time.Time{}}
	for _, a := range s.Asserts {
		if a.Abort {
			w.asserts = append(w.asserts, a)
		}
	}
	return w
}

// Active reports whether there is any abort assert to watch.
func (w *Watch) Active() bool { return len(w.asserts) > 0 }

// Check is called once a second with the current step so far (during its
// measured window). It returns abort=true once any abort assert applying to
// this step has been a known false without a break for its Sustain (0 = at
// the first false), with a reason naming the assert, the step, the observed
// values and how long the breach held. It is safe for concurrent use.
func (w *Watch) Check(step result.Step, now time.Time) (abort bool, reason string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if step.Name != w.step {
		w.step = step.Name
		clear(w.since)
	}
	for i, a := range w.asserts {
		if !appliesTo(a, step.Name) {
			continue
		}
		out := evalAssert(a, step, w.planned[step.Name])
		switch out.status {
		case StatusPass:
			delete(w.since, i)
			continue
		case StatusFail:
		default: // error: hold the clock as it is, decide nothing
			continue
		}
		start, ok := w.since[i]
		if !ok {
			start = now
			w.since[i] = now
		}
		held := now.Sub(start)
		if held >= a.Sustain && !abort {
			abort, reason = true, abortReason(a, step.Name, out, held)
		}
	}
	return abort, reason
}

// abortReason says which assert stopped the run, where, on what values and
// for how long.
func abortReason(a *dsl.Assert, step string, out outcome, held time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "abort: assert %q (%s) was false in step %s", a.Name, a.ConditionSource, step)
	if held > 0 {
		fmt.Fprintf(&b, " for %s", held.Round(time.Millisecond))
	}
	if a.Sustain > 0 {
		fmt.Fprintf(&b, " (sustain %s)", a.Sustain)
	}
	fmt.Fprintf(&b, ": %s", formatObserved(out.observed))
	if out.custom {
		fmt.Fprintf(&b, ": %s", out.message)
	}
	return b.String()
}
