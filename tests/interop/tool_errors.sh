#!/usr/bin/env bash
# adieu-server and adieu-client refuse a bad configuration at start with ONE
# line naming the problem (exit 1; 2 for a usage error), print every option
# with -help, and report verification failures against a real peer.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa

# expect_one_line_error DESCRIPTION STATUS TEXT COMMAND...: COMMAND exits with
# STATUS, prints nothing on stdout and exactly one line on stderr containing
# TEXT.
expect_one_line_error() {
  local what=$1 status=$2 text=$3
  shift 3
  timeout 10 "$@" </dev/null >"$WORK/err.out" 2>"$WORK/err.err"
  local rc=$? lines
  lines=$(wc -l <"$WORK/err.err")
  expect_status "$what: exit status" "$rc" "$status"
  if [[ "$lines" == 1 && ! -s "$WORK/err.out" ]]; then
    pass "$what: one line ($(cat "$WORK/err.err"))"
  else
    failed "$what: expected one line on stderr, got $lines (and $(wc -c <"$WORK/err.out") bytes on stdout)"
    show "$WORK/err.err"
  fi
  expect_grep "$what: names the problem" "$WORK/err.err" "$text"
}

log "== adieu-server: bad configuration"
expect_one_line_error "missing certificate file" 1 "$WORK/missing.pem" \
  "$ADIEU_SERVER" -cert "$WORK/missing.pem" -key "$KEY"
expect_one_line_error "missing key file" 1 "$WORK/missing.key" \
  "$ADIEU_SERVER" -cert "$FULLCHAIN" -key "$WORK/missing.key"
expect_one_line_error "key not matching the certificate" 1 "match" \
  "$ADIEU_SERVER" -cert "$FULLCHAIN" -key "$D/rsa-leaf.key"
expect_one_line_error "not a certificate" 1 "$D/ecdsa-leaf.key" \
  "$ADIEU_SERVER" -cert "$D/ecdsa-leaf.key" -key "$KEY"
expect_one_line_error "unknown option" 2 "unknown option '-bogus'" \
  "$ADIEU_SERVER" -cert "$FULLCHAIN" -key "$KEY" -bogus
expect_one_line_error "missing value" 2 "-accept" "$ADIEU_SERVER" -cert "$FULLCHAIN" -key "$KEY" -accept
expect_one_line_error "no certificate" 2 "-cert and -key are required" "$ADIEU_SERVER"
expect_one_line_error "unknown group" 1 "bogus" \
  "$ADIEU_SERVER" -cert "$FULLCHAIN" -key "$KEY" -groups bogus
expect_one_line_error "unknown cipher suite" 1 "TLS_BOGUS" \
  "$ADIEU_SERVER" -cert "$FULLCHAIN" -key "$KEY" -ciphersuites TLS_BOGUS
expect_one_line_error "bad -naccept" 2 "-naccept" \
  "$ADIEU_SERVER" -cert "$FULLCHAIN" -key "$KEY" -naccept zero

start_adieu_server busy.srv -cert "$FULLCHAIN" -key "$KEY"
expect_one_line_error "port in use" 1 "Address already in use" \
  "$ADIEU_SERVER" -cert "$FULLCHAIN" -key "$KEY" -accept "127.0.0.1:$PORT" -quiet
stop_server

log "== adieu-client: bad configuration"
# A port nobody listens on: the one the stopped server had.
expect_one_line_error "connection refused" 1 "Connection refused" \
  "$ADIEU_CLIENT" -connect "127.0.0.1:$PORT" -CAfile "$ROOT"
expect_one_line_error "missing CA file" 1 "$WORK/missing-ca.pem" \
  "$ADIEU_CLIENT" -connect "127.0.0.1:$PORT" -CAfile "$WORK/missing-ca.pem"
expect_one_line_error "client key not matching" 1 "match" \
  "$ADIEU_CLIENT" -connect "127.0.0.1:$PORT" -CAfile "$ROOT" -cert "$D/client-fullchain.pem" \
  -key "$KEY"
expect_one_line_error "-cert without -key" 2 "-key" \
  "$ADIEU_CLIENT" -connect "127.0.0.1:$PORT" -cert "$D/client-fullchain.pem"
expect_one_line_error "bad -connect" 2 "host:port" "$ADIEU_CLIENT" -connect nocolon
expect_one_line_error "unknown option" 2 "unknown option '--bogus'" "$ADIEU_CLIENT" --bogus

