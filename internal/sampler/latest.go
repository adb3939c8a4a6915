package sampler

import (
	"fmt"
	"slices"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// staleAfter is how many intervals (plus the timeout) a sampler's newest
// reading may age before Latest stops showing it: a sampler that went quiet
// shows "unknown", not a frozen value.
const staleAfter = 3

// GPUs lists every GPU the samplers have seen, for the results'
// environment: those of nvml and dcgm samplers joined by UUID (the first
// sampler's identity wins, later ones fill in what it lacked), then Triton's
// own GPUs not seen otherwise.
func (g *Group) GPUs() []result.GPUInfo {
	var out []result.GPUInfo
	at := map[string]int{}
	addFrom := func(kinds ...dsl.SamplerKind) {
		for _, m := range g.members {
			if !slices.Contains(kinds, m.cfg.Kind) {
				continue
			}
			for _, info := range m.st.last(0).gpus {
				info.Sampler = m.cfg.Name
				i, ok := at[info.UUID]
				if !ok {
					at[info.UUID] = len(out)
					out = append(out, info)
					continue
				}
				fillGPUInfo(&out[i], info)
			}
		}
	}
	addFrom(dsl.SamplerNVML, dsl.SamplerDCGM)
	addFrom(dsl.SamplerTriton)
	return out
}

func fillGPUInfo(dst *result.GPUInfo, src result.GPUInfo) {
	if dst.Name == "" {
		dst.Name = src.Name
	}
	if dst.Driver == "" {
		dst.Driver = src.Driver
	}
	if dst.MemoryMiB == 0 {
		dst.MemoryMiB = src.MemoryMiB
	}
}

// Latest returns the newest values for the live display and the per-second
// series. Keys:
//
//   - gpu.utilization, gpu.memory_utilization, gpu.memory_used_mib,
//     gpu.memory_total_mib, gpu.temperature, gpu.power_w, gpu.sm_clock_mhz:
//     the highest value across GPUs (nvml and dcgm joined by UUID, else
//     Triton's GPU gauges);
//   - gpus.INDEX.<field>: the same per GPU, INDEX being the GPU's index;
//   - triton.requests and triton.failures (increase over the last two
//     scrapes), triton.rps, triton.queue_ms, triton.infer_ms,
//     triton.request_ms (over the same two scrapes; absent when no request
//     succeeded between them), triton.pending (newest, summed over triton
//     samplers);
//   - vllm.running, vllm.waiting (newest, summed over vllm samplers),
//     vllm.kv_cache_usage (newest, 0-1, the fullest engine's);
//   - sampler.NAME.<any key above> per sampler, and sampler.NAME.SERIES for
//     a prometheus series (newest value; counters also SERIES.rate).
//
// A value is absent when unknown, or when its sampler's newest reading is
// older than three intervals plus the timeout.
func (g *Group) Latest() map[string]float64 {
	out := map[string]float64{}
	now := g.opts.now()
	var hw, tri []*gpuSeries
	var sums []tritonSums
	var engines []vllmSums
	for _, m := range g.members {
		if !m.started {
			continue
		}
		v := m.st.last(2)
		if n := len(v.rows); n == 0 || now.Sub(v.rows[n-1].t) > staleAfter*m.interval()+m.timeout() {
			continue
		}
		prefix := "sampler." + m.cfg.Name + "."
		switch m.cfg.Kind {
		case dsl.SamplerNVML, dsl.SamplerDCGM:
			gs := newestGPU(v)
			putGPU(out, prefix, gs)
			hw = append(hw, gs...)
		case dsl.SamplerTriton:
			gs := newestGPU(v)
			putGPU(out, prefix, gs)
			tri = append(tri, gs...)
			s := tritonWindowSums(v)
			putTriton(out, prefix, s)
			sums = append(sums, s)
		case dsl.SamplerPrometheus:
			putSeries(out, prefix, v, m.cfg.Series)
		case dsl.SamplerVLLM:
			s := vllmWindowSums(newest(v))
			putVLLM(out, prefix, s)
			engines = append(engines, s)
		}
	}
	if len(hw) > 0 {
		putGPU(out, "", joinGPUs(hw))
	} else {
		putGPU(out, "", joinGPUs(tri))
	}
	if len(sums) > 0 {
		putTriton(out, "", addTritonSums(sums))
	}
	if len(engines) > 0 {
		putVLLM(out, "", addVLLMSums(engines))
	}
	return out
}

// newest is v's newest row alone.
func newest(v view) view {
	if len(v.rows) > 1 {
		v.rows = v.rows[len(v.rows)-1:]
	}
	return v
}

func putVLLM(out map[string]float64, prefix string, s vllmSums) {
	for k, st := range map[string]result.Stat{"running": s.running, "waiting": s.waiting, "kv_cache_usage": s.kv} {
		if st.Last != nil {
			out[prefix+"vllm."+k] = *st.Last
		}
	}
}

// newestGPU keeps, per GPU field, only the newest row's value.
func newestGPU(v view) []*gpuSeries { return gpuWindow(newest(v)) }

func putGPU(out map[string]float64, prefix string, gs []*gpuSeries) {
	pooled := pooledGPU(gs)
	if pooled == nil {
		return
	}
	put := func(key string, s *result.GPUStats) {
		for i, f := range gpuFields {
			if last := statField(s, i).Last; last != nil {
				out[key+f] = *last
			}
		}
	}
	put(prefix+"gpu.", pooled)
	for _, gs := range gs {
		st := gs.stats()
		put(fmt.Sprintf("%sgpus.%d.", prefix, gs.info.Index), &st)
	}
}

func putTriton(out map[string]float64, prefix string, s tritonSums) {
	t := s.derive()
	for k, v := range map[string]*float64{
		"requests": t.Requests, "failures": t.Failures, "rps": t.RPS, "queue_ms": t.QueueMs,
		"infer_ms": t.InferMs, "request_ms": t.RequestMs, "pending": t.Pending.Last,
	} {
		if v != nil {
			out[prefix+"triton."+k] = *v
		}
	}
}

func putSeries(out map[string]float64, prefix string, v view, series []*dsl.Series) {
	for name, st := range seriesWindow(v, series) {
		if st.Last != nil {
			out[prefix+name] = *st.Last
		}
		if st.Rate != nil {
			out[prefix+name+".rate"] = *st.Rate
		}
	}
}
