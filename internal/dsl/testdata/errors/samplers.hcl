scenario {
  name = "samplers"
}

target "api" {
  url = "http://127.0.0.1:8000/"
}

sampler "nvmll" "gpu" { # ERROR: Unknown sampler kind
}

sampler "nvml" "local" {
  url = "http://127.0.0.1:9400/metrics" # ERROR: Argument not allowed for this sampler kind
  series "x" {} # ERROR: Series outside a prometheus sampler
}

sampler "triton" "t" { # ERROR: Missing required argument
  devices = [0] # ERROR: Argument not allowed for this sampler kind
}

sampler "dcgm" "fleet" {
  url      = "http://127.0.0.1:9400/metrics"
  model    = "m" # ERROR: Argument not allowed for this sampler kind
  interval = "fast" # ERROR: Invalid duration
}

sampler "prometheus" "app" {
  url = "http://127.0.0.1:9100/metrics"
  series "load" {
    name = "node_load1"
    kind = "histogram" # ERROR: Invalid series kind
  }
}

step "one" {
  users    = 1
  duration = "10s"
}

assert "p95" {
  condition = latency.p95 < 500
}
