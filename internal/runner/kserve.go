package runner

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"maps"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/kserve"
	"github.com/harness-gpu/harness/internal/kserve/pb"
)

// grpcPoolMax bounds the HTTP/2 connections of the open model's gRPC pool:
// each multiplexes any number of calls, and a few spread the load over the
// server's reader goroutines as separate clients would.
const grpcPoolMax = 4

// kserveTarget returns the target as it is sent. A kserve block over REST
// becomes a plain POST of the encoded request to the model's infer path —
// JSON, or Triton's binary-data extension when an input gave raw bytes —
// which the HTTP clients send like any other target. Over gRPC the body is
// the encoded ModelInferRequest, which only sizes bytes_out; the message
// itself is returned for the gRPC client. err is an encoding failure, which
// every send then reports.
func kserveTarget(t *dsl.Target) (out *dsl.Target, req *pb.ModelInferRequest, err error) {
	k := t.KServe
	if k == nil {
		return t, nil, nil
	}
	c := *t
	c.Method = "POST"
	if dsl.GRPC(t.URL) {
		req = k.Proto()
		c.Body, err = proto.Marshal(req)
		return &c, req, err
	}
	c.Headers = maps.Clone(t.Headers)
	if c.Headers == nil {
		c.Headers = map[string]string{}
	}
	if k.Binary {
		var n int
		c.Body, n, err = k.BinaryBody()
		c.Headers["Content-Type"] = "application/octet-stream"
		c.Headers[kserve.HeaderLength] = strconv.Itoa(n)
	} else {
		c.Body, err = k.Request.JSON()
		c.Headers["Content-Type"] = "application/json"
	}
	if u, perr := url.Parse(t.URL); perr == nil {
		u.Path = strings.TrimSuffix(u.Path, "/") + k.InferPath()
		u.RawPath = ""
		c.URL = u.String()
	}
	return &c, nil, err
}

// kserveRESTClient is a REST kserve target's HTTP client, which hands
// extraction the response in one form whatever the protocol and encoding:
// the REST JSON form with binary outputs decoded, plus each output's first
// element by name (kserve.Response.ExtractJSON), so `extract { output =
// "NAME" }` and paths such as "outputs.0.data.0" read the same over REST
// JSON, REST binary and gRPC.
type kserveRESTClient struct {
	client
}

func (k kserveRESTClient) exchange(keep *bytes.Buffer) (int, int64, error) {
	status, n, err := k.client.exchange(keep)
	if keep == nil || err != nil {
		return status, n, err
	}
	// An error body ({"error": …}) or a response cut at keepCap stays as
	// it is, and extraction misses.
	if resp, perr := kserve.ParseRESTResponse(keep.Bytes()); perr == nil && len(resp.Outputs) > 0 {
		b := resp.ExtractJSON()
		keep.Reset()
		keep.Write(b[:min(len(b), keepCap)])
	}
	return status, n, err
}

// grpcClient sends ModelInfer calls over its own connections: one for a
// closed-model user, a small pool for the open model.
type grpcClient struct {
	tg    *target
	conns []*grpc.ClientConn
	stubs []pb.GRPCInferenceServiceClient
	md    metadata.MD         // the target's headers
	ok    map[codes.Code]bool // the codes that count as success: expect's grpc_status, or OK
	err   error               // the connections could not be set up: every send fails with it
	next  atomic.Uint32
}

func (tg *target) newGRPCClient(maxConns int) *grpcClient {
	g := &grpcClient{tg: tg, md: grpcMetadata(tg.t.Headers), ok: expectedCodes(tg.t.ExpectGRPC)}
	if tg.reqErr != nil {
		g.err = tg.reqErr
		return g
	}
	u, err := url.Parse(tg.t.URL)
	if err != nil {
		g.err = err
		return g
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(grpcCredentials(u, tg.tls)),
		grpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
			return tg.dialer.DialContext(ctx, "tcp", addr)
		}),
		grpc.WithUserAgent(tg.req.Header.Get("User-Agent")),
		// Tensors are large: a 1080p RGB frame is 6 MiB, past gRPC's 4 MiB default.
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(1<<30), grpc.MaxCallSendMsgSize(1<<30)),
	}
	for range min(max(maxConns, 1), grpcPoolMax) {
		// passthrough: the host is dialled as written, by the target's dialer,
		// as the HTTP clients do, not through gRPC's own DNS resolver.
		cc, err := grpc.NewClient("passthrough:///"+u.Host, opts...)
		if err != nil {
			g.close()
			g.conns, g.stubs, g.err = nil, nil, err
			return g
		}
		g.conns = append(g.conns, cc)
		g.stubs = append(g.stubs, pb.NewGRPCInferenceServiceClient(cc))
	}
	return g
}

// grpcCredentials is plaintext for grpc://, TLS with cfg (Go's defaults
// when nil) for grpcs://.
func grpcCredentials(u *url.URL, cfg *tls.Config) credentials.TransportCredentials {
	if u.Scheme != "grpcs" {
		return insecure.NewCredentials()
	}
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return credentials.NewTLS(cfg)
}

