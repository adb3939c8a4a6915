scenario {
  name = "kserve"
}

target "grpc_without_kserve" {
  url = "grpc://127.0.0.1:8001" # ERROR: gRPC needs a kserve block
}

target "bad_tensors" {
  url    = "grpc://127.0.0.1:8001/infer" # ERROR: Invalid gRPC URL
  method = "GET" # ERROR: Conflicting arguments
  kserve {
    model = "" # ERROR: Empty model name
    input "A" {
      datatype = "FLOAT32" # ERROR: Unknown datatype
      shape    = [1, 2]
      data     = [1, 2]
    }
    input "B" {
      datatype = "UINT8"
      shape    = [1, 2, 2, 3]
      data_base64 = base64encode("eleven byte") # ERROR: Tensor does not match its shape
    }
    input "C" {
      datatype = "INT32"
      shape    = [2]
      data     = [1, 2.5] # ERROR: Invalid tensor data
    }
    input "D" {
      datatype = "UINT8"
      shape    = [-1, 3] # ERROR: Invalid dimension
      data     = [1, 2, 3]
    }
    input "E" { # ERROR: Missing tensor data
      datatype = "FP32"
      shape    = [1]
    }
    input "F" {
      datatype    = "UINT8"
      shape       = [1]
      data        = [1]
      data_base64 = "AQ==" # ERROR: Conflicting arguments
    }
    input "G" {
      datatype = "FP16"
      shape    = [1]
      data     = [1] # ERROR: Invalid tensor data
    }
    input "H" {
      datatype = "FP32"
      shape    = [2, 2]
      data     = [[1, 2], [3]] # ERROR: Tensor does not match its shape
    }
    input "A" { # ERROR: Duplicate kserve input
      datatype = "BOOL"
      shape    = [1]
      data     = [true]
    }
  }
}

target "no_inputs" {
  url = "http://127.0.0.1:8000"
  kserve { # ERROR: Missing input block
    model = "m"
  }
  expect {
    grpc_status = ["OK"] # ERROR: gRPC status on an HTTP target
  }
}

target "plain" {
  url = "http://127.0.0.1:8000/api"
  extract "score" { output = "OUTPUT__0" } # ERROR: output extract without kserve
}

target "outputs" {
  url = "http://127.0.0.1:8000"
  kserve {
    model = "m"
    input "X" {
      datatype = "BOOL"
      shape    = [1]
      data     = [true]
    }
    output "Y" {}
  }
  extract "z" { output = "Z" } # ERROR: Output not requested
  extract "dotted" { output = "a.b" } # ERROR: Invalid output name
  extract "both" {
    json   = "a"
    output = "Y" # ERROR: Conflicting arguments
  }
  extract "neither" {} # ERROR: Missing required argument
}

target "grpc_expect" {
  url = "grpc://127.0.0.1:8001"
  kserve {
    model = "m"
    input "X" {
      datatype = "BOOL"
      shape    = [1]
      data     = [false]
    }
  }
  expect {
    status      = [200] # ERROR: HTTP status on a gRPC target
    grpc_status = ["OK", "NOT_FOUNDD"] # ERROR: Invalid gRPC status
  }
}

health "grpc_method" {
  url    = "grpc://127.0.0.1:8001"
  method = "GET" # ERROR: Conflicting arguments
  model  = "m"
}

health "http_model" {
  url   = "http://127.0.0.1:8000/v2/health/ready"
  model = "m" # ERROR: model on an HTTP health check
}

step "s" {
  target   = "no_inputs"
  users    = 1
  duration = "1s"
}
