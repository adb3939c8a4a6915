package sampler

import (
	"bytes"
	"math"
	"testing"

	"github.com/harness-gpu/harness/internal/dsl"
)

func find(ss []sample, name string, labels ...string) (float64, bool) {
next:
	for _, s := range ss {
		if s.name != name {
			continue
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if s.get(labels[i]) != labels[i+1] {
				continue next
			}
		}
		return s.value, true
	}
	return 0, false
}

func TestTritonFixtureParses(t *testing.T) {
	body := fixture(t, "triton/datadog_t4_triton_metrics.txt")
	if bytes.HasSuffix(body, []byte("\n")) {
		t.Fatal("the captured Triton page is expected to lack its trailing newline (see its .source.md)")
	}
	ss := mustParse(t, body)
	for _, c := range []struct {
		name, model string
		want        float64
	}{
		{"nv_inference_request_success", "densenet_onnx", 3},
		{"nv_inference_request_duration_us", "densenet_onnx", 1327965},
		{"nv_inference_queue_duration_us", "densenet_onnx", 145},
		{"nv_inference_compute_infer_duration_us", "densenet_onnx", 1326831},
		{"nv_inference_queue_summary_us_count", "densenet_onnx", 3},
		{"nv_inference_queue_summary_us_sum", "densenet_onnx", 145},
	} {
		if got, ok := find(ss, c.name, "model", c.model); !ok || got != c.want {
			t.Errorf("%s{model=%q} = %v (found %v), want %v", c.name, c.model, got, ok, c.want)
		}
	}
	r := tritonReading(ss, func(s sample) bool { return s.get("model") == "densenet_onnx" })
	uuid := "GPU-951eeeeb-d284-d263-688e-d98a5306389b"
	want := map[string]float64{fUtil: 0, fMemUsed: 266338304.0 / (1 << 20), fMemTotal: 15360, fPower: 32.09}
	got := map[string]float64{}
	counters := 0
	for _, p := range r.Points {
		switch p.Class {
		case classGPU:
			if p.Entity != uuid {
				t.Errorf("GPU point for %q, want %q", p.Entity, uuid)
			}
			got[p.Field] = p.Value
		case classCounter:
			counters++
		}
	}
	for f, w := range want {
		if math.Abs(got[f]-w) > 1e-9 {
			t.Errorf("triton GPU %s = %v, want %v", f, got[f], w)
		}
	}
	if counters != len(tritonCounters) {
		t.Errorf("densenet_onnx counter series = %d, want %d (one per counter)", counters, len(tritonCounters))
	}
	if len(r.GPUs) != 1 || r.GPUs[0].UUID != uuid {
		t.Errorf("GPUs = %+v", r.GPUs)
	}
}

func TestTritonDocsSummaryExample(t *testing.T) {
	ss := mustParse(t, fixture(t, "triton/docs_queue_summary_example.txt"))
	for name, want := range map[string]float64{
		"nv_inference_queue_summary_us_count": 161,
		"nv_inference_queue_summary_us_sum":   11110,
	} {
		if got, ok := find(ss, name); !ok || got != want {
			t.Errorf("%s = %v (%v), want %v", name, got, ok, want)
		}
	}
	if got, ok := find(ss, "nv_inference_queue_summary_us", "quantile", "0.99"); !ok || got != 101 {
		t.Errorf("quantile 0.99 = %v (%v), want 101", got, ok)
	}
}

// gpuValues collects a reading's GPU points as uuid → field → value.
func gpuValues(r Reading) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	for _, p := range r.Points {
		if p.Class == classGPU {
			if out[p.Entity] == nil {
				out[p.Entity] = map[string]float64{}
			}
			out[p.Entity][p.Field] = p.Value
		}
	}
	return out
}

