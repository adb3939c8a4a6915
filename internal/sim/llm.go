package sim

import (
	"errors"
	"sync"
	"time"
)

// LLMProfile is the simulated LLM deployment on a profile's card: what a
// vLLM server's flags and the model's shape would fix.
//
// Decode is memory-bound: every iteration reads the weights once
// (WeightsGiB / bandwidth) plus each running sequence's KV cache (its
// context × KVKiBPerToken / bandwidth), so the card's bandwidth sets the
// decode speed and the batch size the growth. Prefill is compute-bound:
// PrefillMsPerToken per prompt token, in chunks of at most ChunkTokens per
// iteration beside the decodes (chunked prefill). The KV cache takes what
// memory is left after the weights and the process, times the memory
// utilization vLLM is started with, in blocks of BlockTokens.
type LLMProfile struct {
	WeightsGiB        float64 // model weights resident on the card
	BandwidthGBs      float64 // memory bandwidth, GB/s
	KVKiBPerToken     float64 // KV cache per token of context
	PrefillMsPerToken float64
	ChunkTokens       int     // max_num_batched_tokens
	MaxRunning        int     // max_num_seqs
	MemUtilization    float64 // gpu_memory_utilization
	BlockTokens       int     // KV block size
	// MaxKVBlocks, when positive, caps the KV blocks (tests use a small one).
	MaxKVBlocks int
}

// kvBlocks is the KV-cache budget in blocks on card p.
func (l LLMProfile) kvBlocks(p Profile) int {
	if l.MaxKVBlocks > 0 {
		return l.MaxKVBlocks
	}
	free := (p.MemoryMiB*l.MemUtilization - p.ReservedMiB - p.MemBaseMiB - l.WeightsGiB*1024) * 1024 // KiB
	return max(1, int(free/(l.KVKiBPerToken*float64(l.BlockTokens))))
}

// iteration is the time one engine iteration takes with prefill tokens of
// prefill and ctx tokens of context across the running sequences.
func (l LLMProfile) iteration(prefill, ctx int) time.Duration {
	bytesPerMs := l.BandwidthGBs * 1e9 / 1000
	ms := l.WeightsGiB*(1<<30)/bytesPerMs + float64(ctx)*l.KVKiBPerToken*1024/bytesPerMs +
		float64(prefill)*l.PrefillMsPerToken
	return time.Duration(ms * float64(time.Millisecond))
}

var errPromptTooLong = errors.New("the prompt does not fit in the KV cache")

// seq is one request inside the engine.
type seq struct {
	prompt, maxTokens int
	arrived           time.Time
	scheduled         time.Time // first admitted to the running set
	firstToken        time.Time
	lastToken         time.Time

	// computed is the tokens whose KV is in the cache; target is what must
	// be computed before the next token comes: the prompt, and after a
	// preemption (recompute) the prompt and the tokens generated so far.
	computed, target int
	generated        int
	blocks           int // KV blocks held
	// out receives the number of tokens generated so far after each
	// iteration that produced one; closed when the sequence ends. Buffered
	// for every token, so the engine never waits on a slow client.
	out     chan int
	aborted bool // the client left: freed at the next iteration
}

// needPrefill is what is left to compute before the next token.
func (s *seq) needPrefill() int { return max(0, s.target-s.computed) }

// llmEngine is a continuous-batching engine (vLLM's scheduler, reduced):
// one loop of iterations; each admits waiting sequences while the running
// set and the KV cache have room, gives every running sequence in decode
// one token and the token budget's rest to chunked prefills, and runs the
// iteration on the simulated GPU. A sequence that needs a new KV block when
// none is free preempts the latest admitted one (its blocks are freed; it
// goes back to the head of the queue and is recomputed when readmitted).
type llmEngine struct {
	l      LLMProfile
	gpu    *gpuModel
	blocks int // the KV budget

	mu      sync.Mutex
	waiting []*seq
	running []*seq
	free    int
	wake    chan struct{}
	closed  bool
	stats   llmStats
}

// llmStats are the engine's cumulative counters for /vllm/metrics.
type llmStats struct {
	preemptions, promptTokens, genTokens uint64
	ttft, itl, e2e, queue                histogram
}

