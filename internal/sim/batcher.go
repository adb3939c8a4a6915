package sim

import (
	"errors"
	"sync"
	"time"
)

var (
	errQueueFull = errors.New("Exceeds maximum queue size")
	errShutdown  = errors.New("server is shutting down")
	errBackend   = errors.New("simulated backend error: inference failed")
	errCrashed   = errors.New("simulated crash: inference server is not available")
)

// request is one inference request waiting for, or inside, a batch.
type request struct {
	enq  time.Time
	fail bool         // the ErrorRate fault picked it: it fails in the backend
	done chan outcome // buffered (1): the instance never blocks on a gone client
}

// outcome is what Triton would know about a finished request.
type outcome struct {
	queue, input, infer, output time.Duration
	err                         error
}

func newRequest(now time.Time, fail bool) *request {
	return &request{enq: now, fail: fail, done: make(chan outcome, 1)}
}

// execFunc runs one batch on model instance inst and must deliver an outcome
// to every request of it before returning. formed is when the batch became
// ready by the batching rules (see form), which the host may have noticed
// later.
type execFunc func(inst int, batch []*request, formed time.Time)

// batcher is Triton's dynamic batcher: one FIFO queue, one scheduler that
// forms a batch whenever a model instance is free, and one goroutine per
// instance that executes one batch at a time.
//
// The scheduler takes a free instance first and only then forms its batch,
// as Triton does, so batches grow while every instance is busy: that is what
// makes batching adapt to load.
type batcher struct {
	p    Profile
	exec execFunc

	// The stall fault: once the stallAt-th request is admitted, batch
	// formation stops for stallFor. Set before the goroutines start.
	stallAt  int64
	stallFor time.Duration

	mu         sync.Mutex
	queue      []*request
	admitted   int64 // requests ever admitted
	stallUntil time.Time
	closed     bool

	wake chan struct{} // cap 1: "the queue changed", coalesced
	idle chan int      // instance ids announcing they are free
	work []chan formedBatch
	done chan struct{}
	wg   sync.WaitGroup
}

// newBatcher starts the scheduler and p.Instances instance goroutines;
// stallAt and stallFor configure the stall fault (stallFor 0: none).
func newBatcher(p Profile, exec execFunc, stallAt int64, stallFor time.Duration) *batcher {
	b := &batcher{
		p: p, exec: exec, stallAt: stallAt, stallFor: stallFor,
		wake: make(chan struct{}, 1),
		idle: make(chan int),
		work: make([]chan formedBatch, p.Instances),
		done: make(chan struct{}),
	}
	b.wg.Add(1 + p.Instances)
	for i := range b.work {
		b.work[i] = make(chan formedBatch)
		go b.instance(i)
	}
	go b.schedule()
	return b
}

// enqueue admits r, or refuses it when the queue policy's max_queue_size is
// reached (Triton: failure reason REJECTED) or the batcher is closed. It
// returns how many requests have been admitted so far, r included, and
// starts the stall fault in the same critical section, so that the request
// that triggers a stall cannot slip out before it.
func (b *batcher) enqueue(r *request) (int64, error) {
	b.mu.Lock()
	switch {
	case b.closed:
		b.mu.Unlock()
		return 0, errShutdown
	case b.p.MaxQueue > 0 && len(b.queue) >= b.p.MaxQueue:
		b.mu.Unlock()
		return 0, errQueueFull
	}
	b.queue = append(b.queue, r)
	b.admitted++
	n := b.admitted
	if b.stallFor > 0 && n == b.stallAt {
		b.stallUntil = time.Now().Add(b.stallFor)
	}
	b.mu.Unlock()
	b.signal()
	return n, nil
}

func (b *batcher) signal() {
	select {
	case b.wake <- struct{}{}:
	default: // a wake-up is already pending; the scheduler re-reads the queue
	}
}

