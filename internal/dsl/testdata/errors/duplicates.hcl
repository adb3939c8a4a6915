scenario {
  name = "duplicates"
}

scenario { # ERROR: Duplicate scenario block
  name = "again"
}

variable "v" {
  default = 1
}

variable "v" { # ERROR: Duplicate variable
  default = 2
}

target "api" {
  url = "http://127.0.0.1:8000/"
  extract "ms" { json = "ms" }
  extract "ms" { json = "other" } # ERROR: Duplicate extract
}

target "api" { # ERROR: Duplicate target
  url = "http://127.0.0.1:8001/"
}

sampler "nvml" "gpu" {}
sampler "triton" "gpu" { # ERROR: Duplicate sampler
  url = "http://127.0.0.1:8002/metrics"
}

step "one" {
  target   = "api"
  users    = 1
  duration = "10s"
  assert "a" {
    condition = latency.p95 < 100
  }
  assert "a" { # ERROR: Duplicate assert
    condition = latency.p99 < 100
  }
}

step "one" { # ERROR: Duplicate step
  target   = "api"
  users    = 2
  duration = "10s"
}

dynamic "step" {
  for_each = [1, 1]
  iterator = n
  labels   = ["level_${n.value}"] # ERROR: Duplicate step
  content {
    target   = "api"
    users    = n.value
    duration = "10s"
  }
}

assert "p95" {
  condition = latency.p95 < 500
}

assert "p95" { # ERROR: Duplicate assert
  condition = latency.p95 < 600
}

locals {
  x = 1
}

locals {
  x = 2 # ERROR: Duplicate local value
}
