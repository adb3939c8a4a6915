package sampler

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// fake is a scripted sampler.
type fake struct {
	startErr error
	sample   func(ctx context.Context) (Reading, error)
	closed   atomic.Int32
}

var _ Sampler = (*fake)(nil)

func (f *fake) Start(context.Context) error { return f.startErr }
func (f *fake) Sample(ctx context.Context) (Reading, error) {
	if f.sample == nil {
		return Reading{}, nil
	}
	return f.sample(ctx)
}
func (f *fake) Close() error { f.closed.Add(1); return nil }

// gpuFake yields one GPU reading per sample, its temperature counting up.
func gpuFake(uuid string) *fake {
	var n atomic.Int64
	return &fake{sample: func(context.Context) (Reading, error) {
		r := Reading{GPUs: []result.GPUInfo{{UUID: uuid, Name: "Fake GPU"}}}
		r.gpu(uuid, fTemp, float64(40+n.Add(1)))
		return r, nil
	}}
}

// waitFor polls cond until it holds; a hang guard, not a timing assertion.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// within runs f and fails the test if it has not returned after 10 s.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not return", what)
	}
}

func cfg(kind dsl.SamplerKind, name string, optional bool) *dsl.Sampler {
	return &dsl.Sampler{Kind: kind, Name: name, Optional: optional, Interval: 10 * time.Millisecond, Timeout: 30 * time.Millisecond}
}

