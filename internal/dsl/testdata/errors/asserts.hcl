scenario {
  name = "asserts"
}

target "api" {
  url = "http://127.0.0.1:8000/"
}

step "one" {
  users    = 1
  duration = "10s"
  assert "nested" {
    condition = latency.p95 < 500
    steps     = ["one"] # ERROR: Steps of a nested assert
  }
}

assert "unknown_step" {
  condition = latency.p95 < 500
  steps     = ["one", "two"] # ERROR: Unknown step in assert
}

assert "severity" {
  condition = latency.p95 < 500
  severity  = "error" # ERROR: Invalid severity
}

assert "not_bool" {
  condition = latency.p95 + 1 # ERROR: Condition is not a boolean
}

assert "constant" {
  condition = 1 < 2 # ERROR: Condition reads no measurement
}

assert "function_args" {
  condition = length(latency.p95) > 0 # ERROR: Invalid function argument
}
