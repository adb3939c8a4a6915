#!/usr/bin/env bash
# bench/peers.sh: harness's load engine against vegeta and wrk, in one run,
# on a loopback target (bench/targets) that counts what it serves.
#
#   1. 50 users flat out on /fast for 10 s: requests counted by the target;
#      then harness's 50 users paced to vegeta's throughput (the same load)
#   2. 200 req/s open model on /slow (50 ms) for 10 s: p50/p99 as each tool reports
#      (wrk has no open model: it runs 10 connections, the closed equivalent)
#   3. 10,000 req/s open model on /fast: harness and vegeta at the same offered
#      load (the flat-out test compares tools that each send what they can)
#   4. peak RSS of each (/usr/bin/time -v)
#   5. harness alone: 10,000 users paced at 10 s, peak RSS (bounded run)
#
# harness runs as users run it: the script writes each scenario as an HCL file
# into $OUT and runs `harness run FILE --out F --quiet` (no samplers, no live
# table), reading its figures from the results file (jq) and the served count
# from the target's /count. Usage: bench/peers.sh [DURATION] (default 10s).
# PROFILE=1 also writes a CPU profile of the load engine at 50 users to
# $OUT/harness.cpu.pprof; `harness run` has no profiling flag, so that one run
# uses bench/harnessbench (runner.Run on the same scenario, built from flags).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10s}
OUT=${OUT:-$(mktemp -d)}
PORT=${PORT:-18089}
BASE="http://127.0.0.1:$PORT"
export CGO_CFLAGS=-Wno-deprecated-declarations
export PATH="$PATH:$(go env GOPATH)/bin"

command -v vegeta >/dev/null || go install github.com/tsenart/vegeta/v12@v12.13.0
command -v jq >/dev/null || apt-get install -y jq
command -v wrk >/dev/null || apt-get install -y wrk
[ -x /usr/bin/time ] || apt-get install -y time

go build -o "$OUT/targets" ./bench/targets
go build -o "$OUT/harness" ./cmd/harness
if [ "${PROFILE:-0}" = 1 ]; then go build -o "$OUT/harnessbench" ./bench/harnessbench; fi

ulimit -n 65536 2>/dev/null || true
"$OUT/targets" -addr "127.0.0.1:$PORT" & TARGET=$!
trap 'kill $TARGET 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "$BASE/count" >/dev/null && break; sleep 0.1; done

count() { curl -fs "$BASE/count?reset=1"; }
# scenario NAME URL STEP-BODY: write $OUT/NAME.hcl, one target, one step.
scenario() {
	cat >"$OUT/$1.hcl" <<EOF
scenario { name = "$1" }
target "t" {
  url     = "$2"
  timeout = "10s"
}
step "bench" {
$3
}
EOF
}
# harness NAME: run $OUT/NAME.hcl under /usr/bin/time, results in $OUT/NAME.json
# (stderr, e.g. the "no fail assertion" warning, in $OUT/NAME.err).
harness() {
	/usr/bin/time -v -o "$OUT/$1.time" "$OUT/harness" run "$OUT/$1.hcl" --out "$OUT/$1.json" --quiet >"$OUT/$1.out" 2>"$OUT/$1.err"
}
# figures NAME: the measured step's numbers from the results file.
figures() {
	jq -r '.steps[0] | "requests=\(.requests.total) ok=\(.requests.ok) rps=\(.requests.rps*10|round/10) p50_ms=\(.latency.p50) p99_ms=\(.latency.p99) dropped=\(.requests.dropped) late=\(.requests.late // 0)"
		+ (if .send_latency then " send_p50_ms=\(.send_latency.p50) send_p99_ms=\(.send_latency.p99)" else "" end)' "$OUT/$1.json"
}
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$1"; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, go $(go env GOVERSION), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## 50 users flat out on /fast for $DUR (served = counted by the target)"
count >/dev/null
scenario h1 "$BASE/fast" "  users    = 50
  duration = \"$DUR\""
