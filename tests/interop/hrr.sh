#!/usr/bin/env bash
# HelloRetryRequest (RFC 8446 section 4.1.4): the client's key share is for
# x25519 but the server only takes P-256, so the server asks again and the
# client sends a second ClientHello with a P-256 share. Both directions, both
# peers; plus a control run where no HRR must happen.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa

log "== adieu-client (X25519:P-256) -> openssl s_server -groups P-256"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -groups P-256 -naccept 1
run_adieu_client os 'hrr\n' -CAfile "$ROOT" -groups X25519:P-256
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "adieu-client reports the HRR" "$WORK/os.cli.err" "group=secp256r1"
expect_grep "adieu-client reports the HRR" "$WORK/os.cli.err" "hrr=yes"
expect_count "s_server received two ClientHellos" "$WORK/os.srv.out" "], ClientHello" 2
expect_grep "s_server got the data" "$WORK/os.srv.out" "hrr"
expect_grep "adieu-client saw both close_notify" "$WORK/os.cli.err" "$CLEAN"

log "== control: adieu-client (X25519:P-256) -> openssl s_server (default groups): no HRR"
start_openssl_server ctl.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
run_adieu_client ctl 'no hrr\n' -CAfile "$ROOT" -groups X25519:P-256
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "no HRR reported" "$WORK/ctl.cli.err" "group=x25519"
expect_grep "no HRR reported" "$WORK/ctl.cli.err" "hrr=no"
expect_count "s_server received one ClientHello" "$WORK/ctl.srv.out" "], ClientHello" 1

log "== openssl s_client (X25519:P-256) -> adieu-server -groups P-256"
start_adieu_server so.srv -cert "$FULLCHAIN" -key "$KEY" -groups P-256 -naccept 1
run_openssl_client so 'hrr\n' 'hrr' -CAfile "$ROOT" -verify_return_error -groups X25519:P-256
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_count "s_client sent two ClientHellos" "$WORK/so.cli.out" "], ClientHello" 2
expect_grep "s_client used P-256" "$WORK/so.cli.out" "Server Temp Key: ECDH, prime256v1"
expect_grep "adieu-server reports the HRR" "$WORK/so.srv.out" "group=secp256r1"
expect_grep "adieu-server reports the HRR" "$WORK/so.srv.out" "hrr=yes"
expect_grep "adieu-server saw both close_notify" "$WORK/so.srv.out" "$CLEAN"

log "== adieu-client (X25519:P-256) -> gnutls-serv (SECP256R1 only)"
start_gnutls_server gs.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY" \
  --priority NORMAL:-GROUP-ALL:+GROUP-SECP256R1
run_adieu_client gs 'hrr\n' -CAfile "$ROOT" -groups X25519:P-256
sleep 0.1
stop_server
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "adieu-client reports the HRR" "$WORK/gs.cli.err" "hrr=yes"
expect_grep "adieu-client used P-256" "$WORK/gs.cli.err" "group=secp256r1"
expect_grep "gnutls-serv sent a HelloRetryRequest" "$WORK/gs.srv.err" \
  "HELLO RETRY REQUEST was queued"
expect_grep "echo came back" "$WORK/gs.cli.out" "hrr"

log "== gnutls-cli (single key share, X25519 then P-256) -> adieu-server -groups P-256"
start_adieu_server gc.srv -cert "$FULLCHAIN" -key "$KEY" -groups P-256 -naccept 1
run_gnutls_client gc 'hrr\n' 'hrr' --x509cafile "$ROOT" --single-key-share \
  --priority NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1
wait_exit "$SERVER_PID" 5
expect_status "gnutls-cli succeeds" "$RC" 0
expect_grep "gnutls-cli received a HelloRetryRequest" "$WORK/gc.cli.err" \
  "HELLO RETRY REQUEST (1025) was received"
expect_grep "gnutls-cli used P-256" "$WORK/gc.cli.out" "(ECDHE-SECP256R1)"
expect_grep "adieu-server reports the HRR" "$WORK/gc.srv.out" "hrr=yes"
expect_grep "adieu-server saw both close_notify" "$WORK/gc.srv.out" "$CLEAN"

finish "HelloRetryRequest"
