scenario {
  name = "conditions"
}

variable "limit" {
  default = 500
}

target "api" {
  url = "http://127.0.0.1:8000/"
  extract "inference_ms" { json = "inference_time_ms" }
}

sampler "nvml" "gpu" {}

sampler "prometheus" "app" {
  url = "http://127.0.0.1:9100/metrics"
  series "load1" { name = "node_load1" }
}

step "one" {
  users    = 1
  duration = "10s"
}

assert "typo_field" {
  condition = latency.p59 < var.limit # ERROR: Unknown field in condition
}

assert "typo_root" {
  condition = gpuu.temperature.max < 80 # ERROR: Unknown name in condition
}

assert "no_sampler" {
  condition = sampler.fleet.gpu.temperature.max < 80 # ERROR: Unknown field in condition
}

assert "wrong_kind" {
  condition = sampler.gpu.triton.queue_ms < 80 # ERROR: Unknown field in condition
}

assert "series_field" {
  condition = sampler.app.load1.p99 < 4 # ERROR: Unknown field in condition
}

assert "no_extract" {
  condition = extract.quality.p95 > 0.5 # ERROR: Unknown field in condition
}

assert "undeclared_var" {
  condition = latency.p95 < var.limitt # ERROR: Unknown field in condition
}

assert "leaf_field" {
  condition = requests.rps.max > 1 # ERROR: Field of a plain value
}

assert "list_attr" {
  condition = gpus.temperature < 80 # ERROR: Attribute of a list
}

assert "fine" {
  condition = alltrue([for g in gpus : g.temperature.max < 80]) && length(gpus) > 0 && status_codes["200"] > 0 && sampler.app.load1.rate < 4 && extract.inference_ms.p95 < 20 && step.users > 0
}
