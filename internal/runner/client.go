package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/harness-gpu/harness/internal/arrival"
)

// client is one sender's way to a target: a closed-model user's own
// connection, or the open model's pool shared by every arrival.
type client interface {
	// exchange sends the target's request and reads the response to the
	// end, so the connection can be reused. It returns the status and the
	// body bytes read; when keep is not nil it also holds the first keepCap
	// bytes of the body, for extraction.
	exchange(keep *bytes.Buffer) (status int, bytesIn int64, err error)
	// close closes the idle connections.
	close()
}

// idleTimeout is how long an idle keep-alive connection is kept, as
// net/http's default transport does: a user paced at 10 s keeps its one.
const idleTimeout = 90 * time.Second

// newClient makes a client of the target's own: a plain-http target gets a
// fasthttp client, which writes the request and reads the response on the
// sender's goroutine (net/http hands each exchange to two goroutines per
// connection, which at 50 users flat out costs half the throughput and most
// of the tail latency); https keeps net/http for its TLS handshake and
// HTTP/2. A kserve block over REST wraps either (kserveRESTClient); over
// gRPC it has a client of its own. maxConns bounds the connections: 1 for a
// closed-model user, the step's max_in_flight for the open model.
func (tg *target) newClient(maxConns int) client {
	if tg.grpcReq != nil {
		return tg.newGRPCClient(maxConns)
	}
	var c client
	if tg.reqErr == nil && tg.req.URL.Scheme == "http" {
		c = tg.newFastClient(maxConns)
	} else {
		c = tg.newStdClient(maxConns)
	}
	if tg.t.KServe != nil {
		return kserveRESTClient{c}
	}
	return c
}