func newLLMEngine(l LLMProfile, p Profile, gpu *gpuModel) *llmEngine {
	n := l.kvBlocks(p)
	e := &llmEngine{l: l, gpu: gpu, blocks: n, free: n, wake: make(chan struct{}, 1)}
	e.stats.ttft = newHistogram(ttftBuckets)
	e.stats.itl = newHistogram(itlBuckets)
	e.stats.e2e = newHistogram(e2eBuckets)
	e.stats.queue = newHistogram(e2eBuckets)
	return e
}

func (e *llmEngine) blocksFor(tokens int) int {
	return (tokens + e.l.BlockTokens - 1) / e.l.BlockTokens
}

// submit queues a request of prompt tokens generating maxTokens.
func (e *llmEngine) submit(now time.Time, prompt, maxTokens int) (*seq, error) {
	if e.blocksFor(prompt+1) > e.blocks {
		return nil, errPromptTooLong
	}
	s := &seq{prompt: prompt, target: prompt, maxTokens: max(1, maxTokens), arrived: now, out: make(chan int, max(1, maxTokens)+1)}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, errShutdown
	}
	e.waiting = append(e.waiting, s)
	e.mu.Unlock()
	e.poke()
	return s, nil
}

// abort marks s gone; the next iteration frees it.
func (e *llmEngine) abort(s *seq) {
	e.mu.Lock()
	s.aborted = true
	e.mu.Unlock()
	e.poke()
}

func (e *llmEngine) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// close ends every sequence; run returns.
func (e *llmEngine) close() {
	e.mu.Lock()
	e.closed = true
	for _, s := range append(e.waiting, e.running...) {
		close(s.out)
	}
	e.waiting, e.running = nil, nil
	e.mu.Unlock()
	e.poke()
}

// snapshot is the state /vllm/metrics reports.
type llmSnapshot struct {
	running, waiting int
	kvUsage          float64
	stats            llmStats
}

func (e *llmEngine) snapshot() llmSnapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.stats
	st.ttft, st.itl, st.e2e, st.queue = st.ttft.clone(), st.itl.clone(), st.e2e.clone(), st.queue.clone()
	return llmSnapshot{running: len(e.running), waiting: len(e.waiting),
		kvUsage: float64(e.blocks-e.free) / float64(e.blocks), stats: st}
}

// run is the engine loop, until close.
func (e *llmEngine) run() {
	for {
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			return
		}
		prefill, ctx := e.schedule(time.Now())
		idle := len(e.running) == 0
		e.mu.Unlock()
		if idle {
			<-e.wake
			continue
		}
		now := time.Now()
		end := e.gpu.submit(now, e.l.iteration(prefill, ctx))
		time.Sleep(end.Sub(now))
		e.mu.Lock()
		if !e.closed {
			e.finishIteration(time.Now())
		}
		e.mu.Unlock()
	}
}

// schedule drops aborted sequences, admits waiting ones that fit and plans
// the iteration: each running sequence in decode takes one token of the
// budget (and a new KV block when it crosses into one, preempting the
// latest admitted sequence when none is free); prefills share the rest.
// It returns the prefill tokens and the context the iteration reads.
// Called with e.mu held.
func (e *llmEngine) schedule(now time.Time) (prefill, ctx int) {
	e.running = e.dropAborted(e.running)
	e.waiting = e.dropAborted(e.waiting)
	for len(e.waiting) > 0 && len(e.running) < e.l.MaxRunning {
		s := e.waiting[0]
		need := e.blocksFor(s.target+1) - s.blocks
		if need > e.free {
			break // the head waits for room; FIFO, as vLLM's default policy
		}
		e.free -= need
		s.blocks += need
		if s.scheduled.IsZero() {
			s.scheduled = now
			e.stats.queue.observe(now.Sub(s.arrived).Seconds())
		}
		e.waiting = e.waiting[1:]
		e.running = append(e.running, s)
	}
	budget := e.l.ChunkTokens
	for i := 0; i < len(e.running); i++ {
		if e.running[i].needPrefill() > 0 {
			continue
		}
		if !e.growForDecode(i) {
			break // running[i] was the last: it went back to the queue
		}
		budget--
	}
	for _, s := range e.running {
		ctx += s.computed
		if n := s.needPrefill(); n > 0 && budget > 0 {
			prefill += min(n, budget)
			budget -= min(n, budget)
		}
	}
	return prefill, ctx
}

