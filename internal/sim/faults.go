package sim

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Faults are misbehaviours to switch on for tests. The zero value is a
// healthy server.
type Faults struct {
	// ErrorRate is the probability (0..1) that a request fails in the
	// backend: it is batched and executed, then answered 500 with a JSON
	// error and counted as Triton failure reason BACKEND.
	ErrorRate float64
	// SpikeRate is the probability (0..1) that a batch's kernel takes Spike
	// longer than usual (a latency spike: clock drop, noisy neighbour).
	SpikeRate float64
	Spike     time.Duration
	// Stall, when positive, stops the scheduler for that long once the
	// StallAfter-th inference request has been accepted (StallAfter 0 or 1:
	// the first). Requests keep queuing (and are rejected once the queue is
	// full); /v2/health/ready and the model's ready endpoint answer 400
	// while it lasts.
	StallAfter int
	Stall      time.Duration
	// CrashAfter, when positive, crashes the server once that many inference
	// requests have been accepted: every later POST /api/ai-quality gets 503
	// {"error":…}, /health 503, and the Triton health and model-ready
	// endpoints 400. Requests already accepted still complete; /metrics and
	// /dcgm/metrics keep answering so that samplers can see the aftermath.
	CrashAfter int
}

// dice draws the fault decisions from one seeded generator, so a run with
// the same seed and the same request order misbehaves the same way.
type dice struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newDice(seed uint64) *dice {
	return &dice{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// hit reports whether an event of probability p happens.
func (d *dice) hit(p float64) bool {
	if p <= 0 {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rng.Float64() < p
}
