scenario {
  name = "values"
}

target "api" {
  url     = "http://127.0.0.1:8000/"
  timeout = "10 seconds" # ERROR: Invalid duration
}

step "zero_users" {
  users    = 0 # ERROR: Value must be positive
  duration = "10s"
}

step "fraction" {
  users    = 1.5 # ERROR: Value must be a whole number
  duration = "10s"
}

step "negative_rate" {
  rate          = -1 # ERROR: Value must be positive
  max_in_flight = 0 # ERROR: Value must be positive
  duration      = "10s"
}

step "zero_duration" {
  users    = 1
  duration = "0s" # ERROR: Value must be positive
}

step "negative_ramp" {
  users    = 1
  ramp     = "-5s" # ERROR: Value must not be negative
  duration = "1m"
}

step "string_users" {
  users    = "many" # ERROR: Incorrect attribute value type
  duration = "1m"
}

assert "p95" {
  condition = latency.p95 < 500
}
