// Package pb is the KServe v2 (Open Inference Protocol) gRPC API,
// GRPCInferenceService in package "inference", generated from
// open_inference_grpc.proto. Triton serves the same service and messages
// under the same names, so this client and server speak to Triton too.
//
// The .proto is the published one, unchanged: kserve/open-inference-protocol,
// specification/protocol/open_inference_grpc.proto at commit
// 29ca333e3a6f86e2232108850a170696e28e256f, Copyright 2023 The KServe
// Authors, Apache License 2.0 (its header keeps the notice). The Go package
// is given on protoc's command line (M option), not in the file.
//
// Regenerate with `go generate ./internal/kserve/pb/` (gen.sh: protoc
// 3.21.12, protoc-gen-go v1.36.12, protoc-gen-go-grpc v1.5.1).
package pb

//go:generate ./gen.sh
