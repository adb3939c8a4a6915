package sim

import (
	"encoding/json"
	"math"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// referenceHeaders returns the "# HELP"/"# TYPE" lines of a captured page,
// keyed by family name.
func referenceHeaders(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return headersOf(string(f))
}

// checkHeaders compares each family's HELP/TYPE lines with the real
// server's, verbatim.
func checkHeaders(t *testing.T, page string, ref map[string]string) {
	t.Helper()
	for name, lines := range headersOf(page) {
		if want, ok := ref[name]; !ok || lines != want {
			t.Errorf("family %s headers:\n%s\nwant:\n%s", name, lines, want)
		}
	}
}

func headersOf(page string) map[string]string {
	heads := map[string]string{}
	for _, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			heads[strings.Fields(line)[2]] += line + "\n"
		}
	}
	return heads
}

func TestTritonMetricsText(t *testing.T) {
	s, ts := newTestServer(t, Config{Profile: fastProfile()})
	fams, page := scrape(t, ts.URL+"/metrics")
	if !strings.HasSuffix(page, "\n") {
		t.Error("no trailing newline")
	}
	checkHeaders(t, page, referenceHeaders(t, "testdata/triton_reference.txt"))
	uuid := s.Profile().UUID
	for _, line := range []string{
		`nv_inference_request_success{gpu_uuid="` + uuid + `",model="efficient_fiqa",version="1"} 0`,
		`nv_inference_request_failure{model="efficient_fiqa",reason="REJECTED",version="1"} 0`,
		`nv_inference_request_failure{model="efficient_fiqa",reason="CANCELED",version="1"} 0`,
		`nv_inference_request_failure{model="efficient_fiqa",reason="BACKEND",version="1"} 0`,
		`nv_inference_request_failure{model="efficient_fiqa",reason="OTHER",version="1"} 0`,
		`nv_inference_pending_request_count{model="efficient_fiqa",version="1"} 0`,
		`nv_gpu_memory_total_bytes{gpu_uuid="` + uuid + `"} 12884901888`,
		`nv_gpu_power_limit{gpu_uuid="` + uuid + `"} 170`,
	} {
		if !strings.Contains(page, line+"\n") {
			t.Errorf("missing line %s", line)
		}
	}
	wantLabels := map[string]string{
		"nv_inference_request_success": "gpu_uuid,model,version", "nv_inference_request_failure": "model,reason,version",
		"nv_inference_count": "gpu_uuid,model,version", "nv_inference_exec_count": "gpu_uuid,model,version",
		"nv_inference_request_duration_us": "gpu_uuid,model,version", "nv_inference_queue_duration_us": "gpu_uuid,model,version",
		"nv_inference_compute_input_duration_us": "gpu_uuid,model,version", "nv_inference_compute_infer_duration_us": "gpu_uuid,model,version",
		"nv_inference_compute_output_duration_us": "gpu_uuid,model,version", "nv_inference_pending_request_count": "model,version",
		"nv_gpu_utilization": "gpu_uuid", "nv_gpu_memory_total_bytes": "gpu_uuid", "nv_gpu_memory_used_bytes": "gpu_uuid",
		"nv_gpu_power_usage": "gpu_uuid", "nv_gpu_power_limit": "gpu_uuid", "nv_energy_consumption": "gpu_uuid",
	}
	if len(fams) != len(wantLabels) {
		t.Errorf("%d families, want %d", len(fams), len(wantLabels))
	}
	for name, want := range wantLabels {
		fam, ok := fams[name]
		if !ok {
			t.Errorf("family %s missing", name)
			continue
		}
		for _, m := range fam.GetMetric() {
			if got := labelNames(m); got != want {
				t.Errorf("%s labels %s, want %s", name, got, want)
			}
		}
	}
}

