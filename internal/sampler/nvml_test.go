//go:build cgo

package sampler

import (
	"context"
	"strings"
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"

	"github.com/harness-gpu/harness/internal/dsl"
)

// loadedH100 returns go-nvml's 8-GPU mock with every value the sampler reads
// set from the real H100 under load (testdata/fixtures/nvml, sample 1). GPU 1
// reports power and SM clock as NOT_SUPPORTED.
func loadedH100() *dgxa100.Server {
	s := dgxa100.New()
	for i, d := range s.Devices {
		dev := d.(*dgxa100.Device)
		dev.Name = "NVIDIA H100 80GB HBM3"
		dev.GetUtilizationRatesFunc = func() (nvml.Utilization, nvml.Return) {
			return nvml.Utilization{Gpu: 100, Memory: 33}, nvml.SUCCESS
		}
		dev.GetMemoryInfo_v2Func = func() (nvml.Memory_v2, nvml.Return) {
			return nvml.Memory_v2{Total: 85520809984, Reserved: 503316480, Free: 73085943808, Used: 11931549696}, nvml.SUCCESS
		}
		dev.GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) { return 69, nvml.SUCCESS }
		dev.GetPowerUsageFunc = func() (uint32, nvml.Return) { return 693896, nvml.SUCCESS }
		dev.GetTotalEnergyConsumptionFunc = func() (uint64, nvml.Return) { return 2231719, nvml.SUCCESS } // the idle probe's
		dev.GetClockInfoFunc = func(nvml.ClockType) (uint32, nvml.Return) { return 1275, nvml.SUCCESS }
		dev.GetCurrentClocksEventReasonsFunc = func() (uint64, nvml.Return) { return 0x4, nvml.SUCCESS }
		if i == 1 {
			dev.GetPowerUsageFunc = func() (uint32, nvml.Return) { return 0, nvml.ERROR_NOT_SUPPORTED }
			dev.GetClockInfoFunc = func(nvml.ClockType) (uint32, nvml.Return) { return 0, nvml.ERROR_NOT_SUPPORTED }
		}
	}
	return s
}

func TestNVMLMockH100(t *testing.T) {
	lib := loadedH100()
	s := newNVML(&dsl.Sampler{Devices: []int{0, 1}}, Options{NVML: lib})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	r, err := s.Sample(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.GPUs) != 2 || r.GPUs[0].Name != "NVIDIA H100 80GB HBM3" || r.GPUs[0].Driver != "550.54.15" || r.GPUs[1].Index != 1 {
		t.Fatalf("GPUs = %+v", r.GPUs)
	}
	vals := gpuValues(r)
	g0, g1 := vals[r.GPUs[0].UUID], vals[r.GPUs[1].UUID]
	want := map[string]float64{fUtil: 100, fMemUtil: 33, fTemp: 69, fPower: 693.896, fSMClock: 1275,
		fMemUsed: 11931549696.0 / (1 << 20), fMemTotal: 81559, fClockEvent: 4}
	for f, w := range want {
		if g0[f] != w {
			t.Errorf("GPU 0 %s = %v, want %v", f, g0[f], w)
		}
	}
	if v, ok := g1[fPower]; ok {
		t.Errorf("GPU 1 power = %v, want absent (NOT_SUPPORTED)", v)
	}
	if _, ok := g1[fSMClock]; ok || g1[fTemp] != 69 {
		t.Errorf("GPU 1 = %v", g1)
	}
	// nvidia-smi prints memory.used 11379 MiB for this reading: v2, rounded.
	if got := FormatMonitorLine(t0, map[string]float64{"gpus.0.memory_used_mib": g0[fMemUsed]}, nil); !strings.Contains(got, "11379") {
		t.Errorf("monitor line %q lacks 11379 MiB", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(lib.ShutdownCalls()); n != 1 {
		t.Errorf("Shutdown called %d times, want 1", n)
	}
}

// TestNVMLInitFailures: after a failed Init nothing else is called (the
// mock panics on any unset function) and the error says why in plain words.
func TestNVMLInitFailures(t *testing.T) {
	for _, c := range []struct {
		ret  nvml.Return
		want string
	}{
		{nvml.ERROR_LIBRARY_NOT_FOUND, "NVML not available (libnvidia-ml.so.1 not found): is the NVIDIA driver installed?"},
		{nvml.ERROR_DRIVER_NOT_LOADED, "NVIDIA kernel driver is not loaded"},
		{nvml.ERROR_NO_PERMISSION, "no permission"},
		{nvml.Return(77), "NVML could not start: NVML error 77"},
	} {
		lib := &mock.Interface{InitFunc: func() nvml.Return { return c.ret }}
		s := newNVML(&dsl.Sampler{}, Options{NVML: lib})
		if err := s.Start(context.Background()); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Init %d: error %v, want %q", c.ret, err, c.want)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close after failed Init: %v", err)
		}
	}
}

func TestNVMLBadDeviceIndexShutsDown(t *testing.T) {
	lib := loadedH100()
	s := newNVML(&dsl.Sampler{Devices: []int{8}}, Options{NVML: lib})
	err := s.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "GPU 8 not found: NVML sees 8 GPU(s), indexes 0 to 7") {
		t.Fatalf("Start = %v", err)
	}
	if n := len(lib.ShutdownCalls()); n != 1 {
		t.Errorf("Shutdown calls after failed open = %d, want 1", n)
	}
}

// TestNVMLMemoryFallback: without the v2 symbol, or when v2 is not
// supported, memory comes from GetMemoryInfo (v1).
func TestNVMLMemoryFallback(t *testing.T) {
	for _, c := range []struct {
		name     string
		noSymbol bool
		v2Ret    nvml.Return
	}{{"no v2 symbol", true, nvml.SUCCESS}, {"v2 not supported", false, nvml.ERROR_NOT_SUPPORTED}} {
		t.Run(c.name, func(t *testing.T) {
			lib := loadedH100()
			lib.LookupSymbolFunc = func(sym string) error {
				if c.noSymbol && sym == "nvmlDeviceGetMemoryInfo_v2" {
					return nvml.ERROR_FUNCTION_NOT_FOUND
				}
				return nil
			}
			dev := lib.Devices[0].(*dgxa100.Device)
			v2Calls := 0
			dev.GetMemoryInfo_v2Func = func() (nvml.Memory_v2, nvml.Return) { v2Calls++; return nvml.Memory_v2{}, c.v2Ret }
			dev.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) {
				return nvml.Memory{Total: 85520809984, Used: 12434866176}, nvml.SUCCESS
			}
			s := newNVML(&dsl.Sampler{Devices: []int{0}}, Options{NVML: lib})
			if err := s.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r, err := s.Sample(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := gpuValues(r)[r.GPUs[0].UUID][fMemUsed]; got != 12434866176.0/(1<<20) {
				t.Errorf("memory used = %v, want v1's", got)
			}
			if c.noSymbol && v2Calls != 0 {
				t.Errorf("GetMemoryInfo_v2 called %d times without its symbol", v2Calls)
			}
		})
	}
}

func TestNVMLSampleErrorIsReported(t *testing.T) {
	lib := loadedH100()
	lib.Devices[0].(*dgxa100.Device).GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) {
		return 0, nvml.ERROR_GPU_IS_LOST
	}
	s := newNVML(&dsl.Sampler{Devices: []int{0}}, Options{NVML: lib})
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Sample(context.Background())
	if err == nil || !strings.Contains(err.Error(), "GPU 0 temperature: the GPU has fallen off the bus") {
		t.Errorf("Sample error = %v", err)
	}
	if len(r.Points) == 0 {
		t.Error("the other fields were dropped with the error")
	}
}
