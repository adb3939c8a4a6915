package sim

// Model name and version the simulated Triton serves.
const (
	ModelName    = "efficient_fiqa"
	ModelVersion = "1"
)

// HELP texts verbatim from triton-inference-server/core src/metrics.cc.
const (
	helpSuccess  = "Number of successful inference requests, all batch sizes"
	helpFailure  = "Number of failed inference requests, all batch sizes"
	helpCount    = "Number of inferences performed (does not include cached requests)"
	helpExec     = "Number of model executions performed (does not include cached requests)"
	helpRequest  = "Cumulative inference request duration in microseconds (includes cached requests)"
	helpQueue    = "Cumulative inference queuing duration in microseconds (includes cached requests)"
	helpInput    = "Cumulative compute input duration in microseconds (does not include cached requests)"
	helpInfer    = "Cumulative compute inference duration in microseconds (does not include cached requests)"
	helpOutput   = "Cumulative inference compute output duration in microseconds (does not include cached requests)"
	helpEnergy   = "GPU energy consumption in joules since the Triton Server started"
	helpPending  = "Instantaneous number of pending requests awaiting execution per-model."
	helpUtil     = "GPU utilization rate [0.0 - 1.0)"
	helpMemTotal = "GPU total memory, in bytes"
	helpMemUsed  = "GPU used memory, in bytes"
	helpPower    = "GPU power usage in watts"
	helpLimit    = "GPU power management limit in watts"
)

const mib = 1024 * 1024

// tritonMetrics renders Triton's /metrics page: families in the order a
// real server prints them, labels in its (alphabetical) order. The instance
// reporter's series carry gpu_uuid; the model-level ones (failures by
// reason, pending) do not, as on a real
// Triton (internal/sampler/testdata/fixtures/triton).
func (s *Server) tritonMetrics() []byte {
	st := s.stats.snapshot()
	g := s.gpu.reading()
	inst := []label{{"gpu_uuid", s.p.UUID}, {"model", ModelName}, {"version", ModelVersion}}
	model := []label{{"model", ModelName}, {"version", ModelVersion}}
	gpu := []label{{"gpu_uuid", s.p.UUID}}

	var e expo
	one := func(name, typ, help string, lb []label, v float64) { e.single(name, typ, help, lb, tritonFloat(v)) }
	counter := func(name, help string, v uint64) { one(name, "counter", help, inst, float64(v)) }
	counter("nv_inference_request_success", helpSuccess, st.success)
	e.family("nv_inference_request_failure", "counter", helpFailure)
	for _, reason := range failureReasons {
		lb := []label{{"model", ModelName}, {"reason", reason}, {"version", ModelVersion}}
		e.series("nv_inference_request_failure", lb, tritonFloat(float64(st.failures[reason])))
	}
	counter("nv_inference_count", helpCount, st.count)
	counter("nv_inference_exec_count", helpExec, st.execs)
	counter("nv_inference_request_duration_us", helpRequest, st.requestUs)
	counter("nv_inference_queue_duration_us", helpQueue, st.queueUs)
	counter("nv_inference_compute_input_duration_us", helpInput, st.inputUs)
	counter("nv_inference_compute_infer_duration_us", helpInfer, st.inferUs)
	counter("nv_inference_compute_output_duration_us", helpOutput, st.outputUs)
	one("nv_energy_consumption", "counter", helpEnergy, gpu, g.EnergyJ)
	one("nv_inference_pending_request_count", "gauge", helpPending, model, float64(s.b.pending()))
	one("nv_gpu_utilization", "gauge", helpUtil, gpu, g.Util)
	one("nv_gpu_memory_total_bytes", "gauge", helpMemTotal, gpu, s.p.MemoryMiB*mib)
	one("nv_gpu_memory_used_bytes", "gauge", helpMemUsed, gpu, g.UsedMiB*mib)
	one("nv_gpu_power_usage", "gauge", helpPower, gpu, g.PowerW)
	one("nv_gpu_power_limit", "gauge", helpLimit, gpu, s.p.MaxW)
	return e.b.Bytes()
}
