package runner

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/stream"
)

// piece is a part of a streamed body, written after a pause.
type piece struct {
	after time.Duration
	text  string
}

// pacedReader yields its pieces one Read at a time, sleeping before each.
type pacedReader struct{ pieces []piece }

func (p *pacedReader) Read(b []byte) (int, error) {
	if len(p.pieces) == 0 {
		return 0, io.EOF
	}
	pc := p.pieces[0]
	p.pieces = p.pieces[1:]
	time.Sleep(pc.after)
	return copy(b, pc.text), nil
}

// pacedClient is a client whose every response is status and the paced
// pieces, read through the meter as the runner's clients read a body, for
// target tg.
type pacedClient struct {
	tg     *target
	status int
	pieces []piece
}

func (p *pacedClient) exchange(*bytes.Buffer) (int, int64, error) { panic("not streamed") }
func (p *pacedClient) close()                                     {}
func (p *pacedClient) streamExchange(m *stream.Meter) (int, int64, error) {
	r := &pacedReader{pieces: append([]piece(nil), p.pieces...)}
	if !p.tg.statusOK(p.status) {
		n, err := readBody(r, nil)
		return p.status, n, err
	}
	n, err := m.Read(r, time.Now)
	return p.status, n, err
}

func sseChunk(content string) string {
	return fmt.Sprintf(`data: {"choices":[{"index":0,"delta":{"content":%q}}]}`+"\n\n", content)
}

const (
	sseRole  = `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}` + "\n\n"
	sseUsage = `data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":6,"total_tokens":18}}` + "\n\n"
	sseDone  = "data: [DONE]\n\n"
)

func streamTarget(slo *dsl.SLO) *target {
	return newTarget(&dsl.Target{Name: "chat", Method: "POST", URL: "http://127.0.0.1:1/v1/chat/completions",
		Body: []byte(`{}`), Timeout: 10 * time.Second, Stream: &dsl.Stream{Format: dsl.StreamOpenAI}, SLO: slo}, nil, "test")
}

// TestStreamTiming runs a request on virtual time: the role chunk at once,
// the first token at 200 ms, then a token every 25 ms, one chunk of two
// tokens, a keep-alive comment, a usage chunk. TTFT, TPOT, ITL and the raw
// gaps come out exactly as the server's schedule.
func TestStreamTiming(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tg := streamTarget(&dsl.SLO{TTFT: 250 * time.Millisecond, TPOT: 20 * time.Millisecond})
		c := &pacedClient{tg: tg, status: 200, pieces: []piece{
			{0, sseRole}, {200 * time.Millisecond, sseChunk("a")}, {25 * time.Millisecond, sseChunk("b")},
			{10 * time.Millisecond, ": keep-alive\n\n"}, {15 * time.Millisecond, sseChunk("c")},
			{50 * time.Millisecond, sseChunk("d e")}, {25 * time.Millisecond, sseChunk("f")},
			{0, sseUsage + sseDone},
		}}
		r := &Result{Scheduled: time.Now()}
		tg.do(c, r)
		if !r.OK() {
			t.Fatalf("request failed: %s %s", r.Class, r.Err)
		}
		sr := r.Stream
		// 6 tokens over 5 chunks from 200 ms to 325 ms: TPOT 125/5 = 25 ms;
		// each later chunk carries 5/4 tokens.
		if sr.TTFT != 200*time.Millisecond || sr.TPOT != 25*time.Millisecond || !sr.HasTTFT || !sr.HasTPOT {
			t.Errorf("ttft %v tpot %v, want 200ms 25ms", sr.TTFT, sr.TPOT)
		}
		if sr.OutputTokens != 6 || sr.InputTokens != 12 || sr.Source != stream.SourceUsage {
			t.Errorf("tokens out %d in %d source %s", sr.OutputTokens, sr.InputTokens, sr.Source)
		}
		if got := fmt.Sprint(sr.Gaps); got != "[25ms 25ms 50ms 25ms]" {
			t.Errorf("gaps %s", got)
		}
		if got := fmt.Sprint(sr.ITL); got != "[20ms 20ms 40ms 20ms]" {
			t.Errorf("itl %s", got)
		}
		if r.Latency != 325*time.Millisecond {
			t.Errorf("latency %v, want 325ms", r.Latency)
		}
		if r.SLOMet {
			t.Error("tpot 25ms met a 20ms objective")
		}
	})
}

