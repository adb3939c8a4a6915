package assert

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

func warn(a *dsl.Assert) *dsl.Assert { a.Severity = dsl.SeverityWarn; return a }

// statuses lists "assert@step=status" in f.Assertions order.
func statuses(f *result.File) []string {
	var out []string
	for _, a := range f.Assertions {
		out = append(out, a.Name+"@"+a.Step+"="+string(a.Status))
	}
	return out
}

func TestEvaluateVerdicts(t *testing.T) {
	ok, slow := fullStep("a"), fullStep("b")
	slow.Latency.P95 = fp(612.4)
	noGPU := fullStep("b")
	noGPU.GPU = nil
	p95 := func() *dsl.Assert { return mkAssert(t, "p95", "latency.p95 < 500", "") }
	temp := func() *dsl.Assert { return mkAssert(t, "temp", "gpu.temperature.max < 2000", "") }
	cases := []struct {
		name        string
		steps       []result.Step
		asserts     []*dsl.Assert
		verdict     result.Verdict // preset verdict (runner's)
		wantVerdict result.Verdict
		wantCode    int
	}{
		{"all pass", []result.Step{ok, ok}, []*dsl.Assert{p95()}, "", result.VerdictPass, 0},
		{"fail", []result.Step{ok, slow}, []*dsl.Assert{p95()}, "", result.VerdictFail, 1},
		{"warn breached", []result.Step{ok, slow}, []*dsl.Assert{warn(p95()), temp()}, "", result.VerdictPass, 0},
		{"warn error", []result.Step{noGPU}, []*dsl.Assert{p95(), warn(temp())}, "", result.VerdictPass, 0},
		{"fail error", []result.Step{noGPU}, []*dsl.Assert{p95(), temp()}, "", result.VerdictFail, 1},
		{"warn and fail breached", []result.Step{slow}, []*dsl.Assert{warn(p95()), mkAssert(t, "hard", "latency.p95 < 600", "")}, "", result.VerdictFail, 1},
		{"interrupted", []result.Step{ok}, []*dsl.Assert{p95()}, result.VerdictInterrupted, result.VerdictInterrupted, 130},
		{"interrupted with failure", []result.Step{slow}, []*dsl.Assert{p95()}, result.VerdictInterrupted, result.VerdictInterrupted, 130},
		{"aborted", []result.Step{ok}, []*dsl.Assert{p95()}, result.VerdictAborted, result.VerdictAborted, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &result.File{Steps: c.steps, Verdict: c.verdict}
			Evaluate(scenario([]string{"a", "b"}, c.asserts...), f)
			if f.Verdict != c.wantVerdict || f.ExitCode != c.wantCode {
				t.Errorf("verdict %s exit %d, want %s exit %d; assertions %v",
					f.Verdict, f.ExitCode, c.wantVerdict, c.wantCode, statuses(f))
			}
		})
	}
}

func TestEvaluatePreconditionErrorKept(t *testing.T) {
	f := &result.File{Verdict: result.VerdictError, ExitCode: 3, Steps: []result.Step{emptyStep("a")}}
	Evaluate(scenario([]string{"a"}, mkAssert(t, "p95", "latency.p95 < 500", "")), f)
	if f.Verdict != result.VerdictError || f.ExitCode != 3 {
		t.Errorf("verdict %s exit %d, want error exit 3", f.Verdict, f.ExitCode)
	}
}

// TestEvaluateApplies checks which steps each assert runs on, not_run steps,
// and the synthetic no-success entry.
func TestEvaluateApplies(t *testing.T) {
	a, b, c, d := fullStep("a"), fullStep("b"), fullStep("c"), emptyStep("d")
	b.Requests.OK, b.Requests.SuccessRate = 0, fp(0)
	b.Latency = result.Latency{}
	c.Status = result.StepNotRun
	d.Status = result.StepInterrupted
	every := mkAssert(t, "every", "requests.total > 0", "")
	only := mkAssert(t, "only", "latency.p95 < 500", "")
	only.Steps = []string{"a", "c"}
	nested := mkAssert(t, "nested", "requests.success_rate >= 0.95", "")
	nested.Step, nested.Steps = "b", []string{"b"}
	f := &result.File{Steps: []result.Step{a, b, c, d}}
	Evaluate(scenario([]string{"a", "b", "c", "d"}, every, only, nested), f)
	want := []string{
		"every@a=pass", "only@a=pass",
		"every@b=pass", "nested@b=fail", "no_successful_requests@b=fail",
		"every@c=not_run", "only@c=not_run",
		"every@d=fail", // interrupted: evaluated, but no no-success entry
	}
	if diff := cmp.Diff(want, statuses(f)); diff != "" {
		t.Errorf("assertions (-want +got):\n%s", diff)
	}
	if f.Verdict != result.VerdictFail || f.ExitCode != 1 {
		t.Errorf("verdict %s exit %d, want fail 1", f.Verdict, f.ExitCode)
	}
	ns := f.Assertions[4]
	if ns.Message != "no request succeeded in step b (3000 sent, 10 failed, 2 dropped)" || ns.Severity != "fail" {
		t.Errorf("no-success entry = %+v", ns)
	}
	if got := f.Assertions[1].Range; got != "scenario.hcl:6:1" {
		t.Errorf("Range = %q, want scenario.hcl:6:1", got)
	}
}

