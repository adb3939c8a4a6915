# The harness image for split runs on Kubernetes (docs/distributed.md):
#   docker build -t harness:dev .
# A static binary on distroless, run as a non-root user. Built with
# CGO_ENABLED=0 it has no nvml sampler (that needs cgo and the node's
# driver); load pods are rarely on the GPU nodes anyway, and read the GPUs
# through the dcgm, triton or prometheus samplers over HTTP.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/harness ./cmd/harness

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/harness /usr/local/bin/harness
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/harness"]
