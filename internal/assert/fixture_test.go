package assert

import (
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

func fp(f float64) *float64 { return &f }

// gpuStatNames and statNames mirror the gpu fields of docs/conditions.md, in the order
// gpuStatsFixture numbers them.
var (
	gpuStatNames = []string{"utilization", "memory_utilization", "memory_used_mib", "memory_total_mib", "temperature", "power_w"}
	statNames    = []string{"min", "mean", "max", "last", "p95"}
)

// statFixture numbers a Stat's fields base+0 … base+4 in statNames order.
func statFixture(base float64) result.Stat {
	return result.Stat{Min: fp(base), Mean: fp(base + 1), Max: fp(base + 2), Last: fp(base + 3), P95: fp(base + 4)}
}

// gpuStatsFixture gives field i of gpuStatNames base+10*i (+ stat index).
func gpuStatsFixture(base float64) *result.GPUStats {
	return &result.GPUStats{
		Utilization:       statFixture(base),
		MemoryUtilization: statFixture(base + 10),
		MemoryUsedMiB:     statFixture(base + 20),
		MemoryTotalMiB:    statFixture(base + 30),
		Temperature:       statFixture(base + 40),
		PowerW:            statFixture(base + 50),
		EnergyJ:           fp(base + 60),
	}
}

func tritonFixture(base float64) *result.Triton {
	return &result.Triton{
		Requests: fp(base), Failures: fp(base + 1), RPS: fp(base + 2), QueueMs: fp(base + 3),
		InferMs: fp(base + 4), InputMs: fp(base + 5), OutputMs: fp(base + 6), RequestMs: fp(base + 7),
		BatchSize: fp(base + 8), Pending: statFixture(base + 10),
	}
}

// fullStep is a completed step with a value behind every condition name.
func fullStep(name string) result.Step {
	return result.Step{
		Name: name, Model: "closed", Users: 100, Status: result.StepCompleted,
		Measured: result.Window{DurationS: 59.5},
		Requests: result.Requests{Total: 3000, OK: 2990, Failed: 10, Dropped: 2, Timeouts: 3,
			RPS: 50.25, SuccessRate: fp(0.99), ErrorRate: fp(0.01)},
		Latency: result.Latency{Min: fp(100), Mean: fp(200), Stddev: fp(30), P50: fp(190),
			P90: fp(250), P95: fp(300), P99: fp(400), P999: fp(450), Max: fp(500)},
		StatusCodes: map[string]int64{"200": 2990, "500": 10},
		Extract: map[string]result.Extract{"inference_ms": {Count: 2990, Min: fp(5), Mean: fp(10),
			P50: fp(9), P90: fp(14), P95: fp(15), P99: fp(18), Max: fp(25), Last: fp(11)}},
		GPU: gpuStatsFixture(1000),
		GPUs: []result.GPU{{Index: 0, Name: "NVIDIA H100", UUID: "GPU-aaa", GPUStats: *gpuStatsFixture(2000)},
			{Index: 1, Name: "NVIDIA H100", UUID: "GPU-bbb", GPUStats: *gpuStatsFixture(3000)}},
		Triton: tritonFixture(4000),
		Efficiency: &result.Efficiency{JoulesPerRequest: fp(8000), RequestsPerJoule: fp(8001),
			WattsPerRPS: fp(8002), JoulesPerToken: fp(8003), TokensPerJoule: fp(8004)},
		Samplers: map[string]result.SamplerWindow{
			"fleet": {Kind: "dcgm", Samples: 60, GPU: gpuStatsFixture(5000),
				GPUs: []result.GPU{{Index: 0, Name: "NVIDIA A100", UUID: "GPU-ccc", GPUStats: *gpuStatsFixture(6000)}}},
			"tri": {Kind: "triton", Samples: 60, Triton: tritonFixture(7000)},
			"app": {Kind: "prometheus", Samples: 60, Series: map[string]result.SeriesStats{
				"load1": {Kind: "gauge", Min: fp(1), Mean: fp(2), Max: fp(3), Last: fp(4), P95: fp(5)},
				"reqs":  {Kind: "counter", Last: fp(900), Delta: fp(600), Rate: fp(10)},
			}},
		},
	}
}

// emptyStep is a completed step with nothing recorded behind any value.
func emptyStep(name string) result.Step {
	return result.Step{Name: name, Model: "closed", Users: 10, Status: result.StepCompleted}
}

// parse parses literal condition source the way the decoder would hand it over.
func parse(t testing.TB, src string) hcl.Expression {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "scenario.hcl", hcl.Pos{Line: 7, Column: 15, Byte: 0})
	if diags.HasErrors() {
		t.Fatalf("parse %q: %s", src, diags.Error())
	}
	return expr
}

// mkAssert builds a fail-severity assert; msg may be "" for none.
func mkAssert(t testing.TB, name, cond, msg string) *dsl.Assert {
	t.Helper()
	a := &dsl.Assert{
		Name: name, Condition: parse(t, cond), ConditionSource: cond, Severity: dsl.SeverityFail,
		DeclRange: hcl.Range{Filename: "scenario.hcl", Start: hcl.Pos{Line: 6, Column: 1}},
	}
	if msg != "" {
		expr, diags := hclsyntax.ParseTemplate([]byte(msg), "scenario.hcl", hcl.Pos{Line: 8, Column: 1})
		if diags.HasErrors() {
			t.Fatalf("parse template %q: %s", msg, diags.Error())
		}
		a.ErrorMessage = expr
	}
	return a
}

func scenario(steps []string, asserts ...*dsl.Assert) *dsl.Scenario {
	s := &dsl.Scenario{Name: "test", Asserts: asserts}
	for _, n := range steps {
		s.Steps = append(s.Steps, &dsl.Step{Name: n, Duration: 60 * time.Second})
	}
	return s
}
