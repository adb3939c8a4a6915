package sampler

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/result"
)

// tritonPage is a modern Triton page at scrape n: model "fiqa" runs on one
// GPU instance (gpu_uuid-labelled counters) with model-level failures by
// reason and a pending gauge; model "other" must not leak into "fiqa".
// Per scrape fiqa gains 10 successes of 2 ms queue, 8 ms infer, 12 ms
// request, batches of 4, and one REJECTED failure.
func tritonPage(n int) string {
	var b strings.Builder
	inst := `model="fiqa",version="1",gpu_uuid="GPU-x"`
	line := func(name, labels string, v float64) { fmt.Fprintf(&b, "%s{%s} %g\n", name, labels, v) }
	b.WriteString("# TYPE nv_inference_request_success counter\n")
	line("nv_inference_request_success", inst, float64(10*n))
	line("nv_inference_request_success", `model="other",version="1"`, float64(1000*n))
	b.WriteString("# TYPE nv_inference_request_failure counter\n")
	line("nv_inference_request_failure", `model="fiqa",reason="REJECTED",version="1"`, float64(n))
	line("nv_inference_request_failure", `model="fiqa",reason="OTHER",version="1"`, 0)
	line("nv_inference_count", inst, float64(40*n))
	line("nv_inference_exec_count", inst, float64(10*n))
	line("nv_inference_queue_duration_us", inst, float64(10*n*2000))
	line("nv_inference_compute_infer_duration_us", inst, float64(10*n*8000))
	line("nv_inference_request_duration_us", inst, float64(10*n*12000))
	line("nv_inference_compute_input_duration_us", inst, float64(10*n*100))
	line("nv_inference_compute_output_duration_us", inst, float64(10*n*50))
	line("nv_inference_queue_duration_us", `model="other",version="1"`, float64(n*99e6))
	b.WriteString("# TYPE nv_inference_pending_request_count gauge\n")
	line("nv_inference_pending_request_count", `model="fiqa",version="1"`, float64(n%3))
	line("nv_gpu_utilization", `gpu_uuid="GPU-x"`, 0.87)
	line("nv_gpu_memory_used_bytes", `gpu_uuid="GPU-x"`, 1<<30)
	line("nv_gpu_power_usage", `gpu_uuid="GPU-x"`, 250.5)
	return b.String()
}

func fiqa(s sample) bool { return s.get("model") == "fiqa" }

func TestTritonWindowDerived(t *testing.T) {
	st := newStore()
	for n := range 5 {
		st.add(at(float64(n)), tritonReading(mustParse(t, []byte(tritonPage(n))), fiqa))
	}
	got := tritonWindowSums(st.window(at(0), at(4))).derive()
	want := map[string]any{
		"requests": 40.0, "failures": 4.0, "rps": 10.0, "queue_ms": 2.0, "infer_ms": 8.0,
		"request_ms": 12.0, "input_ms": 0.1, "output_ms": 0.05, "batch_size": 4.0,
		"pending_mean": 0.8, "pending_max": 2.0,
	}
	if d := cmp.Diff(want, tritonMap(got), approx); d != "" {
		t.Errorf("triton window (-want +got):\n%s", d)
	}
	one := tritonWindowSums(st.window(at(2), at(2))).derive()
	if one.Requests != nil || one.QueueMs != nil || one.RPS != nil {
		t.Errorf("single scrape gave requests=%v queue_ms=%v rps=%v, want unknown", deref(one.Requests), deref(one.QueueMs), deref(one.RPS))
	}
}

// TestTritonNoSuccessNoTimes: with no successful request in the window the
// per-request times are unknown, not 0, while requests is a known 0.
func TestTritonNoSuccessNoTimes(t *testing.T) {
	st := newStore()
	for i := range 3 {
		st.add(at(float64(i)), tritonReading(mustParse(t, []byte(tritonPage(2))), fiqa))
	}
	got := tritonWindowSums(st.window(at(0), at(2))).derive()
	if got.Requests == nil || *got.Requests != 0 || got.QueueMs != nil || got.BatchSize != nil {
		t.Errorf("requests=%v queue_ms=%v batch=%v, want 0, unknown, unknown", deref(got.Requests), deref(got.QueueMs), deref(got.BatchSize))
	}
}

var approx = cmp.Comparer(func(a, b float64) bool { return a == b || (a-b < 1e-9 && b-a < 1e-9) })

func tritonMap(t *result.Triton) map[string]any {
	return map[string]any{
		"requests": deref(t.Requests), "failures": deref(t.Failures), "rps": deref(t.RPS),
		"queue_ms": deref(t.QueueMs), "infer_ms": deref(t.InferMs), "request_ms": deref(t.RequestMs),
		"input_ms": deref(t.InputMs), "output_ms": deref(t.OutputMs), "batch_size": deref(t.BatchSize),
		"pending_mean": deref(t.Pending.Mean), "pending_max": deref(t.Pending.Max),
	}
}