func TestDCGMFixtureL4(t *testing.T) {
	r := dcgmReading(mustParse(t, fixture(t, "dcgm/l4_dcgm-exporter_default_counters.txt")))
	uuid := "GPU-c2f76b33-7953-256e-8f33-1343419b1a1c"
	want := map[string]float64{fUtil: 0, fMemUtil: 0, fMemUsed: 0, fMemTotal: 22563 + 0 + 470, fTemp: 31, fPower: 16.365, fSMClock: 210}
	got := gpuValues(r)[uuid]
	for f, w := range want {
		if v, ok := got[f]; !ok || v != w {
			t.Errorf("L4 %s = %v (present %v), want %v", f, v, ok, w)
		}
	}
	if len(r.GPUs) != 1 || r.GPUs[0].Name != "NVIDIA L4" || r.GPUs[0].Driver != "580.105.08" || r.GPUs[0].MemoryMiB != 23033 {
		t.Errorf("GPUs = %+v", r.GPUs)
	}
}

func TestDCGMFixtureH100Untyped(t *testing.T) {
	r := dcgmReading(mustParse(t, fixture(t, "dcgm/h100x8_dcgm-exporter_sampled.txt")))
	if len(r.GPUs) != 8 {
		t.Fatalf("GPUs = %d, want 8", len(r.GPUs))
	}
	vals := gpuValues(r)
	g0 := vals["GPU-c4529c8d-69c4-b61d-e0bc-7b2460096005"]
	if g0[fTemp] != 30 || g0[fPower] != 113.611 || g0[fUtil] != 0 {
		t.Errorf("GPU 0 = %v", g0)
	}
	// MEM_COPY_UTIL was filtered to GPUs 0-5 in the capture: absent, not 0.
	g7 := vals["GPU-04d228d3-3b5a-3534-f5cf-969706647d56"]
	if _, ok := g7[fMemUtil]; ok {
		t.Errorf("GPU 7 memory_utilization present (%v), want absent", g7[fMemUtil])
	}
	if r.GPUs[7].Index != 7 || r.GPUs[0].Name != "NVIDIA H100 80GB HBM3" {
		t.Errorf("GPU identity = %+v / %+v", r.GPUs[0], r.GPUs[7])
	}
}

func TestDCGMBlankAndLabels(t *testing.T) {
	page := `DCGM_FI_DEV_GPU_TEMP{gpu="0",uuid="GPU-a",Hostname="h"} 41
DCGM_FI_DEV_MEMORY_TEMP{gpu="0",uuid="GPU-a",Hostname="h"} 9223372036854775794
DCGM_FI_DEV_POWER_USAGE{gpu="0",uuid="GPU-a",Hostname="h"} 140737488355328.0
DCGM_FI_DEV_FB_USED{gpu="0",uuid="GPU-a",Hostname="h"} 9223372036854775792
DCGM_FI_DEV_GPU_TEMP{gpu="1",hostname="n2"} 50
`
	vals := gpuValues(dcgmReading(mustParse(t, []byte(page))))
	if a := vals["GPU-a"]; a[fTemp] != 41 || len(a) != 1 {
		t.Errorf("GPU-a = %v, want only temperature 41 (blanks absent)", a)
	}
	if b := vals["gpu1@n2"]; b[fTemp] != 50 {
		t.Errorf("GPU without UUID keyed gpu+hostname: %v", vals)
	}
}

func TestPromReadingSelectsAndSums(t *testing.T) {
	page := `# TYPE http_requests_total counter
http_requests_total{code="200",path="/a"} 10
http_requests_total{code="200",path="/b"} 5
http_requests_total{code="500",path="/a"} 1
# TYPE node_load1 gauge
node_load1 0.5
`
	series := []*dsl.Series{
		{Name: "ok", Metric: "http_requests_total", Labels: map[string]string{"code": "200"}, Kind: dsl.SeriesCounter},
		{Name: "load1", Metric: "node_load1", Kind: dsl.SeriesGauge},
		{Name: "none", Metric: "absent_metric"},
	}
	r := promReading(mustParse(t, []byte(page)), series)
	var counters int
	var load float64
	for _, p := range r.Points {
		switch {
		case p.Class == classCounter && p.Field == "ok":
			counters++
		case p.Class == classGauge && p.Field == "load1":
			load = p.Value
		case p.Field == "none":
			t.Errorf("absent series produced a point: %+v", p)
		}
	}
	if counters != 2 || load != 0.5 {
		t.Errorf("counter series = %d (want 2), load1 = %v (want 0.5)", counters, load)
	}
}
