package runner

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// stepRun is what a sender needs of the step under way: where to send, where
// to record, and the closed model's pace or think time.
type stepRun struct {
	tg          *target
	rec         *recorder
	pace, think time.Duration
	jitter      float64 // pace_jitter: each interval drawn in pace·(1 ± jitter)
	seed        uint64  // of the users' jitter draws
}

// closedPool is the closed model: a set of users (user.go), each with its own
// http.Transport and so its own keep-alive connection, as separate clients
// would have (the TLS config is shared). The pool outlives a step: when the
// next step is closed too its ramp starts from the users already running,
// who read the current step at every request, so a request belongs to the
// step (and window) in which it started.
type closedPool struct {
	cur   atomic.Pointer[stepRun]
	opts  *Options // the run's, for clientFor
	users []*user
	made  uint64         // users made so far: a user's number seeds its draws
	epoch time.Time      // users' planned starts are kept as offsets from it
	wg    sync.WaitGroup // one per user until it has stopped
	phase float64        // plan.Step.PhaseOffset: 0 unless the run is a segment
}

// addCheck is how many users SetLevel adds between looks at stop.
const addCheck = 256

// SetLevel adds or removes users until n (at most dsl.MaxUsers) run, and stops
// adding when stop is closed: the caller is being interrupted and must get
// back to its select. New users' first requests are spread evenly over one
// pace interval (user j of k added at once starts at j·pace/k), so 100 users
// do not fire in one burst; without a pace they start at once. Removed users
// (the most recently added first) finish their in-flight request.
func (p *closedPool) SetLevel(stop <-chan struct{}, n int) {
	n = min(max(n, 0), dsl.MaxUsers)
	for len(p.users) > n {
		last := len(p.users) - 1
		p.users[last].stop()
		p.users[last] = nil
		p.users = p.users[:last]
	}
	add := n - len(p.users)
	var pace time.Duration
	if st := p.cur.Load(); st != nil {
		pace = st.pace
	}
	for j := 0; j < add; j++ {
		if j%addCheck == addCheck-1 && isClosed(stop) {
			return
		}
		u := &user{p: p, id: p.made}
		p.made++
		p.users = append(p.users, u)
		p.wg.Add(1)
		u.wait(startOffset(j, add, pace, p.phase))
	}
}

// rephase spreads the running users' starts evenly over the next pace
// interval and so over every one after it. Users joining a ramp start at
// once, so the phases a ramp leaves follow its length: without this a ramp
// that is not a whole number of pace intervals leaves a lockstep
// oscillation (100 users at 2 s after a 5 s ramp: 41, 59, 41, 59 … a
// second) for the whole step. The grid is now + m·pace/n (m = 0…n-1), so
// every user starts exactly once in [now, now+pace) and any second of it
// carries n/pace starts; users keep their order in the cycle, rotated onto
// the grid so that they move as little as they can. The step driver calls
// it when the level is reached, with now the time it was due (a timer
// wakes a little later).
func (p *closedPool) rephase(pace time.Duration, now time.Time) {
	n := len(p.users)
	if pace <= 0 || n == 0 {
		return
	}
	type planned struct {
		u   *user
		off time.Duration // next start's offset from now, mod pace, in [0, pace)
	}
	ps := make([]planned, n)
	for i, u := range p.users {
		off := p.epoch.Add(time.Duration(u.next.Load())).Sub(now) % pace
		if off < 0 {
			off += pace
		}
		ps[i] = planned{u, off}
	}
	slices.SortFunc(ps, func(a, b planned) int { return cmp.Compare(a.off, b.off) })
	// The rotation r that puts sorted user k on grid point k+r with the
	// least squared move: r is the mean of off_k − k·pace/n, in grid steps.
	spacing := float64(pace) / float64(n)
	var sum float64
	for k, q := range ps {
		sum += float64(q.off) - float64(k)*spacing
	}
	r := int(math.Round(sum / float64(n) / spacing))
	for k, q := range ps {
		m := ((k+r)%n + n) % n
		// A segment of a split run shifts its grid by its share of one
		// spacing (phase), so the parts' grids interleave into one.
		q.u.setPhase(now.Add(time.Duration((float64(m)+p.phase)*spacing)), now)
	}
}

// wait waits for every user to finish, at most limit; false on the limit.
func (p *closedPool) wait(limit time.Duration) bool {
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	return sleep(done, limit) != nil // done closed first
}

// errStopped is returned by sleep when stop closed first.
var errStopped = context.Canceled

// sleep waits d or until stop is closed (errStopped). A timer, so a stop
// never waits out the interval.
func sleep(stop <-chan struct{}, d time.Duration) error {
	if d <= 0 {
		if isClosed(stop) {
			return errStopped
		}
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-stop:
		return errStopped
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
