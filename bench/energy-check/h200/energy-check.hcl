scenario {
  name        = "energy-check"
  description = "Two loaded 30 s windows for comparing gpu.energy_j with nvidia-smi's power.draw"
}

target "sim" {
  method  = "POST"
  url     = "http://127.0.0.1:18000/api/ai-quality"
  headers = { "Content-Type" = "application/json" }
  body    = jsonencode({ image = jpeg(64, 64) })
  timeout = "10s"
}

sampler "nvml" "gpu" {
  interval = "100ms"
}

step "loaded_1" {
  users    = 4
  pace     = "100ms"
  duration = "30s"
}

step "loaded_2" {
  users    = 4
  pace     = "100ms"
  duration = "30s"
}

assert "energy_known" {
  condition     = gpu.energy_j > 0 && efficiency.joules_per_request > 0
  error_message = "gpu.energy_j = ${gpu.energy_j} J"
}
