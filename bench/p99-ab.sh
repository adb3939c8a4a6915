#!/usr/bin/env bash
# bench/p99-ab.sh: the 200 req/s open-model p99 of harness and vegeta, in N
# alternating pairs (harness, vegeta, harness, …) on the /slow (50 ms) target,
# so that a hiccup of the shared machine lands on either tool alike; prints
# each pair and the medians. A single 10 s run's p99 is its 20th-worst
# request, so one stall moves it by milliseconds: compare medians.
#   Usage: bench/p99-ab.sh [PAIRS] [DURATION]   (default 6 pairs of 10s)
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${1:-6}
DUR=${2:-10s}
OUT=${OUT:-$(mktemp -d)}
PORT=${PORT:-18090}
BASE="http://127.0.0.1:$PORT"
export CGO_CFLAGS=-Wno-deprecated-declarations
export PATH="$PATH:$(go env GOPATH)/bin"
command -v vegeta >/dev/null || go install github.com/tsenart/vegeta/v12@v12.13.0
command -v jq >/dev/null || apt-get install -y jq
go build -o "$OUT/targets" ./bench/targets
go build -o "$OUT/harness" ./cmd/harness
"$OUT/targets" -addr "127.0.0.1:$PORT" & TARGET=$!
trap 'kill $TARGET 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "$BASE/count" >/dev/null && break; sleep 0.1; done
cat >"$OUT/ab.hcl" <<HCL
scenario { name = "ab" }
target "t" {
  url     = "$BASE/slow"
  timeout = "10s"
}
step "bench" {
  rate     = 200
  duration = "$DUR"
}
HCL
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); p99 in ms"
echo "pair harness(scheduled) harness(send) vegeta"
for i in $(seq "$PAIRS"); do
	"$OUT/harness" run "$OUT/ab.hcl" --out "$OUT/h$i.json" --quiet >/dev/null 2>&1
	echo "GET $BASE/slow" | vegeta attack -rate 200 -duration "$DUR" >"$OUT/v$i.bin"
	h=$(jq '.steps[0].latency.p99' "$OUT/h$i.json")
	s=$(jq '.steps[0].send_latency.p99' "$OUT/h$i.json")
	v=$(vegeta report -type json <"$OUT/v$i.bin" | jq '.latencies["99th"] / 1e6')
	echo "$i $h $s $v" | tee -a "$OUT/pairs.txt"
done
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "median $(cut -d' ' -f2 "$OUT/pairs.txt" | median) $(cut -d' ' -f3 "$OUT/pairs.txt" | median) $(cut -d' ' -f4 "$OUT/pairs.txt" | median)"
