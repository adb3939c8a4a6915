package runner

import (
	"fmt"
	"sync"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
)

// checkRate says why rate is no rate the open model can schedule; nil when
// it is one. Validation enforces dsl.MaxRate, the most one process's open
// model holds with its schedule exact in float64; Run checks again, in case
// a plan did not come through validation.
func checkRate(step string, rate float64) error {
	if rate > 0 && rate <= dsl.MaxRate { // false for NaN
		return nil
	}
	return fmt.Errorf("step %q: rate = %g is not an arrival rate one process can hold: it must be more than 0 and at most %d per second", step, rate, dsl.MaxRate)
}

// openModel sends one step's arrivals on its schedule (pacer.go), whatever the
// responses do. At most maxInFlight requests are in flight; an arrival that
// finds them all busy is counted as dropped, never queued, as k6 does (vegeta
// instead spawns more workers). Latency runs from the scheduled arrival, so a
// slow sender is charged to the system under test rather than hidden
// (no coordinated omission); SendLatency runs from the actual send.
type openModel struct {
	client client // one pooled client shared by every arrival
	sched  *schedule
	sem    chan struct{} // capacity max_in_flight
	st     *stepRun
	done   chan struct{} // closed when run returns: every arrival is dispatched or dropped
	pool   sync.Pool     // *Result
	fine   func(deadline time.Time)
}

func newOpenModel(c client, ps plan.Step, st *stepRun, fine func(deadline time.Time)) *openModel {
	m := &openModel{client: c, sched: newSchedule(ps), sem: make(chan struct{}, max(ps.MaxInFlight, 1)), st: st, done: make(chan struct{}), fine: fine}
	m.pool.New = func() any { return new(Result) }
	return m
}

// run sends arrivals from start until the schedule ends or stop is closed.
// When the process falls behind (a starved CPU), the arrivals already due go
// out at once and keep their scheduled time, so their latency shows the
// delay; at the step's normal end run still sends the backlog due before it
// (stop is closed only for an interrupt or abort). It closes m.done when the
// last arrival is dispatched or dropped.
func (m *openModel) run(start time.Time, stop <-chan struct{}) {
	defer close(m.done)
	for {
		due, ok := m.sched.next()
		if !ok {
			return
		}
		scheduled := start.Add(due)
		if waitUntil(stop, scheduled, m.fine) != nil {
			return
		}
		select {
		case m.sem <- struct{}{}:
		default:
			m.st.rec.add(&Result{Scheduled: scheduled, Dropped: true})
			continue
		}
		if !m.st.rec.begin(scheduled) {
			<-m.sem
			return
		}
		go m.send(scheduled)
	}
}

func (m *openModel) send(scheduled time.Time) {
	r := m.pool.Get().(*Result)
	r.Scheduled, r.Late, r.Dropped = scheduled, false, false
	m.st.tg.do(m.client, r)
	m.st.rec.add(r)
	<-m.sem
	m.pool.Put(r)
}

// timerLag is how late a Go timer may wake on Linux: the runtime waits for
// timers in epoll_wait, whose timeout is whole milliseconds (golang/go#44343;
// measured here: a 4.3 ms sleep overshoots by 0.89 ms at p50, 0.96 ms at p99).
const timerLag = 1200 * time.Microsecond

// waitUntil waits until deadline or stop, whichever comes first. The open
// model's arrivals wait here: on a Go timer alone each would go out ~0.9 ms
// after its scheduled time, and that lag would be counted in every latency
// measured from the schedule. So the timer covers the wait up to timerLag
// before the deadline and fine (the platform's fineWait) the rest.
func waitUntil(stop <-chan struct{}, deadline time.Time, fine func(time.Time)) error {
	if err := sleep(stop, time.Until(deadline)-timerLag); err != nil {
		return err
	}
	fine(deadline)
	if isClosed(stop) {
		return errStopped
	}
	return nil
}
