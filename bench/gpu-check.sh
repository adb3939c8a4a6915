#!/usr/bin/env bash
# gpu-check.sh: the real-hardware check of issue 4. Runs `harness monitor
# --nvml` beside nvidia-smi for 25 s while a PyTorch matmul loop loads GPU 0
# (from ~5 s to ~20 s), then compares the two side by side.
#
# Needs: an NVIDIA GPU, nvidia-smi, python3 with PyTorch (CUDA). No Go, no
# network: build the binary elsewhere with cgo (CGO_ENABLED=1 go build -o
# harness ./cmd/harness) and copy it over.
#
# Usage: bench/gpu-check.sh [HARNESS_BINARY] [OUT_DIR]   (defaults ./harness, ./gpu-check-out)
# Exit status: 0 when every verdict is PASS, 1 otherwise, 2 on a setup problem.
set -euo pipefail

BIN=${1:-./harness}
OUT=${2:-./gpu-check-out}
DURATION=25
LOAD_AT=5
LOAD_FOR=15

[[ -x "$BIN" ]] || { echo "gpu-check: $BIN is not an executable harness binary" >&2; exit 2; }
command -v nvidia-smi >/dev/null || { echo "gpu-check: nvidia-smi not found" >&2; exit 2; }
python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' ||
  { echo "gpu-check: python3 with CUDA PyTorch is required" >&2; exit 2; }
mkdir -p "$OUT"

echo "== GPUs"; nvidia-smi -L | tee "$OUT/gpus.txt"
"$BIN" version | tee "$OUT/version.txt"

"$BIN" monitor --nvml --interval 1s --duration "${DURATION}s" --format csv >"$OUT/harness.csv" 2>"$OUT/harness.err" &
MON=$!
nvidia-smi --query-gpu=timestamp,index,utilization.gpu,memory.used,temperature.gpu,power.draw \
  --format=csv,noheader,nounits -l 1 >"$OUT/nvidia-smi.csv" 2>"$OUT/nvidia-smi.err" &
SMI=$!
trap 'kill "$SMI" 2>/dev/null || true' EXIT

sleep "$LOAD_AT"
echo "== loading GPU 0 for ${LOAD_FOR}s"
CUDA_VISIBLE_DEVICES=0 python3 - "$LOAD_FOR" >"$OUT/load.log" 2>&1 <<'PY' || echo "gpu-check: the load script failed, see $OUT/load.log" >&2
import sys, time, torch
secs = float(sys.argv[1])
hold = torch.empty(10 * 2**30, dtype=torch.uint8, device="cuda")  # a 10 GiB buffer: memory.used moves
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

wait "$MON" || { echo "gpu-check: harness monitor failed:" >&2; cat "$OUT/harness.err" >&2; exit 2; }
kill "$SMI" 2>/dev/null || true
trap - EXIT

python3 - "$OUT" "$LOAD_AT" <<'PY'
import csv, sys, datetime as dt, os
out, load_at = sys.argv[1], float(sys.argv[2])

def num(s):
    s = s.strip()
    try:
        return float(s)
    except ValueError:
        return None

# harness monitor --format csv: time,gpu,utilization,memory_utilization,memory_used_mib,temperature,power_w,...
h = {}
with open(os.path.join(out, "harness.csv")) as f:
    for row in csv.DictReader(f):
        if row["gpu"] == "":
            continue
        t = dt.datetime.fromisoformat(row["time"]).astimezone().replace(tzinfo=None)
        h.setdefault(int(row["gpu"]), []).append((t, num(row["utilization"]), num(row["memory_used_mib"]),
                                                   num(row["temperature"]), num(row["power_w"])))
# nvidia-smi: timestamp, index, utilization.gpu, memory.used, temperature.gpu, power.draw (local time)
s = {}
with open(os.path.join(out, "nvidia-smi.csv")) as f:
    for row in csv.reader(f):
        if len(row) < 6:
            continue
        t = dt.datetime.strptime(row[0].strip(), "%Y/%m/%d %H:%M:%S.%f")
        s.setdefault(int(row[1]), []).append((t, *(num(x) for x in row[2:6])))

if not h or not s:
    print("gpu-check: no rows from harness or nvidia-smi"); sys.exit(2)
start = min(r[0] for rows in h.values() for r in rows)
names = ["util %", "mem MiB", "temp C", "power W"]
verdicts, ok_all = [], True
for gpu in sorted(set(h) | set(s)):
    hr, sr = h.get(gpu, []), s.get(gpu, [])
    print(f"\n== GPU {gpu}: harness | nvidia-smi (nearest sample within 0.6 s)")
    print(f"{'t(s)':>5} " + "  ".join(f"{n:>17}" for n in names))
    pairs = []
    for r in hr:
        near = min(sr, key=lambda x: abs((x[0] - r[0]).total_seconds()), default=None)
        if near is None or abs((near[0] - r[0]).total_seconds()) > 0.6:
            continue
        pairs.append((r, near))
        cells = [f"{'-' if a is None else round(a, 1):>8}|{'-' if b is None else b:<8}" for a, b in zip(r[1:], near[1:])]
        print(f"{(r[0] - start).total_seconds():5.0f} " + "  ".join(f"{c:>17}" for c in cells))
    if not pairs:
        verdicts.append((gpu, "samples", False, "no paired samples")); continue
    def share(ok):
        n = sum(1 for a, b in pairs if ok(a, b))
        return n / len(pairs), f"{n}/{len(pairs)} pairs"
    checks = [
        ("utilization agrees (±10 points)", lambda a, b: a[1] is not None and b[1] is not None and abs(a[1] - b[1]) <= 10),
        ("memory exact to the MiB", lambda a, b: a[2] is not None and b[2] is not None and round(a[2]) == round(b[2])),
        ("temperature within 1 C", lambda a, b: a[3] is not None and b[3] is not None and abs(a[3] - b[3]) <= 1),
        ("power within 5 %", lambda a, b: a[4] is not None and b[4] is not None and abs(a[4] - b[4]) <= 0.05 * max(b[4], 1)),
    ]
    for name, ok in checks:
        frac, detail = share(ok)
        verdicts.append((gpu, name, frac >= 0.8, detail + " (need 80 %; samples are up to 0.5 s apart)"))
    idle = [r[1] for r in hr if (r[0] - start).total_seconds() < load_at - 1 and r[1] is not None]
    busy = [r[1] for r in hr if r[1] is not None]
    if gpu == 0:
        verdicts.append((gpu, "utilization climbs from ~0 to ~100",
                         bool(idle) and min(idle) <= 10 and max(busy) >= 90,
                         f"idle min {min(idle) if idle else '-'}, peak {max(busy) if busy else '-'}"))
    else:
        verdicts.append((gpu, "unloaded GPU stays idle", bool(busy) and max(busy) <= 10, f"peak {max(busy) if busy else '-'}"))

print("\n== verdicts")
for gpu, name, ok, detail in verdicts:
    ok_all &= ok
    print(f"GPU {gpu}  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
sys.exit(0 if ok_all else 1)
PY
