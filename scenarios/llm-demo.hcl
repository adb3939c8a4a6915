# The LLM demo behind `harness demo --workload llm`: a chat model served with
# an OpenAI-compatible streaming API, loaded by a staircase of users, with
# per-request objectives (time to first token, time per output token),
# goodput, the engine's KV cache and the GPU watched beside it.
#
# `harness demo --workload llm` runs this against the built-in simulated
# server's LLM engine (internal/sim) with --var base=<its URL>; to run it by
# hand, start `harness sim --gpu rtx3060` (or rtx5090) and run this file.
# Each user sends a ~500-token prompt and streams a 128-token answer, then
# sends the next: 10 s + 4 × (5 s ramp + 30 s) = 2 min 30 s of load.
# `harness demo --workload llm --fast` sets baseline = "5s", ramp = "2s",
# hold = "8s": 45 s.
#
# On the rtx3060 profile the KV cache holds about 55 such conversations:
# past that, requests wait for room, time to first token climbs and goodput
# falls behind throughput. The rtx5090's memory holds five times as many and
# its bandwidth decodes five times as fast.

variable "base" {
  type        = string
  default     = "http://127.0.0.1:8000"
  description = "Base URL of the simulated (or real) server: /v1/chat/completions, /vllm/metrics, /dcgm/metrics"
}

variable "baseline" {
  type        = string
  default     = "10s"
  description = "Measured duration of the one-user baseline"
}

variable "ramp" {
  type        = string
  default     = "5s"
  description = "Ramp from one level to the next"
}

variable "hold" {
  type        = string
  default     = "30s"
  description = "Measured duration of each level"
}

scenario {
  name        = "llm-demo"
  description = "Streaming chat, 1 to 96 users: TTFT and TPOT objectives, goodput, KV cache and GPU limits"
}

target "chat" {
  method  = "POST"
  url     = "${var.base}/v1/chat/completions"
  headers = { "Content-Type" = "application/json" }
  body = jsonencode({
    model          = "sim-llama-8b"
    stream         = true
    max_tokens     = 128
    stream_options = { include_usage = true }
    messages       = [{ role = "user", content = words(384, 1) }]
  })
  timeout = "60s"
  stream {
    format = "openai"
  }
  slo {
    ttft = "1s"
    tpot = "60ms"
  }
}

sampler "vllm" "engine" {
  url = "${var.base}/vllm/metrics"
}

sampler "dcgm" "gpu" {
  url = "${var.base}/dcgm/metrics"
}

step "baseline" {
  users    = 1
  duration = var.baseline
}

dynamic "step" {
  for_each = [16, 32, 64, 96]
  iterator = level
  labels   = ["users_${level.value}"]
  content {
    users    = level.value
    ramp     = var.ramp
    duration = var.hold
  }
}

assert "ttft_p95" {
  condition     = stream.ttft.p95 < 1000
  error_message = "p95 time to first token ${format("%.0f", stream.ttft.p95)} ms is over 1 s"
}

assert "tpot_p95" {
  condition     = stream.tpot.p95 < 60
  error_message = "p95 time per output token ${format("%.1f", stream.tpot.p95)} ms is over 60 ms"
}

assert "goodput" {
  condition     = requests.slo_attainment >= 0.9
  error_message = "only ${format("%.0f", requests.slo_attainment * 100)} % of requests met their TTFT and TPOT objectives"
}

assert "success" {
  condition = requests.success_rate == 1
}

assert "kv_cache" {
  condition     = vllm.kv_cache_usage.max < 0.95
  error_message = "the KV cache reached ${format("%.1f", vllm.kv_cache_usage.max * 100)} %: requests wait for room"
  severity      = "warn"
}

assert "gpu_temperature" {
  condition = gpu.temperature.max < 83
  abort     = true
  sustain   = "5s"
}
