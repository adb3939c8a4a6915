# bench/lib.sh: what the bench scripts share. Source it with PORT set; it
# moves to the repository root, sets OUT (a temporary folder unless given)
# and BASE, installs the peers when missing, builds the loopback target and
# harness into $OUT, and defines the helpers below.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${OUT:-$(mktemp -d)}
BASE="http://127.0.0.1:$PORT"
export PATH="$PATH:$(go env GOPATH)/bin"

command -v vegeta >/dev/null || go install github.com/tsenart/vegeta/v12@v12.13.0
command -v jq >/dev/null || apt-get install -y jq
[ -x /usr/bin/time ] || apt-get install -y time

go build -o "$OUT/targets" ./bench/targets
go build -o "$OUT/harness" ./cmd/harness

# start_target runs the loopback target on $PORT until the script exits.
start_target() {
	ulimit -n 65536 2>/dev/null || true
	"$OUT/targets" -addr "127.0.0.1:$PORT" &
	TARGET=$!
	trap 'kill $TARGET 2>/dev/null || true' EXIT
	for _ in $(seq 50); do curl -fs "$BASE/count" >/dev/null && break; sleep 0.1; done
}
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

# vegeta_run NAME URL ARGS...: GET URL with `vegeta attack ARGS` under
# /usr/bin/time; results in $OUT/NAME.bin, time in $OUT/NAME.time.
vegeta_run() {
	local name=$1 url=$2
	shift 2
	echo "GET $url" | /usr/bin/time -v -o "$OUT/$name.time" vegeta attack "$@" >"$OUT/$name.bin"
}
# vegeta_figures NAME: vegeta's request and latency lines, on one line.
vegeta_figures() { vegeta report -type text <"$OUT/$1.bin" | grep -E 'Requests|Latencies' | tr -s ' ' | tr '\n' ' '; }