// TestNoSuccessAloneFails: without any assert, a step where nothing
// succeeded still fails the run, and the missing fail assert is warned about.
func TestNoSuccessAloneFails(t *testing.T) {
	s := emptyStep("a")
	s.Requests = result.Requests{Total: 40, Failed: 40}
	f := &result.File{Steps: []result.Step{s}}
	Evaluate(scenario([]string{"a"}, warn(mkAssert(t, "w", "requests.total > 0", ""))), f)
	if f.ExitCode != 1 || f.Verdict != result.VerdictFail {
		t.Errorf("verdict %s exit %d, want fail 1", f.Verdict, f.ExitCode)
	}
	if !slices.Contains(f.Warnings, NoFailAssertWarning) {
		t.Errorf("warnings %v lack the no-fail-assert warning", f.Warnings)
	}
	Evaluate(scenario([]string{"a"}, warn(mkAssert(t, "w", "requests.total > 0", ""))), f)
	if len(f.Warnings) != 1 || len(f.Assertions) != 2 {
		t.Errorf("re-Evaluate: warnings %v, assertions %v; want no duplicates", f.Warnings, statuses(f))
	}
}

func TestEvaluateObservedAndMessage(t *testing.T) {
	s := fullStep("users_100")
	s.Latency.P95 = fp(612.4)
	f := &result.File{Steps: []result.Step{s}}
	a := mkAssert(t, "p95_latency", "latency.p95 < 500 && requests.success_rate >= 0.9", "p95 latency ${latency.p95} ms is over 500 ms")
	Evaluate(scenario([]string{"users_100"}, a), f)
	want := result.Assertion{
		Name: "p95_latency", Step: "users_100", Severity: "fail", Status: "fail",
		Condition: "latency.p95 < 500 && requests.success_rate >= 0.9",
		Observed:  map[string]any{"latency.p95": 612.4, "requests.success_rate": 0.99},
		Message:   "p95 latency 612.4 ms is over 500 ms", Range: "scenario.hcl:6:1",
	}
	if diff := cmp.Diff([]result.Assertion{want}, f.Assertions); diff != "" {
		t.Errorf("assertions (-want +got):\n%s", diff)
	}
}

// TestNonFiniteIsError: a value that is not a finite number (a gauge of
// +Inf, an overflowed sum, a NaN mean) is unknown, so an assertion reading
// it is an error whichever way the comparison would have gone.
func TestNonFiniteIsError(t *testing.T) {
	for _, c := range []struct {
		name, cond string
		set        func(s *result.Step)
	}{
		{"+Inf p95 under a bound", "latency.p95 > 0", func(s *result.Step) { s.Latency.P95 = fp(math.Inf(1)) }},
		{"-Inf queue", "triton.queue_ms < 10", func(s *result.Step) { s.Triton.QueueMs = fp(math.Inf(-1)) }},
		{"NaN gauge", "gpu.temperature.max < 80", func(s *result.Step) { s.GPU.Temperature.Max = fp(math.NaN()) }},
		{"+Inf rps", "requests.rps > 1", func(s *result.Step) { s.Requests.RPS = math.Inf(1) }},
		{"overflowed extract mean", "extract.tokens.mean > 0", func(s *result.Step) {
			big := 1.7e308
			s.Extract = map[string]result.Extract{"tokens": {Count: 2, Mean: fp(big + big)}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := fullStep("a")
			c.set(&s)
			f := &result.File{Steps: []result.Step{s}}
			Evaluate(scenario([]string{"a"}, mkAssert(t, "x", c.cond, "")), f)
			if got := f.Assertions[0]; got.Status != result.StatusError {
				t.Errorf("status %s (observed %v), want error", got.Status, got.Observed)
			}
		})
	}
}
