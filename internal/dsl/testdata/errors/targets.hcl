scenario {
  name = "targets"
}

target "a" {
  url         = "http://127.0.0.1:8000/"
  body        = "{}"
  body_base64 = "e30=" # ERROR: Conflicting arguments
}

target "b" {
  url         = "ftp://127.0.0.1/" # ERROR: Invalid URL
  body_base64 = "not base64!" # ERROR: Invalid base64
  headers     = { "X" = ["list"] } # ERROR: Incorrect attribute value type
  tls {
    cert_file = "client.pem" # ERROR: Incomplete client certificate
  }
  expect {
    status = [200, 99] # ERROR: Invalid HTTP status
  }
  extract "bad" { json = "a..b" } # ERROR: Invalid JSON path
}

step "no_target" { # ERROR: Missing step target
  users    = 1
  duration = "10s"
}

step "wrong_target" {
  target   = "c" # ERROR: Unknown target
  users    = 1
  duration = "10s"
}

assert "p95" {
  condition = latency.p95 < 500
}
