package runner

import (
	"sync"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// tally counts one second's requests by outcome, with a histogram of the
// successful ones' Latency (µs, secondSigFigs): a bucket of the step's series,
// and the run's last second for the console.
type tally struct {
	ok, failed, dropped int64
	h                   *hdr.Histogram
}

func (t *tally) add(r *Result) {
	switch {
	case r.Dropped:
		t.dropped++
	case r.OK():
		t.ok++
		_ = t.h.RecordValue(clampMicros(r.Latency))
	default:
		t.failed++
	}
}

// p50p95 are the median and 95th percentile in ms; nil when nothing succeeded.
func (t *tally) p50p95() (p50, p95 *float64) {
	if t.h.TotalCount() == 0 {
		return nil, nil
	}
	return msAt(t.h, 50), msAt(t.h, 95)
}

// liveStats is the run's view of the last second for the console: requests
// that completed in it (whatever step they started in), unlike the series,
// which groups requests by the second they started in.
type liveStats struct {
	mu sync.Mutex
	t  tally
}

func newLiveStats() *liveStats {
	return &liveStats{t: tally{h: hdr.New(latMin, latMax, secondSigFigs)}}
}

func (l *liveStats) add(r *Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.add(r)
}

// take returns the last second's numbers and starts a new second.
func (l *liveStats) take() (completed, errors, dropped int64, p50, p95 *float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p50, p95 = l.t.p50p95()
	completed, errors, dropped = l.t.ok+l.t.failed, l.t.failed, l.t.dropped
	l.t = tally{h: l.t.h}
	l.t.h.Reset()
	return
}