harness h1
echo "harness  served=$(count) rss=$(rss "$OUT/h1.time") | $(figures h1)"
echo "GET $BASE/fast" | /usr/bin/time -v -o "$OUT/v1.time" vegeta attack -rate 0 -max-workers 50 -workers 50 -duration "$DUR" >"$OUT/v1.bin"
echo "vegeta   served=$(count) rss=$(rss "$OUT/v1.time") | $(vegeta report -type text <"$OUT/v1.bin" | grep -E 'Requests|Latencies' | tr -s ' ' | tr '\n' ' ')"
# The same 50 users paced to vegeta's throughput: flat out, harness sends about
# twice what vegeta does, and on a shared box that saturation (not the tool)
# sets the tail; this line compares the two at the same load.
VRPS=$(vegeta report -type json <"$OUT/v1.bin" | jq '.throughput')
PACE_US=$(jq -n "50 * 1000000 / $VRPS | floor")
scenario h1p "$BASE/fast" "  users    = 50
  pace     = \"${PACE_US}us\"
  duration = \"$DUR\""
harness h1p
echo "harness paced to vegeta's $(printf %.0f "$VRPS") req/s (pace ${PACE_US}us): served=$(count) rss=$(rss "$OUT/h1p.time") | $(figures h1p)"
/usr/bin/time -v -o "$OUT/w1.time" wrk -c 50 -t 2 -d "$DUR" --latency "$BASE/fast" >"$OUT/w1.out"
echo "wrk      served=$(count) rss=$(rss "$OUT/w1.time") | $(grep -E 'Requests/sec| 50%| 99%' "$OUT/w1.out" | tr -s ' ' | tr '\n' ' ')"

echo "## 200 req/s on /slow (50 ms) for $DUR"
scenario h2 "$BASE/slow" "  rate     = 200
  duration = \"$DUR\""
harness h2
echo "harness  served=$(count) rss=$(rss "$OUT/h2.time") | $(figures h2)"
echo "GET $BASE/slow" | /usr/bin/time -v -o "$OUT/v2.time" vegeta attack -rate 200 -duration "$DUR" >"$OUT/v2.bin"
echo "vegeta   served=$(count) rss=$(rss "$OUT/v2.time") | $(vegeta report -type text <"$OUT/v2.bin" | grep -E 'Requests|Latencies' | tr -s ' ' | tr '\n' ' ')"
/usr/bin/time -v -o "$OUT/w2.time" wrk -c 10 -t 2 -d "$DUR" --latency "$BASE/slow" >"$OUT/w2.out"
echo "wrk -c10 served=$(count) rss=$(rss "$OUT/w2.time") | $(grep -E 'Requests/sec| 50%| 99%' "$OUT/w2.out" | tr -s ' ' | tr '\n' ' ')"

echo "## 10,000 req/s open model on /fast for $DUR: the same offered load for both tools"
scenario h4 "$BASE/fast" "  rate     = 10000
  duration = \"$DUR\""
harness h4
echo "harness  served=$(count) rss=$(rss "$OUT/h4.time") | $(figures h4)"
echo "GET $BASE/fast" | /usr/bin/time -v -o "$OUT/v4.time" vegeta attack -rate 10000 -duration "$DUR" >"$OUT/v4.bin"
echo "vegeta   served=$(count) rss=$(rss "$OUT/v4.time") | $(vegeta report -type text <"$OUT/v4.bin" | grep -E 'Requests|Latencies' | tr -s ' ' | tr '\n' ' ')"

echo "## harness: 10,000 users paced at 10s on /fast, 20 s window (first starts spread over 10 s)"
scenario h3 "$BASE/fast" '  users    = 10000
  pace     = "10s"
  duration = "20s"'
harness h3
echo "harness  served=$(count) rss=$(rss "$OUT/h3.time") | $(figures h3)"
if [ "${PROFILE:-0}" = 1 ]; then
	echo "## profile: harnessbench (same engine, same scenario) at 50 users on /fast for $DUR"
	"$OUT/harnessbench" -url "$BASE/fast" -users 50 -duration "$DUR" -cpuprofile "$OUT/harness.cpu.pprof" >/dev/null
	count >/dev/null
	echo "go tool pprof -top -cum $OUT/harnessbench $OUT/harness.cpu.pprof"
fi
echo "# files in $OUT"
