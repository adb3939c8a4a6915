package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// tritonServer serves a Triton-like page whose counters grow 10 requests
// (20 ms of queue each) per scrape.
func tritonServer(t *testing.T) *httptest.Server {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := n.Add(1)
		fmt.Fprintf(w, "nv_inference_request_success{model=\"m\",version=\"1\"} %d\n", 10*k)
		fmt.Fprintf(w, "nv_inference_queue_duration_us{model=\"m\",version=\"1\"} %d\n", 10*k*20000)
		fmt.Fprintf(w, "nv_gpu_utilization{gpu_uuid=\"GPU-x\"} 0.5\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestMonitorTritonCSV(t *testing.T) {
	srv := tritonServer(t)
	code, out, errs := runHarness(t, "monitor", "--triton", srv.URL, "--interval", "50ms", "--duration", "400ms", "--format", "csv")
	if code != exitcode.OK {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "time,gpu,utilization,memory_utilization,memory_used_mib,temperature,power_w,triton_requests,triton_queue_ms,triton_infer_ms,stale" {
		t.Fatalf("header = %q", lines[0])
	}
	if len(lines) < 3 {
		t.Fatalf("want at least 2 rows, got:\n%s", out)
	}
	last := strings.Split(lines[len(lines)-1], ",")
	if last[1] != "0" || last[2] != "50" || last[7] != "10" || last[8] != "20" {
		t.Errorf("last row = %q, want gpu 0, 50 %%, +10 requests, 20 ms queue", lines[len(lines)-1])
	}
}

func TestMonitorTableFromFile(t *testing.T) {
	srv := tritonServer(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "s.hcl")
	src := `variable "metrics" {
  type = string
}
scenario {
  name = "mon"
}
target "t" {
  url = "http://127.0.0.1:1/"
}
sampler "triton" "tri" {
  url      = var.metrics
  interval = "50ms"
}
step "s" {
  users    = 1
  duration = "1s"
}
assert "a" {
  condition = triton.queue_ms < 100
}
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runHarness(t, "monitor", file, "--var", "metrics="+srv.URL, "--interval", "50ms", "--duration", "300ms")
	if code != exitcode.OK {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if !strings.HasPrefix(out, "#    time  gpu   GPU%") || !strings.Contains(out, "+10     20.00") {
		t.Errorf("table output:\n%s", out)
	}
}

// An endpoint that dies mid-run: monitor marks the values it still shows
// as stale, says how old they are, and warns once on stderr.
func TestMonitorEndpointDies(t *testing.T) {
	var n atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := n.Add(1)
		fmt.Fprintf(w, "nv_inference_request_success{model=\"m\",version=\"1\"} %d\n", 10*k)
		fmt.Fprintf(w, "nv_gpu_utilization{gpu_uuid=\"GPU-x\"} 0.5\n")
		if k == 4 {
			go srv.Close() // after this answer: Close waits for it
		}
	}))
	t.Cleanup(srv.Close)
	code, out, errs := runHarness(t, "monitor", "--triton", srv.URL, "--interval", "100ms", "--duration", "1500ms")
	if code != exitcode.OK {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if strings.Count(errs, "warning") != 1 || !strings.Contains(errs, `sampler "triton" (triton) has had no data for`) ||
		!strings.Contains(errs, "connect") {
		t.Errorf("stderr %q: want one warning naming the sampler and the error", errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "(triton stale ") {
		t.Errorf("the last line does not say the data is stale:\n%s", out)
	}
	marked := false
	for _, l := range lines {
		marked = marked || strings.Contains(l, "*")
	}
	if !marked {
		t.Errorf("no value was marked stale (*):\n%s", out)
	}
}

func TestMonitorSamplerCannotStart(t *testing.T) {
	code, _, errs := runHarness(t, "monitor", "--triton", "http://127.0.0.1:1/metrics", "--duration", "1s")
	if code != exitcode.Precondition || !strings.Contains(errs, `sampler "triton" (triton) could not start`) {
		t.Errorf("exit %d, stderr %q; want 3 and the reason", code, errs)
	}
}

func TestMonitorUsage(t *testing.T) {
	for _, args := range [][]string{
		{"monitor", "--format", "xml"},
		{"monitor", "--interval", "0s"},
		{"monitor", "--var", "a=b"},
		{"monitor", "a.hcl", "b.hcl"},
	} {
		if code, _, errs := runHarness(t, args...); code != exitcode.Usage {
			t.Errorf("%v: exit %d (%q), want 2", args, code, errs)
		}
	}
}
