#!/usr/bin/env bash
# energy-check.sh: the real-hardware check of gpu.energy_j. Runs a harness
# scenario whose nvml sampler (100 ms) covers two 30 s steps while a PyTorch
# fp16 matmul loop loads GPU 0, records nvidia-smi's power.draw every 100 ms
# beside it, and compares per step the energy harness reports with the
# integral of nvidia-smi's power over the same measured window (5 % or
# better to pass). The requests go to `harness sim` on 127.0.0.1: they only
# give the steps their windows and J per request; the GPU load is PyTorch's.
#
# Needs: an NVIDIA GPU, nvidia-smi, python3 with PyTorch (CUDA). No Go, no
# network: build both binaries elsewhere and copy them over:
#   CGO_ENABLED=1 go build -o harness ./cmd/harness
#   go build -o energycheck ./bench/energycheck
#
# Usage: bench/energy-check.sh [HARNESS] [ENERGYCHECK] [OUT_DIR]
#        (defaults ./harness, ./energycheck, ./energy-check-out)
# Only the comparison, on files from elsewhere:
#        ENERGYCHECK -results results.json -smi nvidia-smi.csv [-gpu 0]
# Exit status: 0 when every step agrees within 5 %, 1 otherwise, 2 on a setup problem.
set -euo pipefail

BIN=${1:-./harness}
CHECK=${2:-./energycheck}
OUT=${3:-./energy-check-out}
PORT=${PORT:-18000}
STEP_S=30

[[ -x "$BIN" ]] || { echo "energy-check: $BIN is not an executable harness binary" >&2; exit 2; }
[[ -x "$CHECK" ]] || { echo "energy-check: $CHECK is not an executable energycheck binary" >&2; exit 2; }
command -v nvidia-smi >/dev/null || { echo "energy-check: nvidia-smi not found" >&2; exit 2; }
python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' ||
  { echo "energy-check: python3 with CUDA PyTorch is required" >&2; exit 2; }
mkdir -p "$OUT"

echo "== GPUs"; nvidia-smi -L | tee "$OUT/gpus.txt"
nvidia-smi --query-gpu=index,name,driver_version,persistence_mode,power.limit --format=csv | tee "$OUT/gpu-info.csv"
"$BIN" version | tee "$OUT/version.txt"

cat >"$OUT/energy-check.hcl" <<HCL
scenario {
  name        = "energy-check"
  description = "Two loaded 30 s windows for comparing gpu.energy_j with nvidia-smi's power.draw"
}

target "sim" {
  method  = "POST"
  url     = "http://127.0.0.1:${PORT}/api/ai-quality"
  headers = { "Content-Type" = "application/json" }
  body    = jsonencode({ image = jpeg(64, 64) })
  timeout = "10s"
}

sampler "nvml" "gpu" {
  interval = "100ms"
}

step "loaded_1" {
  users    = 4
  pace     = "100ms"
  duration = "${STEP_S}s"
}

step "loaded_2" {
  users    = 4
  pace     = "100ms"
  duration = "${STEP_S}s"
}

assert "energy_known" {
  condition     = gpu.energy_j > 0 && efficiency.joules_per_request > 0
  error_message = "gpu.energy_j = \${gpu.energy_j} J"
}
HCL

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$BIN" sim --gpu rtx5090 --addr "127.0.0.1:$PORT" >"$OUT/sim.log" 2>&1 &
PIDS+=($!)
# nvidia-smi prints local time without a zone: pin it to UTC for the comparison.
TZ=UTC nvidia-smi --query-gpu=timestamp,index,power.draw,power.draw.instant --format=csv -lms 100 \
  >"$OUT/nvidia-smi.csv" 2>"$OUT/nvidia-smi.err" &
PIDS+=($!)

LOAD_FOR=$((2 * STEP_S + 20))
echo "== loading GPU 0 for ${LOAD_FOR}s"
CUDA_VISIBLE_DEVICES=0 python3 - "$LOAD_FOR" >"$OUT/load.log" 2>&1 <<'PY' &
import sys, time, torch
secs = float(sys.argv[1])
a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
b = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
end, n = time.time() + secs, 0
while time.time() < end:
    for _ in range(20):
        c = a @ b
    torch.cuda.synchronize()
    n += 20
print(f"{n} matmuls of 8192x8192 fp16 in {secs:.0f}s")
PY
PIDS+=($!)
sleep 8 # the load reaches steady power; the sim is up

set +e
"$BIN" run "$OUT/energy-check.hcl" --out "$OUT/results.json" >"$OUT/run.log" 2>&1
RUN=$?
set -e
cat "$OUT/run.log"
sleep 1
cleanup
trap - EXIT
[[ -s "$OUT/results.json" ]] || { echo "energy-check: no results file (harness run exit $RUN)" >&2; exit 2; }

echo "== per step: harness gpu.energy_j vs the integral of nvidia-smi power.draw"
set +e
"$CHECK" -results "$OUT/results.json" -smi "$OUT/nvidia-smi.csv" | tee "$OUT/summary.txt"
CODE=${PIPESTATUS[0]}
"$CHECK" -results "$OUT/results.json" -smi "$OUT/nvidia-smi.csv" -gpu 0 | tee -a "$OUT/summary.txt"
set -e
exit "$CODE"
