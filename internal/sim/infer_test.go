package sim

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/harness-gpu/harness/internal/kserve"
	"github.com/harness-gpu/harness/internal/kserve/pb"
)

const inferTestSize = 16

// inferRequest is a request for the model: a testImage as UINT8 RGB.
func inferRequest(model string, shape []int64) *kserve.Request {
	img := testImage(inferTestSize, inferTestSize, 3)
	raw := make([]byte, 0, inferTestSize*inferTestSize*3)
	for i := 0; i < len(img.Pix); i += 4 {
		raw = append(raw, img.Pix[i:i+3]...)
	}
	return &kserve.Request{Model: model, Inputs: []kserve.Tensor{{Name: InputName, Datatype: "UINT8", Shape: shape, Raw: raw}},
		Outputs: []kserve.Output{{Name: OutputName}}}
}

// protoClients send a request over one protocol and return the status
// (HTTP, or the gRPC code) and the score.
type protoClient func(t *testing.T, r *kserve.Request) (code int, score float32, msg string)

func restClient(url string, binaryBody bool) protoClient {
	return func(t *testing.T, r *kserve.Request) (int, float32, string) {
		var body []byte
		var n int
		var err error
		if binaryBody {
			body, n, err = r.BinaryBody()
		} else {
			body, err = r.JSON()
		}
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, url+r.InferPath(), bytes.NewReader(body))
		if binaryBody {
			req.Header.Set(kserve.HeaderLength, strconv.Itoa(n))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var j struct {
			Error   string
			Outputs []struct{ Data []float32 }
		}
		if err := json.Unmarshal(b, &j); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if resp.StatusCode != 200 {
			return resp.StatusCode, 0, j.Error
		}
		return 200, j.Outputs[0].Data[0], ""
	}
}

func grpcTestClient(t *testing.T, url string) protoClient {
	cc, err := grpc.NewClient("passthrough:///"+strings.TrimPrefix(url, "grpc://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	c := pb.NewGRPCInferenceServiceClient(cc)
	return func(t *testing.T, r *kserve.Request) (int, float32, string) {
		resp, err := c.ModelInfer(context.Background(), r.Proto())
		if err != nil {
			st := status.Convert(err)
			return int(st.Code()), 0, st.Message()
		}
		return 0, math.Float32frombits(binary.LittleEndian.Uint32(resp.RawOutputContents[0])), ""
	}
}

// Each protocol reaches the same model through the same batcher: the same
// score, counted in the same Triton statistics.
func TestInferProtocols(t *testing.T) {
	p := fastProfile()
	p.InputSize = inferTestSize
	s, ts := newTestServer(t, Config{Profile: p})
	gurl, err := s.ServeGRPC("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	want := float32(qualityScore(testImage(inferTestSize, inferTestSize, 3)))
	clients := map[string]protoClient{
		"json": restClient(ts.URL, false), "binary": restClient(ts.URL, true), "grpc": grpcTestClient(t, gurl),
	}
	okCode := map[string]int{"json": 200, "binary": 200, "grpc": 0}
	for name, c := range clients {
		code, score, msg := c(t, inferRequest(ModelName, []int64{1, inferTestSize, inferTestSize, 3}))
		if code != okCode[name] || score != want || score == 0 {
			t.Errorf("%s: code %d score %v (%s), want score %v", name, code, score, msg, want)
		}
	}
	if got := s.stats.snapshot().success; got != 3 {
		t.Errorf("Triton success count %d, want 3", got)
	}
}

// Failures carry Triton's codes: REST statuses and gRPC codes alike.
func TestInferErrors(t *testing.T) {
	p := fastProfile()
	p.InputSize = inferTestSize
	good := []int64{1, inferTestSize, inferTestSize, 3}
	tests := []struct {
		name       string
		faults     Faults
		req        *kserve.Request
		http       int
		grpc       codes.Code
		msgContain string
	}{
		{"unknown model", Faults{}, inferRequest("resnet", good), 404, codes.NotFound, "unknown model"},
		{"wrong shape", Faults{}, inferRequest(ModelName, []int64{2, inferTestSize, inferTestSize / 2, 3}), 400, codes.InvalidArgument, "unexpected shape"},
		{"backend error", Faults{ErrorRate: 1}, inferRequest(ModelName, good), 500, codes.Internal, "backend error"},
		{"crashed", Faults{CrashAfter: 1}, inferRequest(ModelName, good), 503, codes.Unavailable, "not available"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ts := newTestServer(t, Config{Profile: p, Faults: tt.faults})
			gurl, err := s.ServeGRPC("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			if tt.faults.CrashAfter > 0 { // the first request crashes the server
				restClient(ts.URL, false)(t, inferRequest(ModelName, good))
			}
			for _, c := range []struct {
				name string
				c    protoClient
				want int
			}{{"json", restClient(ts.URL, false), tt.http}, {"binary", restClient(ts.URL, true), tt.http}, {"grpc", grpcTestClient(t, gurl), int(tt.grpc)}} {
				code, _, msg := c.c(t, tt.req)
				if code != c.want || !strings.Contains(msg, tt.msgContain) {
					t.Errorf("%s: code %d %q, want %d containing %q", c.name, code, msg, c.want, tt.msgContain)
				}
			}
		})
	}
}

// The gRPC health calls follow the HTTP ones, and Close stops the gRPC server.
func TestGRPCHealthAndClose(t *testing.T) {
	s := New(Config{Profile: fastProfile(), SampleInterval: time.Hour})
	gurl, err := s.ServeGRPC("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cc, _ := grpc.NewClient("passthrough:///"+strings.TrimPrefix(gurl, "grpc://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	defer cc.Close()
	c := pb.NewGRPCInferenceServiceClient(cc)
	ctx := context.Background()
	if r, err := c.ServerReady(ctx, &pb.ServerReadyRequest{}); err != nil || !r.Ready {
		t.Errorf("ServerReady = %v, %v", r, err)
	}
	if r, err := c.ModelReady(ctx, &pb.ModelReadyRequest{Name: ModelName}); err != nil || !r.Ready {
		t.Errorf("ModelReady = %v, %v", r, err)
	}
	if r, err := c.ModelReady(ctx, &pb.ModelReadyRequest{Name: "other"}); err != nil || r.Ready {
		t.Errorf("ModelReady(other) = %v, %v", r, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := c.ServerLive(ctx, &pb.ServerLiveRequest{}); status.Code(err) != codes.Unavailable {
		t.Errorf("after Close: %v, want Unavailable", err)
	}
	// A gRPC server asked for after Close is refused, not left serving.
	if u, err := s.ServeGRPC("127.0.0.1:0"); err == nil {
		t.Errorf("ServeGRPC after Close served %s", u)
	}
}
