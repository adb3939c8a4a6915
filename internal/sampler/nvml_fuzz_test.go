//go:build cgo

package sampler

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"

	"github.com/harness-gpu/harness/internal/dsl"
)

// FuzzNVMLValues gives the NVML sampler arbitrary device values and return
// codes (a driver's answers are outside input too) and takes two samples
// through the Group: nothing may panic, a failing call never becomes a 0,
// the values are converted as documented, and the window encodes.
func FuzzNVMLValues(f *testing.F) {
	// The loaded H100 reading (nvml_test.go), all calls succeeding.
	f.Add(uint32(100), uint32(33), uint64(11931549696), uint64(85520809984), uint32(69), uint32(693896), uint32(1275), uint64(4), uint8(0))
	f.Add(^uint32(0), ^uint32(0), ^uint64(0), ^uint64(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint64(0), uint8(0))
	f.Add(uint32(0), uint32(0), uint64(0), uint64(0), uint32(0), uint32(0), uint32(0), uint64(0), uint8(0xff))
	rets := []nvml.Return{nvml.SUCCESS, nvml.ERROR_NOT_SUPPORTED, nvml.ERROR_GPU_IS_LOST, nvml.ERROR_UNKNOWN}
	f.Fuzz(func(t *testing.T, util, memUtil uint32, used, total uint64, temp, power, clock uint32, reasons uint64, fail uint8) {
		// fail holds a return code per call, two bits each.
		ret := func(call int) nvml.Return { return rets[(fail>>(2*(call%4)))&3] }
		lib := loadedH100()
		dev := lib.Devices[0].(*dgxa100.Device)
		dev.GetUtilizationRatesFunc = func() (nvml.Utilization, nvml.Return) {
			return nvml.Utilization{Gpu: util, Memory: memUtil}, ret(0)
		}
		dev.GetMemoryInfo_v2Func = func() (nvml.Memory_v2, nvml.Return) {
			return nvml.Memory_v2{Used: used, Total: total}, ret(1)
		}
		dev.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) { return nvml.Memory{Used: used, Total: total}, ret(1) }
		dev.GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) { return temp, ret(2) }
		dev.GetPowerUsageFunc = func() (uint32, nvml.Return) { return power, ret(3) }
		dev.GetClockInfoFunc = func(nvml.ClockType) (uint32, nvml.Return) { return clock, nvml.SUCCESS }
		dev.GetCurrentClocksEventReasonsFunc = func() (uint64, nvml.Return) { return reasons, nvml.SUCCESS }

		c := &dsl.Sampler{Kind: dsl.SamplerNVML, Name: "gpu", Devices: []int{0}, Interval: 10 * time.Millisecond, Timeout: time.Second}
		g := startGroup(t, Options{NVML: lib}, c)
		g.SampleNow(context.Background())
		g.SampleNow(context.Background())
		w := g.Window(time.Time{}, time.Now().Add(time.Hour))
		if _, err := json.Marshal(w); err != nil {
			t.Fatalf("window does not encode: %v", err)
		}
		gpu := w.Samplers["gpu"].GPU
		if gpu == nil {
			t.Fatalf("no GPU stats: %+v", w.Samplers["gpu"])
		}
		check := func(what string, call int, got *float64, want float64) {
			switch {
			case ret(call) != nvml.SUCCESS && got != nil:
				t.Errorf("%s: NVML said %v, yet the value is %v", what, ret(call), *got)
			case ret(call) == nvml.SUCCESS && (got == nil || *got != want):
				t.Errorf("%s = %v, want %v", what, deref(got), want)
			}
		}
		check("utilization", 0, gpu.Utilization.Last, float64(util))
		check("memory used", 1, gpu.MemoryUsedMiB.Last, float64(used)/mib)
		check("temperature", 2, gpu.Temperature.Last, float64(temp))
		check("power", 3, gpu.PowerW.Last, float64(power)/1000)
	})
}
