package assert

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/harness-gpu/harness/internal/result"
)

// TestMissingDataPerNamespace: a name with no data behind it, in each
// namespace, is error with a message naming it and the step.
func TestMissingDataPerNamespace(t *testing.T) {
	empty := emptyStep("users_100")
	oneGPU := fullStep("users_100")
	oneGPU.GPUs = oneGPU.GPUs[:1]
	noExtract := fullStep("users_100")
	noExtract.Extract = map[string]result.Extract{"inference_ms": {Count: 0, Misses: 40}}
	sampFail := fullStep("users_100")
	sampFail.Samplers["fleet"] = result.SamplerWindow{Kind: "dcgm", Error: "connection refused"}
	sampFail.Samplers["app"] = result.SamplerWindow{Kind: "prometheus", Error: "timeout"}
	gpuDown := emptyStep("users_100")
	gpuDown.Samplers = map[string]result.SamplerWindow{"gpu": {Kind: "nvml", Error: "NVML not found"}}
	cases := []struct {
		cond string
		step result.Step
		want string // substring of the message
	}{
		{"latency.p95 < 500", empty, "no samples for latency.p95 in step users_100"},
		{"requests.success_rate >= 1", empty, "no samples for requests.success_rate in step users_100"},
		{`status_codes["oops"] == 0`, empty, `cannot read status_codes["oops"] in step users_100`},
		{"extract.inference_ms.p95 < 20", empty, "cannot read extract.inference_ms.p95 in step users_100"},
		{"extract.inference_ms.p95 < 20", noExtract, "no samples for extract.inference_ms.p95 in step users_100"},
		{"gpu.temperature.max < 80", empty, "no samples for gpu.temperature.max in step users_100"},
		{"gpu.temperature.max < 80", gpuDown, "no samples for gpu.temperature.max in step users_100 (sampler gpu: NVML not found)"},
		{"gpus[0].temperature.max < 80", empty, "no samples for gpus[0].temperature.max in step users_100"},
		{"gpus[1].temperature.max < 80", oneGPU, "cannot read gpus[1].temperature.max in step users_100: Invalid index"},
		{"triton.queue_ms < 5", empty, "no samples for triton.queue_ms in step users_100"},
		{"triton.pending.max < 5", empty, "no samples for triton.pending.max in step users_100"},
		{"sampler.fleet.gpu.utilization.max < 90", sampFail, "no samples for sampler.fleet.gpu.utilization.max in step users_100 (sampler fleet: connection refused)"},
		{"sampler.app.load1.max < 4", sampFail, "cannot read sampler.app.load1.max in step users_100: Unsupported attribute"},
		{"sampler.app.load1.max < 4", sampFail, "(sampler app: timeout)"},
		{"sampler.nope.gpu.utilization.max < 90", fullStep("users_100"), "cannot read sampler.nope.gpu.utilization.max"},
		{"step.user > 0", fullStep("users_100"), `cannot read step.user in step users_100: Unsupported attribute: This object does not have an attribute named "user"`},
	}
	for _, c := range cases {
		out := evalAssert(mkAssert(t, "a", c.cond, ""), c.step, time.Minute)
		if out.status != StatusError || !strings.Contains(out.message, c.want) {
			t.Errorf("evalAssert(%s) = %s %q, want error containing %q", c.cond, out.status, out.message, c.want)
		}
	}
}

// TestShortCircuitCannotHide: a side HCL skips is resolved all the same, so
// a missing value or a typo there is error, not pass (STYLE lesson 6).
func TestShortCircuitCannotHide(t *testing.T) {
	step := fullStep("users_100")
	step.GPU = nil
	step.Requests.SuccessRate = fp(1)
	cases := []struct{ cond, want string }{
		{"requests.success_rate >= 1 || gpu.temperature.max < 80", "no samples for gpu.temperature.max in step users_100"},
		{"requests.success_rate > 1 && gpu.temperature.max < 80", "no samples for gpu.temperature.max in step users_100"},
		{"requests.success_rate >= 1 || latency.p59 < 500", "cannot read latency.p59 in step users_100"},
		{"requests.success_rate >= 1 || laterncy.p95 < 500", `cannot read laterncy.p95 in step users_100: Unknown variable`},
		{"requests.success_rate >= 1 ? true : gpu.temperature.max < 80", "no samples for gpu.temperature.max"},
	}
	for _, c := range cases {
		out := evalAssert(mkAssert(t, "a", c.cond, ""), step, time.Minute)
		if out.status != StatusError || !strings.Contains(out.message, c.want) {
			t.Errorf("evalAssert(%s) = %s %q, want error containing %q", c.cond, out.status, out.message, c.want)
		}
	}
}

