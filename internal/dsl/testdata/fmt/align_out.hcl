variable "backend" {
  type        = string
  default     = "https://localhost:8000"
  description = "Base URL of the service under test"
}

scenario {
  name        = "capacity"
  description = "one to two hundred users"
}
