scenario {
  name = "limits"
}

target "api" {
  url     = "http://127.0.0.1:8000/"
  timeout = "169h" # ERROR: Value out of range
}

health "up" {
  url      = "http://127.0.0.1:8000/health"
  interval = "9999999h" # ERROR: Value out of range
}

sampler "nvml" "gpu" {
  interval = "200h" # ERROR: Value out of range
}

step "too_many_users" {
  users    = 1e6 # ERROR: Value out of range
  duration = "10s"
}

step "huge_users" {
  users    = 1e9 # ERROR: Value out of range
  duration = "10s"
}

step "most_users" {
  users    = 50000
  duration = "10s"
}

step "huge_rate" {
  rate     = 1e300 # ERROR: Value out of range
  duration = "10s"
}

step "tiny_rate" {
  rate     = 1e-300 # ERROR: Value out of range
  duration = "10s"
}

step "fastest" {
  rate          = 100000
  max_in_flight = 50000
  duration      = "10s"
}

step "in_flight" {
  rate          = 10
  max_in_flight = 1e12 # ERROR: Value out of range
  duration      = "10s"
}

step "slow_ramp" {
  users     = 10
  ramp_rate = 1e-300 # ERROR: Value out of range
  duration  = "10s"
}

step "long" {
  users    = 1
  duration = "9999999h" # ERROR: Value out of range
}

step "week" { # ERROR: Scenario too long
  users    = 1
  ramp     = "200h" # ERROR: Value out of range
  pace     = "169h" # ERROR: Value out of range
  duration = "168h"
}

step "negative" {
  users    = 1
  think    = "-9999999h" # ERROR: Value must not be negative
  duration = "1s"
}

assert "p95" {
  condition = latency.p95 < 500
  sustain   = "1000h" # ERROR: Value out of range
}
