#!/bin/bash
# real_programs.sh CLIENT SERVER LIBSSL_DIR TEST_DATA
# The small HTTPS client and server (built against OpenSSL's headers and
# libssl) run on adieu through LD_LIBRARY_PATH=LIBSSL_DIR, against
# `openssl s_server` / `openssl s_client` and against each other.
# Every program on adieu must exit 0 (the servers once they have served
# their connection) and leave no sanitizer report (ASAN_OPTIONS/UBSAN_OPTIONS
# log_path sends every report to a file checked at the end); a run with no
# check, or (under CI=true) without the openssl program, fails.
set -u
client=$1
server=$2
libdir=$3
D=$4
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
failures=0
checks=0
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$work/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$work/sanitizer"
status_check() { # description actual expected
  checks=$((checks + 1))
  if [ "$2" = "$3" ]; then echo "ok   $1 (exit $2)"; else
    echo "FAIL $1: exit status $2, expected $3"; failures=$((failures + 1)); fi
}
# wait_server DESCRIPTION PID: the server exits 0 by itself within 10 s.
wait_server() {
  local i
  for i in $(seq 200); do kill -0 "$2" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$2" 2>/dev/null
  wait "$2" 2>/dev/null
  status_check "$1" $? 0
}
check() { # description file text
  checks=$((checks + 1))
  if grep -qF -- "$3" "$2"; then echo "ok   $1"; else
    echo "FAIL $1 ('$3' not in $(basename "$2"))"; sed 's/^/  | /' "$2" | tail -20; failures=$((failures + 1)); fi
}
wait_port() { # file pattern -> port
  local i
  for i in $(seq 100); do
    local p
    p=$(sed -n "$2" "$1" 2>/dev/null | head -1)
    if [ -n "$p" ]; then echo "$p"; return 0; fi
    sleep 0.05
  done
  return 1
}
on_adieu() { LD_LIBRARY_PATH=$libdir "$@"; }

if ! command -v openssl > /dev/null; then
  [ "${CI:-}" = true ] && { echo "FAIL: openssl program missing (CI=true)"; exit 1; }
  echo "openssl program missing"
  exit 77
fi
[ -n "$(on_adieu ldd "$client" | grep "$libdir/libssl.so.3")" ] || { echo "FAIL: client does not load adieu's libssl"; exit 1; }

# 1. adieu client -> openssl s_server -www
openssl s_server -accept 0 -www -tls1_3 -cert "$D/ecdsa-leaf.pem" -cert_chain "$D/ecdsa-chain.pem" -key "$D/ecdsa-leaf.key" \
  -naccept 1 > "$work/s_server.log" 2>&1 &
pids+=($!)
port=$(wait_port "$work/s_server.log" 's/^ACCEPT .*:\([0-9]*\)$/\1/p') || { echo "FAIL s_server did not start"; exit 1; }
timeout 20 env LD_LIBRARY_PATH="$libdir" "$client" 127.0.0.1 "$port" "$D/ecdsa-root.pem" > "$work/client1.log" 2>&1
status_check "adieu client <- s_server: client" $? 0
check "adieu client <- s_server: handshake" "$work/client1.log" "handshake TLSv1.3"
check "adieu client <- s_server: response" "$work/client1.log" "HTTP/1.0 200 ok"

# 2. openssl s_client -> adieu server
on_adieu "$server" "$D/ecdsa-fullchain.pem" "$D/ecdsa-leaf.key" 1 > "$work/server2.log" 2>&1 &
pids+=($!)
port=$(wait_port "$work/server2.log" 's/^port \([0-9]*\)$/\1/p') || { echo "FAIL server did not start"; exit 1; }
printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' |
  timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername localhost \
    -CAfile "$D/ecdsa-root.pem" -verify_return_error -ign_eof > "$work/s_client.log" 2>&1
