// Package sim is a simulated GPU inference stack: a Flask-style backend in
// front of a Triton-like dynamic batcher on one simulated GPU. It lets the
// whole harness run on a laptop with no GPU and no Triton (`harness demo`,
// `harness sim`) and gives the tests a realistic target.
//
// Nothing in it computes an answer from a formula: requests really wait in a
// queue, batches really form while earlier ones execute, and a simulated
// kernel really occupies the GPU for base + per_item × n milliseconds of wall
// time. Latency therefore grows with load and throughput saturates at a knee,
// as it does on the real stack.
//
// Endpoints (see Server.Handler):
//
//	POST /api/ai-quality            {"image": <base64 JPEG or PNG>}
//	GET  /health                    Flask backend health: 200 {"status":"ok"}
//	GET  /v2/health/live            Triton liveness: 200 empty, 400 when not live
//	GET  /v2/health/ready           Triton readiness: 200 empty, 400 when not ready
//	GET  /v2/models/efficient_fiqa/ready
//	POST /v2/models/efficient_fiqa[/versions/1]/infer
//	                                KServe v2 inference, JSON or Triton's
//	                                binary-data extension (infer.go)
//	gRPC GRPCInferenceService       the same over KServe v2 gRPC, on its own
//	                                port (Server.ServeGRPC)
//	GET  /metrics                   Triton's Prometheus text
//	GET  /dcgm/metrics              dcgm-exporter's Prometheus text
//	POST /v1/chat/completions       OpenAI-compatible chat, streaming (SSE) or not
//	POST /v1/completions            OpenAI-compatible completions, streaming or not
//	GET  /v1/models                 the one LLM served
//	GET  /vllm/metrics              vLLM v1's Prometheus text for the LLM engine
//
// The LLM endpoints are served by a continuous-batching engine (llm.go) on
// the same simulated GPU: prefill time grows with prompt tokens, each decode
// iteration with the running batch's context, and a KV-cache budget from the
// card's memory bounds the running set (the rest wait; preemption happens).
//
// The GPU model: the batches of all model instances share one execution
// engine, as kernels from several CUDA contexts share one GPU. Each instance
// copies its inputs in (compute_input), waits for and occupies the engine
// (compute_infer), then copies outputs back (compute_output); the copies of
// one instance overlap the kernels of another, which is why Triton runs more
// than one instance per GPU. Utilization is the fraction of each sample
// interval during which the engine was busy, which is what DCGM's GPU_UTIL
// reports ("one or more kernels executing"). Power, memory, clocks and a
// first-order thermal model follow from it; see gpu.go.
package sim
