# Triton's own protocols side by side: the same model, the same image and
# the same load over KServe v2 REST with JSON tensors, REST with Triton's
# binary-data extension, and gRPC. `harness demo --protocol compare` runs it
# against the built-in simulator; `--protocol http|binary|grpc` runs one.
#
# By hand: `harness sim --grpc-addr 127.0.0.1:8001`, then run this file.
# Against a real Triton serving a UINT8 [-1, 224, 224, 3] model, set
# backend, grpc and model.
#
# Each step is a closed model of `users` back-to-back users, so a protocol
# that costs more to encode and decode shows as lower throughput and higher
# latency on the same GPU: the JSON form carries every byte of the 224×224
# RGB tensor as a decimal number that the server must parse.

variable "backend" {
  type        = string
  default     = "http://127.0.0.1:8000"
  description = "Base URL of Triton's HTTP endpoint (REST and /metrics)"
}

variable "grpc" {
  type        = string
  default     = "grpc://127.0.0.1:8001"
  description = "Triton's gRPC endpoint"
}

variable "model" {
  type    = string
  default = "efficient_fiqa"
}

variable "protocols" {
  type        = list(string)
  default     = ["http", "binary", "grpc"]
  description = "The steps to run, one per protocol, in this order"
}

variable "users" {
  type    = number
  default = 8
}

variable "ramp" {
  type    = string
  default = "2s"
}

variable "hold" {
  type        = string
  default     = "15s"
  description = "Measured duration of each protocol's step"
}

scenario {
  name        = "kserve-protocols"
  description = "KServe v2 over HTTP/JSON, HTTP/binary and gRPC on the same model"
}

locals {
  image = rgb(224, 224) # the model's input tensor, raw RGB bytes

  # One target per protocol, alike but for where they send and how REST
  # carries the tensor: binary_data = false sends the same bytes as a JSON
  # array of numbers; null leaves it to the default (binary, as data_base64
  # gives raw bytes), which is also the only form gRPC has.
  protocols = [
    { name = "http", url = var.backend, binary_data = false },
    { name = "binary", url = var.backend, binary_data = null },
    { name = "grpc", url = var.grpc, binary_data = null },
  ]
}

dynamic "target" {
  for_each = local.protocols
  iterator = protocol
  labels   = [protocol.value.name]
  content {
    url     = protocol.value.url
    timeout = "10s"
    kserve {
      model       = var.model
      binary_data = protocol.value.binary_data
      input "INPUT__0" {
        datatype    = "UINT8"
        shape       = [1, 224, 224, 3]
        data_base64 = local.image
      }
      output "OUTPUT__0" {}
    }
    extract "score" { output = "OUTPUT__0" }
  }
}

health "triton" {
  url     = "${var.backend}/v2/health/ready"
  timeout = "10s"
}

health "triton_grpc" {
  url     = var.grpc
  model   = var.model # KServe ServerReady and ModelReady
  timeout = "10s"
}

sampler "triton" "triton" {
  url      = "${var.backend}/metrics"
  model    = var.model
  interval = "1s"
}

dynamic "step" {
  for_each = var.protocols
  iterator = protocol
  labels   = [protocol.value]
  content {
    target   = protocol.value
    users    = var.users
    ramp     = var.ramp
    duration = var.hold
  }
}

assert "success" {
  condition     = requests.success_rate == 1
  error_message = "${requests.failed} of ${requests.total} requests failed"
}

assert "p95_latency" {
  condition     = latency.p95 < 500
  error_message = "p95 latency ${format("%.1f", latency.p95)} ms is over 500 ms"
  severity      = "warn"
}
