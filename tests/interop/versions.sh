#!/usr/bin/env bash
# adieu speaks TLS 1.3 only: a TLS 1.2-only peer gets (or sends) a
# protocol_version alert (RFC 8446 section 4.2.1), never a half-made
# connection.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa
TLS12_ONLY="NORMAL:-VERS-ALL:+VERS-TLS1.2"

log "== openssl s_client -tls1_2 -> adieu-server"
start_adieu_server so.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
run_openssl_client so 'x\n' 'x' -CAfile "$ROOT" -tls1_2
wait_exit "$SERVER_PID" 5
expect_nonzero "s_client fails" "$RC"
expect_grep "adieu-server sent protocol_version" "$WORK/so.srv.out" \
  "handshake failed ended: read=error write=fatal_alert_sent: fatal alert sent: protocol_version"
expect_grep "s_client received protocol_version" "$WORK/so.cli.out" \
  "<<< TLS 1.2, Alert [length 0002], fatal protocol_version"

log "== adieu-client -> openssl s_server -tls1_2"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -tls1_2 -naccept 1
run_adieu_client os 'x\n' -CAfile "$ROOT"
wait_exit "$SERVER_PID" 5
expect_nonzero "adieu-client fails" "$RC"
expect_grep "adieu-client received protocol_version" "$WORK/os.cli.err" \
  "fatal alert received: protocol_version"
expect_grep "s_server sent protocol_version" "$WORK/os.srv.out" \
  ">>> TLS 1.2, Alert [length 0002], fatal protocol_version"

log "== gnutls-cli (TLS 1.2 only) -> adieu-server"
start_adieu_server gc.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
run_gnutls_client gc 'x\n' 'x' --x509cafile "$ROOT" --priority "$TLS12_ONLY"
wait_exit "$SERVER_PID" 5
expect_nonzero "gnutls-cli fails" "$RC"
expect_grep "adieu-server sent protocol_version" "$WORK/gc.srv.out" \
  "fatal alert sent: protocol_version"

log "== adieu-client -> gnutls-serv (TLS 1.2 only)"
start_gnutls_server gs.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY" \
  --priority "$TLS12_ONLY"
run_adieu_client gs 'x\n' -CAfile "$ROOT"
sleep 0.1
stop_server
expect_nonzero "adieu-client fails" "$RC"
# Our ClientHello offers TLS 1.3 suites only, so GnuTLS finds no TLS 1.2
# suite in common and says handshake_failure.
expect_grep "gnutls-serv refused us" "$WORK/gs.cli.err" \
  "handshake failed"
expect_grep "gnutls-serv refused us" "$WORK/gs.cli.err" \
  "fatal alert received: handshake_failure"

finish "TLS 1.2-only peers"
