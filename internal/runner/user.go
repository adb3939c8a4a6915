package runner

import (
	"sync"
	"sync/atomic"
	"time"
)

// user is one closed-model user. It owns no goroutine while it waits: a
// paced or thinking user between requests is a timer (time.AfterFunc) that
// starts its next request on a fresh, short-lived goroutine, so 10,000 idle
// users cost 10,000 timers and these small structs rather than 10,000 parked
// goroutine stacks. A user with neither pace nor think runs back to back on
// one goroutine. Only one goroutine at a time touches the fields below mu:
// the one running the user's requests; mu hands them from the goroutine that
// arms a wait to the one the timer starts.
type user struct {
	p       *closedPool
	stopped atomic.Bool

	mu    sync.Mutex
	timer *time.Timer // the pending wait; nil while the user runs

	tg     *target   // the target client was made for
	client client    // its own keep-alive connection
	slot   time.Time // pace: the current slot of the metronome; zero until the first run
	late   bool      // pace: the next request starts past its slot
	r      Result
}

// wait runs the user after d (at once for d ≤ 0) on a goroutine of its own,
// or finishes it when it has been stopped.
func (u *user) wait(d time.Duration) {
	u.mu.Lock()
	defer u.mu.Unlock()
	switch {
	case u.stopped.Load():
		u.finish()
	case d <= 0:
		go u.run()
	default:
		u.timer = time.AfterFunc(d, u.run)
	}
}

// stop makes the user send no new request: a waiting user finishes now,
// one in flight when its request completes.
func (u *user) stop() {
	u.stopped.Store(true)
	u.mu.Lock()
	t := u.timer
	u.timer = nil
	u.mu.Unlock()
	if t != nil && t.Stop() {
		u.finish() // the timer will not run it; otherwise run sees stopped
	}
}

// finish closes the user's connection and counts it out of the pool.
func (u *user) finish() {
	if u.client != nil {
		u.client.close()
	}
	u.p.wg.Done()
}

// run sends the user's requests until one is followed by a wait (then it
// arms the timer and returns), the user is stopped, or the pool has no step.
func (u *user) run() {
	u.mu.Lock()
	u.timer = nil
	u.mu.Unlock()
	if u.slot.IsZero() {
		u.slot = time.Now()
	}
	for !u.stopped.Load() {
		st := u.p.cur.Load()
		if st == nil {
			break
		}
		if d := u.request(st); d > 0 {
			u.wait(d)
			return
		}
	}
	u.finish()
}

// request sends one request of step st and returns how long to wait before
// the next. pace: one request start per interval, the next started at once
// (and counted late) when a response overruns its slot; think: a wait after
// each response; neither: back to back.
func (u *user) request(st *stepRun) time.Duration {
	if u.tg != st.tg {
		if u.client != nil {
			u.client.close()
		}
		u.tg, u.client = st.tg, u.p.opts.clientFor(st.tg, 1)
	}
	r := &u.r
	r.Scheduled, r.Late, r.Dropped = time.Now(), u.late, false
	if !st.rec.begin(r.Scheduled) {
		// The step ended between loading it and now: take the next one.
		return time.Millisecond
	}
	st.tg.do(u.client, r)
	st.rec.add(r)
	u.late = false
	switch {
	case st.pace > 0:
		// The slots are a metronome (slot += pace), not "pace after the
		// last start": a response that overruns its slot starts the next
		// request at once (counted late) and the user catches up, so the
		// count is users × window/pace as the plan says while responses
		// are faster than the pace on average. A user more than a whole
		// pace behind (a stalled server) gives up the missed slots rather
		// than firing them back to back. A timer that fires a little late
		// is not "late"; only a response past the next slot is.
		u.slot = u.slot.Add(st.pace)
		now := time.Now()
		switch {
		case now.Sub(u.slot) > st.pace:
			u.slot, u.late = now, true
		case now.After(u.slot):
			u.late = true
		default:
			return u.slot.Sub(now)
		}
	case st.think > 0:
		return st.think
	}
	return 0
}
