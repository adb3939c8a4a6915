# A two-minute capacity gate for CI: warm up, then hold the expected peak and
# fail the build when latency or errors regress.

variable "backend" {
  type    = string
  default = "http://127.0.0.1:8000"
}

variable "users" {
  type        = number
  default     = 50
  description = "Peak concurrent users the service must sustain"
}

scenario {
  name        = "ci-gate"
  description = "Two-minute gate: warm-up, then the expected peak"
}

target "quality" {
  method  = "POST"
  url     = "${var.backend}/api/ai-quality"
  headers = { "Content-Type" = "application/json" }
  body    = jsonencode({ image = jpeg(352, 352, 1) })
  timeout = "10s"
}

health "backend" {
  url     = "${var.backend}/health"
  timeout = "30s"
}

step "warmup" {
  users    = 5
  pace     = "1s"
  duration = "20s"
}

step "peak" {
  users    = var.users
  ramp     = "10s"
  pace     = "2s"
  duration = "90s"
}

assert "p95_latency" {
  condition     = latency.p95 < 500
  error_message = "p95 latency ${format("%.1f", latency.p95)} ms is over 500 ms"
  steps         = ["peak"]
}

assert "success" {
  condition     = requests.success_rate >= 0.999
  error_message = "success rate ${format("%.4f", requests.success_rate)} is under 99.9 %"
}
