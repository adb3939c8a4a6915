package runner

import (
	"sync"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// liveStats is the run's view of the last second for the console: requests
// that completed in it (whatever step they started in), unlike the series,
// which groups requests by the second they started in.
type liveStats struct {
	mu                         sync.Mutex
	h                          *hdr.Histogram
	completed, errors, dropped int64
}

func newLiveStats() *liveStats { return &liveStats{h: hdr.New(latMin, latMax, secondSigFigs)} }

func (l *liveStats) add(r *Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case r.Dropped:
		l.dropped++
	case r.OK():
		l.completed++
		_ = l.h.RecordValue(clampMicros(r.Latency))
	default:
		l.completed++
		l.errors++
	}
}

// take returns the last second's numbers and starts a new second.
func (l *liveStats) take() (completed, errors, dropped int64, p50, p95 *float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.h.TotalCount() > 0 {
		p50 = ptr(float64(l.h.ValueAtQuantile(50)) / 1000)
		p95 = ptr(float64(l.h.ValueAtQuantile(95)) / 1000)
	}
	completed, errors, dropped = l.completed, l.errors, l.dropped
	l.completed, l.errors, l.dropped = 0, 0, 0
	l.h.Reset()
	return
}
