package sampler

import (
	"bytes"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

const (
	l4Page   = "testdata/energy/l4_dcgm-exporter_default_counters.txt"
	l4UUID   = "GPU-c2f76b33-7953-256e-8f33-1343419b1a1c"
	l4Energy = "4742776" // DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION as captured (mJ)
)

// l4Reading is the captured L4 page with its energy counter set to mj, or
// with the energy series removed when mj < 0.
func l4Reading(t *testing.T, mj int64) Reading {
	t.Helper()
	page, err := os.ReadFile(l4Page)
	if err != nil {
		t.Fatal(err)
	}
	old := []byte("} " + l4Energy + "\n")
	if bytes.Count(page, old) != 1 {
		t.Fatalf("%s: the energy counter line ending in %q is not there once", l4Page, old)
	}
	var repl []byte
	if mj >= 0 {
		repl = []byte("} " + strconv.FormatInt(mj, 10) + "\n")
	} else {
		i := bytes.Index(page, old)
		start := bytes.LastIndexByte(page[:i], '\n') + 1
		page = append(page[:start:start], page[i+len(old):]...)
	}
	if repl != nil {
		page = bytes.Replace(page, old, repl, 1)
	}
	return dcgmReading(mustParse(t, page))
}

// dcgmGroup is a started group of one dcgm sampler whose store holds
// readings at the given seconds.
func dcgmGroup(t *testing.T, secs []float64, rs []Reading) *Group {
	g := newGroup([]*dsl.Sampler{cfg(dsl.SamplerDCGM, "fleet", false)}, []Sampler{&fake{}}, Options{})
	g.members[0].started = true
	for i, r := range rs {
		g.members[0].st.add(at(secs[i]), r)
	}
	return g
}

// TestEnergyCounterDCGM: the real L4 page, scraped with its energy counter
// moving, gives the counter's growth between the window's first and last
// scrapes; a drop (driver reload) counts from the new value, never
// negative; the 16.365 W power gauge (65.46 J over these 4 s) is not used
// while the counter is there.
func TestEnergyCounterDCGM(t *testing.T) {
	base, _ := strconv.ParseInt(l4Energy, 10, 64)
	for _, c := range []struct {
		name string
		mj   []int64
		want float64
	}{
		{"moving", []int64{base, base + 20000, base + 41000, base + 60500, base + 80000}, 80},
		{"captured value only", []int64{base, base, base, base, base}, 0},
		{"driver reload", []int64{base, base + 20000, 1500, 21500, 41500}, 20 + 1.5 + 20 + 20},
		{"reload to zero", []int64{base, base + 20000, 0, 0, 10000}, 30},
	} {
		t.Run(c.name, func(t *testing.T) {
			var rs []Reading
			for _, mj := range c.mj {
				rs = append(rs, l4Reading(t, mj))
			}
			agg := dcgmGroup(t, []float64{0, 1, 2, 3, 4}, rs).Window(at(0), at(4))
			if len(agg.GPUs) != 1 || agg.GPUs[0].UUID != l4UUID {
				t.Fatalf("gpus = %+v", agg.GPUs)
			}
			for what, s := range map[string]result.GPUStats{"gpus[0]": agg.GPUs[0].GPUStats, "gpu": *agg.GPU} {
				if s.EnergyJ == nil || math.Abs(*s.EnergyJ-c.want) > 1e-9 || s.EnergySource != "counter" {
					t.Errorf("%s energy = %v J (%q), want %v J (counter)", what, deref(s.EnergyJ), s.EnergySource, c.want)
				}
			}
		})
	}
}

// TestEnergyWindowEdges: the delta covers the scrapes inside the window
// only, and one scrape of the counter is not a delta: the power integral
// takes over, and with one power sample too the energy is unknown.
func TestEnergyWindowEdges(t *testing.T) {
	base, _ := strconv.ParseInt(l4Energy, 10, 64)
	rs := []Reading{l4Reading(t, base), l4Reading(t, base+10000), l4Reading(t, base+30000), l4Reading(t, base+60000)}
	g := dcgmGroup(t, []float64{0, 1, 2, 3}, rs)
	if e := g.Window(at(1), at(3)).GPU.EnergyJ; e == nil || *e != 50 {
		t.Errorf("window 1..3 s: %v J, want 50", deref(e))
	}
	one := g.Window(at(2), at(2)).GPU
	if one.EnergyJ != nil || one.EnergySource != "" {
		t.Errorf("one scrape: %v J (%q), want unknown", deref(one.EnergyJ), one.EnergySource)
	}
	// The counter missing from one scrape of two: power 16.365 W over 1 s.
	g = dcgmGroup(t, []float64{0, 1}, []Reading{l4Reading(t, base), l4Reading(t, -1)})
	if s := g.Window(at(0), at(1)).GPU; s.EnergyJ == nil || math.Abs(*s.EnergyJ-16.365) > 1e-9 || s.EnergySource != "power_integral" {
		t.Errorf("counter in one scrape: %v J (%q), want 16.365 J (power_integral)", deref(s.EnergyJ), s.EnergySource)
	}
}

// TestEnergyPowerIntegralUnevenSpacing: without a counter, energy is the
// trapezoid integral of the power samples over their actual times, so a
// late sample weighs its whole interval (a mean × span would give 900 J).
func TestEnergyPowerIntegralUnevenSpacing(t *testing.T) {
	g := newGroup([]*dsl.Sampler{cfg(dsl.SamplerNVML, "local", false)}, []Sampler{&fake{}}, Options{})
	g.members[0].started = true
	secs := []float64{0, 0.5, 2, 2.25, 5}
	watts := []float64{100, 200, 200, 300, 100}
	for i := range secs {
		r := Reading{GPUs: []result.GPUInfo{{UUID: "GPU-a"}, {UUID: "GPU-b"}}}
		r.gpu("GPU-a", fPower, watts[i])
		if i == 0 {
			r.gpu("GPU-b", fPower, 50) // one sample: unknown
		}
		g.members[0].st.add(at(secs[i]), r)
	}
	agg := g.Window(at(0), at(5))
	// 0.5×150 + 1.5×200 + 0.25×250 + 2.75×200
	if a := agg.GPUs[0]; a.EnergyJ == nil || math.Abs(*a.EnergyJ-987.5) > 1e-9 || a.EnergySource != "power_integral" {
		t.Errorf("GPU-a: %v J (%q), want 987.5 J (power_integral)", deref(a.EnergyJ), a.EnergySource)
	}
	if b := agg.GPUs[1]; b.EnergyJ != nil || b.EnergySource != "" {
		t.Errorf("GPU-b: %v J (%q), want unknown", deref(b.EnergyJ), b.EnergySource)
	}
	if agg.GPU.EnergyJ != nil {
		t.Errorf("gpu.energy_j = %v with one GPU unknown, want unknown", *agg.GPU.EnergyJ)
	}
}

// TestEnergyJoinPrefersCounter: a GPU seen by nvml (power only) and dcgm
// (counter) takes the counter; the top level sums the GPUs and is flagged
// power_integral when any GPU's energy is an integral.
func TestEnergyJoinPrefersCounter(t *testing.T) {
	g := newGroup([]*dsl.Sampler{cfg(dsl.SamplerNVML, "local", false), cfg(dsl.SamplerDCGM, "fleet", false)},
		[]Sampler{&fake{}, &fake{}}, Options{})
	for _, m := range g.members {
		m.started = true
	}
	for i := range 3 {
		var nv, dc Reading
		nv.GPUs = []result.GPUInfo{{UUID: "GPU-a"}, {UUID: "GPU-b", Index: 1}}
		dc.GPUs = []result.GPUInfo{{UUID: "GPU-a"}}
		nv.gpu("GPU-a", fPower, 300)
		nv.gpu("GPU-b", fPower, 100)
		dc.gpu("GPU-a", fEnergy, 1e6+float64(i)*250e3)
		g.members[0].st.add(at(float64(i)), nv)
		g.members[1].st.add(at(float64(i)), dc)
	}
	agg := g.Window(at(0), at(2))
	want := []struct {
		j   float64
		src string
	}{{500, "counter"}, {200, "power_integral"}}
	for i, w := range want {
		if e := agg.GPUs[i]; e.EnergyJ == nil || *e.EnergyJ != w.j || e.EnergySource != w.src {
			t.Errorf("gpus[%d] = %v J (%q), want %v J (%s)", i, deref(e.EnergyJ), e.EnergySource, w.j, w.src)
		}
	}
	if e := agg.GPU; e.EnergyJ == nil || *e.EnergyJ != 700 || e.EnergySource != "power_integral" {
		t.Errorf("gpu = %v J (%q), want 700 J (power_integral)", deref(e.EnergyJ), e.EnergySource)
	}
	if s := agg.Samplers["local"].GPUs[0]; s.EnergyJ == nil || *s.EnergyJ != 600 || s.EnergySource != "power_integral" {
		t.Errorf("sampler local gpus[0] = %v J (%q), want its own 600 J integral", deref(s.EnergyJ), s.EnergySource)
	}
}

// TestEnergyTritonCounter: Triton's nv_energy_consumption is in joules.
func TestEnergyTritonCounter(t *testing.T) {
	ss := mustParse(t, []byte("# TYPE nv_energy_consumption counter\nnv_energy_consumption{gpu_uuid=\"GPU-t\"} 4879631.328\n"))
	r := tritonReading(ss, func(sample) bool { return true })
	if v := gpuValues(r)["GPU-t"][fEnergy]; math.Abs(v-4879631328) > 1e-3 {
		t.Errorf("triton energy = %v mJ, want 4879631328", v)
	}
}