func TestStreamFailureClasses(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		class  string
	}{
		{"complete", 200, sseRole + sseChunk("a") + sseDone, ""},
		{"no done", 200, sseRole + sseChunk("a"), ClassStream},
		{"error object", 200, sseChunk("a") + `data: {"error":{"message":"boom","code":400}}` + "\n\n" + sseDone, ClassStream},
		{"error event", 200, sseChunk("a") + "event: error\ndata: {}\n\n", ClassStream},
		{"status", 500, `{"error":"overloaded"}`, ClassStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := streamTarget(nil)
			r := &Result{Scheduled: time.Now()}
			tg.do(&pacedClient{tg: tg, status: tt.status, pieces: []piece{{0, tt.body}}}, r)
			if r.Class != tt.class {
				t.Fatalf("class %q (%s), want %q", r.Class, r.Err, tt.class)
			}
		})
	}
}

// sseHandler streams body's events, flushing each, pausing gap between them.
func sseHandler(events []string, gap time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, e := range events {
			_, _ = io.WriteString(w, e)
			w.(http.Flusher).Flush()
			time.Sleep(gap)
		}
	}
}

// TestStreamLoopback streams from a real loopback server through both of
// the runner's clients (fasthttp for http, net/http for https): the body is
// metered as it arrives, so TTFT is at least the server's delay before the
// first token and the chunks are all seen.
func TestStreamLoopback(t *testing.T) {
	events := []string{sseRole, sseChunk("a"), sseChunk("b"), sseChunk("c"), sseUsage, sseDone}
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", tls), func(t *testing.T) {
			srv := httptest.NewUnstartedServer(sseHandler(events, 20*time.Millisecond))
			if tls {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			defer srv.Close()
			dt := &dsl.Target{Name: "chat", Method: "POST", URL: srv.URL + "/v1/chat/completions", Body: []byte(`{}`),
				Timeout: 5 * time.Second, Stream: &dsl.Stream{Format: dsl.StreamOpenAI}}
			tg := newTarget(dt, nil, "test")
			if tls {
				tg.tls = srv.Client().Transport.(*http.Transport).TLSClientConfig
			}
			c := tg.newClient(1)
			defer c.close()
			r := &Result{Scheduled: time.Now()}
			tg.do(c, r)
			if !r.OK() {
				t.Fatalf("request failed: %s %s", r.Class, r.Err)
			}
			sr := r.Stream
			if sr.OutputTokens != 6 || len(sr.Gaps) != 2 {
				t.Fatalf("out %d gaps %v: want 6 tokens (usage) over three chunks", sr.OutputTokens, sr.Gaps)
			}
			// A chunk is never timed before it arrived: the first token 20 ms
			// after the response began, the last 60 ms after.
			last := sr.TTFT + sr.Gaps[0] + sr.Gaps[1]
			if sr.TTFT < 20*time.Millisecond || last < 60*time.Millisecond || sr.Gaps[0]+sr.Gaps[1] <= 0 {
				t.Errorf("ttft %v, last token at %v: want >= 20ms and >= 60ms", sr.TTFT, last)
			}
			// Over http the kernel's receive times are the arrivals: each gap
			// is the server's 20 ms, however late the client read. Over https
			// a chunk is timed at its read, which a busy machine delays.
			if !tls && (sr.Gaps[0] < 19*time.Millisecond || sr.Gaps[1] < 19*time.Millisecond || sr.TPOT < 8*time.Millisecond) {
				t.Errorf("gaps %v, tpot %v: want the server's 20 ms gaps and tpot >= 40/5 ms", sr.Gaps, sr.TPOT)
			}
		})
	}
}

