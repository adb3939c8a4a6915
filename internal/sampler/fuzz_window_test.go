package sampler

import (
	"context"
	"encoding/json"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// FuzzPageWindows feeds two successive scrapes of arbitrary pages through
// every HTTP sampler's reader and the Group (store, windows, Latest, Status)
// as a run does: nothing may panic, and whatever the pages hold (±Inf,
// 1.7e308, NaN, resets) the window must encode as JSON and Latest must be
// finite, because the results file is written from them.
func FuzzPageWindows(f *testing.F) {
	f.Add([]byte(tritonPage(1)), []byte(tritonPage(2)))
	f.Add([]byte(extremePage(1)), []byte(extremePage(2)))
	f.Add([]byte("g +Inf\nc_total -1.7e308\n"), []byte("g 1.7e308\nc_total 1.7e308\n"))
	f.Add([]byte(`DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-a"} 1e308`+"\n"+`DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a"} 1.7e308`+"\n"+
		`DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-a"} 1.7e308`+"\n"),
		[]byte(`DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-a"} -Inf`+"\n"))
	series := []*dsl.Series{
		{Name: "g", Metric: "g"}, {Name: "c", Metric: "c_total", Kind: dsl.SeriesCounter},
		{Name: "big", Metric: "g_big"}, {Name: "swing", Metric: "c_swing", Kind: dsl.SeriesCounter},
		{Name: "infer", Metric: "nv_inference_count", Kind: dsl.SeriesCounter},
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		pages := [][]sample{}
		for _, body := range [][]byte{a, b} {
			ss, err := parseExposition(body, "text/plain; version=0.0.4")
			if err != nil {
				return
			}
			pages = append(pages, ss)
		}
		readers := []func([]sample) Reading{
			func(ss []sample) Reading { return tritonReading(ss, func(sample) bool { return true }) },
			dcgmReading,
			func(ss []sample) Reading { return promReading(ss, series) },
		}
		kinds := []dsl.SamplerKind{dsl.SamplerTriton, dsl.SamplerDCGM, dsl.SamplerPrometheus}
		var cfgs []*dsl.Sampler
		var samplers []Sampler
		for i, read := range readers {
			var n atomic.Int64
			c := cfg(kinds[i], string(kinds[i]), false)
			c.Series = series
			cfgs = append(cfgs, c)
			samplers = append(samplers, &fake{sample: func(context.Context) (Reading, error) {
				return read(pages[int(n.Add(1)-1)%len(pages)]), nil
			}})
		}
		var clock atomic.Int64
		g := newGroup(cfgs, samplers, Options{Now: func() time.Time { return at(float64(clock.Add(1))) }})
		if err := g.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		g.SampleNow(context.Background())
		g.SampleNow(context.Background())
		if _, err := json.Marshal(g.Window(at(0), at(100))); err != nil {
			t.Fatalf("window does not encode: %v", err)
		}
		for k, v := range g.Latest() {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				t.Fatalf("Latest[%s] = %v", k, v)
			}
		}
		_ = g.Status()
		_ = g.Infos()
		_ = g.GPUs()
	})
}
