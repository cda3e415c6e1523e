#!/usr/bin/env bash
# The close storm: adieu-load runs N connections (every ending: clean closes
# in each order, TLS 1.3 half-close, close_notify then FIN, RST mid-stream,
# abrupt drop, slow reader, close during the handshake) against
# adieu-server -control -threads 2 on 127.0.0.1, and must report lost=0,
# misreported=0 and leaked_fds=0 (the server's descriptors back to their
# count before the storm). Then a graceful drain: idle adieu-client
# connections, SIGTERM, and each must get the server's close_notify, answer
# it and end cleanly, the server exiting 0 with them counted as drained.
#   storm.sh N CONCURRENCY [RSS_BOUND_KIB]
# Environment: ADIEU_SERVER, ADIEU_CLIENT, ADIEU_LOAD, ADIEU_TEST_DATA.
set -uo pipefail
n=${1:-2000}
concurrency=${2:-50}
rss_bound=${3:-65536}
: "${ADIEU_SERVER:?}" "${ADIEU_CLIENT:?}" "${ADIEU_LOAD:?}" "${ADIEU_TEST_DATA:?}"
data=$ADIEU_TEST_DATA
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
  echo "FAILED: $*"
  failures=$((failures + 1))
}

"$ADIEU_SERVER" -accept 127.0.0.1:0 -cert "$data/ecdsa-fullchain.pem" -key "$data/ecdsa-leaf.key" \
  -control -threads 2 -timeout 20 -drain 5 >"$work/server.out" 2>"$work/server.err" &
server=$!
pids+=("$server")
port=
for _ in $(seq 200); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.err")
  [[ -n "$port" ]] && break
  sleep 0.05
done
[[ -n "$port" ]] || { cat "$work/server.err"; echo "adieu-server did not start"; exit 1; }

echo "== adieu-load -n $n -c $concurrency (every ending) against adieu-server -control -threads 2"
"$ADIEU_LOAD" -connect "127.0.0.1:$port" -n "$n" -c "$concurrency" -CAfile "$data/ecdsa-root.pem" \
  -servername localhost -server_pid "$server" -rss_bound "$rss_bound" -quiet \
  -report "$work/storm.svg" | tee "$work/load.out"
load_status=${PIPESTATUS[0]}
# -report: an SVG chart with one latency curve per ending (nine).
curves=$(grep -c '<polyline' "$work/storm.svg" 2>/dev/null)
[[ "$(head -c 4 "$work/storm.svg" 2>/dev/null)" == "<svg" && "$curves" == 9 ]] ||
  fail "-report drew ${curves:-no} curves, not one per ending (9)"
last=$(tail -n 1 "$work/load.out")
[[ $load_status == 0 ]] || fail "adieu-load exited $load_status"
[[ "$last" =~ ^storm\ connections=$n\ ok=$n\ lost=0\ misreported=0\ leaked_fds=0$ ]] ||
  fail "the storm line: $last"

echo "== graceful drain: idle connections, then SIGTERM"
clients=()
for i in 1 2 3 4 5; do
  mkfifo "$work/in$i"
  exec {fd}<>"$work/in$i"
  "$ADIEU_CLIENT" -connect "127.0.0.1:$port" -servername localhost -CAfile "$data/ecdsa-root.pem" \
    -timeout 10 <"$work/in$i" >"$work/c$i.out" 2>"$work/c$i.err" &
  clients+=($!)
  pids+=($!)
done
for i in 1 2 3 4 5; do
  for _ in $(seq 200); do
    grep -q "^connected to" "$work/c$i.err" 2>/dev/null && break
    sleep 0.05
  done
done
start=$(date +%s%N)
kill -TERM "$server"
wait "$server"
server_status=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[[ $server_status == 0 ]] || fail "adieu-server exited $server_status on SIGTERM"
((elapsed_ms < 4000)) || fail "the drain took ${elapsed_ms} ms (the clients answer at once)"
i=0
for pid in "${clients[@]}"; do
  i=$((i + 1))
  wait "$pid"
  status=$?
  [[ $status == 0 ]] || fail "adieu-client $i exited $status: $(tail -n 1 "$work/c$i.err")"
  grep -q "ended: read=close_notify_received write=close_notify_sent: clean" "$work/c$i.err" ||
    fail "adieu-client $i did not end cleanly"
done
totals=$(grep '^totals ' "$work/server.out")
echo "server: $totals"
[[ "$totals" == *" drained=5 "* ]] || fail "the server did not count 5 drained connections"
[[ "$totals" == *" timed_out=0 "* ]] || fail "the server timed connections out"
echo "server exit $server_status after ${elapsed_ms} ms of drain"

if ((failures > 0)); then
  echo "$failures check(s) FAILED"
  exit 1
fi
echo "storm and drain: all checks passed"