// TestStreamWindow: the window's stream object and goodput arithmetic.
func TestStreamWindow(t *testing.T) {
	w := newWindow(nil)
	add := func(ok, met bool, ttft, tpot time.Duration, out int64, source string, gaps ...time.Duration) {
		r := &Result{SLO: true, SLOMet: met, Stream: &StreamResult{TTFT: ttft, HasTTFT: true, TPOT: tpot, HasTPOT: true,
			OutputTokens: out, InputTokens: 10, Source: source, Gaps: gaps, ITL: gaps}}
		if !ok {
			r.Class = ClassStream
		}
		w.add(r)
	}
	add(true, true, 100*time.Millisecond, 10*time.Millisecond, 50, stream.SourceUsage, 10*time.Millisecond)
	add(true, false, 300*time.Millisecond, 30*time.Millisecond, 150, stream.SourceUsage, 30*time.Millisecond)
	add(true, true, 200*time.Millisecond, 20*time.Millisecond, 100, stream.SourceChunks)
	add(false, false, 0, 0, 0, "")
	req := w.requests(2 * time.Second)
	if *req.Goodput != 1 || *req.SLOAttainment != 0.5 || req.RPS != 2 {
		t.Errorf("goodput %v attainment %v rps %v, want 1 0.5 2", *req.Goodput, *req.SLOAttainment, req.RPS)
	}
	s := w.stream.result(2 * time.Second)
	// min, mean and max are exact; percentiles within the histogram's 0.1 %.
	if *s.TTFT.Mean != 200 || *s.TTFT.Min != 100 || *s.TTFT.Max != 300 || math.Abs(*s.TPOT.P50-20) > 0.02 || s.TTFT.Count != 3 {
		t.Errorf("ttft min %v mean %v max %v count %d, tpot p50 %v", *s.TTFT.Min, *s.TTFT.Mean, *s.TTFT.Max, s.TTFT.Count, *s.TPOT.P50)
	}
	if *s.TokensPerS != 150 || s.TotalOutputTokens != 300 || s.TotalInputTokens != 30 || s.TokenSource != stream.SourceChunks {
		t.Errorf("tokens/s %v total %d in %d source %s", *s.TokensPerS, s.TotalOutputTokens, s.TotalInputTokens, s.TokenSource)
	}
	if s.ChunkGap.Count != 2 || *s.ChunkGap.Max != 30 {
		t.Errorf("chunk gaps %+v", s.ChunkGap)
	}
	// Each distribution keeps its histogram in the results, for harness merge.
	st := result.Step{Stream: s}
	if err := w.encodeMergeable(&st); err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]result.Dist{"ttft": s.TTFT, "tpot": s.TPOT, "itl": s.ITL, "chunk_gap": s.ChunkGap, "output_tokens": s.OutputTokens, "input_tokens": s.InputTokens} {
		h, err := result.DecodeHistogram(d.Histogram)
		if err != nil || h.TotalCount() != d.Count {
			t.Errorf("%s: histogram of %v values (%v), want %d", name, h, err, d.Count)
		}
	}
	if w.errs[ClassStream] == nil || w.errs[ClassStream].Count != 1 {
		t.Errorf("errors %v, want one stream failure", w.errs)
	}

	// Without an slo, goodput and attainment are rps and success_rate.
	plain := newWindow(nil)
	plain.add(&Result{SLOMet: true})
	plain.add(&Result{Class: ClassStatus})
	req = plain.requests(time.Second)
	if *req.Goodput != req.RPS || *req.SLOAttainment != *req.SuccessRate {
		t.Errorf("without slo: goodput %v rps %v attainment %v success %v", *req.Goodput, req.RPS, *req.SLOAttainment, *req.SuccessRate)
	}
}

// A streaming request's latency objective is end to end, like latency.
func TestMeetsSLO(t *testing.T) {
	tests := []struct {
		name string
		slo  *dsl.SLO
		sr   StreamResult
		lat  time.Duration
		want bool
	}{
		{"no slo", nil, StreamResult{}, time.Hour, true},
		{"latency", &dsl.SLO{Latency: time.Second}, StreamResult{HasTTFT: true}, 2 * time.Second, false},
		{"ttft met", &dsl.SLO{TTFT: time.Second}, StreamResult{HasTTFT: true, TTFT: time.Second}, 0, true},
		{"ttft missed", &dsl.SLO{TTFT: time.Second}, StreamResult{HasTTFT: true, TTFT: time.Second + 1}, 0, false},
		{"no output misses ttft", &dsl.SLO{TTFT: time.Second}, StreamResult{}, 0, false},
		{"one token: no tpot to hold", &dsl.SLO{TPOT: time.Millisecond}, StreamResult{HasTTFT: true}, 0, true},
		{"tpot missed", &dsl.SLO{TPOT: time.Millisecond}, StreamResult{HasTTFT: true, HasTPOT: true, TPOT: 2 * time.Millisecond}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := streamTarget(tt.slo)
			sr := tt.sr
			if got := tg.meetsSLO(&Result{Latency: tt.lat, Stream: &sr}); got != tt.want {
				t.Errorf("meetsSLO = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestStreamStallTimesOut: a stream that stops mid-way is cut at the
// target's timeout (class timeout) by both clients, not read forever.
func TestStreamStallTimesOut(t *testing.T) {
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", tls), func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, sseRole+sseChunk("a"))
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			}))
			if tls {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			defer srv.Close()
			tg := newTarget(&dsl.Target{Name: "chat", Method: "POST", URL: srv.URL, Body: []byte(`{}`),
				Timeout: 300 * time.Millisecond, Stream: &dsl.Stream{Format: dsl.StreamOpenAI}}, nil, "test")
			if tls {
				tg.tls = srv.Client().Transport.(*http.Transport).TLSClientConfig
			}
			c := tg.newClient(1)
			defer c.close()
			r := &Result{Scheduled: time.Now()}
			done := make(chan struct{})
			go func() { tg.do(c, r); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("a stalled stream was not cut at the timeout")
			}
			if r.Class != ClassTimeout {
				t.Errorf("class %q (%s), want timeout", r.Class, r.Err)
			}
		})
	}
}

