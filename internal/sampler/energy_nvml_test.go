//go:build cgo

package sampler

import (
	"context"
	"math"
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"

	"github.com/harness-gpu/harness/internal/dsl"
)

// TestEnergyNVMLMock reads the energy counter through go-nvml's 8-GPU mock set to the captured
// H100 values: GPU 0's counter grows by 700 J a second from the real probe's
// 2231719 mJ, so its energy is the counter's delta (not the 693.896 W power
// integral); GPU 2's driver does not support the counter, so its power is
// integrated; GPU 1 has neither (power NOT_SUPPORTED), so its energy and
// the top-level sum are unknown.
func TestEnergyNVMLMock(t *testing.T) {
	lib := loadedH100()
	var mj uint64 = 2231719
	lib.Devices[0].(*dgxa100.Device).GetTotalEnergyConsumptionFunc = func() (uint64, nvml.Return) {
		v := mj
		mj += 700000
		return v, nvml.SUCCESS
	}
	for _, i := range []int{1, 2} {
		lib.Devices[i].(*dgxa100.Device).GetTotalEnergyConsumptionFunc = func() (uint64, nvml.Return) { return 0, nvml.ERROR_NOT_SUPPORTED }
	}
	s := newNVML(&dsl.Sampler{Devices: []int{0, 1, 2}}, Options{NVML: lib})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g := newGroup([]*dsl.Sampler{cfg(dsl.SamplerNVML, "local", false)}, []Sampler{s}, Options{})
	g.members[0].started = true
	for i := range 4 {
		r, err := s.Sample(context.Background())
		if err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		g.members[0].st.add(at(float64(i)), r)
	}
	agg := g.Window(at(0), at(3))
	want := []struct {
		j   *float64
		src string
	}{{ptr(2100), "counter"}, {nil, ""}, {ptr(3 * 693.896), "power_integral"}}
	for i, w := range want {
		e := agg.GPUs[i]
		ok := e.EnergySource == w.src && (e.EnergyJ == nil) == (w.j == nil)
		if ok && w.j != nil {
			ok = math.Abs(*e.EnergyJ-*w.j) < 1e-9
		}
		if !ok {
			t.Errorf("gpus[%d] energy = %v J (%q), want %v J (%q)", i, deref(e.EnergyJ), e.EnergySource, deref(w.j), w.src)
		}
	}
	if agg.GPU.EnergyJ != nil {
		t.Errorf("gpu.energy_j = %v with GPU 1 unknown, want unknown", *agg.GPU.EnergyJ)
	}
}
