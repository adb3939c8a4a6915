package runner

import (
	"sync"
	"time"

	"github.com/harness-gpu/harness/internal/plan"
)

// openModel sends one step's arrivals on the pacer's schedule, whatever the
// responses do. At most maxInFlight requests are in flight; an arrival that
// finds them all busy is counted as dropped, never queued, as k6 does (vegeta
// instead spawns more workers). Latency runs from the scheduled arrival, so a
// slow sender is charged to the system under test rather than hidden
// (no coordinated omission); SendLatency runs from the actual send.
type openModel struct {
	client client // one pooled client shared by every arrival
	pacer  Pacer
	due    func(k uint64) (time.Duration, bool)
	sem    chan struct{} // capacity max_in_flight
	st     *stepRun
	done   chan struct{} // closed when run returns: every arrival is dispatched or dropped
	pool   sync.Pool     // *Result
}

func newOpenModel(c client, ps plan.Step, st *stepRun) *openModel {
	p := NewRampPacer(ps)
	m := &openModel{client: c, pacer: p, due: p.Due, sem: make(chan struct{}, max(ps.MaxInFlight, 1)), st: st, done: make(chan struct{})}
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
	for hits := uint64(0); ; hits++ {
		wait, done := m.pacer.Pace(time.Since(start), hits)
		if done || waitUntil(stop, time.Now().Add(wait)) != nil {
			return
		}
		due, _ := m.due(hits)
		scheduled := start.Add(due)
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
