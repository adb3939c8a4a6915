package sim

import (
	"errors"
	"testing"
	"time"
)

// TestFormFollowsTritonRules checks batch formation as a pure function of
// the queue and the time: full batches go at once, then the largest
// preferred size, else wait until the oldest request reaches max_queue_delay.
func TestFormFollowsTritonRules(t *testing.T) {
	t0 := time.Unix(1000, 0)
	p := Profile{MaxBatch: 8, PreferredBatch: []int{4, 8}, MaxQueueDelay: 2 * time.Millisecond, Instances: 1}
	tests := []struct {
		name      string
		queued    int
		age       time.Duration // of the oldest request at decision time
		stall     time.Duration // stall left at decision time
		wantTake  int
		wantWait  time.Duration
		wantQueue int
	}{
		{"empty waits for arrivals", 0, 0, 0, 0, 0, 0},
		{"one fresh request waits for the delay", 1, 0, 0, 0, 2 * time.Millisecond, 1},
		{"three requests wait the rest of the delay", 3, 500 * time.Microsecond, 0, 0, 1500 * time.Microsecond, 3},
		{"delay reached sends what there is", 3, 2 * time.Millisecond, 0, 3, 0, 0},
		{"preferred size goes at once", 4, 0, 0, 4, 0, 0},
		{"largest preferred below the queue", 6, 0, 0, 4, 0, 2},
		{"delay reached sends all six, not a preferred four", 6, 3 * time.Millisecond, 0, 6, 0, 0},
		{"a full batch goes at once", 8, 0, 0, 8, 0, 0},
		{"never more than max batch", 20, time.Second, 0, 8, 0, 12},
		{"stall holds even a full batch", 20, time.Second, 5 * time.Millisecond, 0, 5 * time.Millisecond, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0.Add(time.Second)
			b := &batcher{p: p, stallUntil: now.Add(tt.stall)}
			for i := range tt.queued {
				// The oldest first; later ones arrived 1µs apart after it.
				b.queue = append(b.queue, newRequest(now.Add(-tt.age+time.Duration(i)*time.Microsecond), false))
			}
			fb, wait := b.form(now)
			batch := fb.reqs
			if len(batch) != tt.wantTake || wait != tt.wantWait || len(b.queue) != tt.wantQueue {
				t.Errorf("form(%d queued, oldest %v, stall %v) = take %d, wait %v, left %d; want %d, %v, %d",
					tt.queued, tt.age, tt.stall, len(batch), wait, len(b.queue), tt.wantTake, tt.wantWait, tt.wantQueue)
			}
			if len(batch) > 0 && batch[0].enq.After(now.Add(-tt.age)) {
				t.Errorf("batch does not start with the oldest request")
			}
		})
	}
}

// gate is a fake execFunc: it reports each batch's size on started and
// holds the instance until the test sends on release.
type gate struct {
	started chan int
	release chan struct{}
	b       *batcher
}

func newGatedBatcher(t *testing.T, p Profile) *gate {
	t.Helper()
	g := &gate{started: make(chan int, 64), release: make(chan struct{})}
	g.b = newBatcher(p, func(_ int, batch []*request, _ time.Time) {
		g.started <- len(batch)
		err := error(nil)
		select {
		case <-g.release:
		case <-g.b.done:
			err = errShutdown
		}
		for _, r := range batch {
			r.done <- outcome{err: err}
		}
	}, 0, 0)
	t.Cleanup(g.b.close)
	return g
}

func (g *gate) enqueue(t *testing.T, n int) []*request {
	t.Helper()
	rs := make([]*request, n)
	for i := range rs {
		rs[i] = newRequest(time.Now(), false)
		if _, err := g.b.enqueue(rs[i]); err != nil {
			t.Fatalf("enqueue %d: %v", i, err)
		}
	}
	return rs
}

func (g *gate) next(t *testing.T) int {
	t.Helper()
	select {
	case n := <-g.started:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no batch started")
		return 0
	}
}

