package runner

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
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
	id      uint64 // the pool's count when it was made: seeds its jitter
	stopped atomic.Bool

	mu       sync.Mutex
	timer    *time.Timer  // the pending wait; nil while the user runs
	phase    time.Time    // pace: the next slot setPhase chose for a running user
	phaseSet time.Time    // the origin of the grid it is on
	rephase  atomic.Bool  // phase is set and not yet applied
	next     atomic.Int64 // its next start as planned, ns after the pool's epoch: for rephase

	tg     *target    // the target client was made for
	client client     // its own keep-alive connection
	slot   time.Time  // pace: the current slot of the metronome; zero until the first run
	late   bool       // pace: the next request starts past its slot
	rng    *rand.Rand // pace_jitter's draws, made on first use
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
		u.planned(time.Now())
		go u.run()
	default:
		u.planned(time.Now().Add(d))
		u.timer = time.AfterFunc(d, u.run)
	}
}

// planned records t as the user's next start, for rephase to read.
func (u *user) planned(t time.Time) { u.next.Store(int64(t.Sub(u.p.epoch))) }

// setPhase makes at the user's next paced slot, which its metronome then
// keeps: a waiting user's at once, by re-arming its timer; a running one's
// when it computes its next slot. origin is the start of the grid's first
// interval: a request that started there already is the user's start in it.
func (u *user) setPhase(at, origin time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if st := u.p.cur.Load(); st == nil || st.pace <= 0 {
		return
	}
	if u.timer != nil && u.timer.Stop() {
		// Waiting, and no goroutine will run it: its fields are ours.
		if !u.slot.IsZero() {
			u.slot = at
		}
		u.planned(at)
		u.timer = time.AfterFunc(time.Until(at), u.run)
		return
	}
	u.phase, u.phaseSet = at, origin
	u.rephase.Store(true)
}

// takePhase returns the slot setPhase left for a running user, once, and
// when it was left.
func (u *user) takePhase() (at, set time.Time, ok bool) {
	if !u.rephase.Load() {
		return at, set, false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.rephase.Store(false)
	return u.phase, u.phaseSet, true
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
		// A user's first start; rephase may already have given it a slot.
		u.slot = time.Now()
		if at, _, ok := u.takePhase(); ok {
			if d := time.Until(at); d > 0 {
				u.slot = time.Time{}
				u.wait(d)
				return
			}
			u.slot = at
		}
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
		next := u.interval(st) // one draw a request, whichever way the slot goes
		u.slot = u.slot.Add(next)
		moved := false
		if at, set, ok := u.takePhase(); ok {
			// The slot was moved onto the grid that starts at set. A
			// request that started at set already is this user's start
			// of that first interval.
			if !r.Scheduled.Before(set) {
				at = at.Add(next)
			}
			u.slot, moved = at, true
		}
		now := time.Now()
		switch {
		case moved && !now.Before(u.slot):
			return 0 // the moved slot passed during the response: at once, not late
		case moved:
			return u.slot.Sub(now)
		case now.Sub(u.slot) > st.pace:
			u.slot, u.late = now, true
		case now.After(u.slot):
			u.late = true
		default:
			return u.slot.Sub(now) // wait records it as planned
		}
	case st.think > 0:
		return st.think
	}
	return 0
}

// interval is the time to the user's next paced slot: the pace, or with
// pace_jitter j a draw uniform in pace·(1 ± j), from the user's own
// generator (seeded with the step's seed and the user's number), so one
// seed gives one run.
func (u *user) interval(st *stepRun) time.Duration {
	if !(st.jitter > 0) { // NaN too
		return st.pace
	}
	if u.rng == nil {
		u.rng = rand.New(rand.NewPCG(st.seed, u.id))
	}
	j := min(st.jitter, dsl.MaxPaceJitter)
	return time.Duration(float64(st.pace) * (1 + j*(2*u.rng.Float64()-1)))
}
