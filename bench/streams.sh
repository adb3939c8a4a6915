#!/usr/bin/env bash
# bench/streams.sh: BenchmarkStreams (internal/runner) three ways: the
# schedule server in the benchmark's process on every core; in the process
# with everything pinned to the client's cores; and the server in another
# process (bench/targets, on the other cores) with the client pinned to its
# cores, which measures the client alone on them. Prints the benchmark lines.
#   Usage: bench/streams.sh [STREAMS] [CLIENT_CPUS]   (default 2000 and 0,1)
# Environment: BIN (a folder holding prebuilt runner.test and targets, for a
# machine without Go), PORT (default 18091).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STREAMS=${1:-2000}
CLIENT=${2:-0,1}
PORT=${PORT:-18091}
BIN=${BIN:-}
if [ -z "$BIN" ]; then
	BIN=$(mktemp -d)
	go test -c -o "$BIN/runner.test" ./internal/runner
	go build -o "$BIN/targets" ./bench/targets
fi
ulimit -n 65536 2>/dev/null || true
cores=$(nproc)
last=$((cores - 1))
ncl=$(echo "$CLIENT" | tr ',' '\n' | wc -l)
SERVER=$((ncl))-$last
[ "$cores" -gt "$ncl" ] || SERVER=$CLIENT # a machine with no other cores: share them
bench() { STREAMS=$STREAMS "$@" -test.run XXX -test.bench Streams -test.benchtime 1x | grep '^Benchmark'; }

echo "# $(date -u +%FT%TZ) $cores cores, load $(cut -d' ' -f1-3 /proc/loadavg); $STREAMS streams"
echo "## server in the process, all $cores cores"
bench "$BIN/runner.test"
echo "## server in the process, all on cores $CLIENT"
bench taskset -c "$CLIENT" "$BIN/runner.test"
echo "## server in another process on cores $SERVER, client on cores $CLIENT"
taskset -c "$SERVER" "$BIN/targets" -arrivals -addr "127.0.0.1:$PORT" &
TARGET=$!
trap 'kill $TARGET 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/count" >/dev/null && break; sleep 0.1; done
STREAM_TARGET=http://127.0.0.1:$PORT bench taskset -c "$CLIENT" "$BIN/runner.test"