wait_server "s_client -> adieu server: server" "${pids[-1]}"
check "s_client -> adieu server: verified" "$work/s_client.log" "Verify return code: 0 (ok)"
check "s_client -> adieu server: response" "$work/s_client.log" "hello from the adieu compat test server"
check "adieu server: request" "$work/server2.log" "request line: GET / HTTP/1.0"
check "adieu server: SNI" "$work/server2.log" "sni=localhost"

# 3. adieu client -> adieu server (both programs on adieu's libssl.so.3)
on_adieu "$server" "$D/ecdsa-fullchain.pem" "$D/ecdsa-leaf.key" 1 > "$work/server3.log" 2>&1 &
pids+=($!)
port=$(wait_port "$work/server3.log" 's/^port \([0-9]*\)$/\1/p') || { echo "FAIL server did not start"; exit 1; }
timeout 20 env LD_LIBRARY_PATH="$libdir" "$client" 127.0.0.1 "$port" "$D/ecdsa-root.pem" > "$work/client3.log" 2>&1
status_check "adieu client <-> adieu server: client" $? 0
wait_server "adieu client <-> adieu server: server" "${pids[-1]}"
check "adieu client <-> adieu server: response" "$work/client3.log" "hello from the adieu compat test server"
check "adieu client: clean end" "$work/client3.log" "end of response: close_notify"
check "adieu client: shutdown" "$work/client3.log" "shutdown 1"
check "adieu server: peer closed cleanly" "$work/server3.log" "peer close: close_notify"
check "adieu server: shutdown" "$work/server3.log" "shutdown 1"

# 4. adieu client -> openssl s_server -www limited to TLS 1.2 (RSA certificate)
openssl s_server -accept 0 -www -tls1_2 -cert "$D/rsa-leaf.pem" -cert_chain "$D/rsa-chain.pem" -key "$D/rsa-leaf.key" \
  -naccept 1 > "$work/s_server4.log" 2>&1 &
pids+=($!)
port=$(wait_port "$work/s_server4.log" 's/^ACCEPT .*:\([0-9]*\)$/\1/p') || { echo "FAIL s_server did not start"; exit 1; }
timeout 20 env LD_LIBRARY_PATH="$libdir" "$client" 127.0.0.1 "$port" "$D/rsa-root.pem" > "$work/client4.log" 2>&1
status_check "adieu client <- s_server -tls1_2: client" $? 0
check "adieu client <- s_server -tls1_2: handshake" "$work/client4.log" "handshake TLSv1.2"
check "adieu client <- s_server -tls1_2: response" "$work/client4.log" "HTTP/1.0 200 ok"

# 5. openssl s_client -tls1_2 -> adieu server
on_adieu "$server" "$D/ecdsa-fullchain.pem" "$D/ecdsa-leaf.key" 1 > "$work/server5.log" 2>&1 &
pids+=($!)
port=$(wait_port "$work/server5.log" 's/^port \([0-9]*\)$/\1/p') || { echo "FAIL server did not start"; exit 1; }
printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' |
  timeout 20 openssl s_client -tls1_2 -connect "127.0.0.1:$port" -servername localhost \
    -CAfile "$D/ecdsa-root.pem" -verify_return_error -ign_eof > "$work/s_client5.log" 2>&1
wait_server "s_client -tls1_2 -> adieu server: server" "${pids[-1]}"
check "s_client -tls1_2 -> adieu server: version" "$work/s_client5.log" "Protocol  : TLSv1.2"
check "s_client -tls1_2 -> adieu server: verified" "$work/s_client5.log" "Verify return code: 0 (ok)"
check "s_client -tls1_2 -> adieu server: response" "$work/s_client5.log" "hello from the adieu compat test server"

for report in "$work"/sanitizer.*; do
  [ -f "$report" ] || continue
  echo "FAIL sanitizer report from process ${report##*.}"
  sed 's/^/  | /' "$report" | head -60
  failures=$((failures + 1))
done
[ $checks -gt 0 ] || { echo "FAIL: no check ran"; failures=$((failures + 1)); }
[ $failures -eq 0 ] && echo "all $checks checks passed"
exit $((failures > 0))
