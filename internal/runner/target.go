package runner

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/kserve/pb"
	"github.com/harness-gpu/harness/internal/stream"
)

// keepCap is how much of a response body is kept for extraction; the rest is
// read and discarded so the connection can be reused.
const keepCap = 1 << 20

// target sends requests to one dsl.Target. It is shared by every sender;
// each closed-model user brings its own client (its own connection), the
// open model shares one pooled client (client.go).
type target struct {
	t       *dsl.Target
	tls     *tls.Config
	req     *http.Request // every request is a copy: URL parsed, headers set once
	reqErr  error         // the method or URL can't make a request: every send fails with it
	expect  map[int]bool  // empty: any 2xx
	extract *extractor
	bufs    sync.Pool             // *bytes.Buffer for bodies kept for extraction
	meters  sync.Pool             // *stream.Meter, for a target with a stream block
	dialer  *net.Dialer           // every connection of both clients
	grpcReq *pb.ModelInferRequest // a kserve block over gRPC: the call each send makes (kserve.go)

	tlsPortOnce sync.Once
	tlsPort     bool // an http:// URL at a TLS server (asked on the first failure)
}

func newTarget(t *dsl.Target, cfg *tls.Config, version string) *target {
	t, grpcReq, kerr := kserveTarget(t)
	tg := &target{t: t, tls: cfg, expect: map[int]bool{}, grpcReq: grpcReq}
	tg.dialer = &net.Dialer{Timeout: tg.timeout(), KeepAlive: 30 * time.Second}
	var body io.Reader
	if t.Body != nil {
		body = bytes.NewReader(t.Body) // gives the template GetBody, which each send calls
	}
	tg.req, tg.reqErr = http.NewRequest(t.Method, t.URL, body)
	if kerr != nil {
		tg.reqErr = kerr
	}
	if tg.reqErr == nil {
		tg.req.Header.Set("User-Agent", "harness/"+cmp.Or(version, "dev")) // unless the headers set one
		for k, v := range t.Headers {
			tg.req.Header.Set(k, v)
		}
		// A Host header names the virtual host, as with curl -H; net/http
		// reads it from req.Host only.
		if h := tg.req.Header.Get("Host"); h != "" {
			tg.req.Host = h
			tg.req.Header.Del("Host")
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
	if t.Stream != nil {
		format := stream.Format(t.Stream.Format)
		tg.meters.New = func() any { return stream.NewMeter(format) }
	}
	return tg
}

// timeout is the target's request deadline; dsl fills it in, but a Target
// built in Go (tests, bench) may leave it zero.
func (tg *target) timeout() time.Duration {
	if tg.t.Timeout > 0 {
		return tg.t.Timeout
	}
	return dsl.DefaultTimeout
}

// do sends one request with c and fills r (Start, SendLatency, Latency
// from r.Scheduled, Status, Class, Err, bytes, Extracts).
func (tg *target) do(c client, r *Result) {
	if tg.t.Stream != nil {
		tg.doStream(c, r)
		return
	}
	r.Stream = nil // a sender's Result may come from a streaming step
	var keep *bytes.Buffer
	if tg.extract != nil {
		keep = tg.bufs.Get().(*bytes.Buffer)
		defer tg.bufs.Put(keep)
		keep.Reset()
	}
	tg.begin(r)
	status, n, err := c.exchange(keep)
	if !tg.end(r, status, n, err) && r.Class != ClassStatus {
		return
	}
	if tg.extract != nil {
		r.Extracts = r.Extracts[:0]
		for range tg.extract.paths {
			r.Extracts = append(r.Extracts, math.NaN())
		}
		if r.Class == "" {
			tg.extract.extract(keep.Bytes(), r.Extracts)
		}
	}
	r.SLOMet = tg.meetsSLO(r)
}

// begin clears what a send fills in r (a sender reuses its Result) and
// stamps its start.
func (tg *target) begin(r *Result) {
	r.Status, r.Class, r.Err, r.BytesIn = 0, "", "", 0
	r.BytesOut = int64(len(tg.t.Body))
	r.SLO, r.SLOMet = tg.t.SLO != nil, false
	r.Start = time.Now()
}

// end stamps the end of the send begun on r, with what the exchange
// returned, and classes a failure: err (a transport or in-stream one) or a
// status the target does not expect. It reports whether the send is ok.
func (tg *target) end(r *Result, status int, bytesIn int64, err error) bool {
	end := time.Now()
	r.Status, r.BytesIn = status, bytesIn
	r.SendLatency = end.Sub(r.Start)
	r.Latency = end.Sub(r.Scheduled)
	switch {
	case err != nil:
		r.Class, r.Err = classify(err), errMessage(err)
		if (r.Class == ClassReset || r.Class == ClassOther) && tg.atTLSPort() {
			r.Class, r.Err = ClassTLS, tlsPortHint
		}
	case !tg.statusOK(status):
		r.Class, r.Err = ClassStatus, "unexpected status "+strconv.Itoa(status)
		if status == http.StatusBadRequest && tg.atTLSPort() {
			r.Err += ": " + tlsPortHint
		}
	}
	return r.Class == ""
}

// atTLSPort reports whether the target is an http:// URL at a TLS server,
// which explains a reset, a garbled answer or a 400. The port is asked once,
// on the first such failure; senders failing meanwhile wait for the answer.
func (tg *target) atTLSPort() bool {
	if tg.reqErr != nil || tg.req.URL.Scheme != "http" {
		return false
	}
	tg.tlsPortOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), min(tg.timeout(), 2*time.Second))
		defer cancel()
		tg.tlsPort = plainURLAtTLSPort(ctx, tg.dialer, tg.req.URL)
	})
	return tg.tlsPort
}

func (tg *target) statusOK(code int) bool {
	if len(tg.expect) == 0 {
		return code >= 200 && code < 300
	}
	return tg.expect[code]
}
