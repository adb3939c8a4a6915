package sim

import (
	"strconv"
	"strings"
)

// vllmFloat formats as Python's prometheus_client does: always a float
// ("0.0", "5.0", "1.5e+06" for large values).
func vllmFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if strings.ContainsAny(s, ".eNI") { // a fraction, an exponent, NaN or ±Inf
		return s
	}
	return s + ".0"
}

// vllmMetrics renders the LLM engine as vLLM v1's /metrics does: v1 names,
// engine and model_name labels, counters with _total and a _created gauge,
// histograms with le as a float string. (Real vLLM serves this on its API
// port's /metrics; the simulator's /metrics is Triton's, so it is here at
// /vllm/metrics.)
func (s *Server) vllmMetrics() []byte {
	st := s.llm.snapshot()
	lb := []label{{"engine", "0"}, {"model_name", llmModel}}
	var e expo
	gauge := func(name, help string, v float64) { e.single(name, "gauge", help, lb, vllmFloat(v)) }
	counter := func(name, help string, v uint64) {
		e.single(name+"_total", "counter", help, lb, vllmFloat(float64(v)))
		e.single(name+"_created", "gauge", help, lb, vllmFloat(float64(s.started.UnixMilli())/1000))
	}
	hist := func(name, help string, h histogram) {
		e.family(name, "histogram", help)
		var cum uint64
		for i, c := range h.counts {
			cum += c
			le := "+Inf"
			if i < len(h.bounds) {
				le = vllmFloat(h.bounds[i])
			}
			e.series(name+"_bucket", []label{{"engine", "0"}, {"le", le}, {"model_name", llmModel}}, vllmFloat(float64(cum)))
		}
		e.series(name+"_count", lb, vllmFloat(float64(h.count)))
		e.series(name+"_sum", lb, vllmFloat(h.sum))
	}
	gauge("vllm:num_requests_running", "Number of requests in model execution batches.", float64(st.running))
	gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", float64(st.waiting))
	gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", st.kvUsage)
	counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.", st.stats.preemptions)
	counter("vllm:prompt_tokens", "Number of prefill tokens processed.", st.stats.promptTokens)
	counter("vllm:generation_tokens", "Number of generation tokens processed.", st.stats.genTokens)
	hist("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", st.stats.ttft)
	hist("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", st.stats.itl)
	hist("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", st.stats.e2e)
	hist("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", st.stats.queue)
	return e.b.Bytes()
}
