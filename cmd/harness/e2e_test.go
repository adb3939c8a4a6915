package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/sim"
)

// End-to-end tests (issue 6): build the harness binary and run it as a user
// would, against the simulated inference server on 127.0.0.1.

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// harnessBinary builds the binary once for the whole test run.
func harnessBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH: cannot build the binary")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "harness-e2e-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "harness")
		cmd := exec.Command(goTool, "build", "-o", binPath, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// startSim serves the rtx5090 simulator with faults on a free loopback port
// for the test's lifetime.
func startSim(t *testing.T, faults sim.Faults) string {
	t.Helper()
	p, err := sim.ProfileByName("rtx5090")
	if err != nil {
		t.Fatal(err)
	}
	srv, url, err := sim.Start(t.Context(), "127.0.0.1:0", sim.Config{Profile: p, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return url
}

// simScenario is a user's scenario for the sim's quality endpoint: health
// checks, the triton sampler, steps and the given assert blocks.
func simScenario(steps, asserts string) string {
	return `variable "backend" {
  type = string
}
scenario {
  name = "e2e"
}
target "quality" {
  method  = "POST"
  url     = "${var.backend}/api/ai-quality"
  headers = { "Content-Type" = "application/json" }
  body    = jsonencode({ image = jpeg(128, 128) })
  timeout = "5s"
  extract "queue_ms" { json = "queue_time_ms" }
}
health "backend" {
  url      = "${var.backend}/health"
  timeout  = "1s"
  interval = "200ms"
}
sampler "triton" "triton" {
  url      = "${var.backend}/metrics"
  interval = "250ms"
}
` + steps + asserts
}

const e2eShortStep = `step "s" {
  users    = 4
  pace     = "200ms"
  duration = "2s"
}
`

// exitCode is the exit status of a finished command.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	default:
		t.Fatalf("running harness: %v", err)
		return -1
	}
}

// runBinary runs the built harness with args and returns its exit code and
// combined output.
func runBinary(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(harnessBinary(t), args...)
	out, err := cmd.CombinedOutput()
	return exitCode(t, err), string(out)
}

func TestE2EPassAndBreach(t *testing.T) {
	t.Parallel()
	url := startSim(t, sim.Faults{})
	for _, tc := range []struct {
		name, assert string
		code         int
		verdict      result.Verdict
	}{
		{"pass", `assert "p95" { condition = latency.p95 < 2000 }` + "\n", 0, result.VerdictPass},
		{"breach", `assert "p95" { condition = latency.p95 < 0.001 }` + "\n", 1, result.VerdictFail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeScenario(t, simScenario(e2eShortStep, tc.assert))
			out := filepath.Join(t.TempDir(), "results.json")
			code, output := runBinary(t, "run", file, "--var", "backend="+url, "--quiet", "--out", out)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; output:\n%s", code, tc.code, output)
			}
			f := readResults(t, out)
			if f.Verdict != tc.verdict || f.ExitCode != tc.code {
				t.Errorf("verdict %q exit_code %d, want %s %d", f.Verdict, f.ExitCode, tc.verdict, tc.code)
			}
			st := f.Steps[0]
			if st.Status != result.StepCompleted || st.Requests.OK == 0 || st.Extract["queue_ms"].Count == 0 {
				t.Errorf("step = %s, %d ok, %d queue_ms extracted; want completed with answers", st.Status, st.Requests.OK, st.Extract["queue_ms"].Count)
			}
			if st.Triton == nil || st.Triton.Requests == nil || *st.Triton.Requests <= 0 {
				t.Errorf("triton namespace = %+v, want the sim's request count", st.Triton)
			}
		})
	}
}

// crashSim sends the sim one real inference request, which fires its
// CrashAfter: 1 fault: from then on its /health answers 503.
func crashSim(t *testing.T, url string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(0, 0, color.White)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"image": base64.StdEncoding.EncodeToString(jpg.Bytes())})
	resp, err := http.Post(url+"/api/ai-quality", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(url + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("crashed sim /health = %d, want 503", resp.StatusCode)
	}
}