// newStdClient is a net/http client of its own transport. Like the fasthttp
// client it does not follow redirects: a 3xx is the response measured.
func (tg *target) newStdClient(maxConns int) *stdClient {
	return &stdClient{tg: tg, shared: maxConns > 1, c: &http.Client{
		Transport:     tg.newTransport(maxConns),
		Timeout:       tg.timeout(),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// stdClient is the net/http client, for https targets (and a target whose
// URL can't make a request: its every send fails with that error).
type stdClient struct {
	tg *target
	c  *http.Client // Timeout bounds each exchange, body included
	// shared: the open model's pool, whose HTTP/2 connection carries
	// several requests' streams at once.
	shared bool
}

func (s *stdClient) exchange(keep *bytes.Buffer) (int, int64, error) {
	resp, err := s.send(context.Background())
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := readBody(resp.Body, keep)
	return resp.StatusCode, n, err
}

// send sends a copy of the target's request with ctx. The copy is shallow
// (WithContext): the client sets its deadline on it, and the header map is
// only read (the RoundTripper contract). ctx is never the run's: a request in
// flight when the run stops is let finish within the target timeout.
func (s *stdClient) send(ctx context.Context) (*http.Response, error) {
	tg := s.tg
	if tg.reqErr != nil {
		return nil, tg.reqErr
	}
	req := tg.req.WithContext(ctx)
	if req.GetBody != nil {
		req.Body, _ = req.GetBody()
	}
	return s.c.Do(req)
}

func (s *stdClient) close() { s.c.CloseIdleConnections() }

// newTransport is a transport of its own, as a separate client would have.
// maxConns bounds the idle connections kept (1 for a closed-model user).
// HTTP/2 is attempted only for https URLs, where a TLS server can offer it
// in ALPN. The 2 KiB buffers (net/http's default is 4 KiB) hold any request
// line and headers a scenario sends; bigger bodies and header blocks still go
// through, in more read/write calls.
func (tg *target) newTransport(maxConns int) *http.Transport {
	dial := tg.dialer.DialContext
	if tg.t.Stream != nil {
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := tg.dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return streamConn{arrival.WrapConn(c)}, nil
		}
	}
	return &http.Transport{
		Proxy:               nil, // load goes where the scenario says, never via a proxy
		DialContext:         dial,
		TLSClientConfig:     tg.tls,
		ForceAttemptHTTP2:   tg.reqErr == nil && tg.req.URL.Scheme == "https",
		MaxIdleConns:        maxConns,
		MaxIdleConnsPerHost: maxConns,
		IdleConnTimeout:     idleTimeout,
		TLSHandshakeTimeout: tg.timeout(),
		DisableCompression:  true, // measure the bytes the server sends
		WriteBufferSize:     2 << 10,
		ReadBufferSize:      2 << 10,
	}
}

// fastClient is a fasthttp HostClient for a plain-http target. Requests and
// responses are pooled per client, each request a copy of the target's
// template made once; a response body is streamed, so a large one is read
// through rather than held.
type fastClient struct {
	tg    *target
	hc    *fasthttp.HostClient
	pairs sync.Pool // *fastPair
}

type fastPair struct {
	req  fasthttp.Request
	resp fasthttp.Response
}

func (tg *target) newFastClient(maxConns int) *fastClient {
	u := tg.req.URL
	fc := &fastClient{tg: tg, hc: &fasthttp.HostClient{
		Addr: fasthttp.AddMissingPort(u.Host, false),
		// The target's dialer, bounded by what is left of the request's timeout.
		DialTimeout: func(addr string, timeout time.Duration) (net.Conn, error) {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			conn, err := tg.dialer.DialContext(ctx, "tcp", addr)
			if err != nil {
				return nil, err
			}
			tc := newTrackedConn(conn)
			if tg.t.Stream != nil {
				tc.arrivals = arrival.New(conn)
			}
			return tc, nil
		},
		MaxConns: max(maxConns, 1),
		// A response's header block must fit in the read buffer (fasthttp
		// refuses a longer one with "small read buffer"); 8 KiB is what nginx
		// and most servers allow by default, twice fasthttp's default.
		ReadBufferSize:      8 << 10,
		MaxIdleConnDuration: idleTimeout,
		// The URL goes out as written (no path normalization), as net/http
		// sends it.
		DisablePathNormalizing: true,
		StreamResponseBody:     true,
		// fasthttp's RetryIfErr sees the request and the error but not the
		// connection, which decides whether a retry is safe: retryTransport
		// decides, RetryIfErr only follows it. Each attempt but the last
		// can meet one stale idle connection of the pool.
		Transport:                 retryTransport{replayable: tg.replayable()},
		RetryIfErr:                func(*fasthttp.Request, int, error) (bool, bool) { return false, true },
		MaxIdemponentCallAttempts: max(maxConns, 1) + 1,
	}}
	fc.pairs.New = func() any {
		p := new(fastPair)
		tg.copyRequest(&p.req)
		return p
	}
	return fc
}

// copyRequest fills req with the target's method, URL, headers and body.
func (tg *target) copyRequest(req *fasthttp.Request) {
	req.SetRequestURI(tg.req.URL.String())
	req.Header.SetMethod(tg.req.Method)
	req.Header.SetNoDefaultContentType(true) // as net/http: none unless the scenario sets one
	for k, vs := range tg.req.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if tg.req.Host != "" && tg.req.Host != tg.req.URL.Host {
		req.Header.SetHost(tg.req.Host)
		req.UseHostHeader = true
	}
	if tg.t.Body != nil {
		req.SetBodyRaw(tg.t.Body)
	}
}

// replayable reports whether net/http would send the target's request again
// after a failure: GET, HEAD, OPTIONS and TRACE, or any method with an
// Idempotency-Key or X-Idempotency-Key header (PUT and DELETE, idempotent
// as they are, are not retried by net/http, so neither are they here).
func (tg *target) replayable() bool {
	if tg.reqErr != nil {
		return false
	}
	switch tg.req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	_, key := tg.req.Header["Idempotency-Key"]
	_, xkey := tg.req.Header["X-Idempotency-Key"]
	return key || xkey
}

// retryTransport is fasthttp's own transport, deciding as net/http's
// Transport does whether a request that failed may be sent again: only on
// a reused keep-alive connection (a fresh one the server hung up on has
// answered), only when no byte of the response came back, and only when
// the request is replayable or provably never reached the server (nothing
// of it was written). Anything else would hide a failure, or send a POST
// twice.
type retryTransport struct{ replayable bool }

func (t retryTransport) RoundTrip(hc *fasthttp.HostClient, req *fasthttp.Request, resp *fasthttp.Response) (bool, error) {
	_, err := fasthttp.DefaultTransport.RoundTrip(hc, req, resp)
	if err == nil {
		return false, nil
	}
	// The connection's LocalAddr, which fasthttp keeps on the response; not
	// there when the dial failed.
	a, ok := resp.LocalAddr().(trackedAddr)
	if !ok {
		return false, err
	}
	c := a.c
	return c.reused && c.read == 0 && (c.wrote == 0 || t.replayable), err
}

// errIdleClosed is a request not sent because the server had closed its
// keep-alive connection while it sat idle. net/http notices that on a
// reader of its own and never picks such a connection; fasthttp has none,
// so trackedConn looks before writing.
var errIdleClosed = fmt.Errorf("the server closed the idle keep-alive connection: %w", io.EOF)

// trackedConn is a fasthttp connection that counts what the current
// exchange did with it: whether it is reused and how many bytes went each
// way, which decide a retry. An exchange is one request written and its
// response read (fasthttp does not pipeline), so a write after a read
// begins the next one. Only the goroutine of the exchange touches it.
type trackedConn struct {
	net.Conn
	addr            net.Addr // LocalAddr's answer, boxed once: fasthttp asks on every response
	peer            *peerCheck
	arrivals        arrival.Reader // a stream target's reads, where the kernel tells arrival times
	reused, reading bool
	wrote, read     int64
}

func newTrackedConn(conn net.Conn) *trackedConn {
	c := &trackedConn{Conn: conn, peer: newPeerCheck(conn)}
	c.addr = trackedAddr{conn.LocalAddr(), c}
	return c
}

// testHookBeforeRead, when set, runs before each read of a connection: a
// test makes the reader late with it. Atomic: net/http reads an idle
// connection on a goroutine of its own, which outlives a test.
var testHookBeforeRead atomic.Pointer[func()]

func beforeRead() {
	if h := testHookBeforeRead.Load(); h != nil {
		(*h)()
	}
}

// streamConn is a net/http connection of a stream target, read through
// arrival (kernel receive times) as trackedConn is for fasthttp.
type streamConn struct{ *arrival.Conn }

func (c streamConn) Read(p []byte) (int, error) {
	beforeRead()
	return c.Conn.Read(p)
}

// clock is when the bytes the last read returned arrived, for a stream's
// meter: the kernel's time where the connection keeps one, the time now
// otherwise. It is called right after the read.
func (c *trackedConn) clock() time.Time {
	if c != nil && c.arrivals != nil {
		if at, ok := c.arrivals.Arrival(); ok {
			return at
		}
	}
	return time.Now()
}

func (c *trackedConn) Write(b []byte) (int, error) {
	if c.reading {
		c.reused, c.reading, c.wrote, c.read = true, false, 0, 0
		if c.peer.peerClosed() {
			return 0, errIdleClosed
		}
		if c.arrivals != nil {
			c.arrivals.Forget()
		}
	}
	n, err := c.Conn.Write(b)
	c.wrote += int64(n)
	return n, err
}

func (c *trackedConn) Read(b []byte) (int, error) {
	c.reading = true
	beforeRead()
	var n int
	var err error
	if c.arrivals != nil {
		n, err = c.arrivals.Read(b)
	} else {
		n, err = c.Conn.Read(b)
	}
	c.read += int64(n)
	return n, err
}

// LocalAddr carries the connection along, for retryTransport to find it on
// the response.
func (c *trackedConn) LocalAddr() net.Addr { return c.addr }

type trackedAddr struct {
	net.Addr
	c *trackedConn
}

func (fc *fastClient) exchange(keep *bytes.Buffer) (int, int64, error) {
	return fc.send(func(_ int, body io.Reader, _ *trackedConn) (int64, error) { return readBody(body, keep) })
}

// send sends the target's request and hands the response's status and
// body to read, which reads the body to the end; a response without a body
// (HEAD, 1xx, 204, 304) comes as an empty one. conn is the connection the
// response came on (nil if unknown).
func (fc *fastClient) send(read func(status int, body io.Reader, conn *trackedConn) (int64, error)) (int, int64, error) {
	p := fc.pairs.Get().(*fastPair)
	defer fc.pairs.Put(p)
	if err := fc.hc.DoTimeout(&p.req, &p.resp, fc.tg.timeout()); err != nil {
		return 0, 0, err
	}
	status := p.resp.StatusCode()
	a, _ := p.resp.LocalAddr().(trackedAddr)
	body := p.resp.BodyStream()
	if body == nil {
		n, err := read(status, http.NoBody, a.c)
		return status, n, err
	}
	n, err := read(status, body, a.c)
	if cerr := p.resp.CloseBodyStream(); err == nil && cerr != nil {
		err = cerr
	}
	return status, n, err
}

func (fc *fastClient) close() { fc.hc.CloseIdleConnections() }

// readBody reads body to the end, keeping its first keepCap bytes in keep
// when keep is not nil, and returns the bytes read.
func readBody(body io.Reader, keep *bytes.Buffer) (int64, error) {
	if keep == nil {
		return io.Copy(io.Discard, body)
	}
	n, err := io.Copy(keep, io.LimitReader(body, keepCap))
	if err != nil {
		return n, err
	}
	rest, err := io.Copy(io.Discard, body)
	return n + rest, err
}
