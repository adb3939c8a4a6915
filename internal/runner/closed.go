package runner

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// stepRun is what a sender needs of the step under way: where to send, where
// to record, and the closed model's pace or think time.
type stepRun struct {
	tg          *target
	rec         *recorder
	pace, think time.Duration
}

// closedPool is the closed model: one goroutine per user, each with its own
// http.Transport and so its own keep-alive connection, as separate clients
// would have (the TLS config is shared). The pool outlives a step: when the
// next step is closed too its ramp starts from the users already running,
// who read the current step at every request, so a request belongs to the
// step (and window) in which it started.
type closedPool struct {
	ctx   context.Context // for the requests: not cancelled by a stop, see target.do
	cur   atomic.Pointer[stepRun]
	users []chan struct{} // closing one stops that user after its in-flight request
	wg    sync.WaitGroup
}

var _ LoadModel = (*closedPool)(nil)

// LoadModel is the one thing the step driver asks of a load model: hold
// this level now. Users for the closed model; the open model's level follows
// its pacer and needs no driving, so only the closed pool implements it.
type LoadModel interface {
	SetLevel(users int)
}

func newClosedPool(ctx context.Context) *closedPool { return &closedPool{ctx: ctx} }

// SetLevel adds or removes users. New users' first requests are spread evenly
// over one pace interval (user j of k added at once starts at j·pace/k), so
// 100 users do not fire in one burst; without a pace they start at once.
// Removed users (the most recently added first) finish their in-flight request.
func (p *closedPool) SetLevel(n int) {
	for len(p.users) > n {
		last := len(p.users) - 1
		close(p.users[last])
		p.users = p.users[:last]
	}
	add := n - len(p.users)
	var pace time.Duration
	if st := p.cur.Load(); st != nil {
		pace = st.pace
	}
	for j := 0; j < add; j++ {
		stop := make(chan struct{})
		p.users = append(p.users, stop)
		p.wg.Add(1)
		go p.user(stop, time.Duration(j)*pace/time.Duration(add))
	}
}

// wait waits for every user to finish, at most limit; false on the limit.
func (p *closedPool) wait(limit time.Duration) bool {
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	return sleep(done, limit) != nil // done closed first
}

// user is one user's loop. pace: one request start per interval, the next
// started at once (and counted late) when a response overruns its slot;
// think: a wait after each response; neither: back to back.
func (p *closedPool) user(stop chan struct{}, first time.Duration) {
	defer p.wg.Done()
	clients := map[*target]*http.Client{}
	defer func() {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}()
	if sleep(stop, first) != nil {
		return
	}
	var r Result
	slot := time.Now()
	late := false
	for !isClosed(stop) {
		st := p.cur.Load()
		if st == nil {
			return
		}
		c := clients[st.tg]
		if c == nil {
			c = &http.Client{Transport: st.tg.newTransport(1)}
			clients[st.tg] = c
		}
		r.Scheduled, r.Late, r.Dropped = time.Now(), late, false
		if !st.rec.begin(r.Scheduled) {
			// The step ended between loading it and now: take the next one,
			// unless the run is stopping (then the pool is being emptied).
			if sleep(stop, time.Millisecond) != nil {
				return
			}
			continue
		}
		st.tg.do(p.ctx, c, &r)
		st.rec.add(&r)
		late = false
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
			slot = slot.Add(st.pace)
			now := time.Now()
			switch {
			case now.Sub(slot) > st.pace:
				slot, late = now, true
			case now.After(slot):
				late = true
			default:
				if sleep(stop, slot.Sub(now)) != nil {
					return
				}
			}
		case st.think > 0:
			if sleep(stop, st.think) != nil {
				return
			}
		}
	}
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
