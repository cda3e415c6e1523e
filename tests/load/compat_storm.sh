#!/usr/bin/env bash
# The close storm on the compat layer: adieu-load runs N connections (every
# ending) against compat_echo_server, a small echo server written against
# OpenSSL's API and run on adieu's libssl.so.3 (LD_LIBRARY_PATH), and must
# report lost=0, misreported=0 (the server's own view of each end, from its
# totals) and leaked_fds=0. No sanitizer report may be left by the server.
#   compat_storm.sh SERVER LIBSSL_DIR N CONCURRENCY [RSS_BOUND_KIB]
# Environment: ADIEU_LOAD, ADIEU_TEST_DATA.
set -uo pipefail
server_bin=$1
libdir=$2
n=${3:-2000}
concurrency=${4:-50}
rss_bound=${5:-65536}
: "${ADIEU_LOAD:?}" "${ADIEU_TEST_DATA:?}"
data=$ADIEU_TEST_DATA
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
work=$(mktemp -d)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$work/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$work/sanitizer"
server=
cleanup() {
  [[ -n "$server" ]] && kill -9 "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
  echo "FAILED: $*"
  failures=$((failures + 1))
}

LD_LIBRARY_PATH=$libdir "$server_bin" "$data/ecdsa-fullchain.pem" "$data/ecdsa-leaf.key" \
  >"$work/server.out" 2>"$work/server.err" &
server=$!
port=
for _ in $(seq 200); do
  port=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$work/server.out")
  [[ -n "$port" ]] && break
  sleep 0.05
done
[[ -n "$port" ]] || { cat "$work/server.err"; echo "compat_echo_server did not start"; exit 1; }
# The server really runs on adieu's libssl, not the system's.
libssl=$(grep -o '/[^ ]*libssl\.so[^ ]*' "/proc/$server/maps" | sort -u)
if [[ "$libssl" == "$(realpath "$libdir")"/* || "$libssl" == "$libdir"/* ]]; then
  echo "compat_echo_server runs on $libssl"
else
  fail "compat_echo_server loaded '$libssl', not adieu's libssl.so.3 from $libdir"
fi

echo "== adieu-load -n $n -c $concurrency (every ending) against compat_echo_server on adieu's libssl.so.3"
"$ADIEU_LOAD" -connect "127.0.0.1:$port" -n "$n" -c "$concurrency" -CAfile "$data/ecdsa-root.pem" \
  -servername localhost -server_pid "$server" -rss_bound "$rss_bound" -quiet | tee "$work/load.out"
load_status=${PIPESTATUS[0]}
last=$(tail -n 1 "$work/load.out")
[[ $load_status == 0 ]] || fail "adieu-load exited $load_status"
[[ "$last" =~ ^storm\ connections=$n\ ok=$n\ lost=0\ misreported=0\ leaked_fds=0$ ]] ||
  fail "the storm line: $last"

kill -TERM "$server"
wait "$server" 2>/dev/null
server=
for report in "$work"/sanitizer.*; do
  [[ -f "$report" ]] || continue
  fail "sanitizer report from $(basename "$report")"
  head -n 40 "$report"
done
if [[ -s "$work/server.err" ]]; then
  echo "server stderr:"
  head -n 20 "$work/server.err"
fi
if ((failures > 0)); then
  echo "$failures check(s) FAILED"
  exit 1
fi
echo "compat storm: all checks passed"
