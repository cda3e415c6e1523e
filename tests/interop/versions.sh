#!/usr/bin/env bash
# Version negotiation with real peers: TLS 1.2 both ways with OpenSSL and
# GnuTLS (EMS, a clean close_notify exchange), the TLS 1.3 downgrade
# sentinel, TLS 1.1 refused with protocol_version, and renegotiation refused
# with a no_renegotiation warning.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa
TLS12_ONLY="NORMAL:-VERS-ALL:+VERS-TLS1.2"
TLS12_LINE="version=TLSv1.2 suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 group=x25519"

log "== openssl s_client -tls1_2 -> adieu-server"
start_adieu_server so.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
run_openssl_client so 'x\n' 'x' -CAfile "$ROOT" -tls1_2 -verify_return_error
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client negotiated TLS 1.2" "$WORK/so.cli.out" "Protocol  : TLSv1.2"
expect_grep "with the extended master secret" "$WORK/so.cli.out" "Extended master secret: yes"
expect_grep "s_client verified adieu-server" "$WORK/so.cli.out" "Verify return code: 0 (ok)"
expect_grep "adieu-server negotiated TLS 1.2" "$WORK/so.srv.out" "$TLS12_LINE"
expect_grep "adieu-server: both close_notify crossed" "$WORK/so.srv.out" "$CLEAN"

log "== adieu-client -> openssl s_server -tls1_2"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -tls1_2 -naccept 1
run_adieu_client os 'x\n' -CAfile "$ROOT"
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "adieu-client negotiated TLS 1.2" "$WORK/os.cli.err" \
  "$TLS12_LINE peer_sig=ecdsa_secp256r1_sha256"
expect_grep "adieu-client: both close_notify crossed" "$WORK/os.cli.err" "$CLEAN"
expect_grep "s_server got the data" "$WORK/os.srv.out" "x"
expect_grep "s_server received our close_notify" "$WORK/os.srv.out" \
  "<<< TLS 1.2, Alert [length 0002], warning close_notify"

log "== adieu-client -tls1_2 -> openssl s_server (TLS 1.2 and 1.3)"
start_openssl_server o2.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
run_adieu_client o2 'x\n' -CAfile "$ROOT" -tls1_2
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "adieu-client negotiated TLS 1.2" "$WORK/o2.cli.err" "$TLS12_LINE"

log "== openssl s_client (TLS 1.2 and 1.3) -> adieu-server -tls1_2"
start_adieu_server s2.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1 -tls1_2
run_openssl_client s2 'x\n' 'x' -CAfile "$ROOT" -verify_return_error
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client negotiated TLS 1.2" "$WORK/s2.cli.out" "Protocol  : TLSv1.2"
expect_grep "adieu-server negotiated TLS 1.2" "$WORK/s2.srv.out" "$TLS12_LINE"

log "== gnutls-cli (TLS 1.2 only) -> adieu-server"
start_adieu_server gc.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
run_gnutls_client gc 'x\n' 'x' --x509cafile "$ROOT" --priority "$TLS12_ONLY"
wait_exit "$SERVER_PID" 5
expect_status "gnutls-cli succeeds" "$RC" 0
expect_grep "gnutls-cli negotiated TLS 1.2" "$WORK/gc.cli.out" "(TLS1.2-X.509)"
expect_grep "adieu-server negotiated TLS 1.2" "$WORK/gc.srv.out" "$TLS12_LINE"
expect_grep "adieu-server: both close_notify crossed" "$WORK/gc.srv.out" "$CLEAN"

log "== adieu-client -> gnutls-serv (TLS 1.2 only)"
start_gnutls_server gs.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY" \
  --priority "$TLS12_ONLY"
run_adieu_client gs 'x\n' -CAfile "$ROOT"
sleep 0.1
stop_server
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "adieu-client negotiated TLS 1.2" "$WORK/gs.cli.err" "$TLS12_LINE"
expect_grep "the echo came back" "$WORK/gs.cli.out" "x"
expect_grep "adieu-client: both close_notify crossed" "$WORK/gs.cli.err" "$CLEAN"

log "== openssl s_client -tls1_1 -> adieu-server: protocol_version"
start_adieu_server t11.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
run_openssl_client t11 'x\n' '' -CAfile "$ROOT" -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'
wait_exit "$SERVER_PID" 5
expect_nonzero "s_client fails" "$RC"
expect_grep "adieu-server sent protocol_version" "$WORK/t11.srv.out" \
  "fatal alert sent: protocol_version"
expect_grep "s_client received protocol_version" "$WORK/t11.cli.out" \
  "Alert [length 0002], fatal protocol_version"

log "== adieu-server (TLS 1.3 capable) marks its TLS 1.2 random (RFC 8446 4.1.3)"
# s_client -tls1_2 did not offer TLS 1.3, so it accepts the sentinel; the
# ServerHello's random ends with DOWNGRD\x01.
if grep -A3 "ServerHello" "$WORK/so.cli.out" | tr -d ' \n' | grep -q "444f574e47524401"; then
  pass "the ServerHello random ends with the TLS 1.2 downgrade sentinel"
else
  failed "no downgrade sentinel in adieu-server's TLS 1.2 ServerHello"
  show "$WORK/so.cli.out"
fi

log "== openssl s_client -tls1_2 asks to renegotiate (R) -> no_renegotiation"
# s_client takes "R" as a command only at the start of what it reads: the
# line goes alone, once the echo of the first one is back.
start_adieu_server r.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
open_stdin_fifo r.cli
spawn "$STDIN_FIFO" "$WORK/r.cli.out" "$WORK/r.cli.err" timeout 30 openssl s_client \
  -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$ROOT" -tls1_2 -msg
R_PID=$SPAWNED_PID
printf 'hello\n' >&"$STDIN_FD"
wait_for_line "$WORK/r.cli.out" "hello" 10 "$R_PID"
printf 'R\n' >&"$STDIN_FD"
wait_for_text "$WORK/r.cli.out" "no_renegotiation" 10 "$R_PID"
exec {STDIN_FD}>&-
wait_exit "$R_PID" 10
wait_exit "$SERVER_PID" 5
expect_grep "s_client sent a renegotiation ClientHello" "$WORK/r.cli.err" "RENEGOTIATING"
expect_grep "adieu-server answered no_renegotiation" "$WORK/r.cli.out" \
  "<<< TLS 1.2, Alert [length 0002], warning no_renegotiation"
# OpenSSL ends a renegotiation refused this way with handshake_failure
# (openssl-shutdown-behavior.md R44); adieu-server reports that alert.
expect_grep "s_client then gave up with handshake_failure" "$WORK/r.cli.out" \
  ">>> TLS 1.2, Alert [length 0002], fatal handshake_failure"
expect_grep "adieu-server saw the peer's alert" "$WORK/r.srv.out" \
  "fatal alert received: handshake_failure"

finish "version negotiation and TLS 1.2"
