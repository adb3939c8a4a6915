variable "backend" {
  type        = string
  default     = "https://localhost:8000"
  description = "Base URL of the service under test"
}

scenario {
  name        = "ai-quality-capacity"
  description = "AI quality endpoint, 10 to 200 users, one request per user every 2 s"
}

locals {
  image = jpeg(352, 352)               # a realistic synthetic 352x352 JPEG, base64-encoded
}

target "quality" {
  method  = "POST"
  url     = "${var.backend}/api/ai-quality"
  headers = { "Content-Type" = "application/json", "Authorization" = "Bearer ${env("API_TOKEN")}" }
  body    = jsonencode({ image = local.image })
  # body_base64 = filebase64("face.jpg")  # a binary body, sent as raw bytes
  timeout = "10s"
  tls {
    ca_file              = "cert.pem"  # trust a self-signed certificate (preferred)
    insecure_skip_verify = false       # explicit opt-out only
  }
  expect {
    status = [200]                     # anything else counts as a failed request
  }
  extract "inference_ms" { json = "inference_time_ms" }   # numeric field of the JSON response
  extract "quality"      { json = "quality_score" }
}

health "backend" {                     # preconditions: polled until ready or timeout
  url     = "${var.backend}/health"
  timeout = "60s"
}
health "triton" {
  url = "http://localhost:8003/v2/health/ready"
}

sampler "nvml" "gpu" {                 # local GPUs through NVML
  interval = "1s"
  devices  = [0]                       # default: all
  optional = false                     # true: run on without it; what reads it is `error`
}
sampler "triton" "triton" {            # a Triton /metrics endpoint
  url      = "http://localhost:8002/metrics"
  model    = "efficient_fiqa"          # default: all models summed
  interval = "1s"
}
sampler "dcgm" "fleet" {               # a dcgm-exporter endpoint (GPUs on another host)
  url = "http://gpu-host:9400/metrics"
}
sampler "prometheus" "app" {           # any Prometheus exposition endpoint
  url = "http://localhost:9100/metrics"
  series "load1" {
    name   = "node_load1"
    labels = {}
    kind   = "gauge"                   # gauge | counter
  }
}

step "baseline" {
  target   = "quality"                 # optional when there is one target
  users    = 1                         # closed model: concurrent users
  pace     = "2s"                      # each user starts a request every 2 s ...
  # think  = "2s"                      # ... or waits 2 s after each response
  duration = "30s"                     # measured window
}

dynamic "step" {                       # the 10-to-200 plan, one step per level
  for_each = [10, 25, 50, 100, 200]
  iterator = level                     # name it: `step` is also a condition namespace
  labels   = ["users_${level.value}"]
  content {
    users    = level.value
    ramp     = "10s"                   # linear from the previous level; not measured
    # ramp_rate = 5                    # or: users (or req/s) added per second
    pace     = "2s"
    duration = "60s"
  }
}

step "open_50" {
  rate          = 50                   # open model: arrivals per second, independent of responses
  ramp          = "10s"
  duration      = "60s"
  max_in_flight = 500                  # arrivals beyond this are counted as dropped, not queued
}

assert "p95_latency" {
  condition     = latency.p95 < 500
  error_message = "p95 latency ${latency.p95} ms is over 500 ms"
  # steps      = ["users_100"]         # default: every measured step
  # severity   = "warn"                # default "fail"
}

assert "gpu_temperature" {
  condition     = gpu.temperature.max < 80
  error_message = "GPU reached ${gpu.temperature.max} °C"
  abort         = true                 # also checked live, every second, on the step so far
  sustain       = "5s"                 # abort once the breach has held this long (default 0s)
}

step "users_100_strict" {
  users    = 100
  pace     = "2s"
  duration = "60s"
  assert "success" {                   # an assertion scoped to this step
    condition = requests.success_rate >= 0.95
  }
}
