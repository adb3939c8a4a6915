#!/usr/bin/env bash
# bench/grpc.sh: harness's KServe v2 gRPC client against ghz
# (github.com/bojand/ghz), in one run, on the same method of the same server:
# ModelInfer of `harness sim --gpu rtx5090` (the simulated Triton's model,
# through its batcher), with the same 224x224x3 UINT8 tensor, USERS
# connections each with one call in flight, for DURATION. The sim counts what
# it served (Triton's nv_inference_request_success), the same independent
# count for both tools; /usr/bin/time gives each tool's CPU seconds. The pair
# runs ROUNDS times, alternating.
#
#   bench/grpc.sh [DURATION]      # default 10s; USERS=16 ROUNDS=2
set -euo pipefail
DUR=${1:-10s}
USERS=${USERS:-16}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-18100}
GPORT=${GPORT:-18101}
cd "$(dirname "$0")/.."
OUT=${OUT:-$(mktemp -d)}
export PATH="$PATH:$(go env GOPATH)/bin"
command -v ghz >/dev/null || go install github.com/bojand/ghz/cmd/ghz@v0.120.0
command -v jq >/dev/null || apt-get install -y jq
[ -x /usr/bin/time ] || apt-get install -y time
go build -o "$OUT/harness" ./cmd/harness

"$OUT/harness" sim --gpu rtx5090 --addr "127.0.0.1:$PORT" --grpc-addr "127.0.0.1:$GPORT" >"$OUT/sim.log" &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/v2/health/ready" >/dev/null && break; sleep 0.1; done
# cpu FILE: the CPU seconds (user + system) /usr/bin/time measured.
cpu() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$1"; }
served() { curl -fs "http://127.0.0.1:$PORT/metrics" | awk '/^nv_inference_request_success\{/ {print $2}'; }

# The tensor, the same bytes for both tools.
head -c $((224 * 224 * 3)) /dev/urandom >"$OUT/tensor.raw"
base64 -w0 "$OUT/tensor.raw" >"$OUT/tensor.b64"
jq -n --rawfile raw "$OUT/tensor.b64" '{model_name: "efficient_fiqa",
  inputs: [{name: "INPUT__0", datatype: "UINT8", shape: [1, 224, 224, 3]}],
  outputs: [{name: "OUTPUT__0"}], raw_input_contents: [$raw]}' >"$OUT/request.json"
cat >"$OUT/h.hcl" <<HCL
scenario { name = "grpc-bench" }
target "t" {
  url     = "grpc://127.0.0.1:$GPORT"
  timeout = "10s"
  kserve {
    model = "efficient_fiqa"
    input "INPUT__0" {
      datatype = "UINT8"
      shape    = [1, 224, 224, 3]
      file     = "tensor.raw"
    }
    output "OUTPUT__0" {}
  }
}
step "bench" {
  users    = $USERS
  duration = "$DUR"
}
HCL

echo "# $(date -u +%FT%TZ) $(nproc) cores, go $(go env GOVERSION), load $(cut -d' ' -f1-3 /proc/loadavg); $USERS connections, $DUR each"
for r in $(seq "$ROUNDS"); do
	before=$(served)
	/usr/bin/time -v -o "$OUT/h$r.time" "$OUT/harness" run "$OUT/h.hcl" --out "$OUT/h$r.json" --quiet >"$OUT/h$r.out" 2>"$OUT/h$r.err"
	after=$(served)
	echo "harness  served=$((after - before)) | $(jq -r '.steps[0] | "ok=\(.requests.ok) failed=\(.requests.failed) rps=\(.requests.rps*10|round/10) p50_ms=\(.latency.p50) p99_ms=\(.latency.p99)"' "$OUT/h$r.json") cpu_s=$(cpu "$OUT/h$r.time")"
	before=$(served)
	/usr/bin/time -v -o "$OUT/g$r.time" ghz --insecure --proto internal/kserve/pb/open_inference_grpc.proto \
		--call inference.GRPCInferenceService.ModelInfer -D "$OUT/request.json" \
		-c "$USERS" --connections "$USERS" -z "$DUR" -O json -o "$OUT/g$r.json" "127.0.0.1:$GPORT" || true
	after=$(served)
	echo "ghz      served=$((after - before)) | $(jq -r '"ok=\(.statusCodeDistribution.OK // 0) rps=\(.rps*10|round/10) p50_ms=\((.latencyDistribution[] | select(.percentage == 50) | .latency) / 1e6) p99_ms=\((.latencyDistribution[] | select(.percentage == 99) | .latency) / 1e6)"' "$OUT/g$r.json") cpu_s=$(cpu "$OUT/g$r.time")"
done
