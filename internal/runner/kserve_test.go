package runner

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/kserve"
	"github.com/harness-gpu/harness/internal/kserve/pb"
	"github.com/harness-gpu/harness/internal/sim"
)

// fakeInference is a loopback GRPCInferenceService: it answers ModelInfer
// with fail (OK when nil) after delay, echoing the request's input sizes,
// and records the requests and metadata it saw.
type fakeInference struct {
	pb.UnimplementedGRPCInferenceServiceServer
	mu    sync.Mutex
	fail  error
	delay time.Duration
	reqs  []*pb.ModelInferRequest
	md    []metadata.MD
}

func (f *fakeInference) ModelInfer(ctx context.Context, r *pb.ModelInferRequest) (*pb.ModelInferResponse, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r)
	m, _ := metadata.FromIncomingContext(ctx)
	f.md = append(f.md, m)
	fail, delay := f.fail, f.delay
	f.mu.Unlock()
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if fail != nil {
		return nil, fail
	}
	return &pb.ModelInferResponse{ModelName: r.ModelName, Outputs: []*pb.ModelInferResponse_InferOutputTensor{
		{Name: "OUT", Datatype: "FP32", Shape: []int64{1, 1}},
	}, RawOutputContents: [][]byte{{0, 0, 128, 63}}}, nil
}

// startFakeGRPC serves f on a loopback port and returns grpc://host:port.
func startFakeGRPC(t *testing.T, f *fakeInference) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	pb.RegisterGRPCInferenceServiceServer(s, f)
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(s.Stop)
	return "grpc://" + ln.Addr().String()
}

func kserveBlock(binary bool) *dsl.KServe {
	return &dsl.KServe{Request: kserve.Request{
		Model: "efficient_fiqa", Version: "1",
		Inputs:  []kserve.Tensor{{Name: "INPUT__0", Datatype: "UINT8", Shape: []int64{1, 2, 2, 1}, Raw: []byte{1, 2, 3, 4}}},
		Outputs: []kserve.Output{{Name: "OUT"}},
	}, Binary: binary}
}

func kserveTestTarget(url string, k *dsl.KServe, mod func(*dsl.Target)) *target {
	return testTarget(url, func(t *dsl.Target) {
		t.KServe, t.Method = k, "POST"
		if mod != nil {
			mod(t)
		}
	})
}

func TestGRPCClientModelInfer(t *testing.T) {
	f := &fakeInference{}
	url := startFakeGRPC(t, f)
	tg := kserveTestTarget(url, kserveBlock(true), func(t *dsl.Target) {
		t.Headers = map[string]string{"Authorization": "Bearer x", "Content-Type": "nope"}
		t.Extracts = []*dsl.Extract{{Name: "score", JSONPath: "outputs.0.data.0"}}
	})
	c := tg.newClient(1)
	defer c.close()
	if _, ok := c.(*grpcClient); !ok {
		t.Fatalf("grpc:// target got %T", c)
	}
	var r Result
	for range 3 {
		tg.do(c, &r)
		if r.Class != "" || r.Status != 200 {
			t.Fatalf("result %+v", r)
		}
	}
	want := kserveBlock(true).Proto()
	if !proto.Equal(f.reqs[0], want) {
		t.Errorf("server got %v, want %v", f.reqs[0], want)
	}
	if got := f.md[0].Get("authorization"); len(got) != 1 || got[0] != "Bearer x" {
		t.Errorf("metadata %v", f.md[0])
	}
	if r.BytesOut != int64(proto.Size(want)) || r.BytesIn < 20 {
		t.Errorf("bytes out %d (want %d) in %d", r.BytesOut, proto.Size(want), r.BytesIn)
	}
	if len(r.Extracts) != 1 || r.Extracts[0] != 1 {
		t.Errorf("extracts %v, want [1] from the REST JSON form of the response", r.Extracts)
	}
	// The open model's pool spreads calls over its connections.
	if p := tg.newClient(50).(*grpcClient); len(p.conns) != grpcPoolMax {
		t.Errorf("pool of %d connections, want %d", len(p.conns), grpcPoolMax)
	} else {
		p.close()
	}
}

