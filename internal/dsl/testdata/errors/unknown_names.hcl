scenario {
  name = "unknown-names"
  descripton = "typo" # ERROR: Unsupported argument
}

target "api" {
  url = "http://127.0.0.1:8000/"
}

stepp "one" { # ERROR: Unsupported block type
  users = 1
}

step "two" { # ERROR: Missing load level
  userz    = 10 # ERROR: Unsupported argument
  duration = "10s"
}

assert "p95" {
  condition = latency.p95 < 500
}