// growForDecode gives running[i], in decode, the KV block its next token
// writes when it crosses into one, preempting the latest admitted sequence
// while none is free. It returns false when running[i] itself was the
// latest and was preempted. Called with e.mu held.
func (e *llmEngine) growForDecode(i int) bool {
	s := e.running[i]
	for e.blocksFor(s.computed+1) > s.blocks {
		if e.free > 0 {
			e.free--
			s.blocks++
			continue
		}
		last := len(e.running) - 1
		e.preempt(last)
		if last == i {
			return false
		}
	}
	return true
}

// preempt sends running[i] back to the head of the queue, freeing its KV.
func (e *llmEngine) preempt(i int) {
	s := e.running[i]
	e.running = append(e.running[:i], e.running[i+1:]...)
	e.free += s.blocks
	s.blocks, s.computed, s.target = 0, 0, s.prompt+s.generated
	e.waiting = append([]*seq{s}, e.waiting...)
	e.stats.preemptions++
}

func (e *llmEngine) dropAborted(ss []*seq) []*seq {
	keep := ss[:0]
	for _, s := range ss {
		if s.aborted {
			e.free += s.blocks
			s.blocks = 0
			close(s.out)
			continue
		}
		keep = append(keep, s)
	}
	return keep
}

// finishIteration applies the iteration schedule planned: prefill chunks
// advance (in the order planned), decodes and completed prefills produce a
// token, finished sequences leave. Called with e.mu held.
func (e *llmEngine) finishIteration(now time.Time) {
	budget := e.l.ChunkTokens
	for _, s := range e.running {
		if s.needPrefill() == 0 {
			budget--
		}
	}
	keep := e.running[:0]
	for _, s := range e.running {
		if n := s.needPrefill(); n > 0 {
			if budget <= 0 {
				keep = append(keep, s)
				continue
			}
			step := min(n, budget)
			budget -= step
			s.computed += step
			if s.needPrefill() > 0 {
				keep = append(keep, s)
				continue
			}
			if s.generated == 0 {
				e.stats.promptTokens += uint64(s.prompt)
			}
			// The prefill (or recompute) ends with the next token sampled.
		} else {
			s.computed++ // the last token's KV, written by this decode step
		}
		s.generated++
		e.stats.genTokens++
		if s.firstToken.IsZero() {
			s.firstToken = now
			e.stats.ttft.observe(now.Sub(s.arrived).Seconds())
		} else {
			e.stats.itl.observe(now.Sub(s.lastToken).Seconds())
		}
		s.lastToken = now
		s.out <- s.generated
		if s.generated >= s.maxTokens {
			e.free += s.blocks
			s.blocks = 0
			e.stats.e2e.observe(now.Sub(s.arrived).Seconds())
			close(s.out)
			continue
		}
		keep = append(keep, s)
	}
	e.running = keep
}

// histogram is a Prometheus histogram: cumulative bucket counts by upper
// bound, a sum and a count.
type histogram struct {
	bounds []float64
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	count  uint64
}

func newHistogram(bounds []float64) histogram {
	return histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
}

func (h *histogram) observe(v float64) {
	i := 0
	for i < len(h.bounds) && v > h.bounds[i] {
		i++
	}
	h.counts[i]++
	h.sum += v
	h.count++
}

func (h histogram) clone() histogram {
	h.counts = append([]uint64(nil), h.counts...)
	return h
}

// vLLM v1's default bucket boundaries (vllm/v1/metrics/loggers.py).
var (
	ttftBuckets = []float64{0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
		2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0}
	itlBuckets = []float64{0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
		5.0, 7.5, 10.0, 20.0, 40.0, 80.0}
	e2eBuckets = []float64{0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0,
		60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0}
)
