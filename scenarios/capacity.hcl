# The 1-to-200-user capacity plan: a one-user baseline, then 10,
# 25, 50, 100 and 200 concurrent users, each user sending one request every
# 2 s (100 users = 50 req/s), with the seed's health limits as assertions.

variable "backend" {
  type        = string
  default     = "http://127.0.0.1:8000"
  description = "Base URL of the service under test"
}

variable "triton_metrics" {
  type        = string
  default     = "http://127.0.0.1:8002/metrics"
  description = "Triton's Prometheus metrics endpoint"
}

scenario {
  name        = "ai-quality-capacity"
  description = "AI quality endpoint, 1 to 200 users, one request per user every 2 s"
}

locals {
  image = jpeg(352, 352) # a realistic synthetic 352x352 JPEG, base64-encoded
}

target "quality" {
  method  = "POST"
  url     = "${var.backend}/api/ai-quality"
  headers = { "Content-Type" = "application/json" }
  body    = jsonencode({ image = local.image })
  timeout = "10s"
  expect {
    status = [200]
  }
  extract "inference_ms" { json = "inference_time_ms" }
  extract "quality" { json = "quality_score" }
}

health "backend" {
  url     = "${var.backend}/health"
  timeout = "60s"
}

sampler "nvml" "gpu" {
  interval = "1s"
  optional = true # run on without local GPUs; what reads them is then `error`
}

sampler "triton" "triton" {
  url      = var.triton_metrics
  model    = "efficient_fiqa"
  interval = "1s"
}

step "baseline" {
  users    = 1
  pace     = "2s"
  duration = "30s"
}

dynamic "step" {
  for_each = [10, 25, 50, 100, 200]
  iterator = level
  labels   = ["users_${level.value}"]
  content {
    users    = level.value
    ramp     = "10s"
    pace     = "2s"
    duration = "60s"
  }
}

assert "p95_latency" {
  condition     = latency.p95 < 500
  error_message = "p95 latency ${format("%.1f", latency.p95)} ms is over 500 ms"
}

assert "success" {
  condition     = requests.success_rate == 1
  error_message = "${requests.failed} of ${requests.total} requests failed"
  steps         = ["baseline", "users_10", "users_25", "users_50", "users_100"]
}

assert "success_at_200" {
  condition     = requests.success_rate == 1
  error_message = "${requests.failed} of ${requests.total} requests failed at 200 users"
  steps         = ["users_200"]
  severity      = "warn"
}

assert "inference_time" {
  condition     = extract.inference_ms.p95 < 20
  error_message = "p95 inference time ${format("%.1f", extract.inference_ms.p95)} ms is over 20 ms"
}

assert "triton_queue" {
  condition     = triton.queue_ms < 100
  error_message = "Triton queue time ${format("%.1f", triton.queue_ms)} ms is over 100 ms"
}

assert "gpu_temperature" {
  condition     = gpu.temperature.max < 80
  error_message = "GPU reached ${gpu.temperature.max} °C"
  abort         = true
  sustain       = "5s"
}
