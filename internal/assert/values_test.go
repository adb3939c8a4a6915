package assert

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// nameCase is one condition name and the value fullStep holds for it.
type nameCase struct {
	name string
	want any
}

// everyName lists every condition name (docs/conditions.md) with fullStep's value.
func everyName() []nameCase {
	cs := []nameCase{
		{"latency.min", 100.0}, {"latency.mean", 200.0}, {"latency.stddev", 30.0},
		{"latency.p50", 190.0}, {"latency.p90", 250.0}, {"latency.p95", 300.0},
		{"latency.p99", 400.0}, {"latency.p999", 450.0}, {"latency.max", 500.0},
		{"requests.total", 3000.0}, {"requests.ok", 2990.0}, {"requests.failed", 10.0},
		{"requests.dropped", 2.0}, {"requests.timeouts", 3.0}, {"requests.rps", 50.25},
		{"requests.success_rate", 0.99}, {"requests.error_rate", 0.01},
		{`status_codes["200"]`, 2990.0}, {`status_codes["500"]`, 10.0}, {`status_codes["503"]`, 0.0},
		{"extract.inference_ms.count", 2990.0}, {"extract.inference_ms.min", 5.0},
		{"extract.inference_ms.mean", 10.0}, {"extract.inference_ms.p50", 9.0},
		{"extract.inference_ms.p90", 14.0}, {"extract.inference_ms.p95", 15.0},
		{"extract.inference_ms.p99", 18.0}, {"extract.inference_ms.max", 25.0},
		{"extract.inference_ms.last", 11.0},
		{"gpus[0].index", 0.0}, {"gpus[1].index", 1.0}, {"gpus[0].name", "NVIDIA H100"},
		{"gpus[1].uuid", "GPU-bbb"},
		{"triton.requests", 4000.0}, {"triton.failures", 4001.0}, {"triton.rps", 4002.0},
		{"triton.queue_ms", 4003.0}, {"triton.infer_ms", 4004.0}, {"triton.input_ms", 4005.0},
		{"triton.output_ms", 4006.0}, {"triton.request_ms", 4007.0}, {"triton.batch_size", 4008.0},
		{"triton.pending.max", 4012.0}, {"triton.pending.mean", 4011.0},
		{"sampler.fleet.gpus[0].uuid", "GPU-ccc"}, {"sampler.fleet.gpus[0].temperature.max", 6042.0},
		{"sampler.tri.triton.queue_ms", 7003.0}, {"sampler.tri.triton.pending.max", 7012.0},
		{"sampler.app.load1.min", 1.0}, {"sampler.app.load1.mean", 2.0}, {"sampler.app.load1.max", 3.0},
		{"sampler.app.load1.last", 4.0}, {"sampler.app.load1.p95", 5.0},
		{"sampler.app.reqs.delta", 600.0}, {"sampler.app.reqs.rate", 10.0}, {"sampler.app.reqs.last", 900.0},
		{"gpu.energy_j", 1060.0}, {"gpus[1].energy_j", 3060.0}, {"sampler.fleet.gpus[0].energy_j", 6060.0},
		{"efficiency.joules_per_request", 8000.0}, {"efficiency.requests_per_joule", 8001.0},
		{"efficiency.watts_per_rps", 8002.0}, {"efficiency.joules_per_token", 8003.0},
		{"efficiency.tokens_per_joule", 8004.0},
		{"step.name", "users_100"}, {"step.users", 100.0}, {"step.rate", 0.0}, {"step.duration_s", 60.0},
	}
	// Every gpu field and stat, top level, per GPU and per sampler.
	for fi, field := range gpuStatNames {
		for si, stat := range statNames {
			off := float64(fi*10 + si)
			cs = append(cs,
				nameCase{fmt.Sprintf("gpu.%s.%s", field, stat), 1000 + off},
				nameCase{fmt.Sprintf("gpus[0].%s.%s", field, stat), 2000 + off},
				nameCase{fmt.Sprintf("gpus[1].%s.%s", field, stat), 3000 + off},
				nameCase{fmt.Sprintf("sampler.fleet.gpu.%s.%s", field, stat), 5000 + off})
		}
	}
	return cs
}

// literal renders want as HCL source.
func literal(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	panic(fmt.Sprintf("no literal for %T", v))
}

