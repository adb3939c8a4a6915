package report

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/golden"
	"github.com/harness-gpu/harness/internal/result"
)

// assertFixture is a finished run over four steps: passes, a fail, an
// error, a breached warning, a warn-severity error, a step-scoped assert,
// the synthetic no-success entry and a step that did not run.
func assertFixture() *result.File {
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	step := func(name string, users int, status result.StepStatus, start time.Duration) result.Step {
		s := result.Step{Name: name, Model: "closed", Users: users, Status: status}
		if status != result.StepNotRun {
			s.Measured = result.Window{Start: t0.Add(start), End: t0.Add(start + time.Minute), DurationS: 60}
		}
		return s
	}
	p95 := func(st string, status result.Status, v float64, msg string) result.Assertion {
		return result.Assertion{Name: "p95_latency", Step: st, Severity: "fail", Status: status,
			Condition: "latency.p95 < 500", Observed: map[string]any{"latency.p95": v},
			Message: msg, Range: "scenarios/plan.hcl:40:1"}
	}
	temp := func(st string, status result.Status, v any, msg string) result.Assertion {
		return result.Assertion{Name: "gpu_temperature", Step: st, Severity: "fail", Status: status,
			Condition: "requests.success_rate >= 1 || gpu.temperature.max < 80", Abort: true,
			Observed: map[string]any{"gpu.temperature.max": v, "requests.success_rate": 1.0},
			Message:  msg, Range: "scenarios/plan.hcl:45:1"}
	}
	infer := func(st string, status result.Status, v any, msg string) result.Assertion {
		return result.Assertion{Name: "inference_warn", Step: st, Severity: "warn", Status: status,
			Condition: "triton.infer_ms < var.infer_ms", Message: msg, Range: "scenarios/plan.hcl:52:1",
			Observed: map[string]any{"triton.infer_ms": v, "var.infer_ms": 20.0}}
	}
	return &result.File{
		Schema: result.Schema, Scenario: result.ScenarioInfo{Name: "ai-quality-capacity"},
		Verdict: result.VerdictFail, ExitCode: 1,
		Steps: []result.Step{
			step("baseline", 1, result.StepCompleted, 0),
			step("users_100", 100, result.StepCompleted, 2*time.Minute),
			step("users_200", 200, result.StepCompleted, 4*time.Minute),
			step("users_400", 400, result.StepNotRun, 0),
		},
		Assertions: []result.Assertion{
			p95("baseline", "pass", 212.3, ""),
			temp("baseline", "pass", 64.0, ""),
			infer("baseline", "pass", 11.25, ""),
			p95("users_100", "fail", 612.4, "p95 latency 612.4 ms is over 500 ms"),
			temp("users_100", "error", nil, "no samples for gpu.temperature.max in step users_100 (sampler gpu: NVML not found)"),
			infer("users_100", "fail", 23.5, "inference 23.5 ms over 20 ms"),
			{Name: "success", Step: "users_100", Severity: "fail", Status: "pass",
				Condition: "requests.success_rate >= 0.95", Observed: map[string]any{"requests.success_rate": 0.99995},
				Range: "scenarios/plan.hcl:60:3"},
			p95("users_200", "fail", 1830, `assert "p95_latency" failed in step users_200: latency.p95 < 500 (latency.p95 = 1830)`),
			temp("users_200", "pass", 79.0, ""),
			infer("users_200", "error", nil, "no samples for triton.infer_ms in step users_200"),
			{Name: "no_successful_requests", Step: "users_200", Severity: "fail", Status: "fail",
				Condition: "requests.ok > 0", Observed: map[string]any{"requests.ok": 0.0, "requests.total": 400.0},
				Message: "no request succeeded in step users_200 (400 sent, 400 failed, 0 dropped)"},
			{Name: "p95_latency", Step: "users_400", Severity: "fail", Status: "not_run", Condition: "latency.p95 < 500",
				Observed: map[string]any{}, Range: "scenarios/plan.hcl:40:1"},
			{Name: "gpu_temperature", Step: "users_400", Severity: "fail", Status: "not_run",
				Condition: "requests.success_rate >= 1 || gpu.temperature.max < 80", Observed: map[string]any{}},
		},
	}
}

func TestWriteMatrixGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMatrix(&b, assertFixture(), false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b[") {
		t.Error("colour codes with color=false")
	}
	golden.Check(t, filepath.Join("testdata", "matrix_basic.golden"), b.Bytes())
}

func TestWriteMatrixPassAborted(t *testing.T) {
	f := assertFixture()
	f.Assertions = f.Assertions[:3]
	f.Verdict, f.ExitCode = result.VerdictAborted, 1
	f.Reason = `abort: assert "gpu_temperature" (gpu.temperature.max < 80) was false in step users_100 for 5s (sustain 5s): gpu.temperature.max = 86`
	var b bytes.Buffer
	if err := WriteMatrix(&b, f, false); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "matrix_aborted.golden"), b.Bytes())
}

func TestWriteMatrixColor(t *testing.T) {
	var plain, colored bytes.Buffer
	if err := WriteMatrix(&plain, assertFixture(), false); err != nil {
		t.Fatal(err)
	}
	if err := WriteMatrix(&colored, assertFixture(), true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{sgrGreen + "✓ 212.3" + sgrReset, sgrRed + "✗ 612.4" + sgrReset, sgrYellow + "⚠ 23.5" + sgrReset, sgrRed + "! –" + sgrReset} {
		if !strings.Contains(colored.String(), want) {
			t.Errorf("coloured matrix lacks %q:\n%s", want, colored.String())
		}
	}
	stripped := strings.NewReplacer(sgrReset, "", sgrBold, "", sgrDim, "", sgrRed, "", sgrGreen, "", sgrYellow, "").Replace(colored.String())
	if stripped != plain.String() {
		t.Errorf("coloured matrix without its codes differs from the plain one:\n%s", cmp.Diff(plain.String(), stripped))
	}
}

func TestWriteMatrixNoAssertions(t *testing.T) {
	var b bytes.Buffer
	f := &result.File{Scenario: result.ScenarioInfo{Name: "s"}, Verdict: "pass"}
	if err := WriteMatrix(&b, f, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "no assertions were evaluated") {
		t.Errorf("got %q", b.String())
	}
}

// assertFailWriter fails every write after the first n bytes.
type assertFailWriter struct{ n int }

var errAssertDiskFull = errors.New("disk full")

func (w *assertFailWriter) Write(b []byte) (int, error) {
	if len(b) > w.n {
		return 0, errAssertDiskFull
	}
	w.n -= len(b)
	return len(b), nil
}

func TestWritersReturnWriteErrors(t *testing.T) {
	for _, n := range []int{0, 100, 1000} {
		if err := WriteMatrix(&assertFailWriter{n}, assertFixture(), false); !errors.Is(err, errAssertDiskFull) {
			t.Errorf("WriteMatrix after %d bytes: err = %v, want disk full", n, err)
		}
		if err := WriteJUnit(&assertFailWriter{n}, assertFixture()); !errors.Is(err, errAssertDiskFull) {
			t.Errorf("WriteJUnit after %d bytes: err = %v, want disk full", n, err)
		}
	}
}

func TestObservedLines(t *testing.T) {
	got := ObservedLines(map[string]any{
		"status_codes":   map[string]any{"200": 120.0, "503": 3.0},
		"latency.p95":    612.4,
		"latency.p99":    nil,
		"step.name":      "warm",
		"requests.total": 0.99995,
	})
	want := []string{`latency.p95 = 612.4`, `latency.p99 = –`, `requests.total = 0.99995`,
		`status_codes = {"200":120,"503":3}`, `step.name = "warm"`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ObservedLines = %q, want %q", got, want)
	}
}
