package runner

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// fakeService stands in for the system under test behind the runner's client
// interface. Inside a synctest bubble its service time is virtual, so the
// engine's schedule can be checked exactly, however loaded the machine.
type fakeService struct {
	service func(n int64) time.Duration // service time of the nth request (from 0); nil = none
	status  int                         // 0 = 200
	body    string

	served, inFlight, maxSeen atomic.Int64
	abandoned                 atomic.Int64 // a client closed while it had a request in flight

	mu      sync.Mutex
	clients []time.Time // when each client sent its first request
}

func constant(d time.Duration) func(int64) time.Duration {
	return func(int64) time.Duration { return d }
}

// options are the run options that route every sender to f on virtual time.
func (f *fakeService) options(o Options) Options {
	o.newClient = func(*target, int) client { return &fakeClient{f: f} }
	o.fineWait = func(deadline time.Time) { time.Sleep(time.Until(deadline)) }
	return o
}

func (f *fakeService) clientStarts() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.clients...)
}

type fakeClient struct {
	f        *fakeService
	used     atomic.Bool
	inFlight atomic.Int64
}

func (c *fakeClient) exchange(keep *bytes.Buffer) (int, int64, error) {
	f := c.f
	if !c.used.Swap(true) {
		f.mu.Lock()
		f.clients = append(f.clients, time.Now())
		f.mu.Unlock()
	}
	c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	raiseMax(&f.maxSeen, f.inFlight.Add(1))
	defer f.inFlight.Add(-1)
	k := f.served.Add(1) - 1
	if f.service != nil {
		time.Sleep(f.service(k))
	}
	if keep != nil {
		keep.WriteString(f.body)
	}
	status := f.status
	if status == 0 {
		status = 200
	}
	return status, int64(len(f.body)), nil
}

func (c *fakeClient) close() {
	if c.inFlight.Load() > 0 {
		c.f.abandoned.Add(1)
	}
}

// virtual runs f in a synctest bubble: time inside is virtual and advances
// only when every goroutine of the run waits.
func virtual(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Parallel()
	synctest.Test(t, f)
}

// runFake runs s against fs on virtual time, cancelling ctx at cancelAt
// when it is positive.
func runFake(t *testing.T, s *dsl.Scenario, fs *fakeService, opts Options, cancelAt time.Duration) *result.File {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if cancelAt > 0 {
		time.AfterFunc(cancelAt, cancel)
	}
	f, err := Run(ctx, s, buildPlan(s), fs.options(opts))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return f
}
