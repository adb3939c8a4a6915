package runner

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// scheduleServer streams, to every request, a role chunk at once, the
// first token after first and one token every every, tokens in all, then
// usage and [DONE]. It knows its own schedule: it records, per request,
// the TTFT and TPOT it emitted (from reading the request to writing the
// first token; from the first to the last token over tokens-1), which the
// client's measurements are compared against.
type scheduleServer struct {
	first, every time.Duration
	tokens       int

	mu         sync.Mutex
	ttft, tpot []time.Duration
}

func (s *scheduleServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	_, _ = io.WriteString(w, sseRole)
	fl.Flush()
	t := time.NewTimer(s.first)
	defer t.Stop()
	var firstAt, lastAt time.Time
	for i := range s.tokens {
		<-t.C
		t.Reset(s.every)
		_, _ = io.WriteString(w, sseChunk("t"))
		fl.Flush()
		lastAt = time.Now()
		if i == 0 {
			firstAt = lastAt
		}
	}
	_, _ = fmt.Fprintf(w, `data: {"choices":[],"usage":{"prompt_tokens":8,"completion_tokens":%d,"total_tokens":%d}}`+"\n\n"+sseDone, s.tokens, s.tokens+8)
	fl.Flush()
	s.mu.Lock()
	s.ttft = append(s.ttft, firstAt.Sub(start))
	s.tpot = append(s.tpot, lastAt.Sub(firstAt)/time.Duration(s.tokens-1))
	s.mu.Unlock()
}

func meanOf(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(max(1, len(ds)))
}

// peakRSS is the process's peak resident set (VmHWM), in MiB; 0 where
// /proc is not there.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkStreams runs STREAMS (default 2000) concurrent streams of
// 1 token every 20 ms (50 tokens, first after 50 ms) from a loopback server,
// each through its own user's fasthttp client and meter, and reports how
// far the measured mean TTFT and TPOT are from what the server emitted, and
// the peak RSS. Each b.N iteration is one round of every stream, after one
// round that opens the connections.
//
//	STREAMS=2000 go test -run XXX -bench Streams -benchtime 3x ./internal/runner
func BenchmarkStreams(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("STREAMS")); err == nil && v > 0 {
		n = v
	}
	srv := &scheduleServer{first: 50 * time.Millisecond, every: 20 * time.Millisecond, tokens: 50}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: srv}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	tg := newTarget(&dsl.Target{Name: "s", Method: "POST", URL: "http://" + ln.Addr().String() + "/v1/chat/completions",
		Body: []byte(`{}`), Timeout: 30 * time.Second, Stream: &dsl.Stream{Format: dsl.StreamOpenAI}}, nil, "bench")
	clients := make([]client, n)
	for i := range clients {
		clients[i] = tg.newClient(1)
		defer clients[i].close()
	}
	var mu sync.Mutex
	var ttft, tpot []time.Duration
	failed := 0
	// One round: the streams start spread evenly over one token interval,
	// as independent users' streams are, not all in the same instant.
	round := func(record bool) {
		var wg sync.WaitGroup
		start := time.Now()
		for i, c := range clients {
			wg.Go(func() {
				time.Sleep(time.Until(start.Add(srv.every * time.Duration(i) / time.Duration(n))))
				r := &Result{Scheduled: time.Now()}
				tg.do(c, r)
				if !record {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if !r.OK() || !r.Stream.HasTPOT {
					failed++
					return
				}
				ttft, tpot = append(ttft, r.Stream.TTFT), append(tpot, r.Stream.TPOT)
			})
		}
		wg.Wait()
	}
	round(false) // connections dialled; the server's records of it dropped below
	srv.mu.Lock()
	srv.ttft, srv.tpot = nil, nil
	srv.mu.Unlock()
	b.ResetTimer()
	for range b.N {
		round(true)
	}
	b.StopTimer()
	srv.mu.Lock()
	dTTFT, dTPOT := meanOf(ttft)-meanOf(srv.ttft), meanOf(tpot)-meanOf(srv.tpot)
	srv.mu.Unlock()
	b.ReportMetric(float64(n), "streams")
	b.ReportMetric(float64(failed), "failed")
	b.ReportMetric(float64(dTTFT)/1e6, "ttft-err-ms")
	b.ReportMetric(float64(dTPOT)/1e6, "tpot-err-ms")
	b.ReportMetric(float64(meanOf(ttft))/1e6, "ttft-ms")
	b.ReportMetric(float64(meanOf(tpot))/1e6, "tpot-ms")
	b.ReportMetric(peakRSS(), "peak-rss-MiB")
}

// BenchmarkStreamClients is one short streamed exchange (five chunks and
// [DONE]) on a kept-alive loopback connection, through the meter and the
// target's bookkeeping, on each client: the per-request cost of the stream
// path, apart from the server's pacing.
//
//	go test -run XXX -bench StreamClients -benchmem ./internal/runner
func BenchmarkStreamClients(b *testing.B) {
	body := sseRole + sseChunk("a") + sseChunk("b") + sseChunk("c") + sseChunk("d") + "data: [DONE]\n\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, body)
	}))
	defer srv.Close()
	for _, kind := range clientKinds {
		b.Run(kind.name, func(b *testing.B) {
			tg := newTarget(&dsl.Target{Name: "s", Method: "POST", URL: srv.URL, Body: []byte(`{}`),
				Timeout: 5 * time.Second, Stream: &dsl.Stream{Format: dsl.StreamOpenAI}}, nil, "bench")
			c := kind.make(tg, 1)
			defer c.close()
			var r Result
			b.ReportAllocs()
			for b.Loop() {
				r.Scheduled = time.Now()
				tg.do(c, &r)
				if r.Class != "" {
					b.Fatal(r.Err)
				}
			}
		})
	}
}
