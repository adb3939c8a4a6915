//go:build cgo

package sampler

import (
	"context"
	"errors"
	"fmt"

	"github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// NVMLInterface is go-nvml's library interface; tests inject its mock.
type NVMLInterface = nvml.Interface

const mib = 1 << 20

// nvmlSampler reads local GPUs through NVML (go-nvml dlopens
// libnvidia-ml.so.1 at Init, so the binary runs on machines without it).
type nvmlSampler struct {
	lib     nvml.Interface
	devices []int // nil = all
	inited  bool  // Init succeeded: Close must Shutdown exactly once
	devs    []nvmlDevice
	memV2   bool                                    // GetMemoryInfo_v2 exists and answers
	reasons func(nvml.Device) (uint64, nvml.Return) // nil when the driver has neither symbol
}

type nvmlDevice struct {
	h    nvml.Device
	info result.GPUInfo
}

var _ Sampler = (*nvmlSampler)(nil)

func newNVML(cfg *dsl.Sampler, opts Options) Sampler {
	lib := opts.NVML
	if lib == nil {
		lib = nvml.New()
	}
	return &nvmlSampler{lib: lib, devices: cfg.Devices}
}

// Start initialises NVML and opens the selected devices. After a failed
// Init it calls nothing else: any other NVML call would kill the process.
func (s *nvmlSampler) Start(context.Context) error {
	if ret := s.lib.Init(); ret != nvml.SUCCESS {
		return initError(ret)
	}
	s.inited = true
	if err := s.open(); err != nil {
		s.lib.Shutdown()
		s.inited = false
		return err
	}
	return nil
}

func (s *nvmlSampler) open() error {
	driver, ret := s.lib.SystemGetDriverVersion()
	if ret != nvml.SUCCESS {
		driver = ""
	}
	n, ret := s.lib.DeviceGetCount()
	if ret != nvml.SUCCESS {
		return fmt.Errorf("NVML cannot count GPUs: %s", returnText(ret))
	}
	if n == 0 {
		return errors.New("NVML sees no GPU")
	}
	idx := s.devices
	if idx == nil {
		for i := range n {
			idx = append(idx, i)
		}
	}
	ext := s.lib.Extensions()
	s.memV2 = ext.LookupSymbol("nvmlDeviceGetMemoryInfo_v2") == nil
	switch {
	case ext.LookupSymbol("nvmlDeviceGetCurrentClocksEventReasons") == nil:
		s.reasons = nvml.Device.GetCurrentClocksEventReasons
	case ext.LookupSymbol("nvmlDeviceGetCurrentClocksThrottleReasons") == nil:
		s.reasons = nvml.Device.GetCurrentClocksThrottleReasons
	}
	for _, i := range idx {
		if i < 0 || i >= n {
			return fmt.Errorf("GPU %d not found: NVML sees %d GPU(s), indexes 0 to %d", i, n, n-1)
		}
		h, ret := s.lib.DeviceGetHandleByIndex(i)
		if ret != nvml.SUCCESS {
			return fmt.Errorf("GPU %d: %s", i, returnText(ret))
		}
		d := nvmlDevice{h: h, info: result.GPUInfo{Index: i, Driver: driver}}
		if d.info.UUID, ret = h.GetUUID(); ret != nvml.SUCCESS {
			return fmt.Errorf("GPU %d: reading its UUID: %s", i, returnText(ret))
		}
		if name, ret := h.GetName(); ret == nvml.SUCCESS {
			d.info.Name = name
		}
		if _, total, ret := s.memory(h); ret == nvml.SUCCESS {
			d.info.MemoryMiB = total
		}
		s.devs = append(s.devs, d)
	}
	return nil
}

// memory returns used and total MiB. Used comes from GetMemoryInfo_v2, which
// is what nvidia-smi shows; v1's Used also counts driver-reserved memory, so
// v1 is only the fallback when v2 is missing or not supported.
// Samples are serialised per sampler by the Group, so memV2 needs no lock.
func (s *nvmlSampler) memory(h nvml.Device) (used, total float64, ret nvml.Return) {
	if s.memV2 {
		m, ret := h.GetMemoryInfo_v2()
		if ret == nvml.SUCCESS {
			return float64(m.Used) / mib, float64(m.Total) / mib, ret
		}
		if !absent(ret) {
			return 0, 0, ret
		}
		s.memV2 = false
	}
	m, ret := h.GetMemoryInfo()
	return float64(m.Used) / mib, float64(m.Total) / mib, ret
}

// Sample reads every selected GPU. A value the GPU does not support is left
// out (unknown), never 0; any other failure is returned with what was read.
func (s *nvmlSampler) Sample(context.Context) (Reading, error) {
	r := Reading{}
	var errs []error
	for _, d := range s.devs {
		r.GPUs = append(r.GPUs, d.info)
		errs = append(errs, s.sampleDevice(&r, d))
	}
	return r, errors.Join(errs...)
}

func (s *nvmlSampler) sampleDevice(r *Reading, d nvmlDevice) error {
	uuid := d.info.UUID
	var errs []error
	check := func(what string, ret nvml.Return) bool {
		if ret == nvml.SUCCESS {
			return true
		}
		if !absent(ret) {
			errs = append(errs, fmt.Errorf("GPU %d %s: %s", d.info.Index, what, returnText(ret)))
		}
		return false
	}
	if u, ret := d.h.GetUtilizationRates(); check("utilization", ret) {
		r.gpu(uuid, fUtil, float64(u.Gpu))
		r.gpu(uuid, fMemUtil, float64(u.Memory))
	}
	if used, total, ret := s.memory(d.h); check("memory", ret) {
		r.gpu(uuid, fMemUsed, used)
		r.gpu(uuid, fMemTotal, total)
	}
	if t, ret := d.h.GetTemperature(nvml.TEMPERATURE_GPU); check("temperature", ret) {
		r.gpu(uuid, fTemp, float64(t))
	}
	if p, ret := d.h.GetPowerUsage(); check("power", ret) {
		r.gpu(uuid, fPower, float64(p)/1000) // mW → W
	}
	if mj, ret := d.h.GetTotalEnergyConsumption(); check("energy counter", ret) {
		r.gpu(uuid, fEnergy, float64(mj)) // mJ since the driver loaded
	}
	if c, ret := d.h.GetClockInfo(nvml.CLOCK_SM); check("SM clock", ret) {
		r.gpu(uuid, fSMClock, float64(c))
	}
	if s.reasons != nil {
		if b, ret := s.reasons(d.h); check("clock-event reasons", ret) {
			r.gpu(uuid, fClockEvent, float64(b))
		}
	}
	return errors.Join(errs...)
}

// Close shuts NVML down once for the Init that succeeded.
func (s *nvmlSampler) Close() error {
	if !s.inited {
		return nil
	}
	s.inited = false
	if ret := s.lib.Shutdown(); ret != nvml.SUCCESS {
		return fmt.Errorf("NVML shutdown: %s", returnText(ret))
	}
	return nil
}