// TestBatchesGrowWhileInstancesAreBusy drives the real scheduler: with the
// only instance held busy, arrivals accumulate and the next batch is full.
func TestBatchesGrowWhileInstancesAreBusy(t *testing.T) {
	p := Profile{Instances: 1, MaxBatch: 8, PreferredBatch: []int{4, 8}, MaxQueueDelay: time.Hour}
	g := newGatedBatcher(t, p)
	g.enqueue(t, 4)
	if n := g.next(t); n != 4 {
		t.Fatalf("first batch = %d, want the preferred 4", n)
	}
	g.enqueue(t, 11) // the instance is busy: these wait
	if got := g.b.pending(); got != 11 {
		t.Fatalf("pending = %d, want 11", got)
	}
	g.release <- struct{}{}
	if n := g.next(t); n != 8 {
		t.Fatalf("second batch = %d, want a full 8", n)
	}
	g.release <- struct{}{}
	// 3 are left: below every preferred size, and the delay is an hour.
	g.enqueue(t, 1)
	if n := g.next(t); n != 4 {
		t.Fatalf("third batch = %d, want 4", n)
	}
	g.release <- struct{}{}
}

// TestMaxQueueDelaySendsPartialBatch checks a lone request is sent once it
// has waited max_queue_delay, and not before (timers never fire early, so
// the lower bound cannot flake).
func TestMaxQueueDelaySendsPartialBatch(t *testing.T) {
	const delay = 5 * time.Millisecond
	p := Profile{Instances: 1, MaxBatch: 8, PreferredBatch: []int{4, 8}, MaxQueueDelay: delay}
	g := newGatedBatcher(t, p)
	r := g.enqueue(t, 1)[0]
	if n := g.next(t); n != 1 {
		t.Fatalf("batch = %d, want 1", n)
	}
	if waited := time.Since(r.enq); waited < delay {
		t.Errorf("sent after %v, before max_queue_delay %v", waited, delay)
	}
	g.release <- struct{}{}
}

// TestRejectsWhenQueueFull fills max_queue_size behind a busy instance.
func TestRejectsWhenQueueFull(t *testing.T) {
	p := Profile{Instances: 1, MaxBatch: 1, MaxQueue: 3}
	g := newGatedBatcher(t, p)
	g.enqueue(t, 1)
	g.next(t) // the instance holds it; the queue is empty again
	g.enqueue(t, 3)
	_, err := g.b.enqueue(newRequest(time.Now(), false))
	if !errors.Is(err, errQueueFull) {
		t.Fatalf("4th queued request: err = %v, want %v", err, errQueueFull)
	}
	if got := g.b.pending(); got != 3 {
		t.Errorf("pending = %d, want 3", got)
	}
	g.release <- struct{}{}
}

// TestCloseFailsQueuedAndRunning checks no request is left without an answer.
func TestCloseFailsQueuedAndRunning(t *testing.T) {
	p := Profile{Instances: 1, MaxBatch: 1}
	g := newGatedBatcher(t, p)
	rs := g.enqueue(t, 1)
	g.next(t)
	rs = append(rs, g.enqueue(t, 2)...)
	g.b.close()
	for i, r := range rs {
		if o := <-r.done; !errors.Is(o.err, errShutdown) {
			t.Errorf("request %d: err = %v, want shutdown", i, o.err)
		}
	}
	if _, err := g.b.enqueue(newRequest(time.Now(), false)); !errors.Is(err, errShutdown) {
		t.Errorf("enqueue after close: %v", err)
	}
	g.b.close() // idempotent
}

// TestFullBatchCapacity pins the knee the profiles are built around: the
// throughput of back-to-back full batches on the shared engine.
func TestFullBatchCapacity(t *testing.T) {
	capacity := func(p Profile) float64 {
		_, infer, _ := p.batchTimes(p.MaxBatch)
		return float64(p.MaxBatch) / infer.Seconds()
	}
	slow, _ := ProfileByName("rtx3060")
	fast, _ := ProfileByName("rtx5090")
	c3060, c5090 := capacity(slow), capacity(fast)
	if c3060 < 100 || c3060 > 120 {
		t.Errorf("rtx3060 capacity %.1f req/s, want 100..120", c3060)
	}
	if c5090 < 1.8*c3060 {
		t.Errorf("rtx5090 capacity %.1f req/s, want about twice rtx3060's %.1f", c5090, c3060)
	}
	t.Logf("full-batch capacity: rtx3060 %.1f req/s, rtx5090 %.1f req/s", c3060, c5090)
}
