package runner

import (
	"math"
	"strconv"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/harness-gpu/harness/internal/result"
)

// Histogram geometry. Latencies are recorded in microseconds from 1 µs to
// 1 h with 3 significant digits (0.1 % resolution), as the issue asks.
// Extracted values are recorded ×extractScale (so 0.001 of the field's unit
// is the finest step) from 1 to extractMax, also with 3 significant digits:
// their percentiles are exact to 0.1 % for values in [0.001, 1e9]; values
// outside are clamped for the percentiles only (min, mean, max and last are
// kept exactly as float64).
const (
	latMin, latMax = 1, int64(time.Hour / time.Microsecond)
	sigFigs        = 3
	extractScale   = result.ExtractScale
	extractMax     = int64(1e12)
	maxMessages    = 5 // first distinct messages kept per error class
)

func newLatencyHist() *hdr.Histogram { return hdr.New(latMin, latMax, sigFigs) }

func newExtractHist() *hdr.Histogram { return hdr.New(1, extractMax, sigFigs) }

// window aggregates the requests that started in one window (a step's ramp or
// its measured window). It is not safe for concurrent use: recorder locks.
type window struct {
	req      result.Requests
	lat      *hdr.Histogram // Latency (from the scheduled start), µs
	send     *hdr.Histogram // SendLatency (from the actual send), µs
	codes    map[int]int64  // by status; keyed as text only in statusCodes
	errs     map[string]*result.ErrorClass
	extracts []*extractAgg
	stream   *streamAgg // made by the first streamed request
	sloMet   int64      // ok requests that met their target's slo
	slo      bool       // some request was held to an slo
}

func newWindow(extractNames []string) *window {
	w := &window{lat: newLatencyHist(), send: newLatencyHist(), codes: map[int]int64{}, errs: map[string]*result.ErrorClass{}}
	for _, n := range extractNames {
		w.extracts = append(w.extracts, &extractAgg{name: n, h: newExtractHist(),
			miss: "extract " + strconv.Quote(n) + ": field missing or not a number"})
	}
	return w
}

func (w *window) add(r *Result) {
	if r.Dropped {
		w.req.Dropped++
		return
	}
	w.req.Total++
	w.slo = w.slo || r.SLO
	if r.Stream != nil && w.stream == nil {
		w.stream = newStreamAgg() // a streaming target's window has a stream object, even with no ok request
	}
	w.req.BytesIn += r.BytesIn
	w.req.BytesOut += r.BytesOut
	if r.Late {
		w.req.Late++
	}
	if r.Status != 0 {
		w.codes[r.Status]++
	}
	if r.Class != "" {
		w.req.Failed++
		if r.Class == ClassTimeout {
			w.req.Timeouts++
		}
		w.addError(r.Class, r.Err)
		return
	}
	w.req.OK++
	if r.SLOMet {
		w.sloMet++
	}
	if r.Stream != nil {
		w.stream.add(r.Stream)
	}
	_ = w.lat.RecordValue(clampMicros(r.Latency))
	_ = w.send.RecordValue(clampMicros(r.SendLatency))
	for i, v := range r.Extracts {
		if i >= len(w.extracts) {
			break
		}
		if w.extracts[i].add(v) {
			continue
		}
		w.addError(ClassExtract, w.extracts[i].miss)
	}
}

func (w *window) addError(class, msg string) {
	ec := w.errs[class]
	if ec == nil {
		ec = &result.ErrorClass{}
		w.errs[class] = ec
	}
	ec.Count++
	if len(ec.Messages) >= maxMessages {
		return
	}
	for _, m := range ec.Messages {
		if m == msg {
			return
		}
	}
	ec.Messages = append(ec.Messages, msg)
}

// clampMicros converts d to whole µs within the histogram's range.
func clampMicros(d time.Duration) int64 {
	us := d.Microseconds()
	return min(max(us, latMin), latMax)
}

// requests derives the closed counters over a window of length dur.
func (w *window) requests(dur time.Duration) result.Requests {
	r := w.req
	if dur > 0 {
		r.RPS = float64(r.OK+r.Failed) / dur.Seconds()
	}
	if r.Total > 0 {
		r.SuccessRate = ptr(float64(r.OK) / float64(r.Total))
		r.ErrorRate = ptr(float64(r.Failed) / float64(r.Total))
	}
	r.Goodput, r.SLOAttainment = ptr(r.RPS), r.SuccessRate
	if w.slo {
		r.Goodput = ptr(0.0)
		if dur > 0 {
			r.Goodput = ptr(float64(w.sloMet) / dur.Seconds())
		}
		r.SLOAttainment = nil
		if r.Total > 0 {
			r.SLOAttainment = ptr(float64(w.sloMet) / float64(r.Total))
		}
	}
	return r
}

// msAt is quantile q (percent) of a µs histogram, in ms.
func msAt(h *hdr.Histogram, q float64) *float64 { return ptr(float64(h.ValueAtQuantile(q)) / 1000) }

func (w *window) errors() map[string]result.ErrorClass {
	if len(w.errs) == 0 {
		return nil
	}
	out := make(map[string]result.ErrorClass, len(w.errs))
	for k, v := range w.errs {
		out[k] = result.ErrorClass{Count: v.Count, Messages: append([]string(nil), v.Messages...)}
	}
	return out
}

func (w *window) extractResults() map[string]result.Extract {
	if len(w.extracts) == 0 {
		return nil
	}
	out := make(map[string]result.Extract, len(w.extracts))
	for _, e := range w.extracts {
		out[e.name] = e.result()
	}
	return out
}

func (w *window) statusCodes() map[string]int64 {
	out := make(map[string]int64, len(w.codes))
	for k, v := range w.codes {
		out[strconv.Itoa(k)] = v
	}
	return out
}

// extractAgg summarises one extracted field: exact min/max/mean/last, and
// percentiles from a histogram of the value ×extractScale.
type extractAgg struct {
	name            string
	miss            string // a window's error message for a miss, built once: a target may miss on every request
	count, misses   int64
	avg, minV, maxV float64
	last            float64
	h               *hdr.Histogram
}

// add records v and reports whether it was a hit (NaN is a miss).
func (e *extractAgg) add(v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		e.misses++
		return false
	}
	if e.count == 0 || v < e.minV {
		e.minV = v
	}
	if e.count == 0 || v > e.maxV {
		e.maxV = v
	}
	e.count++
	// A running mean: a sum of values near float64's limit would overflow
	// to ±Inf. For count ≥ 2 neither term exceeds half the limit.
	n := float64(e.count)
	e.avg += v/n - e.avg/n
	e.last = v
	scaled := int64(math.Round(min(max(v*extractScale, 1), float64(extractMax))))
	_ = e.h.RecordValue(scaled)
	return true
}

func (e *extractAgg) result() result.Extract {
	x := result.Extract{Count: e.count, Misses: e.misses}
	if e.count == 0 {
		return x
	}
	x.Min, x.Max, x.Last = ptr(e.minV), ptr(e.maxV), ptr(e.last)
	x.Mean = ptr(min(max(e.avg, e.minV), e.maxV)) // rounding stays within the values seen
	x.SetPercentiles(e.h)
	return x
}

func ptr[T any](v T) *T { return &v }
