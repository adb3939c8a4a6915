dynamic "step" {
  for_each = [10, 25, 50, 100, 200]
  iterator = level
  labels   = ["users_${level.value}"]
  content {
    users    = level.value
    ramp     = "10s"
    pace     = "2s"
    duration = "60s"
    assert "p95" {
      condition     = latency.p95 < 500 && requests.success_rate >= 1
      error_message = "p95 ${latency.p95} ms"
    }
  }
}
