variable "x" { # ERROR: Missing scenario block | Missing step | Missing target
  default = 1
}
