package runner

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http/httptrace"
	"time"

	"github.com/harness-gpu/harness/internal/arrival"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/stream"
)

// ClassStream is a streamed response that failed in-band: an error object
// or event, a malformed chunk, or (openai format) no [DONE] before the end.
const ClassStream = "stream"

// StreamResult is what a streamed request measured (Result.Stream); the
// sender reuses it with its Result.
type StreamResult struct {
	// TTFT is from the send to the first chunk carrying output; HasTTFT is
	// false when none did. TPOT likewise needs two output tokens.
	TTFT, TPOT       time.Duration
	HasTTFT, HasTPOT bool
	OutputTokens     int64
	InputTokens      int64 // -1 when the server reported none
	Source           string
	// Gaps are the raw gaps between output chunks; ITL the per-token
	// inter-token latencies (a gap divided by the tokens its chunk carried).
	Gaps, ITL []time.Duration
}

// streamExchanger is a client that can hand the response body to a meter as
// it arrives; both of the runner's clients are. Only a response whose status
// the target expects (target.statusOK) is metered.
type streamExchanger interface {
	streamExchange(m *stream.Meter) (status int, bytesIn int64, err error)
}

func (s *stdClient) streamExchange(m *stream.Meter) (int, int64, error) {
	// The exchange's deadline is a context of its own (sooner than
	// Client.Timeout's, which then sets none), so that it can be asked
	// whether it passed: net/http hands on a body's clean end as io.EOF even
	// after the deadline, and a server that ends its response when the
	// deadline cancels the request (a handler returning on its context's
	// end) ends it cleanly, which the meter would take for a stream cut
	// short rather than one that timed out.
	ctx, cancel := context.WithTimeout(context.Background(), s.c.Timeout)
	defer cancel()
	// The connection the response comes on, for its kernel receive times.
	var conn *arrival.Conn
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		conn = arrivalConnOf(info.Conn)
	}})
	start := time.Now()
	resp, err := s.send(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if !s.tg.statusOK(resp.StatusCode) {
		n, err := readBody(resp.Body, nil)
		return resp.StatusCode, n, err
	}
	if resp.ProtoMajor == 2 && s.shared {
		conn = nil // its reads carry other requests' frames too
	}
	clock := func() time.Time {
		// A connection's last read is this exchange's once it is after the
		// send; over HTTP/2 a frame reader reads ahead of the body, so a time
		// is never earlier than the bytes', at worst later.
		if conn != nil {
			if at, ok := conn.Arrival(); ok && !at.Before(start) {
				return at
			}
		}
		return time.Now()
	}
	n, err := m.Read(resp.Body, clock)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w while reading the stream", ctx.Err())
	}
	return resp.StatusCode, n, err
}

// arrivalConnOf is the arrival connection under c (a TLS connection's
// own), or nil.
func arrivalConnOf(c net.Conn) *arrival.Conn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if sc, ok := c.(streamConn); ok {
		return sc.Conn
	}
	return nil
}

func (fc *fastClient) streamExchange(m *stream.Meter) (int, int64, error) {
	return fc.send(func(status int, body io.Reader, conn *trackedConn) (int64, error) {
		if !fc.tg.statusOK(status) {
			return readBody(body, nil)
		}
		return m.Read(body, conn.clock)
	})
}

