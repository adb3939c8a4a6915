scenario {
  name = "step-shape"
}

target "api" {
  url = "http://127.0.0.1:8000/"
}

step "arrival_users" {
  users    = 10
  arrival  = "poisson" # ERROR: Argument not allowed with users
  duration = "10s"
}

step "arrival_typo" {
  rate     = 10
  arrival  = "poison" # ERROR: Unknown arrival process
  duration = "10s"
}

step "burstiness_poisson" {
  rate       = 10
  arrival    = "poisson"
  burstiness = 0.5 # ERROR: Argument needs arrival = "gamma"
  duration   = "10s"
}

step "burstiness_floor" {
  rate       = 10
  arrival    = "gamma"
  burstiness = 0.001 # ERROR: Value out of range
  duration   = "10s"
}

step "jitter_no_pace" {
  users       = 10
  think       = "1s"
  pace_jitter = 0.1 # ERROR: Argument needs pace
  duration    = "10s"
}

step "jitter_range" {
  users       = 10
  pace        = "2s"
  pace_jitter = 0.75 # ERROR: Value out of range
  duration    = "10s"
}

step "seed_fraction" {
  rate     = 10
  arrival  = "poisson"
  seed     = 2.5 # ERROR: Value must be a whole number
  duration = "10s"
}

step "shaped_ok" {
  rate       = 10
  arrival    = "gamma"
  burstiness = 0.25
  seed       = 42
  duration   = "10s"
}

step "jitter_ok" {
  users       = 10
  pace        = "2s"
  pace_jitter = 0.1
  duration    = "10s"
}

assert "p95" {
  condition = latency.p95 < 500
}
