package sampler

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// A sampler whose endpoint dies mid-run: every sample after the death is a
// gap with its error, no sample is counted twice or lost, its window says
// so, and Status reports how long it has gone without data.
func TestEndpointDiesMidRun(t *testing.T) {
	for _, kind := range []dsl.SamplerKind{dsl.SamplerDCGM, dsl.SamplerTriton, dsl.SamplerPrometheus} {
		t.Run(string(kind), func(t *testing.T) {
			var served atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := served.Add(1)
				w.Header().Set("Content-Type", "text/plain; version=0.0.4")
				switch kind {
				case dsl.SamplerDCGM:
					_, _ = w.Write([]byte(`DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-a"} 60` + "\n"))
				case dsl.SamplerTriton:
					_, _ = w.Write([]byte(tritonPage(int(n))))
				default:
					_, _ = w.Write([]byte("up 1\n"))
				}
			}))
			c := cfg(kind, "s", false)
			c.URL, c.Timeout = srv.URL+"/metrics", time.Second
			c.Series = []*dsl.Series{{Name: "up", Metric: "up"}}
			start := time.Now()
			g := startGroup(t, Options{}, c)
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Go(func() { g.Run(ctx) })
			waitFor(t, "5 samples", func() bool { return g.Infos()[0].Samples >= 5 })
			if st := g.Status()[0]; st.Stale() {
				t.Errorf("a healthy sampler is stale: %+v", st)
			}
			srv.Close()
			alive := served.Load()
			waitFor(t, "5 gaps", func() bool { return g.Infos()[0].Gaps >= 5 })
			cancel()
			wg.Wait()

			info := g.Infos()[0]
			// The start's scrape is served but not stored.
			if info.Samples != alive-1 {
				t.Errorf("samples = %d, want %d (the pages served, less the start's)", info.Samples, alive-1)
			}
			if !strings.Contains(strings.Join(info.FirstErrors, "|"), "connect") {
				t.Errorf("first errors %q do not say the endpoint is gone", info.FirstErrors)
			}
			w := g.Window(start, time.Now()).Samplers["s"]
			if int64(w.Samples) != info.Samples || int64(w.Gaps) != info.Gaps {
				t.Errorf("window samples/gaps = %d/%d, run = %d/%d", w.Samples, w.Gaps, info.Samples, info.Gaps)
			}
			st := g.Status()[0]
			if !st.Stale() || st.NoData <= 0 || !strings.Contains(st.LastError, "connect") {
				t.Errorf("status after the endpoint died = %+v, want stale with the error", st)
			}
		})
	}
}

// Status is computed against the injected clock: on time, late without a
// failed sample (a hung sampler), and failed.
func TestStatusNoData(t *testing.T) {
	var now atomic.Int64 // seconds after t0
	clock := func() time.Time { return at(float64(now.Load())) }
	c := &dsl.Sampler{Kind: dsl.SamplerDCGM, Name: "d", Interval: time.Second, Timeout: time.Second}
	fail := atomic.Bool{}
	s := &fake{sample: func(context.Context) (Reading, error) {
		if fail.Load() {
			return Reading{}, errString("connection refused")
		}
		return gpuFake("GPU-a").sample(context.Background())
	}}
	g := newGroup([]*dsl.Sampler{c}, []Sampler{s}, Options{Now: clock})
	if err := g.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	step := func(sec int64, sample bool) {
		now.Store(sec)
		if sample {
			g.SampleNow(context.Background())
		}
	}
	for _, c := range []struct {
		at         int64
		sample     bool
		fail       bool
		wantNoData time.Duration
		wantErr    string
	}{
		{0, false, false, 0, ""},               // started, nothing yet: on time
		{3, false, false, 3 * time.Second, ""}, // no reading for 3 s > 1 s + 1 s
		{4, true, false, 0, ""},                // a reading
		{6, false, false, 0, ""},               // 2 s old: still on time
		{7, true, false, 0, ""},
		{8, true, true, time.Second, "connection refused"}, // the newest sample failed
		{9, false, false, 2 * time.Second, "connection refused"},
		{11, true, true, 4 * time.Second, "connection refused"},
		{12, true, false, 0, ""}, // back
	} {
		fail.Store(c.fail)
		step(c.at, c.sample)
		st := g.Status()[0]
		if st.NoData != c.wantNoData || st.LastError != c.wantErr {
			t.Errorf("at %d s: no data %v (%q), want %v (%q)", c.at, st.NoData, st.LastError, c.wantNoData, c.wantErr)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }
