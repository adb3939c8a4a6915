package sim

// dcgmField is one default-CSV field of dcgm-exporter that the sim reports,
// with its HELP text verbatim from etc/default-counters.csv.
type dcgmField struct {
	name, typ, help string
	value           func(g gpuReading, p Profile) string
}

// dcgmFields are in the order dcgm-exporter prints them with its default CSV
// (see internal/sampler/testdata/fixtures/dcgm/l4_dcgm-exporter_default_counters.txt).
var dcgmFields = []dcgmField{
	{"DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz).",
		func(g gpuReading, _ Profile) string { return dcgmInt(g.SMMHz) }},
	{"DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock frequency (in MHz).",
		func(g gpuReading, _ Profile) string { return dcgmInt(g.MemMHz) }},
	{"DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).",
		func(g gpuReading, _ Profile) string { return dcgmInt(g.TempC) }},
	{"DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).",
		func(g gpuReading, _ Profile) string { return dcgmFloat(g.PowerW) }},
	{"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "Total energy consumption since boot (in mJ).",
		func(g gpuReading, _ Profile) string { return dcgmInt(g.EnergyJ * 1000) }},
	{"DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).",
		func(g gpuReading, _ Profile) string { return dcgmInt(g.Util * 100) }},
	{"DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %).",
		func(g gpuReading, p Profile) string { return dcgmInt(g.Util * p.MemCopyFactor * 100) }},
	{"DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).",
		func(g gpuReading, _ Profile) string { return dcgmInt(g.FreeMiB) }},
	{"DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).",
		func(g gpuReading, _ Profile) string { return dcgmInt(g.UsedMiB) }},
	{"DCGM_FI_DEV_FB_RESERVED", "gauge", "Framebuffer memory reserved (in MiB).",
		func(_ gpuReading, p Profile) string { return dcgmInt(p.ReservedMiB) }},
}

// dcgmDriverVersion is the driver the sim claims, as the default CSV's
// DCGM_FI_DRIVER_VERSION label field reports it.
const dcgmDriverVersion = "580.105.08"

// dcgmMetrics renders dcgm-exporter's /metrics page for the one simulated
// GPU, with the label set of render_metrics.go in its order:
// gpu, UUID, pci_bus_id, device, modelName, Hostname, then label fields.
func (s *Server) dcgmMetrics() []byte {
	g := s.gpu.reading()
	labels := []label{
		{"gpu", "0"}, {"UUID", s.p.UUID}, {"pci_bus_id", s.p.PCIBus},
		{"device", "nvidia0"}, {"modelName", s.p.GPUName}, {"Hostname", s.cfg.Hostname},
		{"DCGM_FI_DRIVER_VERSION", dcgmDriverVersion},
	}
	var e expo
	for _, f := range dcgmFields {
		e.single(f.name, f.typ, f.help, labels, f.value(g, s.p))
	}
	return e.b.Bytes()
}
