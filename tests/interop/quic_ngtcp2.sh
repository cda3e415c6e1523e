#!/usr/bin/env bash
# QUIC and HTTP/3 against ngtcp2 (Debian's ngtcp2-client / ngtcp2-server,
# GnuTLS backend: gtlsclient and gtlsserver, QUIC v1, ALPN h3):
#  - adieu-client -quic fetches a file from gtlsserver;
#  - gtlsclient fetches a file from adieu-server -quic -WWW;
#  - adieu-client -quic fetches from adieu-server -quic (a file, a 404, a
#    refused "..", the -www status page), and finds no server;
#  - adieu-server -quic -retry validates gtlsclient's address with a Retry,
#    and serves adieu-client and gtlsclient at once (quic::Server);
# each body compared byte for byte, then the same with packet loss injected
# by the ngtcp2 tools' own -t (their outgoing packets) / -r (their incoming
# packets, i.e. adieu's) options. Both sides must see a clean close:
# CONNECTION_CLOSE with H3_NO_ERROR (0x100), sent by the client, received by
# the server; adieu's side prints its SSL_get_shutdown value.
#
# With loss, the client's one CONNECTION_CLOSE may itself be lost (RFC 9000
# section 10.2: it is not retransmitted as such). So: against gtlsserver -r
# (our packets lost) the check that gtlsserver logged our CONNECTION_CLOSE is
# left out, and gtlsclient loses only incoming packets (-r: adieu-server's),
# never its own CONNECTION_CLOSE.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa

for program in gtlsclient gtlsserver; do
  if ! command -v "$program" >/dev/null; then
    if [[ "${CI:-}" == true ]]; then
      failed "$program is not installed (packages ngtcp2-client, ngtcp2-server)"
      finish "QUIC interop with ngtcp2"
    fi
    log "skipped: $program is not installed (packages ngtcp2-client, ngtcp2-server)"
    exit 77
  fi
done

HTDOCS=$WORK/htdocs
mkdir -p "$HTDOCS"
# A body of several hundred datagrams, and a small one.
head -c 700001 /dev/urandom >"$HTDOCS/big.bin"
printf 'hello over HTTP/3\n' >"$HTDOCS/hello.txt"

# A UDP port nobody uses now (gtlsserver cannot pick its own).
random_free_udp_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! ss -Huan 2>/dev/null | awk '{print $4}' | grep -q ":$port\$"; then
      echo "$port"
      return
    fi
  done
}

# start_gtlsserver NAME ARGS...: gtlsserver on 127.0.0.1 and a free UDP
# port, serving $HTDOCS. Sets PORT, SERVER_PID.
start_gtlsserver() {
  local name=$1 attempt i
  shift
  for attempt in 1 2 3 4 5; do
    PORT=$(random_free_udp_port)
    spawn /dev/null "$WORK/$name.out" "$WORK/$name.err" gtlsserver --no-quic-dump --no-http-dump \
      -d "$HTDOCS" "$@" 127.0.0.1 "$PORT" "$KEY" "$FULLCHAIN"
    SERVER_PID=$SPAWNED_PID
    for ((i = 0; i < 200; i++)); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      if ss -Huan "sport = :$PORT" 2>/dev/null | grep -q .; then return 0; fi
      sleep 0.05
    done
    kill_now "$SERVER_PID"
  done
  failed "$name: gtlsserver did not start"
  show "$WORK/$name.out" "$WORK/$name.err"
  return 1
}

# expect_same DESCRIPTION EXPECTED ACTUAL: the two files are byte for byte
# the same.
expect_same() {
  if cmp -s "$2" "$3"; then
    pass "$1 ($(stat -c %s "$3") bytes)"
    return 0
  fi
  failed "$1: $(basename "$3") differs from $(basename "$2") ($(stat -c %s "$3" 2>/dev/null || echo no) bytes)"
  return 1
}

# expect_log_re DESCRIPTION FILE EXTENDED-REGEX: a line of the file matches.
expect_log_re() {
  if grep -qE -- "$3" "$2" 2>/dev/null; then
    pass "$1"
    return 0
  fi
  failed "$1: /$3/ not found in $(basename "$2")"
  show "$2"
  return 1
}

# expect_losses DESCRIPTION FILE: adieu's stats line there counts lost
# packets (the peer's -r dropped some of ours, and they were detected lost:
# the body's hundreds of packets at 10% loss).
expect_losses() {
  local lost
  lost=$(sed -n 's/.*stats:.* packets_lost=\([0-9]*\).*/\1/p' "$2" | head -n 1)
  if [[ -n "$lost" && "$lost" -gt 0 ]]; then
    pass "$1 ($lost packets)"
    return 0
  fi
  failed "$1: packets_lost=${lost:-none}"
  show "$2"
  return 1
}