log "== -help lists every option"
"$ADIEU_SERVER" -help >"$WORK/server.help" 2>&1
expect_status "adieu-server -help" "$?" 0
for option in accept cert key cert_chain cert2 key2 cert_chain2 CAfile verify Verify www alpn naccept \
  ciphersuites groups num_tickets timeout keylogfile quiet help; do
  expect_grep "adieu-server -help lists -$option" "$WORK/server.help" "  -$option "
done
"$ADIEU_CLIENT" -help >"$WORK/client.help" 2>&1
expect_status "adieu-client -help" "$?" 0
for option in connect servername CAfile noverify cert key cert_chain alpn ciphersuites groups \
  keyupdate timeout keylogfile quiet help; do
  expect_grep "adieu-client -help lists -$option" "$WORK/client.help" "  -$option "
done

log "== adieu-client verifies openssl s_server's certificate"
use_cert rsa
start_openssl_server v1.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
run_adieu_client v1 'x\n' -CAfile "$D/ecdsa-root.pem"
wait_exit "$SERVER_PID" 5
expect_nonzero "untrusted chain: adieu-client fails" "$RC"
expect_grep "untrusted chain: unknown_ca sent" "$WORK/v1.cli.err" "fatal alert sent: unknown_ca"
expect_grep "untrusted chain: s_server received it" "$WORK/v1.srv.out" \
  "<<< TLS 1.3, Alert [length 0002], fatal unknown_ca"

start_openssl_server v2.srv -cert "$D/other-name-leaf.pem" -cert_chain "$D/ecdsa-chain.pem" \
  -key "$D/other-name-leaf.key" -naccept 1
run_adieu_client v2 'x\n' -CAfile "$D/ecdsa-root.pem"
wait_exit "$SERVER_PID" 5
expect_nonzero "wrong name: adieu-client fails" "$RC"
expect_grep "wrong name: handshake failed" "$WORK/v2.cli.err" "handshake failed"
expect_grep "wrong name: certificate_unknown sent" "$WORK/v2.cli.err" \
  "fatal alert sent: certificate_unknown"

start_openssl_server v3.srv -cert "$D/other-name-leaf.pem" -cert_chain "$D/ecdsa-chain.pem" \
  -key "$D/other-name-leaf.key" -naccept 1
run_adieu_client v3 'x\n' -noverify
wait_exit "$SERVER_PID" 5
expect_status "-noverify: adieu-client connects" "$RC" 0
expect_grep "-noverify: clean end" "$WORK/v3.cli.err" "$CLEAN"

log "== adieu-server -num_tickets reaches the wire"
use_cert ecdsa
for n in 0 3; do
  start_adieu_server nt$n.srv -cert "$FULLCHAIN" -key "$KEY" -num_tickets $n -naccept 1
  run_openssl_client nt$n 'tickets\n' 'tickets' -CAfile "$ROOT" -verify_return_error
  wait_exit "$SERVER_PID" 5
  expect_status "-num_tickets $n: s_client succeeds" "$RC" 0
  expect_count "-num_tickets $n: s_client got $n tickets" "$WORK/nt$n.cli.out" \
    "], NewSessionTicket" $n
done

log "== adieu-client -timeout: a server that never answers our close_notify"
start_openssl_server to.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
open_stdin_fifo to.cli
spawn "$STDIN_FIFO" "$WORK/to.cli.out" "$WORK/to.cli.err" "$ADIEU_CLIENT" \
  -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$ROOT" -timeout 1
CLIENT_PID=$SPAWNED_PID
printf 'hello\n' >&"$STDIN_FD"
wait_for_line "$WORK/to.srv.out" "hello" 10 "$SERVER_PID"
kill -STOP "$SERVER_PID"  # alive, connected, silent
start=$(now_ms)
exec {STDIN_FD}>&-
wait_exit "$CLIENT_PID" 10
elapsed=$(($(now_ms) - start))
kill_now "$SERVER_PID"
expect_nonzero "adieu-client fails" "$WAIT_STATUS"
expect_grep "adieu-client gives up after -timeout" "$WORK/to.cli.err" \
  "ended: read=open write=close_notify_sent: timed out"
if ((elapsed >= 900 && elapsed < 5000)); then
  pass "adieu-client waited about 1 s (${elapsed} ms)"
else
  failed "adieu-client waited ${elapsed} ms, expected about 1000"
fi

finish "tool errors and options"