// Every gRPC status is an error class, counted like a failed HTTP status.
func TestGRPCStatusClasses(t *testing.T) {
	tests := []struct {
		err   error
		class string
	}{
		{status.Error(codes.Unavailable, "model not ready"), "unavailable"},
		{status.Error(codes.ResourceExhausted, "Exceeds maximum queue size"), "resource_exhausted"},
		{status.Error(codes.InvalidArgument, "bad shape"), "invalid_argument"},
		{status.Error(codes.Internal, "backend"), "internal"},
		{status.Error(codes.NotFound, "no model"), "not_found"},
		{status.Error(codes.Unimplemented, "x"), "unimplemented"},
		{status.Error(codes.DeadlineExceeded, "late"), ClassTimeout},
	}
	f := &fakeInference{}
	url := startFakeGRPC(t, f)
	tg := kserveTestTarget(url, kserveBlock(false), nil)
	c := tg.newClient(1)
	defer c.close()
	for _, tt := range tests {
		t.Run(tt.class, func(t *testing.T) {
			f.mu.Lock()
			f.fail = tt.err
			f.mu.Unlock()
			var r Result
			tg.do(c, &r)
			if r.Class != tt.class || r.Status != 0 || !strings.Contains(r.Err, status.Convert(tt.err).Message()) {
				t.Errorf("class %q status %d err %q, want class %q", r.Class, r.Status, r.Err, tt.class)
			}
		})
	}
}

func TestGRPCTransportClasses(t *testing.T) {
	t.Run("deadline", func(t *testing.T) {
		url := startFakeGRPC(t, &fakeInference{delay: time.Second})
		tg := kserveTestTarget(url, kserveBlock(false), func(t *dsl.Target) { t.Timeout = 50 * time.Millisecond })
		c := tg.newClient(1)
		defer c.close()
		var r Result
		tg.do(c, &r)
		if r.Class != ClassTimeout {
			t.Errorf("class %q (%s), want timeout", r.Class, r.Err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		tg := kserveTestTarget("grpc://"+addr, kserveBlock(false), nil)
		c := tg.newClient(1)
		defer c.close()
		var r Result
		tg.do(c, &r)
		if r.Class != ClassRefused {
			t.Errorf("class %q (%s), want refused", r.Class, r.Err)
		}
	})
}

// REST: the kserve block becomes a POST to the model's infer path, in
// JSON, or in the binary-data extension when the data was raw bytes.
func TestKServeREST(t *testing.T) {
	type seen struct {
		path, ct, hdrLen string
		body             []byte
	}
	var mu sync.Mutex
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = seen{r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get(kserve.HeaderLength), b}
		mu.Unlock()
		if _, err := kserve.ParseREST(b, r.Header.Get(kserve.HeaderLength)); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, `{"model_name":"efficient_fiqa","outputs":[]}`)
	}))
	defer srv.Close()
	jsonBody, _ := kserveBlock(false).JSON()
	binBody, n, _ := kserveBlock(true).BinaryBody()
	tests := []struct {
		name   string
		binary bool
		want   seen
	}{
		{"json", false, seen{"/base/v2/models/efficient_fiqa/versions/1/infer", "application/json", "", jsonBody}},
		{"binary", true, seen{"/base/v2/models/efficient_fiqa/versions/1/infer", "application/octet-stream", strconv.Itoa(n), binBody}},
	}
	for _, tt := range tests {
		for _, kind := range clientKinds {
			t.Run(tt.name+"/"+kind.name, func(t *testing.T) {
				tg := kserveTestTarget(srv.URL+"/base/", kserveBlock(tt.binary), nil)
				c := kind.make(tg, 1)
				defer c.close()
				var r Result
				tg.do(c, &r)
				if r.Status != 200 || r.Class != "" {
					t.Fatalf("result %+v", r)
				}
				mu.Lock()
				defer mu.Unlock()
				if got.path != tt.want.path || got.ct != tt.want.ct || got.hdrLen != tt.want.hdrLen || string(got.body) != string(tt.want.body) {
					t.Errorf("server saw %+v\nwant %+v", got, tt.want)
				}
				if r.BytesOut != int64(len(tt.want.body)) {
					t.Errorf("bytes out %d, want %d", r.BytesOut, len(tt.want.body))
				}
			})
		}
	}
}

// expect { grpc_status = [...] } decides which codes count as success.
func TestGRPCExpectedCodes(t *testing.T) {
	f := &fakeInference{}
	url := startFakeGRPC(t, f)
	tests := []struct {
		expect []string
		fail   error
		status int
		class  string
	}{
		{nil, nil, 200, ""},
		{nil, status.Error(codes.NotFound, "no model"), 0, "not_found"},
		{[]string{"NOT_FOUND"}, status.Error(codes.NotFound, "no model"), 200, ""},
		{[]string{"NOT_FOUND"}, nil, 0, ClassStatus},
		{[]string{"OK", "UNAVAILABLE"}, status.Error(codes.Unavailable, "busy"), 200, ""},
		{[]string{"OK", "UNAVAILABLE"}, status.Error(codes.Internal, "boom"), 0, "internal"},
	}
	for _, tt := range tests {
		f.mu.Lock()
		f.fail = tt.fail
		f.mu.Unlock()
		tg := kserveTestTarget(url, kserveBlock(false), func(t *dsl.Target) { t.ExpectGRPC = tt.expect })
		c := tg.newClient(1)
		var r Result
		tg.do(c, &r)
		c.close()
		if r.Status != tt.status || r.Class != tt.class {
			t.Errorf("expect %v, server %v: status %d class %q (%s), want %d %q", tt.expect, tt.fail, r.Status, r.Class, r.Err, tt.status, tt.class)
		}
	}
}