func TestResultKinds(t *testing.T) {
	step := fullStep("users_100")
	cases := []struct {
		cond string
		want Status
		msg  string
	}{
		{"latency.p95 < 500", StatusPass, ""},
		{"latency.p95 < 250", StatusFail, `assert "a" failed in step users_100: latency.p95 < 250 (latency.p95 = 300)`},
		{"latency.p95", StatusError, "condition must be a bool, got number"},
		{`latency.p95 < 500 ? null : true`, StatusError, "condition result is null"},
		{`latency.p95 < "fast"`, StatusError, "cannot evaluate condition"},
		{`upper(latency.p95)`, StatusError, "cannot evaluate condition"}, // no such function here
	}
	for _, c := range cases {
		out := evalAssert(mkAssert(t, "a", c.cond, ""), step, time.Minute)
		if out.status != c.want || !strings.Contains(out.message, c.msg) {
			t.Errorf("evalAssert(%s) = %s %q, want %s containing %q", c.cond, out.status, out.message, c.want, c.msg)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	step := fullStep("users_100")
	cases := []struct {
		cond, msg, want string
		custom          bool
	}{
		{"latency.p95 < 250", "p95 latency ${latency.p95} ms is over 250 ms", "p95 latency 300 ms is over 250 ms", true},
		{"latency.p95 < 250", "p95 ${latency.p59}", `assert "a" failed in step users_100`, false},
		{"gpu.temperature.max < 80", "GPU reached ${gpu.temperature.max} °C", "GPU reached 1042 °C", true},
		{"triton.queue_ms < 1 || latency.p95 < 1", "slow", "slow", true},
		{"latency.p95 < 250 || latency.p59 < 1", "slow", "cannot read latency.p59 in step users_100: Unsupported attribute: This object does not have an attribute named \"p59\"; slow", true},
		{"latency.p95 < 250 || latency.p59 < 1", "p95 ${latency.p59}", "cannot read latency.p59", false},
	}
	for _, c := range cases {
		out := evalAssert(mkAssert(t, "a", c.cond, c.msg), step, time.Minute)
		if !strings.Contains(out.message, c.want) || out.custom != c.custom {
			t.Errorf("evalAssert(%s, %q) message = %q custom %v, want %q custom %v", c.cond, c.msg, out.message, out.custom, c.want, c.custom)
		}
	}
}

// TestContextFromScenario: var, local, functions and a dynamic block's
// iterator resolve from the assert's own context, and the namespaces shadow
// an iterator named like one of them.
func TestContextFromScenario(t *testing.T) {
	base := &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   cty.ObjectVal(map[string]cty.Value{"p95_ms": cty.NumberIntVal(350)}),
			"local": cty.ObjectVal(map[string]cty.Value{"limit": cty.StringVal("500ms")}),
		},
		Functions: map[string]function.Function{"max": stdlib.MaxFunc, "upper": stdlib.UpperFunc},
	}
	dyn := base.NewChild()
	dyn.Variables = map[string]cty.Value{
		"level": cty.ObjectVal(map[string]cty.Value{"value": cty.NumberIntVal(100)}),
		"step":  cty.ObjectVal(map[string]cty.Value{"value": cty.NumberIntVal(100)}),
	}
	step := fullStep("users_100")
	cases := []struct {
		cond string
		obs  string
	}{
		{"max(latency.p95, latency.p99) < var.p95_ms + 100", "var.p95_ms"},
		{"requests.total >= level.value * 30", "level.value"},
		{`step.name == "users_${level.value}"`, "step.name"},
		{`upper(step.name) == "USERS_100" && local.limit == "500ms"`, "local.limit"},
	}
	for _, c := range cases {
		a := mkAssert(t, "a", c.cond, "")
		a.EvalCtx = dyn
		out := evalAssert(a, step, time.Minute)
		if out.status != StatusPass {
			t.Errorf("evalAssert(%s) = %s %v, want pass", c.cond, out.status, out.causes)
		}
		if _, ok := out.observed[c.obs]; !ok {
			t.Errorf("evalAssert(%s) observed %v lacks %s", c.cond, out.observed, c.obs)
		}
	}
}

func TestStatusMerge(t *testing.T) {
	order := []Status{StatusPending, StatusSkip, StatusPass, StatusFail, StatusError}
	for i, a := range order {
		for j, b := range order {
			want := order[max(i, j)]
			if got := a.Merge(b); got != want {
				t.Errorf("%s.Merge(%s) = %s, want %s", a, b, got, want)
			}
		}
		if ParseStatus(a.Result()) != a {
			t.Errorf("ParseStatus(%s.Result()) != %s", a, a)
		}
	}
}

func TestObservedWholeStatusCodes(t *testing.T) {
	a := mkAssert(t, "a", `lookup(status_codes, "503", 0) == 0`, "")
	a.EvalCtx = &hcl.EvalContext{Functions: map[string]function.Function{"lookup": stdlib.LookupFunc}}
	out := evalAssert(a, fullStep("s"), time.Minute)
	want := map[string]any{"200": 2990.0, "500": 10.0}
	if out.status != StatusPass || !cmp.Equal(out.observed["status_codes"], want) {
		t.Errorf("evalAssert = %s, observed %v; want pass with %v", out.status, out.observed, want)
	}
}

// A failing condition's default message shows the whole status_codes map
// as the results file writes it (JSON), not in Go's map syntax.
func TestMessageWholeStatusCodes(t *testing.T) {
	a := mkAssert(t, "a", `lookup(status_codes, "500", 0) == 0`, "")
	a.EvalCtx = &hcl.EvalContext{Functions: map[string]function.Function{"lookup": stdlib.LookupFunc}}
	out := evalAssert(a, fullStep("s"), time.Minute)
	want := `status_codes = {"200":2990,"500":10}`
	if out.status != StatusFail || !strings.Contains(out.message, want) {
		t.Errorf("evalAssert = %s, message %q; want fail with %q", out.status, out.message, want)
	}
}
