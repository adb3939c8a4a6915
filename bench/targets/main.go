// Command targets is the benchmark's loopback target server: /fast answers
// at once, /slow after 50 ms, and /count reports (and with ?reset=1 zeroes)
// how many load requests it served, so every tool's throughput is counted
// by the same independent party. /stream serves an OpenAI-style token
// stream on the schedule in its query, and /stream/records hands over (and
// forgets) the TTFT and TPOT each stream emitted (internal/stream/streamtest).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/harness-gpu/harness/internal/stream/streamtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "listen address (loopback only)")
	arrivals := flag.Bool("arrivals", false, "time requests by the kernel's receive time, so that /stream's records start at a request's arrival (bench/streams.sh)")
	flag.Parse()
	var served atomic.Int64
	body := []byte(`{"ok":true,"inference_time_ms":4.2}`)
	mux := http.NewServeMux()
	mux.HandleFunc("/fast", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		t := time.NewTimer(50 * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		n := served.Load()
		if r.URL.Query().Get("reset") == "1" {
			served.Store(0)
		}
		_, _ = fmt.Fprintln(w, strconv.FormatInt(n, 10))
	})
	streams := &streamtest.Server{}
	mux.Handle("/stream", streams)
	mux.HandleFunc("/stream/records", streams.RecordsHandler)
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second, ConnContext: streams.ConnContext}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	listen := func(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }
	if *arrivals {
		listen = streamtest.Listen
	}
	ln, err := listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