// exchange makes one ModelInfer call. A call whose gRPC status is
// expected (OK unless expect's grpc_status says otherwise) reports the
// HTTP/2 status it rode on, 200; any other gRPC status is an error whose
// class names the code, and an unexpected OK is class status. bytesIn is the response message's
// encoded size; keep gets the response's extraction form (see
// kserveRESTClient), as for REST.
func (g *grpcClient) exchange(keep *bytes.Buffer) (int, int64, error) {
	if g.err != nil {
		return 0, 0, g.err
	}
	i := 0
	if len(g.stubs) > 1 {
		i = int(g.next.Add(1) % uint32(len(g.stubs)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), g.tg.timeout())
	defer cancel()
	if g.md != nil {
		ctx = metadata.NewOutgoingContext(ctx, g.md)
	}
	resp, err := g.stubs[i].ModelInfer(ctx, g.tg.grpcReq)
	code := status.Code(err)
	switch {
	case g.ok[code] && err != nil:
		return 200, 0, nil // an expected failure, as a negative test wants
	case err != nil:
		return 0, 0, grpcError(err)
	case !g.ok[codes.OK]:
		return 0, 0, &grpcStatusError{class: ClassStatus, st: status.New(codes.OK, "the call succeeded, but expect lists only other codes")}
	}
	if keep != nil {
		b := kserve.ResponseFromProto(resp).ExtractJSON()
		keep.Write(b[:min(len(b), keepCap)])
	}
	return 200, int64(proto.Size(resp)), nil
}

// expectedCodes turns grpc_status names into codes; none means OK. dsl
// has checked the names.
func expectedCodes(names []string) map[codes.Code]bool {
	ok := map[codes.Code]bool{}
	for _, n := range names {
		var c codes.Code
		if err := c.UnmarshalJSON([]byte(strconv.Quote(n))); err == nil {
			ok[c] = true
		}
	}
	if len(ok) == 0 {
		ok[codes.OK] = true
	}
	return ok
}

// grpcMetadata is the target's headers as gRPC metadata (an auth token,
// say), without those HTTP/2 and gRPC set themselves; nil for none.
func grpcMetadata(h map[string]string) metadata.MD {
	md := metadata.MD{}
	for k, v := range h {
		k = strings.ToLower(k)
		switch {
		case k == "content-type", k == "user-agent", k == "host", k == "te", strings.HasPrefix(k, "grpc-"):
		default:
			md.Append(k, v)
		}
	}
	if len(md) == 0 {
		return nil
	}
	return md
}

func (g *grpcClient) close() {
	for _, cc := range g.conns {
		_ = cc.Close()
	}
}

// grpcStatusError is a failed call, classed by its gRPC code.
type grpcStatusError struct {
	class string
	st    *status.Status
}

func (e *grpcStatusError) Error() string {
	return fmt.Sprintf("grpc %s: %s", e.st.Code(), e.st.Message())
}

func (e *grpcStatusError) errorClass() string { return e.class }

// grpcError classes a gRPC error. DEADLINE_EXCEEDED is a timeout, like an
// HTTP one; an UNAVAILABLE that failed to connect keeps the transport
// class (refused, dns, tls) an HTTP target would get; every other code is
// its own class, in snake case: unavailable, resource_exhausted, internal…
func grpcError(err error) error {
	st := status.Convert(err)
	class := grpcClass(st.Code())
	if st.Code() == codes.Unavailable {
		msg := st.Message()
		switch {
		case strings.Contains(msg, "connection refused"):
			class = ClassRefused
		case strings.Contains(msg, "no such host"):
			class = ClassDNS
		case strings.Contains(msg, "tls:") || strings.Contains(msg, "x509:") || strings.Contains(msg, "authentication handshake"):
			class = ClassTLS
		case strings.Contains(msg, "connection reset") || strings.Contains(msg, "broken pipe") || strings.Contains(msg, "EOF"):
			class = ClassReset
		}
	}
	return &grpcStatusError{class: class, st: st}
}

// grpcClasses are the classes of gRPC's codes, named once: a server
// shedding load fails calls at the full rate.
var grpcClasses = func() (c [codes.Unauthenticated + 1]string) {
	for i := range c {
		c[i] = grpcClassName(codes.Code(i))
	}
	return c
}()

// grpcClass is a code's class name: DeadlineExceeded is timeout, the rest
// CamelCase to snake_case (ResourceExhausted → resource_exhausted).
func grpcClass(c codes.Code) string {
	if int(c) < len(grpcClasses) {
		return grpcClasses[c]
	}
	return grpcClassName(c)
}

func grpcClassName(c codes.Code) string {
	if c == codes.DeadlineExceeded {
		return ClassTimeout
	}
	var b strings.Builder
	for i, r := range c.String() {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