func TestE2EHealthNotMet(t *testing.T) {
	t.Parallel()
	url := startSim(t, sim.Faults{CrashAfter: 1})
	crashSim(t, url)
	file := writeScenario(t, simScenario(e2eShortStep, `assert "p95" { condition = latency.p95 < 2000 }`+"\n"))
	out := filepath.Join(t.TempDir(), "results.json")
	code, output := runBinary(t, "run", file, "--var", "backend="+url, "--quiet", "--out", out)
	if code != 3 {
		t.Fatalf("exit %d, want 3; output:\n%s", code, output)
	}
	if !strings.Contains(output, "backend") {
		t.Errorf("output does not name the health check:\n%s", output)
	}
	f := readResults(t, out)
	if f.Verdict != result.VerdictError || f.ExitCode != 3 || f.Steps[0].Status != result.StepNotRun {
		t.Errorf("verdict %q exit_code %d step %q, want error 3 not_run", f.Verdict, f.ExitCode, f.Steps[0].Status)
	}
}

func TestE2EInterrupt(t *testing.T) {
	t.Parallel()
	url := startSim(t, sim.Faults{})
	file := writeScenario(t, simScenario(`step "long" {
  users    = 4
  pace     = "200ms"
  duration = "30s"
}
step "next" {
  users    = 1
  duration = "5s"
}
`, `assert "p95" { condition = latency.p95 < 2000 }`+"\n"))
	out := filepath.Join(t.TempDir(), "results.json")
	var output syncBuffer
	cmd := exec.Command(harnessBinary(t), "run", file, "--var", "backend="+url, "--quiet", "--out", out)
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(output.String(), "running \"e2e\""); {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("load never started; output:\n%s", output.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // a couple of seconds into the 30 s step
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("harness still running 15 s after SIGINT; output:\n%s", output.String())
	}
	if code := exitCode(t, err); code != 130 {
		t.Fatalf("exit %d, want 130; output:\n%s", code, output.String())
	}
	f := readResults(t, out)
	if f.Verdict != result.VerdictInterrupted || f.ExitCode != 130 {
		t.Errorf("verdict %q exit_code %d, want interrupted 130", f.Verdict, f.ExitCode)
	}
	long, next := f.Steps[0], f.Steps[1]
	if long.Status != result.StepInterrupted || long.Requests.OK == 0 || long.Measured.DurationS >= 30 {
		t.Errorf("step long: %s, %d ok, %.1f s; want interrupted partway with answers", long.Status, long.Requests.OK, long.Measured.DurationS)
	}
	if next.Status != result.StepNotRun {
		t.Errorf("step next: %s, want not_run", next.Status)
	}
}

// TestE2EDemoFast runs the README's demo (the fast one) on the rtx5090
// profile: about 45 s, so not with -short.
func TestE2EDemoFast(t *testing.T) {
	if testing.Short() {
		t.Skip("the fast demo takes about 45 s")
	}
	t.Parallel()
	out := filepath.Join(t.TempDir(), "demo.json")
	code, output := runBinary(t, "demo", "--fast", "--gpu", "rtx5090", "--quiet", "--out", out)
	f, err := result.ReadFile(out)
	if err != nil {
		t.Fatalf("exit %d, results: %v; output:\n%s", code, err, output)
	}
	if code != f.ExitCode || (code != 0 && code != 1) {
		t.Fatalf("exit %d, results file exit_code %d (verdict %s); output:\n%s", code, f.ExitCode, f.Verdict, output)
	}
	if want := map[int]result.Verdict{0: result.VerdictPass, 1: result.VerdictFail}[code]; f.Verdict != want {
		t.Errorf("verdict %q with exit %d, want %q", f.Verdict, code, want)
	}
	if len(f.Steps) != 6 {
		t.Fatalf("%d steps, want 6", len(f.Steps))
	}
	util := map[string]float64{}
	for _, st := range f.Steps {
		if st.Status != result.StepCompleted {
			t.Errorf("step %s: %s, want completed", st.Name, st.Status)
		}
		if st.GPU == nil || st.GPU.Temperature.Max == nil || st.GPU.Utilization.Mean == nil {
			t.Errorf("step %s: no dcgm GPU data: %+v", st.Name, st.GPU)
		} else {
			util[st.Name] = *st.GPU.Utilization.Mean
		}
		if st.Name != "baseline" && (st.Triton == nil || st.Triton.QueueMs == nil) {
			t.Errorf("step %s: no triton queue_ms: %+v", st.Name, st.Triton)
		}
	}
	if util["users_200"] <= util["users_10"] {
		t.Errorf("GPU utilization mean: users_10 %.1f %%, users_200 %.1f %%; want more at 200 users", util["users_10"], util["users_200"])
	}
}
