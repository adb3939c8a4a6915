package runner

import (
	"bytes"
	"cmp"
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
	"github.com/harness-gpu/harness/internal/kserve/pb"
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
	dialer  *net.Dialer           // every connection of both clients
	grpcReq *pb.ModelInferRequest // a kserve block over gRPC: the call each send makes (kserve.go)
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
	r.Status, r.Class, r.Err, r.BytesIn = 0, "", "", 0
	r.BytesOut = int64(len(tg.t.Body))
	var keep *bytes.Buffer
	if tg.extract != nil {
		keep = tg.bufs.Get().(*bytes.Buffer)
		defer tg.bufs.Put(keep)
		keep.Reset()
	}
	r.Start = time.Now()
	status, n, err := c.exchange(keep)
	end := time.Now()
	r.Status, r.BytesIn = status, n
	r.SendLatency = end.Sub(r.Start)
	r.Latency = end.Sub(r.Scheduled)
	if err != nil {
		r.Class, r.Err = classify(err), err.Error()
		return
	}
	ok := tg.statusOK(r.Status)
	if !ok {
		r.Class, r.Err = ClassStatus, "unexpected status "+strconv.Itoa(r.Status)
	}
	if tg.extract != nil {
		r.Extracts = r.Extracts[:0]
		for range tg.extract.paths {
			r.Extracts = append(r.Extracts, math.NaN())
		}
		if ok {
			tg.extract.extract(keep.Bytes(), r.Extracts)
		}
	}
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
