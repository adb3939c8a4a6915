package sampler

import (
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

// fEnergy is a GPU's cumulative energy counter in mJ (classGPU): NVML's
// total energy consumption and DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (mJ
// since the driver loaded), Triton's nv_energy_consumption (J since Triton
// started, scaled to mJ). It is not a gauge: windows read it as deltas.
const fEnergy = "energy_mj"

// gpuEnergy is one GPU's energy over a window; j nil is unknown.
type gpuEnergy struct {
	j      *float64
	source string
}

// timedColumn returns the present values of column i with their times,
// oldest first.
func (v view) timedColumn(i int) ([]time.Time, []float64) {
	var ts []time.Time
	var xs []float64
	for _, r := range v.rows {
		if x, ok := v.value(r, i); ok {
			ts = append(ts, r.t)
			xs = append(xs, x)
		}
	}
	return ts, xs
}

// counterJoules is the growth of a cumulative mJ counter over its samples,
// in J: the sum of the increases between consecutive samples. A drop is a
// reset (the driver or Triton reloaded and the counter restarted from 0),
// so that step counts the new value, never a negative amount (counterStep,
// as increase). Unlike increase, the first sample is only a baseline, even
// for a GPU that appears mid-window: the counter holds mJ since the driver
// loaded, not since the series began. Unknown with fewer than two samples:
// one reading of a counter says nothing about a window.
func counterJoules(mj []float64) *float64 {
	if len(mj) < 2 {
		return nil
	}
	var sum float64
	for i := 1; i < len(mj); i++ {
		sum += counterStep(mj[i-1], mj[i])
	}
	return ptr(sum / 1000)
}

// powerJoules integrates power samples (W) over their times with the
// trapezoid rule, which weighs each interval by its own length, so uneven
// spacing (a slow or missed sample) is accounted for. Unknown with fewer
// than two samples.
func powerJoules(ts []time.Time, w []float64) *float64 {
	if len(w) < 2 {
		return nil
	}
	var sum float64
	for i := 1; i < len(w); i++ {
		sum += (w[i] + w[i-1]) / 2 * ts[i].Sub(ts[i-1]).Seconds()
	}
	return ptr(sum)
}

// addEnergy sets each GPU's energy over v: the energy counter's deltas when
// the GPU has two counter samples in the window (gpuWindow read them into
// vals), else the integral of its power samples, which needs their times,
// else unknown.
func addEnergy(v view, gs []*gpuSeries) {
	power := map[string]int{}
	for i, k := range v.cols {
		if k.class == classGPU && k.field == fPower {
			power[k.entity] = i
		}
	}
	for _, g := range gs {
		if mj := g.vals[fEnergy]; len(mj) >= 2 {
			g.energy = gpuEnergy{j: counterJoules(mj), source: result.EnergyCounter}
			continue
		}
		if i, ok := power[g.info.UUID]; ok {
			if j := powerJoules(v.timedColumn(i)); j != nil {
				g.energy = gpuEnergy{j: j, source: result.EnergyPowerIntegral}
			}
		}
	}
}

// better is the energy a join keeps for a GPU seen by several samplers: a
// known value over an unknown one, a counter over a power integral, else the
// first sampler's.
func (e gpuEnergy) better(o gpuEnergy) gpuEnergy {
	if e.j == nil || (e.source == result.EnergyPowerIntegral && o.source == result.EnergyCounter && o.j != nil) {
		return o
	}
	return e
}

// set writes e into s.
func (e gpuEnergy) set(s *result.GPUStats) {
	s.EnergyJ, s.EnergySource = e.j, e.source
	if e.j == nil {
		s.EnergySource = ""
	}
}

// pooledEnergy is the energy of several GPUs together: the sum, unknown if
// any GPU's is unknown (a part of the cards is not the total). The source
// is power_integral if any GPU's value is, so the weaker method is flagged.
func pooledEnergy(gs []*gpuSeries) gpuEnergy {
	if len(gs) == 0 {
		return gpuEnergy{}
	}
	var sum float64
	source := result.EnergyCounter
	for _, g := range gs {
		if g.energy.j == nil {
			return gpuEnergy{}
		}
		sum += *g.energy.j
		if g.energy.source == result.EnergyPowerIntegral {
			source = result.EnergyPowerIntegral
		}
	}
	return gpuEnergy{j: ptr(sum), source: source}
}
