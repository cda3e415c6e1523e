#!/usr/bin/env bash
# The connection's end in both orders (RFC 8446 section 6.1), checked on both
# sides of the wire: our "ended:" line, and the peer's own record of the
# close_notify it sent and received (OpenSSL -msg, GnuTLS debug log), in the
# right order.
#   client first: the client's stdin ends -> it sends close_notify -> the
#                 server answers with its own.
#   server first: the server answers one HTTP GET and closes (-www) -> the
#                 client answers with its own.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa

OSSL_SENT=">>> TLS 1.3, Alert [length 0002], warning close_notify"
OSSL_RECEIVED="<<< TLS 1.3, Alert [length 0002], warning close_notify"
GNUTLS_SENT="Sending Alert[1|0] - Close notify"
GNUTLS_RECEIVED="Alert[1|0] - Close notify - was received"
GET='GET / HTTP/1.0\r\n\r\n'

log "== adieu-client closes first -> openssl s_server"
start_openssl_server c1.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
run_adieu_client c1 'bye\n' -CAfile "$ROOT"
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "adieu-client: both close_notify crossed" "$WORK/c1.cli.err" "$CLEAN"
expect_order "s_server received ours, then sent its own" "$WORK/c1.srv.out" \
  "$OSSL_RECEIVED" "$OSSL_SENT"

log "== openssl s_server -www closes first -> adieu-client answers"
start_openssl_server s1.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -www -naccept 1
# stdin stays open for 5 s: adieu-client must end on the server's close_notify,
# not on its stdin.
open_stdin_fifo s1.cli
printf "$GET" >&"$STDIN_FD"
start=$(now_ms)
spawn "$STDIN_FIFO" "$WORK/s1.cli.out" "$WORK/s1.cli.err" "$ADIEU_CLIENT" \
  -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$ROOT" -timeout 5
CLIENT_PID=$SPAWNED_PID
wait_exit "$CLIENT_PID" 5
RC=$WAIT_STATUS
elapsed=$(($(now_ms) - start))
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
if ((elapsed < 4000)); then
  pass "adieu-client ended on the server's close_notify (${elapsed} ms, stdin still open)"
else
  failed "adieu-client did not end on the server's close_notify (${elapsed} ms)"
fi
expect_grep "the page arrived" "$WORK/s1.cli.out" "HTTP/1.0 200 ok"
expect_grep "adieu-client: both close_notify crossed" "$WORK/s1.cli.err" "$CLEAN"
expect_order "s_server sent its close_notify, then received ours" "$WORK/s1.srv.out" \
  "$OSSL_SENT" "$OSSL_RECEIVED"

log "== openssl s_client closes first -> adieu-server"
start_adieu_server c2.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
run_openssl_client c2 'bye\n' 'bye' -CAfile "$ROOT" -verify_return_error
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client sent close_notify" "$WORK/c2.cli.out" "$OSSL_SENT"
# s_client drains the socket without decoding after its close_notify, so
# only our side can tell that ours was sent.
expect_grep "adieu-server: both close_notify crossed" "$WORK/c2.srv.out" "$CLEAN"

log "== adieu-server -www closes first -> openssl s_client answers"
start_adieu_server s2.srv -cert "$FULLCHAIN" -key "$KEY" -www -naccept 1
run_openssl_client s2 "$GET" '' -CAfile "$ROOT" -verify_return_error
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "the page arrived" "$WORK/s2.cli.out" "HTTP/1.0 200 OK"
expect_order "s_client received our close_notify, then sent its own" "$WORK/s2.cli.out" \
  "$OSSL_RECEIVED" "$OSSL_SENT"
expect_grep "s_client saw a clean end" "$WORK/s2.cli.out" "closed"
expect_grep "adieu-server: both close_notify crossed" "$WORK/s2.srv.out" "$CLEAN"

log "== adieu-client closes first (half-close) -> gnutls-serv --echo"
# The echo arrives after our close_notify: TLS 1.3 lets us keep reading.
start_gnutls_server c3.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY"
run_adieu_client c3 'echo after our close_notify\n' -CAfile "$ROOT"
sleep 0.1
stop_server
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "the echo arrived after our close_notify" "$WORK/c3.cli.out" \
  "echo after our close_notify"
expect_grep "adieu-client: both close_notify crossed" "$WORK/c3.cli.err" "$CLEAN"
expect_order "gnutls-serv received ours, then sent its own" "$WORK/c3.srv.err" \
  "$GNUTLS_RECEIVED" "$GNUTLS_SENT"

log "== gnutls-cli closes first -> adieu-server"
start_adieu_server c4.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
run_gnutls_client c4 'bye\n' 'bye' --x509cafile "$ROOT"
wait_exit "$SERVER_PID" 5
expect_status "gnutls-cli succeeds" "$RC" 0
expect_order "gnutls-cli sent its close_notify, then received ours" "$WORK/c4.cli.err" \
  "$GNUTLS_SENT" "$GNUTLS_RECEIVED"
expect_grep "adieu-server: both close_notify crossed" "$WORK/c4.srv.out" "$CLEAN"

log "== adieu-server -www closes first -> gnutls-cli (which does not answer)"
# gnutls-cli 3.7 takes our close_notify but closes without sending its own
# (it sends one only at its stdin's end): adieu-server must call that what
# it is, a transport end without close_notify, not a clean end.
start_adieu_server s4.srv -cert "$FULLCHAIN" -key "$KEY" -www -naccept 1
run_gnutls_client s4 "$GET" "- Peer has closed the GnuTLS connection" --x509cafile "$ROOT"
wait_exit "$SERVER_PID" 5
expect_status "gnutls-cli succeeds" "$RC" 0
expect_grep "the page arrived" "$WORK/s4.cli.out" "HTTP/1.0 200 OK"
expect_grep "gnutls-cli received our close_notify" "$WORK/s4.cli.err" "$GNUTLS_RECEIVED"
expect_no_grep "gnutls-cli sent none" "$WORK/s4.cli.err" "$GNUTLS_SENT"
expect_grep "adieu-server reports the unanswered close as truncation" "$WORK/s4.srv.out" \
  "ended: read=truncated write=close_notify_sent: truncated"

finish "close orders"
