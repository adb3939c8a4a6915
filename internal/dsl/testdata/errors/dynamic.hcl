scenario {
  name = "dynamic"
}

target "api" {
  url = "http://127.0.0.1:8000/"
}

dynamic "step" {
  for_each = [10, 20]
  labels   = ["users_${step.value}"]
  content {
    users    = step.value
    duration = "10s"
    assert "shadowed" {
      condition = step.users > 0 && latency.p95 < 500 # ERROR: Iterator hides the step namespace
    }
  }
}

dynamic "step" {
  for_each = [30]
  iterator = level
  labels   = ["level_${level.value}"]
  content {
    users    = level.value
    duration = "10s"
    assert "fine" {
      condition = step.users > 0 && latency.p95 < level.value * 10
    }
    assert "typo" {
      condition = latency.p95 < level.valeu # ERROR: Unsupported attribute
    }
  }
}

assert "p95" {
  condition = latency.p95 < 500
}
