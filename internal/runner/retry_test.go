package runner

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// faultMode is how a faultServer treats the requests it reads.
type faultMode int

const (
	// dropReused answers the first request on each connection (keep-alive)
	// and closes the connection without a word on the second: every
	// dropped request went out on a reused connection.
	dropReused faultMode = iota
	// dropFresh answers with "Connection: close", so every request goes
	// out on a new connection, and closes without a word on every other one.
	dropFresh
	// closeIdle answers every request keep-alive, then closes the
	// connection while it is idle (a short keep-alive timeout).
	closeIdle
)

// faultServer is a raw HTTP/1.1 server on 127.0.0.1: it reads each request
// whole (so closing never resets unread data) and then answers it or closes
// the connection, as its mode says.
type faultServer struct {
	url      string
	mode     faultMode
	received atomic.Int64
	idle     chan struct{} // closeIdle: a value each time a connection was closed
}

func newFaultServer(t *testing.T, mode faultMode) *faultServer {
	t.Helper()
	ln := listen(t)
	s := &faultServer{url: "http://" + ln.Addr().String() + "/", mode: mode, idle: make(chan struct{}, 100)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *faultServer) serve(conn net.Conn) {
	defer conn.Close()
	br := bufio.NewReader(conn)
	for onConn := 1; ; onConn++ {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
		n := s.received.Add(1)
		const ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
		switch s.mode {
		case dropReused:
			if onConn == 2 {
				return
			}
			_, _ = io.WriteString(conn, ok+"\r\nok")
		case dropFresh:
			if n%2 == 0 {
				return
			}
			_, _ = io.WriteString(conn, ok+"Connection: close\r\n\r\nok")
			return
		case closeIdle:
			_, _ = io.WriteString(conn, ok+"\r\nok")
			conn.Close()
			s.idle <- struct{}{}
			return
		}
	}
}

// A request that failed is sent again only as net/http does it: on a reused
// keep-alive connection, when no byte of the response came back, and when
// the request is replayable (GET, HEAD, OPTIONS, TRACE, or one carrying an
// Idempotency-Key) or provably never reached the server (the connection was
// found closed before it was written). Both clients must give the same
// counts for the same fault: a POST the server dropped is a failure, never
// a second POST.
func TestClientsRetryOnlyWhatNetHTTPRetries(t *testing.T) {
	const n = 10
	idemKey := func(t *dsl.Target) {
		t.Method = "POST"
		t.Body = []byte(`{"x":1}`)
		t.Headers = map[string]string{"Idempotency-Key": "k1"}
	}
	post := func(t *dsl.Target) { t.Method = "POST"; t.Body = []byte(`{"x":1}`) }
	put := func(t *dsl.Target) { t.Method = "PUT"; t.Body = []byte(`{"x":1}`) }
	cases := []struct {
		name             string
		mode             faultMode
		mod              func(*dsl.Target)
		ok, failed, recv int64
	}{
		// Each dropped request is retried once on a new connection, whose
		// second request is dropped in turn: 1 + 2×9 received.
		{"reused/GET", dropReused, nil, 10, 0, 19},
		{"reused/POST", dropReused, post, 5, 5, 10},
		{"reused/PUT", dropReused, put, 5, 5, 10},
		{"reused/POST+Idempotency-Key", dropReused, idemKey, 10, 0, 19},
		// A fresh connection is never retried: the server did hang up on it.
		{"fresh/GET", dropFresh, nil, 5, 5, 10},
		{"fresh/POST", dropFresh, post, 5, 5, 10},
		// A connection closed while idle is noticed before the request is
		// written, so even a POST goes out once, on a new connection.
		{"idle/POST", closeIdle, post, 10, 0, 10},
		{"idle/GET", closeIdle, nil, 10, 0, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, kind := range clientKinds {
				t.Run(kind.name, func(t *testing.T) {
					srv := newFaultServer(t, tc.mode)
					c := kind.make(testTarget(srv.url, tc.mod), 1)
					defer c.close()
					var ok, failed int64
					for i := 0; i < n; i++ {
						status, _, err := c.exchange(nil)
						switch {
						case err == nil && status == 200:
							ok++
						case err != nil && classify(err) == ClassReset:
							failed++
						default:
							t.Fatalf("exchange %d: status %d, %v (class %q), want 200 or a reset", i, status, err, classify(err))
						}
						if tc.mode == closeIdle && err == nil {
							select {
							case <-srv.idle:
							case <-time.After(5 * time.Second):
								t.Fatal("the server did not close the connection")
							}
							// net/http notices the close on its idle reader,
							// a goroutine of its own: let it run.
							time.Sleep(20 * time.Millisecond)
						}
					}
					if recv := srv.received.Load(); ok != tc.ok || failed != tc.failed || recv != tc.recv {
						t.Errorf("%d ok, %d failed, server received %d; want %d ok, %d failed, %d received",
							ok, failed, recv, tc.ok, tc.failed, tc.recv)
					}
				})
			}
		})
	}
}

// The stale-connection look before each request on a reused connection
// allocates nothing: it is on every plain-http request's path.
func TestPeerCheckDoesNotAllocate(t *testing.T) {
	ln := listen(t)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			_, _ = io.Copy(io.Discard, c)
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := newTrackedConn(conn)
	msg := []byte("x")
	allocs := testing.AllocsPerRun(100, func() {
		c.reading = true // the previous exchange read its response: this write begins a reused one
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per write on a reused connection, want 0", allocs)
	}
}

// A tracked connection's LocalAddr, which fasthttp asks for on every
// response, allocates nothing and carries the connection for retryTransport.
func TestTrackedLocalAddrDoesNotAllocate(t *testing.T) {
	ln := listen(t)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_ = c.Close()
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := newTrackedConn(conn)
	var a net.Addr
	allocs := testing.AllocsPerRun(100, func() { a = c.LocalAddr() })
	if allocs != 0 {
		t.Errorf("%v allocations per LocalAddr, want 0", allocs)
	}
	if ta, ok := a.(trackedAddr); !ok || ta.c != c || ta.String() != conn.LocalAddr().String() {
		t.Errorf("LocalAddr %#v, want the connection's address carrying it", a)
	}
}
