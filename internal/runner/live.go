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
// which groups requests by the second they started in; for streams also
// their time to first token (µs) and output tokens.
type liveStats struct {
	mu     sync.Mutex
	t      tally
	ttft   *hdr.Histogram
	tokens int64
}

func newLiveStats() *liveStats {
	return &liveStats{t: tally{h: hdr.New(latMin, latMax, secondSigFigs)}, ttft: hdr.New(latMin, latMax, secondSigFigs)}
}

func (l *liveStats) add(r *Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.add(r)
	if sr := r.Stream; sr != nil && r.OK() {
		if sr.HasTTFT {
			_ = l.ttft.RecordValue(clampMicros(sr.TTFT))
		}
		l.tokens += sr.OutputTokens
	}
}

// liveSecond is the last second's numbers for the console.
type liveSecond struct {
	completed, errors, dropped int64
	p50, p95, ttftP50          *float64
	tokens                     int64
}

// take returns the last second's numbers and starts a new second.
func (l *liveStats) take() liveSecond {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := liveSecond{completed: l.t.ok + l.t.failed, errors: l.t.failed, dropped: l.t.dropped, tokens: l.tokens}
	s.p50, s.p95 = l.t.p50p95()
	if l.ttft.TotalCount() > 0 {
		s.ttftP50 = msAt(l.ttft, 50)
	}
	l.t = tally{h: l.t.h}
	l.t.h.Reset()
	l.ttft.Reset()
	l.tokens = 0
	return s
}
