#!/usr/bin/env bash
# ALPN (RFC 7301): the server picks its most preferred protocol the client
# offered; no overlap on an adieu server is a no_application_protocol alert;
# no ALPN offered means none negotiated.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa

log "== adieu-client -alpn h2,http/1.1 -> openssl s_server -alpn http/1.1"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -alpn http/1.1 \
  -naccept 1
run_adieu_client os 'alpn\n' -CAfile "$ROOT" -alpn h2,http/1.1
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "adieu-client negotiated http/1.1" "$WORK/os.cli.err" "alpn=http/1.1"
expect_grep "s_server saw our list" "$WORK/os.srv.out" \
  "ALPN protocols advertised by the client: h2, http/1.1"
expect_grep "s_server selected http/1.1" "$WORK/os.srv.out" "ALPN protocols selected: http/1.1"

log "== openssl s_client -alpn h2,http/1.1 -> adieu-server -alpn http/1.1,h2 (server order wins)"
start_adieu_server so.srv -cert "$FULLCHAIN" -key "$KEY" -alpn http/1.1,h2 -naccept 1
run_openssl_client so 'alpn\n' 'alpn' -CAfile "$ROOT" -verify_return_error -alpn h2,http/1.1
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client negotiated http/1.1" "$WORK/so.cli.out" "ALPN protocol: http/1.1"
expect_grep "adieu-server negotiated http/1.1" "$WORK/so.srv.out" "alpn=http/1.1"
expect_grep "adieu-server saw both close_notify" "$WORK/so.srv.out" "$CLEAN"

log "== openssl s_client -alpn foo -> adieu-server -alpn h2: no_application_protocol"
start_adieu_server som.srv -cert "$FULLCHAIN" -key "$KEY" -alpn h2 -naccept 1
run_openssl_client som 'alpn\n' 'alpn' -CAfile "$ROOT" -verify_return_error -alpn foo
wait_exit "$SERVER_PID" 5
expect_nonzero "s_client fails" "$RC"
expect_grep "adieu-server sent no_application_protocol" "$WORK/som.srv.out" \
  "handshake failed ended: read=error write=fatal_alert_sent: fatal alert sent: no_application_protocol"
# (-msg prints alert 120 as "fatal ???"; the error queue names it.)
expect_grep "s_client received no_application_protocol" "$WORK/som.cli.err" \
  "alert no application protocol"

log "== openssl s_client without ALPN -> adieu-server -alpn h2: none negotiated"
start_adieu_server son.srv -cert "$FULLCHAIN" -key "$KEY" -alpn h2 -naccept 1
run_openssl_client son 'alpn\n' 'alpn' -CAfile "$ROOT" -verify_return_error
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client negotiated none" "$WORK/son.cli.out" "No ALPN negotiated"
expect_grep "adieu-server negotiated none" "$WORK/son.srv.out" "alpn=none"

log "== adieu-client -alpn h2,http/1.1 -> gnutls-serv --alpn h2"
start_gnutls_server gs.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY" \
  --alpn h2 --alpn-fatal
run_adieu_client gs 'alpn\n' -CAfile "$ROOT" -alpn h2,http/1.1
sleep 0.1
stop_server
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "adieu-client negotiated h2" "$WORK/gs.cli.err" "alpn=h2"
expect_grep "gnutls-serv negotiated h2" "$WORK/gs.srv.out" "Application protocol: h2"

log "== gnutls-cli --alpn http/1.1 --alpn h2 -> adieu-server -alpn h2"
start_adieu_server gc.srv -cert "$FULLCHAIN" -key "$KEY" -alpn h2 -naccept 1
run_gnutls_client gc 'alpn\n' 'alpn' --x509cafile "$ROOT" --alpn http/1.1 --alpn h2
wait_exit "$SERVER_PID" 5
expect_status "gnutls-cli succeeds" "$RC" 0
expect_grep "gnutls-cli negotiated h2" "$WORK/gc.cli.out" "Application protocol: h2"
expect_grep "adieu-server negotiated h2" "$WORK/gc.srv.out" "alpn=h2"
expect_grep "adieu-server saw both close_notify" "$WORK/gc.srv.out" "$CLEAN"

finish "ALPN"
