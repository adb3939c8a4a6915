# Open-model (arrival-rate) steps: requests arrive at a fixed rate whatever
# the service's response time, so a slow service builds a queue instead of
# slowing the load down, as real traffic does. Arrivals beyond max_in_flight
# are counted as dropped.

variable "backend" {
  type    = string
  default = "http://127.0.0.1:8000"
}

scenario {
  name        = "ai-quality-open-model"
  description = "Arrival rates of 10, 25 and 50 req/s, independent of responses"
}

target "quality" {
  method  = "POST"
  url     = "${var.backend}/api/ai-quality"
  headers = { "Content-Type" = "application/json" }
  body    = jsonencode({ image = jpeg(352, 352) })
  timeout = "5s"
  extract "inference_ms" { json = "inference_time_ms" }
}

sampler "nvml" "gpu" {
  optional = true
}

dynamic "step" {
  for_each = [10, 25, 50]
  iterator = arrivals
  labels   = ["rate_${arrivals.value}"]
  content {
    rate          = arrivals.value
    ramp          = "10s"
    duration      = "60s"
    max_in_flight = arrivals.value * 10
    # Arrivals are evenly spaced by default. Real traffic is closer to
    # independent arrivals; uncomment for Poisson arrivals (repeatable: the
    # seed, 1 unless set, is recorded in the results):
    # arrival = "poisson"
    # seed    = 1
  }
}

assert "p95_latency" {
  condition     = latency.p95 < 500
  error_message = "p95 latency ${format("%.1f", latency.p95)} ms is over 500 ms"
}

assert "no_drops" {
  condition     = requests.dropped == 0
  error_message = "${requests.dropped} arrivals were dropped at max_in_flight"
}

assert "success" {
  condition = requests.success_rate >= 0.99
}
