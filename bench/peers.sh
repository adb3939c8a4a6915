#!/usr/bin/env bash
# bench/peers.sh: harness's load engine against vegeta and wrk, in one run,
# on a loopback target (bench/targets) that counts what it serves.
#
#   1. 50 users flat out on /fast for 10 s: requests counted by the target
#   2. 200 req/s open model on /slow (50 ms) for 10 s: p50/p99 as each tool reports
#      (wrk has no open model: it runs 10 connections, the closed equivalent)
#   3. peak RSS of each (/usr/bin/time -v)
#   4. harness alone: 10,000 users paced at 10 s, peak RSS (bounded run)
#
# Until `harness run FILE --out F --quiet` reads HCL, harness is driven by
# bench/harnessbench (runner.Run on the dsl.Scenario literal the file would
# give). Usage: bench/peers.sh [DURATION] (default 10s). PROFILE=1 also writes
# a CPU profile of harness at 50 users to $OUT/harness.cpu.pprof.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10s}
OUT=${OUT:-$(mktemp -d)}
PORT=${PORT:-18089}
BASE="http://127.0.0.1:$PORT"
export CGO_CFLAGS=-Wno-deprecated-declarations
export PATH="$PATH:$(go env GOPATH)/bin"

command -v vegeta >/dev/null || go install github.com/tsenart/vegeta/v12@v12.13.0
command -v wrk >/dev/null || apt-get install -y wrk
[ -x /usr/bin/time ] || apt-get install -y time

go build -o "$OUT/targets" ./bench/targets
go build -o "$OUT/harnessbench" ./bench/harnessbench

ulimit -n 65536 2>/dev/null || true
"$OUT/targets" -addr "127.0.0.1:$PORT" & TARGET=$!
trap 'kill $TARGET 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "$BASE/count" >/dev/null && break; sleep 0.1; done

count() { curl -fs "$BASE/count?reset=1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$1"; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, go $(go env GOVERSION), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## 50 users flat out on /fast for $DUR (served = counted by the target)"
count >/dev/null
PROF=""; [ "${PROFILE:-0}" = 1 ] && PROF="-cpuprofile $OUT/harness.cpu.pprof"
/usr/bin/time -v -o "$OUT/h1.time" "$OUT/harnessbench" -url "$BASE/fast" -users 50 -duration "$DUR" $PROF >"$OUT/h1.out"
echo "harness  served=$(count) rss=$(rss "$OUT/h1.time") | $(cat "$OUT/h1.out")"
echo "GET $BASE/fast" | /usr/bin/time -v -o "$OUT/v1.time" vegeta attack -rate 0 -max-workers 50 -workers 50 -duration "$DUR" >"$OUT/v1.bin"
echo "vegeta   served=$(count) rss=$(rss "$OUT/v1.time") | $(vegeta report -type text <"$OUT/v1.bin" | grep -E 'Requests|Latencies' | tr -s ' ' | tr '\n' ' ')"
/usr/bin/time -v -o "$OUT/w1.time" wrk -c 50 -t 2 -d "$DUR" --latency "$BASE/fast" >"$OUT/w1.out"
echo "wrk      served=$(count) rss=$(rss "$OUT/w1.time") | $(grep -E 'Requests/sec| 50%| 99%' "$OUT/w1.out" | tr -s ' ' | tr '\n' ' ')"

echo "## 200 req/s on /slow (50 ms) for $DUR"
/usr/bin/time -v -o "$OUT/h2.time" "$OUT/harnessbench" -url "$BASE/slow" -rate 200 -duration "$DUR" >"$OUT/h2.out"
echo "harness  served=$(count) rss=$(rss "$OUT/h2.time") | $(cat "$OUT/h2.out")"
echo "GET $BASE/slow" | /usr/bin/time -v -o "$OUT/v2.time" vegeta attack -rate 200 -duration "$DUR" >"$OUT/v2.bin"
echo "vegeta   served=$(count) rss=$(rss "$OUT/v2.time") | $(vegeta report -type text <"$OUT/v2.bin" | grep -E 'Requests|Latencies' | tr -s ' ' | tr '\n' ' ')"
/usr/bin/time -v -o "$OUT/w2.time" wrk -c 10 -t 2 -d "$DUR" --latency "$BASE/slow" >"$OUT/w2.out"
echo "wrk -c10 served=$(count) rss=$(rss "$OUT/w2.time") | $(grep -E 'Requests/sec| 50%| 99%' "$OUT/w2.out" | tr -s ' ' | tr '\n' ' ')"

echo "## harness: 10,000 users paced at 10s on /fast, 20 s window (first starts spread over 10 s)"
/usr/bin/time -v -o "$OUT/h3.time" "$OUT/harnessbench" -url "$BASE/fast" -users 10000 -pace 10s -duration 20s >"$OUT/h3.out"
echo "harness  served=$(count) rss=$(rss "$OUT/h3.time") | $(cat "$OUT/h3.out")"
echo "# files in $OUT"
