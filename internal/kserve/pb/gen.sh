#!/bin/sh
# Regenerates open_inference_grpc.pb.go and open_inference_grpc_grpc.pb.go
# from open_inference_grpc.proto. Needs protoc (3.21.12 was used: Debian's
# protobuf-compiler) and Go; the two plugins are built at the pinned versions.
set -eu
cd "$(dirname "$0")"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
GOBIN=$bin go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
GOBIN=$bin go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.5.1
PATH=$bin:$PATH protoc -I . \
	--go_out=. --go_opt=paths=source_relative \
	--go_opt=Mopen_inference_grpc.proto=github.com/harness-gpu/harness/internal/kserve/pb \
	--go-grpc_out=. --go-grpc_opt=paths=source_relative \
	--go-grpc_opt=Mopen_inference_grpc.proto=github.com/harness-gpu/harness/internal/kserve/pb \
	open_inference_grpc.proto
