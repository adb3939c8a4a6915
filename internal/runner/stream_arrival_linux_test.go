package runner

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// lateStream serves the role chunk at once and then tokens, each `every`
// after the one before from 20 ms on, and [DONE] well after, over plain
// http, https or HTTP/2 (proto); the client's first read after the role
// chunk was written waits until the last token has been written and then
// `late` more, as a sender behind a thousand others would. It returns the
// request and the times the server wrote each token, on this process's
// clock.
func lateStream(t *testing.T, proto string, tokens int, every, late time.Duration) (Result, []time.Time) {
	t.Helper()
	var roleWritten atomic.Bool
	var protoMajor atomic.Int32
	written := make(chan []time.Time, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protoMajor.Store(int32(r.ProtoMajor))
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		_, _ = io.WriteString(w, sseRole)
		fl.Flush()
		roleWritten.Store(true)
		time.Sleep(20 * time.Millisecond)
		var at []time.Time
		for i := range tokens {
			if i > 0 {
				time.Sleep(every)
			}
			_, _ = io.WriteString(w, sseChunk("t"))
			fl.Flush()
			at = append(at, time.Now())
		}
		written <- at
		time.Sleep(4 * late) // [DONE] well after the late read
		_, _ = io.WriteString(w, sseDone)
	}))
	switch proto {
	case "http":
		srv.Start()
	case "h2":
		srv.EnableHTTP2 = true
		fallthrough
	default:
		srv.StartTLS()
	}
	defer srv.Close()
	tg := newTarget(&dsl.Target{Name: "chat", Method: "POST", URL: srv.URL, Body: []byte(`{}`),
		Timeout: 5 * time.Second, Stream: &dsl.Stream{Format: dsl.StreamOpenAI}}, nil, "test")
	if proto != "http" {
		tg.tls = srv.Client().Transport.(*http.Transport).TLSClientConfig
	}
	c := tg.newClient(1)
	defer c.close()
	var delayed atomic.Bool
	var at []time.Time
	hook := func() {
		if roleWritten.Load() && delayed.CompareAndSwap(false, true) {
			at = <-written
			time.Sleep(time.Until(at[len(at)-1].Add(late)))
		}
	}
	testHookBeforeRead.Store(&hook)
	defer testHookBeforeRead.Store(nil)
	var r Result
	r.Scheduled = time.Now()
	tg.do(c, &r)
	if !r.OK() || !r.Stream.HasTTFT {
		t.Fatalf("request failed: %s %s", r.Class, r.Err)
	}
	if !delayed.Load() {
		t.Fatal("no read waited: the stream was not read through the arrival reader")
	}
	if want := map[string]int32{"http": 1, "https": 1, "h2": 2}[proto]; protoMajor.Load() != want {
		t.Fatalf("%s: the server saw HTTP/%d", proto, protoMajor.Load())
	}
	return r, at
}

// TestStreamTimesChunksWhenTheyArrive: a stream target's reader that gets
// to its first token late still times it when its bytes arrived, from the
// kernel's receive timestamp, not when it read them; and tokens read late
// together are timed at the last one's arrival (the kernel merges packets
// waiting in a socket), not at the read.
func TestStreamTimesChunksWhenTheyArrive(t *testing.T) {
	const late = 15 * time.Millisecond
	// The kernel stamps a packet inside the server's write, so a little
	// before the server's own reading after it.
	near := func(t *testing.T, what string, got, want time.Time) {
		t.Helper()
		if d := got.Sub(want); d < -late/3 || d > late/3 {
			t.Errorf("%s timed %v after the server wrote it, want within ±%v (read %v after the last token)", what, d, late/3, late)
		}
	}
	for _, proto := range []string{"http", "https", "h2"} {
		t.Run(proto+"/one waiting", func(t *testing.T) {
			r, at := lateStream(t, proto, 1, 0, late)
			near(t, "first token", r.Start.Add(r.Stream.TTFT), at[0])
		})
	}
	t.Run("http/two waiting", func(t *testing.T) {
		r, at := lateStream(t, "http", 2, 2*late, late)
		near(t, "first token", r.Start.Add(r.Stream.TTFT), at[1])
		if len(r.Stream.Gaps) != 1 {
			t.Fatalf("gaps %v, want one", r.Stream.Gaps)
		}
		near(t, "second token", r.Start.Add(r.Stream.TTFT+r.Stream.Gaps[0]), at[1])
	})
}
