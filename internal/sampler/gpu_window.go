package sampler

import (
	"math"

	"github.com/harness-gpu/harness/internal/result"
)

// gpuFields are the GPU gauge fields in result.GPUStats order.
var gpuFields = []string{fUtil, fMemUtil, fMemUsed, fMemTotal, fTemp, fPower, fSMClock}

// gpuSeries is one GPU's samples over a window, field by field.
type gpuSeries struct {
	info       result.GPUInfo
	vals       map[string][]float64
	reasons    uint64
	hasReasons bool
	energy     gpuEnergy
}

// gpuWindow groups a view's GPU columns by GPU, in the order the GPUs were
// first seen. A GPU known but without samples in the window is kept, with
// no values (unknown).
func gpuWindow(v view) []*gpuSeries {
	var out []*gpuSeries
	by := map[string]*gpuSeries{}
	get := func(uuid string) *gpuSeries {
		if g := by[uuid]; g != nil {
			return g
		}
		g := &gpuSeries{info: result.GPUInfo{UUID: uuid, Index: len(out)}, vals: map[string][]float64{}}
		by[uuid] = g
		out = append(out, g)
		return g
	}
	for _, info := range v.gpus {
		get(info.UUID).info = info
	}
	for i, k := range v.cols {
		if k.class != classGPU {
			continue
		}
		g := get(k.entity)
		vals := v.column(i)
		if k.field != fClockEvent {
			g.vals[k.field] = vals
			continue
		}
		for _, b := range vals {
			g.reasons |= uint64(b)
			g.hasReasons = true
		}
	}
	addEnergy(v, out)
	return out
}

// stats aggregates each field of one GPU.
func (g *gpuSeries) stats() result.GPUStats {
	var s result.GPUStats
	for i, f := range gpuFields {
		*statField(&s, i) = gaugeStat(g.vals[f])
	}
	g.energy.set(&s)
	return s
}

func (g *gpuSeries) entry() result.GPU {
	return result.GPU{Index: g.info.Index, Name: g.info.Name, UUID: g.info.UUID, GPUStats: g.stats(), ClockEventReasons: g.reasons}
}

// statField returns the i-th Stat of s in gpuFields order.
func statField(s *result.GPUStats, i int) *result.Stat {
	return []*result.Stat{&s.Utilization, &s.MemoryUtilization, &s.MemoryUsedMiB, &s.MemoryTotalMiB,
		&s.Temperature, &s.PowerW, &s.SMClockMHz}[i]
}

// pooledGPU aggregates several GPUs together (the condition `gpu`): min, mean,
// max and p95 are over every sample of every GPU; last is the highest of the
// GPUs' last values, the one closest to a limit (for one GPU, its last).
// Nil when there are no GPUs at all.
func pooledGPU(gs []*gpuSeries) *result.GPUStats {
	if len(gs) == 0 {
		return nil
	}
	var s result.GPUStats
	for i, f := range gpuFields {
		var pool []float64
		last := math.Inf(-1)
		for _, g := range gs {
			vals := g.vals[f]
			if len(vals) > 0 {
				pool = append(pool, vals...)
				last = max(last, vals[len(vals)-1])
			}
		}
		st := gaugeStat(pool)
		if st.Last != nil {
			st.Last = ptr(last)
		}
		*statField(&s, i) = st
	}
	pooledEnergy(gs).set(&s)
	return &s
}