# adieu-client -quic from gtlsserver: NAME FILE PEER_SEES_CLOSE(yes|no)
# [gtlsserver options...]
client_run() {
  local name=$1 file=$2 peer_sees_close=$3
  shift 3
  log "== adieu-client -quic -get /$file -> gtlsserver $*"
  start_gtlsserver "$name.srv" "$@" || return
  spawn /dev/null "$WORK/$name.body" "$WORK/$name.cli.err" "$ADIEU_CLIENT" -quic \
    -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$ROOT" -get "/$file" -timeout 60
  local client=$SPAWNED_PID
  wait_exit "$client" 90
  expect_status "adieu-client: complete response, clean close" "$WAIT_STATUS" 0
  expect_same "the body, byte for byte" "$HTDOCS/$file" "$WORK/$name.body"
  expect_grep "adieu-client negotiated h3" "$WORK/$name.cli.err" "alpn=h3"
  expect_grep "adieu-client: status 200" "$WORK/$name.cli.err" "response: status=200"
  expect_grep "adieu-client closed with H3_NO_ERROR, shutdown SENT|RECEIVED" \
    "$WORK/$name.cli.err" \
    "ended: CONNECTION_CLOSE sent, application error 0x100 (H3_NO_ERROR), reason '', state closed, shutdown=SENT|RECEIVED"
  # gtlsserver's log (its default verbosity) shows the frame it received.
  if [[ "$peer_sees_close" == yes ]]; then
    expect_log_re "gtlsserver received our CONNECTION_CLOSE (0x100)" "$WORK/$name.srv.err" \
      'frm rx [0-9]+ 1RTT CONNECTION_CLOSE\(0x1d\) error_code=\(unknown\)\(0x100\)'
  fi
  # (No count of our lost packets here: the client sends few ack-eliciting
  # packets, and -r may well drop none of them.)
  stop_server
}

# gtlsclient from adieu-server -quic -WWW: NAME FILE [gtlsclient options...]
server_run() {
  local name=$1 file=$2
  shift 2
  log "== gtlsclient $* /$file -> adieu-server -quic -WWW"
  mkdir -p "$WORK/$name.download"
  # The server serves its working directory.
  pushd "$HTDOCS" >/dev/null || return
  start_adieu_server "$name.srv" -quic -WWW -cert "$FULLCHAIN" -key "$KEY" -naccept 1
  local started=$?
  popd >/dev/null || return
  ((started == 0)) || return
  spawn /dev/null "$WORK/$name.cli.out" "$WORK/$name.cli.err" gtlsclient --no-quic-dump \
    --no-http-dump --exit-on-all-streams-close --download "$WORK/$name.download" "$@" \
    127.0.0.1 "$PORT" "https://localhost:$PORT/$file"
  local client=$SPAWNED_PID
  wait_exit "$client" 90
  expect_status "gtlsclient succeeds" "$WAIT_STATUS" 0
  expect_same "the body, byte for byte" "$HTDOCS/$file" "$WORK/$name.download/$file"
  expect_log_re "gtlsclient closed with H3_NO_ERROR" "$WORK/$name.cli.err" \
    'frm tx [0-9]+ 1RTT CONNECTION_CLOSE\(0x1d\) error_code=\(unknown\)\(0x100\)'
  wait_exit "$SERVER_PID" 30
  expect_status "adieu-server exits after its connection (-naccept 1)" "$WAIT_STATUS" 0
  expect_grep "adieu-server answered 200" "$WORK/$name.srv.err" "request: GET /$file -> 200"
  expect_grep "adieu-server negotiated h3" "$WORK/$name.srv.err" "alpn=h3"
  expect_grep "adieu-server received CONNECTION_CLOSE H3_NO_ERROR, shutdown SENT|RECEIVED" \
    "$WORK/$name.srv.err" \
    "ended: CONNECTION_CLOSE received, application error 0x100 (H3_NO_ERROR), reason '', state closed, shutdown=SENT|RECEIVED"
  if [[ " $* " == *" -r "* ]]; then
    expect_losses "adieu-server detected and recovered lost packets" "$WORK/$name.srv.err"
  fi
}

