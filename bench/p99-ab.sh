#!/usr/bin/env bash
# bench/p99-ab.sh: the 200 req/s open-model p99 of harness and vegeta, in N
# alternating pairs (harness, vegeta, harness, …) on the /slow (50 ms) target,
# so that a hiccup of the shared machine lands on either tool alike; prints
# each pair and the medians. A single 10 s run's p99 is its 20th-worst
# request, so one stall moves it by milliseconds: compare medians.
#   Usage: bench/p99-ab.sh [PAIRS] [DURATION]   (default 6 pairs of 10s)
set -euo pipefail
PAIRS=${1:-6}
DUR=${2:-10s}
PORT=${PORT:-18090}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
start_target
scenario ab "$BASE/slow" "  rate     = 200
  duration = \"$DUR\""

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); p99 in ms"
echo "pair harness(scheduled) harness(send) vegeta"
for i in $(seq "$PAIRS"); do
	harness ab
	vegeta_run "v$i" "$BASE/slow" -rate 200 -duration "$DUR"
	h=$(jq '.steps[0].latency.p99' "$OUT/ab.json")
	s=$(jq '.steps[0].send_latency.p99' "$OUT/ab.json")
	v=$(vegeta report -type json <"$OUT/v$i.bin" | jq '.latencies["99th"] / 1e6')
	echo "$i $h $s $v" | tee -a "$OUT/pairs.txt"
done
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "median $(cut -d' ' -f2 "$OUT/pairs.txt" | median) $(cut -d' ' -f3 "$OUT/pairs.txt" | median) $(cut -d' ' -f4 "$OUT/pairs.txt" | median)"