// pending is Triton's nv_inference_pending_request_count: requests queued
// and not yet handed to an instance.
func (b *batcher) pending() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue)
}

func (b *batcher) stalled(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return now.Before(b.stallUntil)
}

// close stops the scheduler and instances, fails every queued request and
// waits for the goroutines; batches in execution see done and fail too.
func (b *batcher) close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	queued := b.queue
	b.queue = nil
	b.mu.Unlock()
	for _, r := range queued {
		r.done <- outcome{err: errShutdown}
	}
	close(b.done)
	b.wg.Wait()
}

func (b *batcher) instance(id int) {
	defer b.wg.Done()
	for {
		select {
		case b.idle <- id:
		case <-b.done:
			return
		}
		select {
		case fb := <-b.work[id]:
			b.exec(id, fb.reqs, fb.at)
		case <-b.done:
			return
		}
	}
}

func (b *batcher) schedule() {
	defer b.wg.Done()
	for {
		var id int
		select {
		case id = <-b.idle:
		case <-b.done:
			return
		}
		fb := b.nextBatch()
		if fb.reqs == nil {
			return
		}
		select {
		case b.work[id] <- fb:
		case <-b.done:
			for _, r := range fb.reqs {
				r.done <- outcome{err: errShutdown}
			}
			return
		}
	}
}

// formedBatch is a batch and the time it became ready.
type formedBatch struct {
	reqs []*request
	at   time.Time
}

// nextBatch blocks until form says a batch is ready; nil reqs once closed.
func (b *batcher) nextBatch() formedBatch {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		b.mu.Lock()
		fb, wait := b.form(time.Now())
		b.mu.Unlock()
		if fb.reqs != nil {
			return fb
		}
		var fire <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			fire = timer.C
		}
		select {
		case <-b.wake:
		case <-fire:
		case <-b.done:
			return formedBatch{}
		}
	}
}

// form decides, with b.mu held, whether a batch can go now, following
// Triton's dynamic batcher: a full batch (max_batch_size) goes at once; so
// does the largest preferred size the queue can fill; otherwise the batcher
// waits for more requests until the oldest has waited max_queue_delay, then
// sends what it has. It returns the batch, or how long to wait (0: until the
// queue changes).
//
// The batch's time is when the rules made it ready: its last request's
// arrival, or the oldest one's delay expiring, or the end of a stall. A
// host busy elsewhere may run the scheduler later than that; execution
// starts from this time so that such lateness does not eat GPU capacity.
func (b *batcher) form(now time.Time) (formedBatch, time.Duration) {
	if now.Before(b.stallUntil) {
		return formedBatch{}, b.stallUntil.Sub(now)
	}
	n := len(b.queue)
	if n == 0 {
		return formedBatch{}, 0
	}
	take := 0
	oldest := b.queue[0].enq
	waited := now.Sub(oldest)
	switch {
	case n >= b.p.MaxBatch:
		take = b.p.MaxBatch
	case waited >= b.p.MaxQueueDelay:
		take = n
	default:
		take = largestPreferred(b.p.PreferredBatch, n)
	}
	if take == 0 {
		return formedBatch{}, b.p.MaxQueueDelay - waited
	}
	fb := formedBatch{reqs: make([]*request, take)}
	copy(fb.reqs, b.queue)
	b.queue = append(b.queue[:0:0], b.queue[take:]...)
	fb.at = later(fb.reqs[take-1].enq, b.stallUntil)
	if take < b.p.MaxBatch && largestPreferred(b.p.PreferredBatch, take) != take {
		fb.at = later(fb.at, oldest.Add(b.p.MaxQueueDelay))
	}
	fb.at = earlier(fb.at, now)
	return fb, 0
}

// largestPreferred returns the largest preferred batch size not above n, or 0.
func largestPreferred(preferred []int, n int) int {
	best := 0
	for _, p := range preferred {
		if p <= n && p > best {
			best = p
		}
	}
	return best
}
