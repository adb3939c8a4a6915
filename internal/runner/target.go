package runner

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// keepCap is how much of a response body is kept for extraction; the rest is
// read and discarded so the connection can be reused.
const keepCap = 1 << 20

// target sends requests to one dsl.Target. It is shared by every sender;
// each closed-model user brings its own *http.Client (its own connection),
// the open model shares one pooled client.
type target struct {
	t       *dsl.Target
	tls     *tls.Config
	req     *http.Request // every request is a copy: URL parsed, headers set once
	reqErr  error         // the method or URL can't make a request: every send fails with it
	expect  map[int]bool  // empty: any 2xx
	extract *extractor
	bufs    sync.Pool // *bytes.Buffer for bodies kept for extraction
	dialer  *net.Dialer
}

func newTarget(t *dsl.Target, cfg *tls.Config) *target {
	tg := &target{t: t, tls: cfg, expect: map[int]bool{}}
	tg.dialer = &net.Dialer{Timeout: tg.timeout(), KeepAlive: 30 * time.Second}
	var body io.Reader
	if t.Body != nil {
		body = bytes.NewReader(t.Body) // gives the template GetBody, which each send calls
	}
	tg.req, tg.reqErr = http.NewRequest(t.Method, t.URL, body)
	if tg.reqErr == nil {
		for k, v := range t.Headers {
			tg.req.Header.Set(k, v)
		}
	}
	for _, s := range t.ExpectStatus {
		tg.expect[s] = true
	}
	if len(t.Extracts) > 0 {
		paths := make([]string, len(t.Extracts))
		for i, e := range t.Extracts {
			paths[i] = e.JSONPath
		}
		tg.extract = newExtractor(paths)
	}
	tg.bufs.New = func() any { return new(bytes.Buffer) }
	return tg
}

// newTransport is a transport of its own, as a separate client would have.
// maxConns bounds the idle connections kept (1 for a closed-model user).
// HTTP/2 is attempted only for https URLs, where a TLS server can offer it
// in ALPN; for plain http the HTTP/2 machinery is left out, since it costs
// each of 10,000 users' transports memory for nothing. The 2 KiB buffers
// (net/http's default is 4 KiB) hold any request line and headers a scenario
// sends and cost the 10,000-user case 40 MiB less; bigger bodies and header
// blocks still go through, in more read/write calls.
func (tg *target) newTransport(maxConns int) *http.Transport {
	return &http.Transport{
		Proxy:               nil, // load goes where the scenario says, never via a proxy
		DialContext:         tg.dialer.DialContext,
		TLSClientConfig:     tg.tls,
		ForceAttemptHTTP2:   tg.reqErr == nil && tg.req.URL.Scheme == "https",
		MaxIdleConns:        maxConns,
		MaxIdleConnsPerHost: maxConns,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: tg.timeout(),
		DisableCompression:  true, // measure the bytes the server sends
		WriteBufferSize:     2 << 10,
		ReadBufferSize:      2 << 10,
	}
}

// newClient is a client of its own transport (see newTransport) whose
// Timeout bounds each request, body included.
func (tg *target) newClient(maxConns int) *http.Client {
	return &http.Client{Transport: tg.newTransport(maxConns), Timeout: tg.timeout()}
}

// timeout is the target's request deadline; dsl fills it in, but a Target
// built in Go (tests, bench) may leave it zero.
func (tg *target) timeout() time.Duration {
	if tg.t.Timeout > 0 {
		return tg.t.Timeout
	}
	return dsl.DefaultTimeout
}

// do sends one request with client (from newClient, whose Timeout bounds
// it) and fills r (Start, SendLatency, Latency from r.Scheduled, Status,
// Class, Err, bytes, Extracts). The request carries no context of the run's:
// one in flight when the run stops is let finish within the target timeout.
func (tg *target) do(client *http.Client, r *Result) {
	r.Status, r.Class, r.Err, r.BytesIn = 0, "", "", 0
	r.BytesOut = int64(len(tg.t.Body))
	r.Start = time.Now()
	err := tg.reqErr
	if err == nil {
		// A shallow copy: the client sets its deadline on the copy, and the
		// header map is only read (the RoundTripper contract).
		req := new(http.Request)
		*req = *tg.req
		if req.GetBody != nil {
			req.Body, _ = req.GetBody()
		}
		err = tg.send(client, req, r)
	}
	end := time.Now()
	r.SendLatency = end.Sub(r.Start)
	r.Latency = end.Sub(r.Scheduled)
	if err != nil {
		r.Class, r.Err = classify(err), err.Error()
		return
	}
	if !tg.statusOK(r.Status) {
		r.Class, r.Err = ClassStatus, "unexpected status "+strconv.Itoa(r.Status)
	}
}

// send runs the exchange and reads the body to the end, keeping up to
// keepCap bytes when the target extracts fields.
func (tg *target) send(client *http.Client, req *http.Request, r *Result) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	r.Status = resp.StatusCode
	if tg.extract == nil {
		r.BytesIn, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	buf := tg.bufs.Get().(*bytes.Buffer)
	defer tg.bufs.Put(buf)
	buf.Reset()
	n, err := io.Copy(buf, io.LimitReader(resp.Body, keepCap))
	rest, err2 := io.Copy(io.Discard, resp.Body)
	r.BytesIn = n + rest
	if err == nil {
		err = err2
	}
	if err != nil {
		return err
	}
	r.Extracts = r.Extracts[:0]
	for range tg.extract.paths {
		r.Extracts = append(r.Extracts, math.NaN())
	}
	if tg.statusOK(r.Status) {
		tg.extract.extract(buf.Bytes(), r.Extracts)
	}
	return nil
}

func (tg *target) statusOK(code int) bool {
	if len(tg.expect) == 0 {
		return code >= 200 && code < 300
	}
	return tg.expect[code]
}

// describe names a target for messages without its headers (which may hold secrets).
func (tg *target) describe() string {
	return fmt.Sprintf("target %q (%s %s)", tg.t.Name, tg.t.Method, tg.t.URL)
}
