package runner

import (
	"testing"

	"github.com/harness-gpu/harness/internal/result"
)

// TestApplyAggregatesEfficiency: a step's efficiency is computed from its
// own ok requests and the window's GPU energy when the aggregates arrive.
func TestApplyAggregatesEfficiency(t *testing.T) {
	j, w := 1200.0, 100.0
	st := result.Step{Requests: result.Requests{Total: 410, OK: 400, Failed: 10}, Measured: result.Window{DurationS: 12}}
	gpu := result.GPUStats{EnergyJ: &j, EnergySource: "counter", PowerW: result.Stat{Mean: &w}}
	applyAggregates(&st, result.Aggregates{GPU: &gpu, GPUs: []result.GPU{{GPUStats: gpu}}})
	e := st.Efficiency
	if e == nil || e.JoulesPerRequest == nil || *e.JoulesPerRequest != 3 || e.WattsPerRPS == nil || *e.WattsPerRPS != 3 {
		t.Fatalf("efficiency = %+v, want 3 J/request and 3 W/rps", e)
	}
	st = result.Step{Requests: result.Requests{OK: 400}}
	applyAggregates(&st, result.Aggregates{})
	if st.Efficiency != nil {
		t.Errorf("efficiency without GPU samplers = %+v, want none", st.Efficiency)
	}
}
