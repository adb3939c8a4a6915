package sim

import (
	"maps"
	"sync"
	"time"
)

// Triton's failure reasons, in the order core declares them.
var failureReasons = []string{"REJECTED", "CANCELED", "BACKEND", "OTHER"}

// tritonStats are the per-model counters Triton exports (nv_inference_*), updated as
// infer_stats.cc does: once per finished request, and once per execution.
type tritonStats struct {
	mu sync.Mutex
	v  statsValues
}

// statsValues is a copy of the counters at one moment.
type statsValues struct {
	success  uint64
	failures map[string]uint64
	count    uint64 // inferences: each request here carries one image
	execs    uint64 // batch executions
	// Cumulative microseconds, each request's ns/1000 truncated before adding.
	requestUs, queueUs, inputUs, inferUs, outputUs uint64
}

func newTritonStats() *tritonStats {
	st := &tritonStats{v: statsValues{failures: make(map[string]uint64, len(failureReasons))}}
	for _, r := range failureReasons {
		st.v.failures[r] = 0 // every reason's series exists from model load
	}
	return st
}

// addExec counts one model execution.
func (st *tritonStats) addExec() {
	st.mu.Lock()
	st.v.execs++
	st.mu.Unlock()
}

// addSuccess records a successful request. Each request of a batch adds the
// batch's compute durations again, exactly as Triton does; total is the
// request's whole time inside the server core (queue + compute).
func (st *tritonStats) addSuccess(o outcome, total time.Duration) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.v.success++
	st.v.count++
	st.v.requestUs += us(total)
	st.v.queueUs += us(o.queue)
	st.v.inputUs += us(o.input)
	st.v.inferUs += us(o.infer)
	st.v.outputUs += us(o.output)
}

// addFailure records a failed request; failures add no durations.
func (st *tritonStats) addFailure(reason string) {
	st.mu.Lock()
	st.v.failures[reason]++
	st.mu.Unlock()
}

func (st *tritonStats) snapshot() statsValues {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.v
	c.failures = maps.Clone(st.v.failures)
	return c
}

func us(d time.Duration) uint64 {
	if d < 0 {
		return 0
	}
	return uint64(d / time.Microsecond)
}