// doStream is do for a target with a stream block: the body goes through a
// meter as it arrives instead of being kept for extraction.
func (tg *target) doStream(c client, r *Result) {
	if r.Stream == nil {
		r.Stream = &StreamResult{}
	}
	sr := r.Stream
	sr.Gaps, sr.ITL = sr.Gaps[:0], sr.ITL[:0]
	m := tg.meters.Get().(*stream.Meter)
	defer tg.meters.Put(m)
	tg.begin(r)
	m.Reset(r.Start)
	var status int
	var n int64
	var err error
	if sx, ok := c.(streamExchanger); ok {
		// The client's own target is tg, whose statusOK it asks: a method
		// value passed in would be allocated on every request.
		status, n, err = sx.streamExchange(m)
	} else {
		// A client that can only read whole bodies: the meter sees the
		// body at once, so its times are all the end's.
		var keep bytes.Buffer
		status, n, err = c.exchange(&keep)
		if err == nil && tg.statusOK(status) {
			m.Feed(keep.Bytes(), time.Now())
			err = m.Finish()
		}
	}
	if !tg.end(r, status, n, err) {
		return
	}
	st := m.Stats(func(raw, perToken time.Duration) {
		sr.Gaps = append(sr.Gaps, raw)
		if perToken >= 0 {
			sr.ITL = append(sr.ITL, perToken)
		}
	})
	sr.TTFT, sr.HasTTFT = st.TTFT, st.HasOutput
	sr.TPOT, sr.HasTPOT = st.TPOT, st.HasTPOT
	sr.OutputTokens, sr.InputTokens, sr.Source = st.OutputTokens, st.InputTokens, st.Source
	r.SLOMet = tg.meetsSLO(r)
}

// meetsSLO says whether an ok request met every objective of its target's
// slo: latency (end to end, as the latency namespace), ttft (a response
// with no output misses it) and tpot (a response of fewer than two tokens
// has none, and is not held to it).
func (tg *target) meetsSLO(r *Result) bool {
	slo := tg.t.SLO
	if slo == nil || !r.OK() {
		return r.OK()
	}
	if slo.Latency > 0 && r.Latency > slo.Latency {
		return false
	}
	if sr := r.Stream; sr != nil && tg.t.Stream != nil {
		if slo.TTFT > 0 && (!sr.HasTTFT || sr.TTFT > slo.TTFT) {
			return false
		}
		if slo.TPOT > 0 && sr.HasTPOT && sr.TPOT > slo.TPOT {
			return false
		}
	}
	return true
}

// streamAgg aggregates the stream values of a window's ok requests.
type streamAgg struct {
	ttft, tpot, itl, gap, out, in *extractAgg
	outTotal, inTotal             int64
	chunksSource                  bool // some request's tokens were counted chunks
	usageSource                   bool
}

func newStreamAgg() *streamAgg {
	return &streamAgg{
		ttft: newDistAgg(), tpot: newDistAgg(), itl: newDistAgg(),
		gap: newDistAgg(), out: newDistAgg(), in: newDistAgg(),
	}
}

func newDistAgg() *extractAgg { return &extractAgg{h: newExtractHist()} }

func (a *streamAgg) add(sr *StreamResult) {
	if sr.HasTTFT {
		a.ttft.add(millis(sr.TTFT))
	}
	if sr.HasTPOT {
		a.tpot.add(millis(sr.TPOT))
	}
	for _, d := range sr.Gaps {
		a.gap.add(millis(d))
	}
	for _, d := range sr.ITL {
		a.itl.add(millis(d))
	}
	a.out.add(float64(sr.OutputTokens))
	a.outTotal += sr.OutputTokens
	if sr.InputTokens >= 0 {
		a.in.add(float64(sr.InputTokens))
		a.inTotal += sr.InputTokens
	}
	if sr.Source == stream.SourceUsage {
		a.usageSource = true
	} else {
		a.chunksSource = true
	}
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// dists are a's aggregates in result.StreamDists' order.
func (a *streamAgg) dists() [len(result.StreamDists)]*extractAgg {
	return [...]*extractAgg{a.ttft, a.tpot, a.itl, a.gap, a.out, a.in}
}

func (a *streamAgg) result(dur time.Duration) *result.Stream {
	s := &result.Stream{TotalOutputTokens: a.outTotal, TotalInputTokens: a.inTotal}
	out := s.Dists()
	for i, agg := range a.dists() {
		*out[i] = result.DistOf(agg.result())
	}
	if dur > 0 && a.out.count > 0 {
		s.TokensPerS = ptr(float64(a.outTotal) / dur.Seconds())
	}
	switch {
	case a.chunksSource:
		s.TokenSource = stream.SourceChunks
	case a.usageSource:
		s.TokenSource = stream.SourceUsage
	}
	return s
}
