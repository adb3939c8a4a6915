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
DUR=${1:-10s}
PORT=${PORT:-18089}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
command -v wrk >/dev/null || apt-get install -y wrk
if [ "${PROFILE:-0}" = 1 ]; then go build -o "$OUT/harnessbench" ./bench/harnessbench; fi
start_target

# open_pair N URL RATE: harness (hN) and vegeta (vN) at RATE req/s on URL.
open_pair() {
	scenario "h$1" "$2" "  rate     = $3
  duration = \"$DUR\""
	harness "h$1"
	echo "harness  served=$(count) rss=$(rss "$OUT/h$1.time") | $(figures "h$1")"
	vegeta_run "v$1" "$2" -rate "$3" -duration "$DUR"
	echo "vegeta   served=$(count) rss=$(rss "$OUT/v$1.time") | $(vegeta_figures "v$1")"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, go $(go env GOVERSION), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## 50 users flat out on /fast for $DUR (served = counted by the target)"
count >/dev/null
scenario h1 "$BASE/fast" "  users    = 50
  duration = \"$DUR\""
harness h1
echo "harness  served=$(count) rss=$(rss "$OUT/h1.time") | $(figures h1)"
vegeta_run v1 "$BASE/fast" -rate 0 -max-workers 50 -workers 50 -duration "$DUR"
echo "vegeta   served=$(count) rss=$(rss "$OUT/v1.time") | $(vegeta_figures v1)"
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
open_pair 2 "$BASE/slow" 200
/usr/bin/time -v -o "$OUT/w2.time" wrk -c 10 -t 2 -d "$DUR" --latency "$BASE/slow" >"$OUT/w2.out"
echo "wrk -c10 served=$(count) rss=$(rss "$OUT/w2.time") | $(grep -E 'Requests/sec| 50%| 99%' "$OUT/w2.out" | tr -s ' ' | tr '\n' ' ')"

echo "## 10,000 req/s open model on /fast for $DUR: the same offered load for both tools"
open_pair 4 "$BASE/fast" 10000

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
