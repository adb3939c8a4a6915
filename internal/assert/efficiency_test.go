package assert

import (
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

// TestEfficiencyCondition: a condition on efficiency.joules_per_request
// reads what result.StepEfficiency computed from the step's energy and ok
// requests, and is an error (never a pass) when that is unknown.
func TestEfficiencyCondition(t *testing.T) {
	step := func(ok int64, energyJ *float64) result.Step {
		s := emptyStep("users_100")
		s.Requests = result.Requests{Total: ok, OK: ok}
		s.Measured = result.Window{DurationS: 60}
		s.GPU = &result.GPUStats{EnergyJ: energyJ, EnergySource: "counter"}
		s.GPUs = []result.GPU{{GPUStats: *s.GPU}}
		s.Efficiency = result.StepEfficiency(s)
		return s
	}
	for _, c := range []struct {
		name string
		step result.Step
		cond string
		want Status
		obs  any
	}{
		{"pass", step(6000, fp(9000)), "efficiency.joules_per_request < 2", StatusPass, 1.5},
		{"fail", step(6000, fp(18000)), "efficiency.joules_per_request < 2", StatusFail, 3.0},
		{"inverse", step(6000, fp(9000)), "efficiency.requests_per_joule > 0.6", StatusPass, 6000.0 / 9000},
		{"energy unknown", step(6000, nil), "efficiency.joules_per_request < 2", StatusError, nil},
		{"no ok request", step(0, fp(9000)), "efficiency.joules_per_request < 2", StatusError, nil},
		{"no GPU sampler", emptyStep("users_100"), "efficiency.joules_per_request < 2", StatusError, nil},
		{"energy itself", step(6000, fp(9000)), "gpu.energy_j < 10000 && gpus[0].energy_j == 9000", StatusPass, 9000.0},
		{"tokens not measured yet", step(6000, fp(9000)), "efficiency.tokens_per_joule > 1", StatusError, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := evalAssert(mkAssert(t, "a", c.cond, ""), c.step, time.Minute)
			if out.status != c.want {
				t.Fatalf("%s = %s (%v), want %s", c.cond, out.status, out.causes, c.want)
			}
			for name, v := range out.observed {
				if name == "efficiency.joules_per_request" || name == "efficiency.requests_per_joule" || name == "gpu.energy_j" ||
					name == "efficiency.tokens_per_joule" {
					if v != c.obs {
						t.Errorf("observed[%s] = %#v, want %#v", name, v, c.obs)
					}
				}
			}
		})
	}
}
