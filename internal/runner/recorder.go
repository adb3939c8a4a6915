package runner

import (
	"sort"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/harness-gpu/harness/internal/result"
)

// secondSigFigs is the per-second histograms' precision (1 %): they only give
// the series' p50/p95, and there may be several open at once.
const secondSigFigs = 2

// recorder aggregates one step's requests as they stream in. A request
// belongs to the window of its (scheduled) start: the ramp or the measured
// window, and the per-second bucket of that start. Requests that started
// before the measured window's end and finish after it are still counted
// there; the step closes only when they are all in (or their timeout passed).
type recorder struct {
	mu       sync.Mutex
	start    time.Time // ramp start (= measured start without a ramp)
	rampEnd  time.Time
	end      time.Time // measured window's end; moved earlier when the step stops
	ramp     *window   // nil without a ramp
	measured *window
	secs     map[int]*second
	series   []result.Second
	inflight int
	idle     chan struct{} // closed when inflight drops to 0 after closing began
	closing  bool
	spare    []*hdr.Histogram // reset per-second histograms for reuse
	live     *liveStats       // the run's last-second view, fed too; may be nil
}

// second is one open bucket of the per-second series: point's T, Phase and
// level are set, its counts and percentiles come from tally at the flush.
type second struct {
	point result.Second
	tally
	pending int // requests started in this second still in flight
	ended   bool
}

func newRecorder(start, rampEnd, end time.Time, extractNames []string, live *liveStats) *recorder {
	rec := &recorder{start: start, rampEnd: rampEnd, end: end, measured: newWindow(extractNames), secs: map[int]*second{}, live: live}
	if rampEnd.After(start) {
		rec.ramp = newWindow(extractNames)
	}
	return rec
}

func (rec *recorder) sec(idx int) *second {
	s := rec.secs[idx]
	if s == nil {
		t := rec.start.Add(time.Duration(idx) * time.Second)
		s = &second{point: result.Second{T: t, Phase: result.PhaseMeasured}}
		if t.Before(rec.rampEnd) {
			s.point.Phase = result.PhaseRamp
		}
		if n := len(rec.spare); n > 0 {
			s.h, rec.spare = rec.spare[n-1], rec.spare[:n-1]
		} else {
			s.h = hdr.New(latMin, latMax, secondSigFigs)
		}
		rec.secs[idx] = s
	}
	return s
}

func (rec *recorder) index(t time.Time) int {
	d := t.Sub(rec.start)
	if d < 0 {
		return 0
	}
	return int(d / time.Second)
}

// begin registers a request due at scheduled that is about to be sent. It
// refuses (false) a request due at or after the step's end, or once the step
// is closing: the sender then belongs to the next step or must stop.
func (rec *recorder) begin(scheduled time.Time) bool {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.closing || !scheduled.Before(rec.end) {
		return false
	}
	rec.inflight++
	rec.sec(rec.index(scheduled)).pending++
	return true
}

// stop ends the step early at t: no request due after t is accepted.
func (rec *recorder) stop(t time.Time) {
	rec.mu.Lock()
	if t.Before(rec.end) {
		rec.end = t
	}
	rec.mu.Unlock()
}

// stepEnd is the measured window's end as it stands (earlier when stopped).
func (rec *recorder) stepEnd() time.Time {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.end
}

// add records a finished request (one that went through begin) or a dropped
// arrival (which did not).
func (rec *recorder) add(r *Result) {
	if rec.live != nil {
		rec.live.add(r)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	w := rec.measured
	if rec.ramp != nil && r.Scheduled.Before(rec.rampEnd) {
		w = rec.ramp
	}
	w.add(r)
	s := rec.sec(rec.index(r.Scheduled))
	s.add(r)
	if r.Dropped {
		return
	}
	s.pending--
	rec.inflight--
	if rec.inflight == 0 && rec.closing && rec.idle != nil {
		close(rec.idle)
		rec.idle = nil
	}
	if s.ended && s.pending == 0 {
		rec.flushLocked(false) // the last straggler of a second that is over
	}
}

// endSecond marks second idx as over, with the level held and the sampler
// values of that moment; it is written to the series once its requests are in.
func (rec *recorder) endSecond(idx int, users, rate float64, samples map[string]float64) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	s := rec.sec(idx)
	s.ended = true
	s.point.Users, s.point.Rate, s.point.Samples = users, rate, samples
	rec.flushLocked(false)
}

// flushLocked moves finished seconds into the series (all when force).
func (rec *recorder) flushLocked(force bool) {
	for idx, s := range rec.secs {
		if !force && (!s.ended || s.pending > 0) {
			continue
		}
		p := &s.point
		p.OK, p.Failed, p.Dropped, p.Requests = s.ok, s.failed, s.dropped, s.ok+s.failed
		p.P50, p.P95 = s.p50p95()
		s.h.Reset()
		rec.spare = append(rec.spare, s.h)
		rec.series = append(rec.series, s.point)
		delete(rec.secs, idx)
	}
}

// wait blocks until every request that went through begin is recorded, or
// until limit passes (a request can't outlive its target timeout, so limit
// is that timeout plus a margin). It returns false on the limit.
func (rec *recorder) wait(limit time.Duration) bool {
	rec.mu.Lock()
	rec.closing = true
	if rec.inflight == 0 {
		rec.mu.Unlock()
		return true
	}
	idle := make(chan struct{})
	rec.idle = idle
	rec.mu.Unlock()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-idle:
		return true
	case <-t.C:
		return false
	}
}

// fill writes the step's recorded values into st for a measured window from
// rec.rampEnd to measuredEnd (clamped to the window). With final it also
// closes the series and encodes the histogram; without (the live view) it
// leaves them alone.
func (rec *recorder) fill(st *result.Step, measuredEnd time.Time, final bool) error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	m := rec.measured
	if measuredEnd.After(rec.end) {
		measuredEnd = rec.end
	}
	if measuredEnd.Before(rec.rampEnd) {
		measuredEnd = rec.rampEnd
	}
	dur := measuredEnd.Sub(rec.rampEnd)
	st.Measured = result.Window{Start: rec.rampEnd, End: measuredEnd, DurationS: dur.Seconds()}
	st.Requests = m.requests(dur)
	st.Latency = result.HistogramLatency(m.lat)
	st.StatusCodes = m.statusCodes()
	st.Errors = m.errors()
	st.Extract = m.extractResults()
	if m.stream != nil {
		st.Stream = m.stream.result(dur)
	}
	if st.Model == result.ModelOpen {
		st.SendLatency = ptr(result.HistogramLatency(m.send))
	}
	if rec.ramp != nil {
		rampEnd := rec.rampEnd
		if rec.end.Before(rampEnd) {
			rampEnd = rec.end
		}
		rdur := rampEnd.Sub(rec.start)
		st.Ramp = &result.Window{Start: rec.start, End: rampEnd, DurationS: rdur.Seconds()}
		st.RampRequests = ptr(rec.ramp.requests(rdur))
	}
	if !final {
		return nil
	}
	rec.flushLocked(true)
	sort.Slice(rec.series, func(i, j int) bool { return rec.series[i].T.Before(rec.series[j].T) })
	st.Series = append([]result.Second{}, rec.series...)
	enc, err := result.EncodeHistogram(m.lat)
	if err != nil {
		return err
	}
	st.Histogram = enc
	return m.encodeMergeable(st)
}
