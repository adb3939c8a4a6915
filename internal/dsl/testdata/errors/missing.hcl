scenario {
  name = "missing"
}

target "api" { # ERROR: Missing required argument
  method = "GET"
}

step "one" { # ERROR: Missing load level
  duration = "10s"
}

assert "p95" { # ERROR: Missing required argument
  error_message = "slow"
}

assert "p99" {
  condition = latency.p99 < 900
}
