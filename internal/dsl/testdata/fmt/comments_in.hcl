# A scenario with comments.
step "baseline" { # the first step
  users = 1 # one user
  pace = "2s"          // each user every 2 s
  /* measured */ duration = "30s"
  max_in_flight = 500
}
