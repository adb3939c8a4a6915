package sampler

import (
	"fmt"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// Window aggregates every sampler over [start, end], both ends inclusive: a
// reading stamped exactly at a boundary belongs to both adjacent windows, so
// the closing sample of one step (SampleNow) is also the opening one of the
// next and no counter increment between them is lost. Readings are stamped
// when their sample begins.
//
// The result holds each sampler's own SamplerWindow (Error says why one has
// no data) and the merged namespaces of docs/conditions.md: gpu and gpus join the
// nvml and dcgm samplers by UUID (per field, the first sampler in file order
// that has values, nvml before dcgm), or, when there are none, the triton
// samplers' own GPU gauges; triton is the triton sampler, or all of them
// summed (unknown if any of them is); vllm likewise from the vllm samplers.
func (g *Group) Window(start, end time.Time) result.Aggregates {
	agg := result.Aggregates{Samplers: map[string]result.SamplerWindow{}}
	var hw, tri []*gpuSeries
	var sums []tritonSums
	var vsums []vllmSums
	hasHW := false
	for _, m := range g.members {
		v := m.st.window(start, end)
		sw, gpus, ts := m.window(v)
		if m.cfg.Kind == dsl.SamplerVLLM {
			var vs vllmSums // all unknown when it did not start
			if m.started {
				vs = vllmWindowSums(v)
			}
			sw.VLLM = vs.derive()
			vsums = append(vsums, vs)
		}
		agg.Samplers[m.cfg.Name] = sw
		switch m.cfg.Kind {
		case dsl.SamplerNVML, dsl.SamplerDCGM:
			hasHW = true
			hw = append(hw, tagSampler(gpus, m.cfg.Name)...)
		case dsl.SamplerTriton:
			tri = append(tri, tagSampler(gpus, m.cfg.Name)...)
			sums = append(sums, ts) // unknown deltas when it did not start
		}
	}
	gpus := tri
	if hasHW {
		gpus = hw
	}
	if hasHW || len(tri) > 0 {
		joined := joinGPUs(gpus)
		agg.GPU = pooledGPU(joined)
		if agg.GPU == nil {
			agg.GPU = &result.GPUStats{} // GPU samplers exist but saw nothing: unknown
		}
		for _, j := range joined {
			agg.GPUs = append(agg.GPUs, j.entry())
		}
	}
	if len(sums) > 0 {
		agg.Triton = addTritonSums(sums).derive()
	}
	if len(vsums) > 0 {
		agg.VLLM = addVLLMSums(vsums).derive()
	}
	return agg
}

// window is one sampler's aggregates over v, and for merging its GPUs and,
// for a triton sampler, its counter deltas (all unknown when it did not
// start).
func (m *member) window(v view) (result.SamplerWindow, []*gpuSeries, tritonSums) {
	sw := result.SamplerWindow{Kind: string(m.cfg.Kind), Samples: len(v.rows), Gaps: v.gaps}
	if !m.started {
		sw.Error = "sampler did not start"
		if m.startErr != nil {
			sw.Error += ": " + m.startErr.Error()
		}
		return sw, nil, tritonSums{}
	}
	if len(v.rows) == 0 {
		sw.Error = "no samples in this window"
		if _, _, errs := m.st.counts(); len(errs) > 0 {
			sw.Error += fmt.Sprintf(" (first error: %s)", errs[0])
		}
	}
	var gpus []*gpuSeries
	switch m.cfg.Kind {
	case dsl.SamplerNVML, dsl.SamplerDCGM, dsl.SamplerTriton:
		gpus = gpuWindow(v)
		sw.GPU = pooledGPU(gpus)
		for _, gs := range gpus {
			sw.GPUs = append(sw.GPUs, gs.entry())
		}
	}
	var ts tritonSums
	switch m.cfg.Kind {
	case dsl.SamplerTriton:
		ts = tritonWindowSums(v)
		sw.Triton = ts.derive()
	case dsl.SamplerPrometheus:
		sw.Series = seriesWindow(v, m.cfg.Series)
	}
	return sw, gpus, ts
}

func tagSampler(gs []*gpuSeries, name string) []*gpuSeries {
	for _, g := range gs {
		g.info.Sampler = name
	}
	return gs
}

// joinGPUs merges GPU series by UUID: per field, the first series (in
// sampler order) with values wins; identity fields fill in the same way.
func joinGPUs(gs []*gpuSeries) []*gpuSeries {
	var out []*gpuSeries
	by := map[string]*gpuSeries{}
	for _, g := range gs {
		j := by[g.info.UUID]
		if j == nil {
			j = &gpuSeries{info: g.info, vals: map[string][]float64{}}
			by[g.info.UUID] = j
			out = append(out, j)
		}
		if j.info.Name == "" {
			j.info.Name = g.info.Name
		}
		for f, vals := range g.vals {
			if len(j.vals[f]) == 0 {
				j.vals[f] = vals
			}
		}
		j.energy = j.energy.better(g.energy)
		if !j.hasReasons && g.hasReasons {
			j.reasons, j.hasReasons = g.reasons, true
		}
	}
	return out
}

// seriesWindow aggregates a prometheus sampler's declared series: gauges
// give min/mean/max/last/p95 of the per-scrape sums; counters give delta
// (increase, nil with fewer than two scrapes), rate (delta over the span the
// scrapes cover) and last (the newest scrape's sum).
func seriesWindow(v view, series []*dsl.Series) map[string]result.SeriesStats {
	out := map[string]result.SeriesStats{}
	for _, d := range series {
		if d.Kind == dsl.SeriesCounter {
			st := result.SeriesStats{Kind: string(dsl.SeriesCounter), Delta: v.sumIncrease(d.Name), Last: v.lastSum(d.Name)}
			if span := v.spanSeconds(); span > 0 {
				st.Rate = scale(st.Delta, 1/span)
			}
			out[d.Name] = st
			continue
		}
		s := gaugeStat(v.gauge(d.Name))
		out[d.Name] = result.SeriesStats{Kind: string(dsl.SeriesGauge), Min: s.Min, Mean: s.Mean, Max: s.Max, Last: s.Last, P95: s.P95}
	}
	return out
}

// lastSum sums counter field f over its series in the newest row.
func (v view) lastSum(f string) *float64 {
	if len(v.rows) == 0 {
		return nil
	}
	last := v.rows[len(v.rows)-1]
	var sum float64
	found := false
	for _, i := range v.columns(classCounter, f) {
		if x, ok := v.value(last, i); ok {
			sum += x
			found = true
		}
	}
	if !found {
		return nil
	}
	return ptr(sum)
}