// cleanEndAtCancel is a transport whose response streams one chunk, then
// stalls until the request is canceled and ends cleanly (io.EOF): a server
// whose handler returns when the client's timeout cancels the request, its
// last chunk read before the connection closes.
type cleanEndAtCancel struct{}

func (cleanEndAtCancel) RoundTrip(req *http.Request) (*http.Response, error) {
	body := &cancelEndBody{first: sseRole + sseChunk("a"), done: req.Context().Done()}
	return &http.Response{StatusCode: 200, Body: body, Request: req}, nil
}

type cancelEndBody struct {
	first string
	done  <-chan struct{} // the request's context, as net/http's transport watches it
	sent  bool
}

func (b *cancelEndBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, b.first), nil
	}
	<-b.done
	return 0, io.EOF
}

func (b *cancelEndBody) Close() error { return nil }

// TestStreamCleanEndPastTimeout: a stream that ends cleanly only because
// the timeout canceled it is a timeout, not a stream cut short (class
// stream), whichever way the deadline reaches the body.
func TestStreamCleanEndPastTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tg := newTarget(&dsl.Target{Name: "chat", Method: "POST", URL: "https://127.0.0.1:1/", Body: []byte(`{}`),
			Timeout: 300 * time.Millisecond, Stream: &dsl.Stream{Format: dsl.StreamOpenAI}}, nil, "test")
		c := &stdClient{tg: tg, c: &http.Client{Transport: cleanEndAtCancel{}, Timeout: tg.timeout()}}
		r := &Result{Scheduled: time.Now()}
		tg.do(c, r)
		if r.Class != ClassTimeout {
			t.Errorf("class %q (%s), want timeout", r.Class, r.Err)
		}
		if r.SendLatency != 300*time.Millisecond {
			t.Errorf("send latency %v, want the timeout, 300ms", r.SendLatency)
		}
	})
}

// TestLiveStreamSecond: the console's last second holds the median time to
// first token (within the live histogram's 1 %) and the output tokens of
// the streams that ended ok in it, and starts afresh after each take.
func TestLiveStreamSecond(t *testing.T) {
	l := newLiveStats()
	for i, ttft := range []time.Duration{100, 200, 300} {
		l.add(&Result{Latency: time.Second, Stream: &StreamResult{TTFT: ttft * time.Millisecond, HasTTFT: true, OutputTokens: int64(10 * (i + 1))}})
	}
	l.add(&Result{Class: ClassStream, Stream: &StreamResult{TTFT: time.Second, HasTTFT: true, OutputTokens: 99}}) // failed: not counted
	s := l.take()
	if s.ttftP50 == nil || math.Abs(*s.ttftP50-200) > 2 || s.tokens != 60 || s.completed != 4 || s.errors != 1 {
		t.Errorf("second %+v (ttft p50 %v), want ttft p50 200 ms, 60 tokens, 4 completed, 1 error", s, deref(s.ttftP50))
	}
	if s := l.take(); s.ttftP50 != nil || s.tokens != 0 || s.completed != 0 {
		t.Errorf("next second %+v, want empty", s)
	}
}