# adieu-client -quic from adieu-server -quic: NAME PATH EXPECTED-STATUS
# SERVER-OPTIONS...
adieu_run() {
  local name=$1 path=$2 status=$3
  shift 3
  log "== adieu-client -quic -get $path -> adieu-server -quic $*"
  pushd "$HTDOCS" >/dev/null || return
  start_adieu_server "$name.srv" -quic -key "$KEY" -naccept 1 "$@"
  local started=$?
  popd >/dev/null || return
  ((started == 0)) || return
  spawn /dev/null "$WORK/$name.body" "$WORK/$name.cli.err" "$ADIEU_CLIENT" -quic \
    -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$ROOT" -get "$path" -timeout 30
  local client=$SPAWNED_PID
  wait_exit "$client" 60
  expect_status "adieu-client: complete response, clean close" "$WAIT_STATUS" 0
  expect_grep "adieu-client: status $status" "$WORK/$name.cli.err" "response: status=$status"
  expect_grep "adieu-client closed with H3_NO_ERROR, shutdown SENT|RECEIVED" \
    "$WORK/$name.cli.err" \
    "ended: CONNECTION_CLOSE sent, application error 0x100 (H3_NO_ERROR), reason '', state closed, shutdown=SENT|RECEIVED"
  wait_exit "$SERVER_PID" 30
  expect_status "adieu-server exits after its connection (-naccept 1)" "$WAIT_STATUS" 0
  expect_grep "adieu-server answered $status" "$WORK/$name.srv.err" "request: GET $path -> $status"
  expect_grep "adieu-server received CONNECTION_CLOSE H3_NO_ERROR, shutdown SENT|RECEIVED" \
    "$WORK/$name.srv.err" \
    "ended: CONNECTION_CLOSE received, application error 0x100 (H3_NO_ERROR), reason '', state closed, shutdown=SENT|RECEIVED"
}

client_run small hello.txt yes
client_run big big.bin yes
client_run loss_rx big.bin yes -t 0.1
client_run loss_both big.bin no -t 0.1 -r 0.1
log "== adieu-client -quic -CAfile <another root> -> gtlsserver: unknown_ca as CRYPTO_ERROR 0x130"
start_gtlsserver badca.srv
spawn /dev/null "$WORK/badca.body" "$WORK/badca.cli.err" "$ADIEU_CLIENT" -quic \
  -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$D/rsa-root.pem" -timeout 30
wait_exit "$SPAWNED_PID" 60
expect_status "adieu-client fails" "$WAIT_STATUS" 1
expect_grep "adieu-client sent CRYPTO_ERROR(unknown_ca)" "$WORK/badca.cli.err" \
  "ended: CONNECTION_CLOSE sent, transport error 0x130"
expect_log_re "gtlsserver received it" "$WORK/badca.srv.err" \
  'frm rx [0-9]+ (Initial|Handshake) CONNECTION_CLOSE\(0x1c\) error_code=CRYPTO_ERROR\(0x130\)'
stop_server

server_run small hello.txt
server_run big big.bin
server_run loss big.bin -r 0.1

log "== gtlsclient, three requests on one connection -> adieu-server -quic -WWW"
mkdir -p "$WORK/multi.download"
pushd "$HTDOCS" >/dev/null || exit 1
start_adieu_server multi.srv -quic -WWW -cert "$FULLCHAIN" -key "$KEY" -naccept 1
popd >/dev/null || exit 1
cp "$HTDOCS/big.bin" "$HTDOCS/big2.bin"
spawn /dev/null "$WORK/multi.cli.out" "$WORK/multi.cli.err" gtlsclient --no-quic-dump \
  --no-http-dump --exit-on-all-streams-close --download "$WORK/multi.download" \
  127.0.0.1 "$PORT" "https://localhost:$PORT/big.bin" "https://localhost:$PORT/hello.txt" \
  "https://localhost:$PORT/big2.bin"
wait_exit "$SPAWNED_PID" 90
expect_status "gtlsclient succeeds" "$WAIT_STATUS" 0
for file in big.bin hello.txt big2.bin; do
  expect_same "$file, byte for byte" "$HTDOCS/$file" "$WORK/multi.download/$file"
  expect_grep "adieu-server answered /$file" "$WORK/multi.srv.err" "request: GET /$file -> 200"
done
wait_exit "$SERVER_PID" 30
expect_status "adieu-server exits after its connection (-naccept 1)" "$WAIT_STATUS" 0
expect_grep "adieu-server received CONNECTION_CLOSE H3_NO_ERROR, shutdown SENT|RECEIVED" \
  "$WORK/multi.srv.err" \
  "ended: CONNECTION_CLOSE received, application error 0x100 (H3_NO_ERROR), reason '', state closed, shutdown=SENT|RECEIVED"

log "== gtlsclient -> adieu-server -quic -WWW -retry: the address validated by a Retry first"
mkdir -p "$WORK/retry.download"
pushd "$HTDOCS" >/dev/null || exit 1
start_adieu_server retry.srv -quic -WWW -retry -cert "$FULLCHAIN" -key "$KEY" -naccept 1
popd >/dev/null || exit 1
spawn /dev/null "$WORK/retry.cli.out" "$WORK/retry.cli.err" gtlsclient --no-quic-dump \
  --no-http-dump --exit-on-all-streams-close --download "$WORK/retry.download" \
  127.0.0.1 "$PORT" "https://localhost:$PORT/hello.txt"
