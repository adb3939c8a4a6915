scenario {
  name = "variables"
}

variable "backend" { # ERROR: No value for required variable
  type = string
}

variable "users" {
  type    = number
  default = "many" # ERROR: Invalid default value for variable
}

variable "typed" {
  type    = lisst(number) # ERROR: Invalid type specification
  default = [1]
}

locals {
  a = local.b # ERROR: Cycle in local values
  b = local.a # ERROR: Cycle in local values
  c = local.nope # ERROR: Reference to undeclared local value
  d = upper([1]) # ERROR: Invalid function argument
}

target "api" {
  url = "${var.backend}/x"
}

step "one" {
  users    = 1
  duration = "10s"
}

assert "p95" {
  condition = latency.p95 < 500
}