// TestCountersMoveConsistently sends a burst and checks the deltas obey
// Triton's counter semantics: Δsuccess = requests served, Δcount/Δexec = mean batch, and
// the duration counters add up to what the responses reported.
func TestCountersMoveConsistently(t *testing.T) {
	_, ts := newTestServer(t, Config{Profile: fastProfile()})
	before, _ := scrape(t, ts.URL+"/metrics")
	const n = 24
	body := jpegBody(t, 96, 96)
	var (
		mu            sync.Mutex
		sumQ, sumComp float64
		wg            sync.WaitGroup
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := doErr(http.MethodPost, ts.URL+"/api/ai-quality", body)
			var q qualityResponse
			if err != nil || r.status != http.StatusOK || json.Unmarshal(r.body, &q) != nil {
				t.Errorf("POST: %v %d %s", err, r.status, r.body)
				return
			}
			mu.Lock()
			sumQ += q.QueueTimeMs * 1000
			sumComp += q.InferenceTimeMs * 1000
			mu.Unlock()
		}()
	}
	wg.Wait()
	after, _ := scrape(t, ts.URL+"/metrics")
	delta := func(name string) float64 {
		return value(t, after, name, nil) - value(t, before, name, nil)
	}
	success, count, execs := delta("nv_inference_request_success"), delta("nv_inference_count"), delta("nv_inference_exec_count")
	if success != n || count != n {
		t.Errorf("Δsuccess %v, Δcount %v, want %d each", success, count, n)
	}
	if execs < 1 || execs > n {
		t.Errorf("Δexec_count %v outside 1..%d", execs, n)
	}
	t.Logf("mean batch size Δcount/Δexec = %.2f", count/execs)
	queue := delta("nv_inference_queue_duration_us")
	compute := delta("nv_inference_compute_input_duration_us") + delta("nv_inference_compute_infer_duration_us") +
		delta("nv_inference_compute_output_duration_us")
	request := delta("nv_inference_request_duration_us")
	if math.Abs(queue-sumQ) > 0.5 {
		t.Errorf("Δqueue_us %v, responses say %v", queue, sumQ)
	}
	// Each response truncates its compute total once, the counters each part.
	if compute > sumComp+0.5 || compute < sumComp-3*n {
		t.Errorf("Δcompute_us %v, responses say %v", compute, sumComp)
	}
	if request < queue+compute-float64(4*n) {
		t.Errorf("Δrequest_us %v < queue %v + compute %v", request, queue, compute)
	}
}

func TestDCGMMetricsText(t *testing.T) {
	s, ts := newTestServer(t, Config{Profile: fastProfile(), Hostname: "node-1"})
	fams, page := scrape(t, ts.URL+"/dcgm/metrics")
	if !strings.HasSuffix(page, "\n") {
		t.Error("no trailing newline")
	}
	checkHeaders(t, page, referenceHeaders(t, "testdata/dcgm_reference.txt"))
	p := s.Profile()
	prefix := `DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="` + p.UUID + `",pci_bus_id="00000000:01:00.0",device="nvidia0",modelName="NVIDIA GeForce RTX 3060",Hostname="node-1",DCGM_FI_DRIVER_VERSION="580.105.08"} 40` + "\n"
	if !strings.Contains(page, prefix) {
		t.Errorf("page lacks %s", prefix)
	}
	for _, name := range []string{"DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_MEM_COPY_UTIL",
		"DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_SM_CLOCK"} {
		if fams[name] == nil || fams[name].GetType() != dto.MetricType_GAUGE {
			t.Errorf("%s missing or not a gauge", name)
		}
	}
	used := value(t, fams, "DCGM_FI_DEV_FB_USED", nil)
	free := value(t, fams, "DCGM_FI_DEV_FB_FREE", nil)
	reserved := value(t, fams, "DCGM_FI_DEV_FB_RESERVED", nil)
	if used+free+reserved != p.MemoryMiB {
		t.Errorf("FB used %v + free %v + reserved %v != total %v", used, free, reserved, p.MemoryMiB)
	}
	if !strings.Contains(page, "DCGM_FI_DEV_POWER_USAGE{") || !strings.Contains(page, "} 15.000000\n") {
		t.Errorf("power not in dcgm-exporter's %%f form:\n%s", page)
	}
}