wait_exit "$SPAWNED_PID" 90
expect_status "gtlsclient succeeds" "$WAIT_STATUS" 0
expect_same "the body, byte for byte" "$HTDOCS/hello.txt" "$WORK/retry.download/hello.txt"
expect_log_re "gtlsclient received a Retry" "$WORK/retry.cli.err" 'rx Retry|type=Retry'
wait_exit "$SERVER_PID" 30
expect_status "adieu-server exits after its connection (-naccept 1)" "$WAIT_STATUS" 0
expect_grep "adieu-server sent one Retry and accepted once" "$WORK/retry.srv.err" \
  "endpoint: accepted=1 retries_sent=1 "
expect_grep "adieu-server received CONNECTION_CLOSE H3_NO_ERROR" "$WORK/retry.srv.err" \
  "ended: CONNECTION_CLOSE received, application error 0x100 (H3_NO_ERROR)"

log "== adieu-client and gtlsclient at once -> adieu-server -quic -WWW -naccept 2"
mkdir -p "$WORK/both.download"
pushd "$HTDOCS" >/dev/null || exit 1
start_adieu_server both.srv -quic -WWW -cert "$FULLCHAIN" -key "$KEY" -naccept 2
popd >/dev/null || exit 1
spawn /dev/null "$WORK/both.body" "$WORK/both.cli.err" "$ADIEU_CLIENT" -quic \
  -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$ROOT" -get /big.bin -timeout 60
first=$SPAWNED_PID
spawn /dev/null "$WORK/both.gcli.out" "$WORK/both.gcli.err" gtlsclient --no-quic-dump \
  --no-http-dump --exit-on-all-streams-close --download "$WORK/both.download" \
  127.0.0.1 "$PORT" "https://localhost:$PORT/big2.bin"
second=$SPAWNED_PID
wait_exit "$first" 90
expect_status "adieu-client: complete response, clean close" "$WAIT_STATUS" 0
wait_exit "$second" 90
expect_status "gtlsclient succeeds" "$WAIT_STATUS" 0
expect_same "adieu-client's body" "$HTDOCS/big.bin" "$WORK/both.body"
expect_same "gtlsclient's body" "$HTDOCS/big2.bin" "$WORK/both.download/big2.bin"
wait_exit "$SERVER_PID" 30
expect_status "adieu-server exits after its two connections (-naccept 2)" "$WAIT_STATUS" 0
expect_grep "adieu-server accepted two connections" "$WORK/both.srv.err" "endpoint: accepted=2 "
ended=$(grep -c "ended: CONNECTION_CLOSE received, application error 0x100 (H3_NO_ERROR), reason '', state closed, shutdown=SENT|RECEIVED" "$WORK/both.srv.err")
if [[ "$ended" == 2 ]]; then
  pass "adieu-server saw both clients close with H3_NO_ERROR"
else
  failed "adieu-server saw $ended clean closes, expected 2"
  show "$WORK/both.srv.err"
fi

adieu_run self_big /big.bin 200 -WWW -cert "$FULLCHAIN"
expect_same "the body, byte for byte" "$HTDOCS/big.bin" "$WORK/self_big.body"
adieu_run self_404 /missing.bin 404 -WWW -cert "$FULLCHAIN"
expect_grep "the 404 page" "$WORK/self_404.body" "<h1>404 Not Found</h1>"
adieu_run self_dotdot /../etc/passwd 400 -WWW -cert "$FULLCHAIN"
# The leaf with -cert_chain: the client verifies the chain up to the root.
adieu_run self_status /status 200 -www -cert "$CERT" -cert_chain "$CHAIN"
expect_grep "the status page names the negotiated ALPN" "$WORK/self_status.body" "alpn=h3"
expect_grep "adieu-client got the leaf and its intermediate" "$WORK/self_status.cli.err" "peer_certs=2"

log "== adieu-client -quic to a port where nobody answers: no response, exit 1"
PORT=$(random_free_udp_port)
spawn /dev/null "$WORK/nobody.body" "$WORK/nobody.cli.err" "$ADIEU_CLIENT" -quic \
  -connect "127.0.0.1:$PORT" -CAfile "$ROOT" -timeout 1
wait_exit "$SPAWNED_PID" 30
expect_status "adieu-client fails" "$WAIT_STATUS" 1
expect_grep "adieu-client says it timed out" "$WORK/nobody.cli.err" "timed out after 1 s"
expect_grep "adieu-client: the connection never ended" "$WORK/nobody.cli.err" \
  "ended: not closed (state handshaking), shutdown=0"

log "== adieu-server -quic waiting for a client: SIGTERM ends it with status 0"
start_adieu_server term.srv -quic -cert "$FULLCHAIN" -key "$KEY"
stop_server

finish "QUIC interop with ngtcp2"
