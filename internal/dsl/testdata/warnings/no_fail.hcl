scenario { # WARNING: no fail assertion: this scenario can never fail on a breach
  name = "no-fail"
}

target "api" {
  url = "http://127.0.0.1:8000/"
  tls {
    insecure_skip_verify = true # WARNING: TLS verification disabled
  }
}

step "one" {
  users    = 1
  duration = "10s"
}

assert "p95" {
  condition = latency.p95 < 500
  severity  = "warn"
  sustain   = "5s" # WARNING: sustain without abort
}
