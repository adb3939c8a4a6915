package sim

import (
	"net/http"
	"testing"
	"time"
)

type healthCase struct {
	path   string
	status int
	body   string
}

func checkHealth(t *testing.T, base string, cases []healthCase) {
	t.Helper()
	for _, c := range cases {
		r := do(t, http.MethodGet, base+c.path, nil)
		if r.status != c.status || string(r.body) != c.body {
			t.Errorf("GET %s = %d %q, want %d %q", c.path, r.status, r.body, c.status, c.body)
		}
	}
}

// TestHealthEndpoints checks what Triton's health endpoints do: Triton answers with the status
// and an empty body; the model endpoint adds a JSON error when not ready.
func TestHealthEndpoints(t *testing.T) {
	_, ts := newTestServer(t, Config{Profile: fastProfile()})
	checkHealth(t, ts.URL, []healthCase{
		{"/health", 200, `{"status":"ok"}` + "\n"},
		{"/v2/health/live", 200, ""},
		{"/v2/health/ready", 200, ""},
		{"/v2/models/efficient_fiqa/ready", 200, ""},
		{"/v2/models/efficient_fiqa/versions/1/ready", 200, ""},
		{"/v2/models/other/ready", 404, "404 page not found\n"},
	})
}

// TestStallFault: the first request stalls the scheduler; the server stays
// live but not ready, and the request waits out the stall.
func TestStallFault(t *testing.T) {
	const stall = 300 * time.Millisecond
	s, ts := newTestServer(t, Config{Profile: fastProfile(), Faults: Faults{Stall: stall}})
	done := make(chan reply, 1)
	start := time.Now()
	go func() {
		r, err := doErr(http.MethodPost, ts.URL+"/api/ai-quality", jpegBody(t, 64, 64))
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	waitFor(t, func() bool { return s.b.pending() == 1 })
	if time.Since(start) < stall { // the usual case; on a starved machine the stall may be over
		checkHealth(t, ts.URL, []healthCase{
			{"/v2/health/live", 200, ""},
			{"/v2/health/ready", 400, ""},
			{"/v2/models/efficient_fiqa/ready", 400, `{"error":"Model version not ready"}` + "\n"},
			{"/health", 200, `{"status":"ok"}` + "\n"},
		})
	}
	r := <-done
	if r.status != http.StatusOK {
		t.Fatalf("stalled request = %d %s", r.status, r.body)
	}
	if waited := time.Since(start); waited < stall {
		t.Errorf("request answered after %v, inside the %v stall", waited, stall)
	}
	checkHealth(t, ts.URL, []healthCase{{"/v2/health/ready", 200, ""}})
}

// TestCrashFault: after CrashAfter accepted requests the server refuses
// inference with 503 and reports itself dead.
func TestCrashFault(t *testing.T) {
	_, ts := newTestServer(t, Config{Profile: fastProfile(), Faults: Faults{CrashAfter: 2}})
	body := jpegBody(t, 64, 64)
	for i, want := range []int{200, 200, 503, 503} {
		if r := do(t, http.MethodPost, ts.URL+"/api/ai-quality", body); r.status != want {
			t.Errorf("request %d = %d %s, want %d", i+1, r.status, r.body, want)
		}
	}
	checkHealth(t, ts.URL, []healthCase{
		{"/v2/health/live", 400, ""},
		{"/v2/health/ready", 400, ""},
		{"/v2/models/efficient_fiqa/ready", 400, `{"error":"Model version not ready"}` + "\n"},
		{"/health", 503, `{"status":"unavailable"}` + "\n"},
	})
	fams, _ := scrape(t, ts.URL+"/metrics")
	if v := value(t, fams, "nv_inference_request_success", nil); v != 2 {
		t.Errorf("success = %v after the crash, want 2", v)
	}
}

// TestErrorFault: every request fails in the backend with 500 and counts
// as Triton failure reason BACKEND, adding no success or durations.
func TestErrorFault(t *testing.T) {
	_, ts := newTestServer(t, Config{Profile: fastProfile(), Faults: Faults{ErrorRate: 1}})
	body := jpegBody(t, 64, 64)
	for range 3 {
		if r := do(t, http.MethodPost, ts.URL+"/api/ai-quality", body); r.status != 500 ||
			string(r.body) != `{"error":"simulated backend error: inference failed"}`+"\n" {
			t.Errorf("POST = %d %s, want 500 with a JSON error", r.status, r.body)
		}
	}
	fams, _ := scrape(t, ts.URL+"/metrics")
	for name, want := range map[string]float64{
		"nv_inference_request_success": 0, "nv_inference_queue_duration_us": 0, "nv_inference_count": 0,
	} {
		if v := value(t, fams, name, nil); v != want {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}
	if v := value(t, fams, "nv_inference_request_failure", map[string]string{"reason": "BACKEND"}); v != 3 {
		t.Errorf("BACKEND failures = %v, want 3", v)
	}
	if v := value(t, fams, "nv_inference_exec_count", nil); v < 1 {
		t.Errorf("exec_count = %v: failed requests still executed", v)
	}
}

// TestSpikeFault: a spike lengthens the batch's compute time by at least
// Spike (a lower bound: timers never fire early).
func TestSpikeFault(t *testing.T) {
	const spike = 40 * time.Millisecond
	_, ts := newTestServer(t, Config{Profile: fastProfile(), Faults: Faults{SpikeRate: 1, Spike: spike}})
	fams0, _ := scrape(t, ts.URL+"/metrics")
	if r := do(t, http.MethodPost, ts.URL+"/api/ai-quality", jpegBody(t, 64, 64)); r.status != 200 {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	fams, _ := scrape(t, ts.URL+"/metrics")
	infer := value(t, fams, "nv_inference_compute_infer_duration_us", nil) - value(t, fams0, "nv_inference_compute_infer_duration_us", nil)
	if infer < float64(spike.Microseconds()) {
		t.Errorf("compute_infer %v µs, want at least the %v spike", infer, spike)
	}
}

// TestStartServesAndStopsWithContext runs Start on a free loopback port.
func TestStartServesAndStopsWithContext(t *testing.T) {
	ctx, cancel := t.Context(), func() {}
	_ = cancel
	s, url, err := Start(ctx, "127.0.0.1:0", Config{Profile: fastProfile(), SampleInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	checkHealth(t, url, []healthCase{{"/v2/health/ready", 200, ""}})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := http.Get(url + "/health"); err == nil {
		t.Error("server still answers after Close")
	}
	if _, _, err := Start(ctx, "127.0.0.1:0", Config{Profile: Profile{Name: "broken"}}); err == nil {
		t.Error("Start accepted a profile with no instances")
	}
}