// readyServer answers KServe's readiness calls: the server is ready, and
// of the models only "m".
type readyServer struct {
	pb.UnimplementedGRPCInferenceServiceServer
}

func (readyServer) ServerReady(context.Context, *pb.ServerReadyRequest) (*pb.ServerReadyResponse, error) {
	return &pb.ServerReadyResponse{Ready: true}, nil
}

func (readyServer) ModelReady(_ context.Context, r *pb.ModelReadyRequest) (*pb.ModelReadyResponse, error) {
	return &pb.ModelReadyResponse{Ready: r.Name == "m"}, nil
}

func TestGRPCHealth(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	pb.RegisterGRPCInferenceServiceServer(s, readyServer{})
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(s.Stop)
	url := "grpc://" + ln.Addr().String()
	tests := []struct {
		model, want string
	}{
		{"", ""},
		{"m", ""},
		{"other", `ModelReady("other"): false`},
	}
	for _, tt := range tests {
		h := &dsl.Health{Name: "g", URL: url, Model: tt.model, Timeout: 300 * time.Millisecond, Interval: 20 * time.Millisecond}
		err := CheckHealth(t.Context(), []*dsl.Health{h}, nil)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("model %q: %v", tt.model, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || exitcode.Of(err) != exitcode.Precondition):
			t.Errorf("model %q: %v, want exit 3 with %q", tt.model, err, tt.want)
		}
	}
}

// extract { output = "NAME" } and a JSON path read the same first element
// over REST JSON, REST with binary tensors both ways, and gRPC, from the
// simulated Triton.
func TestKServeExtractOutputAcrossProtocols(t *testing.T) {
	p, _ := sim.ProfileByName("rtx5090")
	srv := sim.New(sim.Config{Profile: p, SampleInterval: time.Hour})
	ts := httptest.NewServer(srv.Handler())
	defer func() { ts.Close(); _ = srv.Close() }()
	gurl, err := srv.ServeGRPC("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, p.InputSize*p.InputSize*3)
	for i := range raw {
		raw[i] = byte(i * 7 % 251)
	}
	block := func(binaryIn, binaryOut bool) *dsl.KServe {
		return &dsl.KServe{Request: kserve.Request{
			Model:   sim.ModelName,
			Inputs:  []kserve.Tensor{{Name: sim.InputName, Datatype: "UINT8", Shape: []int64{1, int64(p.InputSize), int64(p.InputSize), 3}, Raw: raw}},
			Outputs: []kserve.Output{{Name: sim.OutputName, Binary: binaryOut}},
		}, Binary: binaryIn}
	}
	extracts := []*dsl.Extract{{Name: "a", JSONPath: "output." + sim.OutputName, Output: sim.OutputName}, {Name: "b", JSONPath: "outputs.0.data.0"}}
	var first float64
	for i, tc := range []struct {
		name string
		url  string
		k    *dsl.KServe
	}{
		{"json", ts.URL, block(false, false)},
		{"binary", ts.URL, block(true, false)},
		{"binary out", ts.URL, block(true, true)},
		{"grpc", gurl, block(true, false)},
	} {
		tg := kserveTestTarget(tc.url, tc.k, func(t *dsl.Target) { t.Extracts = extracts })
		c := tg.newClient(1)
		var r Result
		tg.do(c, &r)
		c.close()
		if r.Class != "" || len(r.Extracts) != 2 || r.Extracts[0] != r.Extracts[1] || !(r.Extracts[0] > 0) {
			t.Fatalf("%s: class %q (%s), extracts %v", tc.name, r.Class, r.Err, r.Extracts)
		}
		if i == 0 {
			first = r.Extracts[0]
		} else if r.Extracts[0] != first {
			t.Errorf("%s: score %v, over JSON %v", tc.name, r.Extracts[0], first)
		}
	}
}

// A failed call's class is named without allocating: a server shedding
// load fails calls at the full rate. Every code keeps its snake-case name.
func TestGRPCClassNamedOnce(t *testing.T) {
	for _, tt := range []struct {
		code codes.Code
		want string
	}{
		{codes.ResourceExhausted, "resource_exhausted"}, {codes.DeadlineExceeded, ClassTimeout},
		{codes.Unauthenticated, "unauthenticated"}, {codes.Code(99), "code(99)"},
	} {
		if got := grpcClass(tt.code); got != tt.want {
			t.Errorf("grpcClass(%v) = %q, want %q", tt.code, got, tt.want)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { _ = grpcClass(codes.ResourceExhausted) }); allocs != 0 {
		t.Errorf("%v allocations per class, want 0", allocs)
	}
}
