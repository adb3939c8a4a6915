package runner

import (
	"context"
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

// closedPool is the closed model: a set of users (user.go), each with its own
// http.Transport and so its own keep-alive connection, as separate clients
// would have (the TLS config is shared). The pool outlives a step: when the
// next step is closed too its ramp starts from the users already running,
// who read the current step at every request, so a request belongs to the
// step (and window) in which it started.
type closedPool struct {
	cur   atomic.Pointer[stepRun]
	users []*user
	wg    sync.WaitGroup // one per user until it has stopped
	phase float64        // plan.Step.PhaseOffset: 0 unless the run is a segment
}

var _ LoadModel = (*closedPool)(nil)

// LoadModel is the one thing the step driver asks of a load model: hold
// this level now. Users for the closed model; the open model's level follows
// its pacer and needs no driving, so only the closed pool implements it.
type LoadModel interface {
	SetLevel(users int)
}

// SetLevel adds or removes users. New users' first requests are spread evenly
// over one pace interval (user j of k added at once starts at j·pace/k), so
// 100 users do not fire in one burst; without a pace they start at once.
// Removed users (the most recently added first) finish their in-flight request.
func (p *closedPool) SetLevel(n int) {
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
		u := &user{p: p}
		p.users = append(p.users, u)
		p.wg.Add(1)
		u.wait(startOffset(j, add, pace, p.phase))
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