// TestEveryNameReadable reads every condition name (docs/conditions.md): each must
// pass when compared with its fixture value, and be observed with that value.
func TestEveryNameReadable(t *testing.T) {
	step := fullStep("users_100")
	for _, c := range everyName() {
		t.Run(c.name, func(t *testing.T) {
			cond := c.name + " == " + literal(c.want)
			out := evalAssert(mkAssert(t, "a", cond, ""), step, 60*time.Second)
			if out.status != StatusPass {
				t.Fatalf("evalAssert(%s) = %s (%v), want pass", cond, out.status, out.causes)
			}
			if got := out.observed[c.name]; got != c.want {
				t.Errorf("observed[%s] = %#v, want %#v (all: %v)", c.name, got, c.want, out.observed)
			}
		})
	}
}

// TestEveryNameUnknownIsError reads every condition number (docs/conditions.md) on a step with
// no data behind it: each must be error, never pass or fail.
func TestEveryNameUnknownIsError(t *testing.T) {
	step := emptyStep("users_100")
	for _, c := range everyName() {
		if _, ok := c.want.(float64); !ok || alwaysKnown(c.name) {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			cond := c.name + " >= 0"
			out := evalAssert(mkAssert(t, "a", cond, ""), step, 60*time.Second)
			if out.status != StatusError {
				t.Fatalf("evalAssert(%s) on empty step = %s, want error", cond, out.status)
			}
			if v, ok := out.observed[c.name]; !ok || v != nil {
				t.Errorf("observed[%s] = %#v (present %v), want nil", c.name, v, ok)
			}
		})
	}
}

// alwaysKnown lists the names that have a value even with no request and no
// sample: request counts (known zeros), status code counts and step facts.
func alwaysKnown(name string) bool {
	switch {
	case name == "requests.success_rate", name == "requests.error_rate":
		return false
	case strings.HasPrefix(name, "requests."), strings.HasPrefix(name, "status_codes"),
		strings.HasPrefix(name, "step."):
		return true
	}
	return false
}

func TestStepDurationFallsBackToMeasured(t *testing.T) {
	v := Values(fullStep("s"), 0)["step"].GetAttr("duration_s")
	if f, _ := v.AsBigFloat().Float64(); f != 59.5 {
		t.Errorf("step.duration_s with no plan = %v, want the measured 59.5", f)
	}
}

func TestValuesNaNIsUnknown(t *testing.T) {
	s := emptyStep("s")
	nan := 0.0
	nan /= nan
	s.Latency.P95 = &nan
	if Values(s, 0)["latency"].GetAttr("p95").IsKnown() {
		t.Error("latency.p95 = NaN is known, want unknown")
	}
}

// TestValuesMatchConditionTypes checks that Values and the load-time schema
// name the same fields: each namespace Values builds has exactly the type
// dsl.ConditionTypes gives it for a scenario declaring the same extracts and
// samplers, both with data behind every value and with none.
func TestValuesMatchConditionTypes(t *testing.T) {
	full := &dsl.Scenario{
		Targets: []*dsl.Target{{Name: "api", Extracts: []*dsl.Extract{{Name: "inference_ms"}}}},
		Samplers: []*dsl.Sampler{
			{Kind: dsl.SamplerDCGM, Name: "fleet"},
			{Kind: dsl.SamplerTriton, Name: "tri"},
			{Kind: dsl.SamplerPrometheus, Name: "app", Series: []*dsl.Series{{Name: "load1"}, {Name: "reqs"}}},
		},
	}
	for _, c := range []struct {
		name string
		s    *dsl.Scenario
		step result.Step
	}{
		{"full", full, fullStep("s")},
		{"empty", &dsl.Scenario{}, emptyStep("s")},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := dsl.ConditionTypes(c.s)
			got := Values(c.step, time.Minute)
			for root, ty := range want {
				v, ok := got[root]
				if !ok {
					t.Errorf("Values has no %s; the schema gives it %s", root, ty.GoString())
				} else if !v.Type().Equals(ty) {
					t.Errorf("Values[%s] is a %s, the schema says %s", root, v.Type().GoString(), ty.GoString())
				}
			}
			for root := range got {
				if _, ok := want[root]; !ok {
					t.Errorf("Values has %s, which the schema lacks", root)
				}
			}
		})
	}
}
