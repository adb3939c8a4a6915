package runner

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/stream/streamtest"
)

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
// 1 token every 20 ms (50 tokens, the first after 50 ms: about 1.03 s a
// stream), each through its own user's fasthttp client and meter as `harness
// run` reads a stream target, from a server that knows its schedule
// (streamtest), and reports how far the measured TTFT and TPOT are from
// what the server emitted (the means, and the 99th percentiles, of the same
// streams) and the peak RSS of the process.
//
// The server is in this process unless STREAM_TARGET names a bench/targets
// server's base URL (another process, on other cores: see bench/streams.sh).
//
// It runs with GOMAXPROCS raised as harness run raises it for a stream
// target (MinStreamProcs), unless GOMAXPROCS is set.
//
// Sub-benchmarks: "steady" is every user streaming back to back, their
// starts spread evenly over one stream's length as a ramped closed model
// holds them (about 1,940 stream starts a second, STREAMS open at every
// moment); "burst" starts every user's stream within one 20 ms token
// interval (100,000 starts a second), which loads the server's accept and
// request path as much as the client. Each b.N iteration is STREAM_ROUNDS
// (default 3) streams per user; each user's first stream, which dials its
// connection, is counted by neither side.
//
//	STREAMS=2000 go test -run XXX -bench Streams -benchtime 1x ./internal/runner
func BenchmarkStreams(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("STREAMS")); err == nil && v > 0 {
		n = v
	}
	rounds := 3
	if v, err := strconv.Atoi(os.Getenv("STREAM_ROUNDS")); err == nil && v > 1 {
		rounds = v
	}
	sched := streamtest.Schedule{First: 50 * time.Millisecond, Every: 20 * time.Millisecond, Tokens: 50}
	base := os.Getenv("STREAM_TARGET")
	var srv *streamtest.Server
	if base == "" {
		srv = &streamtest.Server{}
		ln, err := streamtest.Listen("127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("/stream", srv)
		hs := &http.Server{Handler: mux, ConnContext: srv.ConnContext}
		go func() { _ = hs.Serve(ln) }()
		defer hs.Close()
		base = "http://" + ln.Addr().String()
	}
	emitted := func() streamtest.Records {
		if srv != nil {
			return srv.Take()
		}
		resp, err := http.Get(base + "/stream/records")
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var rec streamtest.Records
		if err := json.NewDecoder(resp.Body).Decode(&rec); err != nil {
			b.Fatal(err)
		}
		return rec
	}
	for _, mode := range []struct {
		name   string
		spread time.Duration
	}{{"steady", sched.Length()}, {"burst", sched.Every}} {
		b.Run(mode.name, func(b *testing.B) {
			// As harness run does for a stream target (MinStreamProcs); in
			// the sub-benchmark, since testing sets GOMAXPROCS for each.
			defer ProcsForStreams(&dsl.Scenario{Targets: []*dsl.Target{{Stream: &dsl.Stream{}}}}, os.Getenv("GOMAXPROCS") != "")()
			for range b.N {
				emitted()
				ttft, tpot, sent, failed := streamRound(b, base+"/stream?"+sched.Query(), n, rounds, mode.spread)
				em := emitted()
				if len(em.TTFT) != len(ttft) {
					b.Errorf("the server emitted %d streams past each connection's first, the client measured %d (%d failed)", len(em.TTFT), len(ttft), failed)
				}
				ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
				b.ReportMetric(float64(n), "streams")
				b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "gomaxprocs")
				b.ReportMetric(float64(failed), "failed")
				b.ReportMetric(ms(meanOf(ttft)-meanOf(em.TTFT)), "ttft-err-ms")
				b.ReportMetric(ms(quantile(ttft, 0.99)-quantile(em.TTFT, 0.99)), "ttft-p99-err-ms")
				b.ReportMetric(ms(meanOf(tpot)-meanOf(em.TPOT)), "tpot-err-ms")
				b.ReportMetric(ms(quantile(tpot, 0.99)-quantile(em.TPOT, 0.99)), "tpot-p99-err-ms")
				b.ReportMetric(ms(meanOf(ttft)), "ttft-ms")
				b.ReportMetric(ms(meanOf(tpot)), "tpot-ms")
				b.ReportMetric(peakRSS(), "peak-rss-MiB")
				// Where the TTFT error lies (the wall clocks of one host):
				// the request reaching the server's handler later than the
				// client began it, and the first token read later than the
				// server wrote it.
				var cStart, cFirst, sStart, sFirst float64
				for i := range sent {
					cStart += float64(sent[i].UnixNano()) - float64(em.Start[0])
					cFirst += float64(sent[i].Add(ttft[i]).UnixNano()) - float64(em.Start[0])
				}
				for i := range em.Start {
					sStart += float64(em.Start[i] - em.Start[0])
					sFirst += float64(em.First[i] - em.Start[0])
				}
				if len(sent) > 0 && len(sent) == len(em.Start) {
					k := float64(len(sent)) * 1e6
					b.ReportMetric((sStart-cStart)/k, "ttft-err-request-ms")
					b.ReportMetric((cFirst-sFirst)/k, "ttft-err-first-token-ms")
				}
			}
		})
	}
}

// streamRound runs n users, each starting at its share of spread and then
// streaming rounds times back to back from url, and returns the TTFT, TPOT
// and send time of every stream but each user's first, and how many of
// those failed.
func streamRound(b *testing.B, url string, n, rounds int, spread time.Duration) (ttft, tpot []time.Duration, sent []time.Time, failed int) {
	tg := newTarget(&dsl.Target{Name: "s", Method: "POST", URL: url,
		Body: []byte(`{}`), Timeout: 30 * time.Second, Stream: &dsl.Stream{Format: dsl.StreamOpenAI}}, nil, "bench")
	if tg.reqErr != nil {
		b.Fatal(tg.reqErr)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			c := tg.newClient(1)
			defer c.close()
			time.Sleep(time.Until(start.Add(spread * time.Duration(i) / time.Duration(n))))
			r := &Result{}
			for k := range rounds {
				r.Scheduled = time.Now()
				tg.do(c, r)
				if k == 0 {
					continue // dialled its connection; the server leaves it out too
				}
				mu.Lock()
				if !r.OK() || !r.Stream.HasTPOT {
					failed++
				} else {
					ttft, tpot, sent = append(ttft, r.Stream.TTFT), append(tpot, r.Stream.TPOT), append(sent, r.Start)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return ttft, tpot, sent, failed
}

func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
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
			benchDo(b, newTarget(&dsl.Target{Name: "s", Method: "POST", URL: srv.URL, Body: []byte(`{}`),
				Timeout: 5 * time.Second, Stream: &dsl.Stream{Format: dsl.StreamOpenAI}}, nil, "bench"), kind.make)
		})
	}
}