func TestStartFailures(t *testing.T) {
	cfgs := []*dsl.Sampler{cfg(dsl.SamplerNVML, "gpu", false), cfg(dsl.SamplerTriton, "tri", false),
		cfg(dsl.SamplerDCGM, "fleet", true), cfg(dsl.SamplerNVML, "ok", false)}
	g := newGroup(cfgs, []Sampler{
		&fake{startErr: errors.New("NVML not available")},
		&fake{startErr: errors.New("connection refused")},
		&fake{startErr: errors.New("no DCGM metrics")},
		&fake{},
	}, Options{})
	err := g.Start(context.Background())
	if exitcode.Of(err) != exitcode.Precondition {
		t.Fatalf("Start error %v has code %d, want %d", err, exitcode.Of(err), exitcode.Precondition)
	}
	for _, want := range []string{`sampler "gpu" (nvml) could not start: NVML not available`, `sampler "tri" (triton) could not start: connection refused`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Start error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "fleet") {
		t.Errorf("optional sampler in the Start error: %q", err)
	}
	infos := g.Infos()
	if infos[2].Started || infos[2].Error != "no DCGM metrics" || !infos[2].Optional || !infos[3].Started {
		t.Errorf("Infos = %+v", infos)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOptionalFailureIsUnknown: a GPU sampler that did not start leaves the
// gpu namespace present but unknown, and triton's unknown, never zero.
func TestOptionalFailureIsUnknown(t *testing.T) {
	g := newGroup([]*dsl.Sampler{cfg(dsl.SamplerNVML, "gpu", true), cfg(dsl.SamplerTriton, "tri", true)},
		[]Sampler{&fake{startErr: errors.New("gone")}, &fake{startErr: errors.New("gone")}}, Options{})
	if err := g.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	agg := g.Window(at(0), at(10))
	if agg.GPU == nil || agg.GPU.Temperature.Max != nil {
		t.Errorf("gpu = %+v, want present and unknown", agg.GPU)
	}
	if agg.Triton == nil || agg.Triton.Requests != nil || agg.Triton.Pending.Max != nil {
		t.Errorf("triton = %+v, want present and unknown", agg.Triton)
	}
	if e := agg.Samplers["gpu"].Error; !strings.Contains(e, "did not start: gone") {
		t.Errorf("sampler window error = %q", e)
	}
}

// TestHangingSampler: a sampler that never answers gets gaps while the other
// keeps sampling, and SampleNow, Window and the end of Run do not wait for it.
func TestHangingSampler(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hang := &fake{sample: func(context.Context) (Reading, error) { <-release; return Reading{}, nil }}
	g := newGroup([]*dsl.Sampler{cfg(dsl.SamplerNVML, "stuck", false), cfg(dsl.SamplerNVML, "gpu", false)},
		[]Sampler{hang, gpuFake("GPU-a")}, Options{})
	if err := g.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { g.Run(ctx) })
	waitFor(t, "5 samples from the healthy sampler", func() bool { return g.Infos()[1].Samples >= 5 })
	waitFor(t, "2 gaps from the stuck sampler", func() bool { return g.Infos()[0].Gaps >= 2 })
	within(t, "SampleNow", func() { g.SampleNow(context.Background()) })
	within(t, "Window", func() { g.Window(at(-1e9), time.Now().Add(time.Hour)) })
	cancel()
	within(t, "Run after cancel", wg.Wait)
	info := g.Infos()[0]
	if info.Samples != 0 || len(info.FirstErrors) == 0 {
		t.Fatalf("stuck sampler info = %+v", info)
	}
	for _, e := range info.FirstErrors {
		if !strings.Contains(e, "no answer within 30ms") && !strings.Contains(e, "previous sample was still running") {
			t.Errorf("unexpected gap error %q", e)
		}
	}
	if max := g.Window(at(-1e9), time.Now().Add(time.Hour)).Samplers["gpu"].GPU.Temperature.Max; max == nil || *max < 45 {
		t.Errorf("healthy sampler max temperature = %v", deref(max))
	}
}

// TestJoinByUUID: nvml and dcgm see the same GPU; gpus has it once, each
// field from the first sampler that has it, with injected timestamps.
func TestJoinByUUID(t *testing.T) {
	g := newGroup([]*dsl.Sampler{cfg(dsl.SamplerNVML, "local", false), cfg(dsl.SamplerDCGM, "fleet", false), cfg(dsl.SamplerTriton, "tri", false)},
		[]Sampler{&fake{}, &fake{}, &fake{}}, Options{})
	for _, m := range g.members {
		m.started = true
	}
	info := result.GPUInfo{UUID: "GPU-a", Name: "H100", Index: 0}
	for i, temp := range []float64{60, 70, 65} {
		var nv, dc, tr Reading
		nv.GPUs, dc.GPUs = []result.GPUInfo{info}, []result.GPUInfo{{UUID: "GPU-a", Index: 0, Driver: "580"}, {UUID: "GPU-b", Index: 1}}
		nv.gpu("GPU-a", fTemp, temp)
		dc.gpu("GPU-a", fTemp, 99) // nvml's wins for GPU-a
		dc.gpu("GPU-a", fMemUtil, 30)
		dc.gpu("GPU-b", fTemp, 50)
		tr.gpu("GPU-a", fTemp, 1) // triton's ignored: hardware samplers exist
		g.members[0].st.add(at(float64(i)), nv)
		g.members[1].st.add(at(float64(i)), dc)
		g.members[2].st.add(at(float64(i)), tr)
	}
	agg := g.Window(at(0), at(2))
	if len(agg.GPUs) != 2 || agg.GPUs[0].UUID != "GPU-a" || agg.GPUs[1].UUID != "GPU-b" {
		t.Fatalf("gpus = %+v", agg.GPUs)
	}
	a := agg.GPUs[0]
	if *a.Temperature.Max != 70 || *a.Temperature.Last != 65 || *a.MemoryUtilization.Mean != 30 || a.Name != "H100" {
		t.Errorf("GPU-a = temp max %v last %v, mem util %v, name %q", *a.Temperature.Max, *a.Temperature.Last, *a.MemoryUtilization.Mean, a.Name)
	}
	if *agg.GPU.Temperature.Max != 70 || *agg.GPU.Temperature.Min != 50 || *agg.GPU.Temperature.Last != 65 {
		t.Errorf("pooled gpu temperature = %+v", agg.GPU.Temperature)
	}
	if gpus := g.GPUs(); len(gpus) != 2 || gpus[0].Driver != "580" || gpus[0].Sampler != "local" {
		t.Errorf("GPUs() = %+v", gpus)
	}
}

// movingTriton serves tritonPage(n), n growing by one per scrape.
func movingTriton(t *testing.T) *httptest.Server {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = w.Write([]byte(tritonPage(int(n.Add(1)))))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTritonAgainstMovingServer(t *testing.T) {
	srv := movingTriton(t)
	c := cfg(dsl.SamplerTriton, "tri", false)
	c.URL, c.Model, c.Timeout = srv.URL+"/metrics", "fiqa", 5*time.Second
	g := startGroup(t, Options{}, c)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { g.Run(ctx) })
	waitFor(t, "6 scrapes", func() bool { return g.Infos()[0].Samples >= 6 })
	cancel()
	wg.Wait()
	g.SampleNow(context.Background())
	agg := g.Window(time.Time{}, time.Now().Add(time.Hour))
	tr := agg.Triton
	if tr == nil || tr.Requests == nil || *tr.Requests < 50 || *tr.QueueMs != 2 || *tr.InferMs != 8 || *tr.BatchSize != 4 {
		t.Fatalf("triton = %+v", tritonMap(tr))
	}
	if *tr.Failures != *tr.Requests/10 {
		t.Errorf("failures %v, want requests/10 = %v", *tr.Failures, *tr.Requests/10)
	}
	if agg.GPU == nil || *agg.GPU.Utilization.Max != 87 || *agg.GPU.MemoryUsedMiB.Last != 1024 || *agg.GPU.PowerW.Mean != 250.5 {
		t.Errorf("triton's own GPU gauges = %+v", agg.GPU)
	}
	latest := g.Latest()
	if latest["triton.requests"] != 10 || latest["triton.queue_ms"] != 2 || latest["sampler.tri.triton.infer_ms"] != 8 || latest["gpu.utilization"] != 87 {
		t.Errorf("Latest = %v", latest)
	}
}

func TestTritonStartErrors(t *testing.T) {
	srv := movingTriton(t)
	notTriton := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("node_load1 0.5\n"))
	}))
	defer notTriton.Close()
	for _, c := range []struct{ url, model, want string }{
		{srv.URL, "nope", `model "nope" (version "") not found at ` + srv.URL + `; models served: fiqa, other`},
		{notTriton.URL, "", "no Triton metrics"},
		{srv.URL + "/x\x7f", "", "invalid control character"},
	} {
		s := &tritonSampler{url: c.url, model: c.model, client: defaultClient}
		if err := s.Start(context.Background()); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Start(%s, model %q) = %v, want %q", c.url, c.model, err, c.want)
		}
	}
}

func TestScrapeLimitsAndStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			chunk := []byte(strings.Repeat("# padding padding padding padding\n", 1000))
			for written := 0; written <= maxBody; written += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "/500":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "/om":
			w.Header().Set("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
			_, _ = w.Write([]byte("# TYPE foo counter\nfoo_total 17\n# EOF\n"))
		}
	}))
	defer srv.Close()
	if _, err := scrape(context.Background(), defaultClient, srv.URL+"/big"); err == nil || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Errorf("big body: %v", err)
	}
	if _, err := scrape(context.Background(), defaultClient, srv.URL+"/500"); err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("HTTP 500: %v", err)
	}
	ss, err := scrape(context.Background(), defaultClient, srv.URL+"/om")
	if err != nil {
		t.Fatalf("OpenMetrics: %v", err)
	}
	if v, ok := find(ss, "foo_total"); !ok || v != 17 || len(ss) != 1 {
		t.Errorf("OpenMetrics samples = %+v, want foo_total 17", ss)
	}
}
