# Capacity search: how many users (one request every 2 s each) the service
# serves within its limits, found by the tool instead of read off a
# hand-written staircase.
#
# `harness demo --search` runs this against the built-in simulated inference
# server with --var backend=<its URL>, on the GPU profile --gpu picks; run it
# on both and `harness diff` the results to compare the cards by capacity.
# To run it by hand, start `harness sim --gpu rtx3060` and run this file.
#
# Each probe ramps from the previous probe's level for `ramp`, then is
# measured for `probe`; the levels step up from 10 users by ×2 until a probe
# breaks a limit, then bisect to 10 %: about ten probes, under 4 minutes.

variable "backend" {
  type        = string
  default     = "http://127.0.0.1:8000"
  description = "Base URL of the simulated (or real) backend: API, health, /metrics and /dcgm/metrics"
}

variable "probe" {
  type        = string
  default     = "10s"
  description = "Measured duration of each probe"
}

variable "ramp" {
  type        = string
  default     = "3s"
  description = "Ramp from one probe's level to the next"
}

variable "start" {
  type        = number
  default     = 10
  description = "Users of the first probe"
}

variable "precision" {
  type        = number
  default     = 0.1
  description = "Stop bisecting when (first failing - capacity) / capacity is at most this"
}

scenario {
  name        = "capacity-search"
  description = "Highest number of users (a request every 2 s each) within p95 500 ms, 100 % success, inference 20 ms, queue 100 ms"
}

target "quality" {
  method  = "POST"
  url     = "${var.backend}/api/ai-quality"
  headers = { "Content-Type" = "application/json" }
  body    = jsonencode({ image = jpeg(352, 352) })
  timeout = "10s"
  expect {
    status = [200]
  }
  extract "inference_ms" { json = "inference_time_ms" }
}

health "backend" {
  url     = "${var.backend}/health"
  timeout = "10s"
}

sampler "triton" "triton" {
  url      = "${var.backend}/metrics"
  model    = "efficient_fiqa"
  interval = "1s"
}

sampler "dcgm" "dcgm" {
  url      = "${var.backend}/dcgm/metrics"
  interval = "1s"
}

search "max_users" {
  model     = "users"
  pace      = "2s"
  start     = var.start
  max       = 2000
  growth    = 2
  precision = var.precision
  ramp      = var.ramp
  duration  = var.probe
  # asserts defaults to every fail assert that applies to every step and does
  # not read search.*: the four limits below.
}

assert "p95_latency" {
  condition     = latency.p95 < 500
  error_message = "p95 latency ${format("%.1f", latency.p95)} ms is over 500 ms"
}

assert "success" {
  condition     = requests.success_rate == 1
  error_message = "${requests.failed} of ${requests.total} requests failed"
}

assert "inference_time" {
  condition     = triton.infer_ms < 20
  error_message = "Triton inference time ${format("%.1f", triton.infer_ms)} ms per request is over 20 ms"
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

# The gate: the search's answer is assertable like anything else.
assert "capacity_floor" {
  condition     = search.max_users.capacity >= 10
  error_message = "capacity at SLO is ${search.max_users.capacity} users, under 10"
}
