scenario {
  name = "step-model"
}

target "api" {
  url = "http://127.0.0.1:8000/"
}

step "both" {
  users    = 1
  rate     = 5 # ERROR: Conflicting arguments
  duration = "10s"
}

step "ramps" {
  users     = 10
  ramp      = "5s"
  ramp_rate = 2 # ERROR: Conflicting arguments
  duration  = "10s"
}

step "pace_think" {
  users    = 10
  pace     = "1s"
  think    = "1s" # ERROR: Conflicting arguments
  duration = "10s"
}

step "pace_rate" {
  rate     = 10
  pace     = "1s" # ERROR: Argument not allowed with rate
  duration = "10s"
}

step "think_rate" {
  rate     = 10
  think    = "0s" # ERROR: Argument not allowed with rate
  duration = "10s"
}

step "in_flight_users" {
  users         = 10
  max_in_flight = 20 # ERROR: Argument not allowed with users
  duration      = "10s"
}

step "think_zero_ok" {
  users    = 10
  think    = "0s"
  duration = "10s"
}

assert "p95" {
  condition = latency.p95 < 500
}
