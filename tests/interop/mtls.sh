#!/usr/bin/env bash
# Client certificates (mTLS): required and sent, required and missing
# (certificate_required, RFC 8446 section 4.4.2.4), optional and missing, and
# a client certificate from an untrusted root (unknown_ca). Both directions,
# both peers.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa
CLIENT_CERT=$D/client-fullchain.pem
CLIENT_KEY=$D/client-leaf.key

log "== adieu-client with a certificate -> openssl s_server -Verify"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -Verify 2 \
  -CAfile "$ROOT" -naccept 1
run_adieu_client os 'mtls\n' -CAfile "$ROOT" -cert "$CLIENT_CERT" -key "$CLIENT_KEY"
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "s_server got our certificate" "$WORK/os.srv.out" "Client certificate"
expect_grep "s_server verified our certificate" "$WORK/os.srv.err" \
  "depth=0 O = adieu tests, CN = adieu client"
expect_no_grep "s_server had no verify error" "$WORK/os.srv.err" "verify error"
expect_grep "s_server got the data" "$WORK/os.srv.out" "mtls"
expect_grep "adieu-client saw both close_notify" "$WORK/os.cli.err" "$CLEAN"

log "== adieu-client without a certificate -> openssl s_server -Verify: certificate_required"
start_openssl_server osn.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -Verify 2 \
  -CAfile "$ROOT" -naccept 1
run_adieu_client osn 'mtls\n' -CAfile "$ROOT"
wait_exit "$SERVER_PID" 5
expect_nonzero "adieu-client fails" "$RC"
expect_grep "adieu-client reports the alert" "$WORK/osn.cli.err" \
  "fatal alert received: certificate_required"
expect_grep "s_server refused" "$WORK/osn.srv.err" "peer did not return a certificate"
expect_grep "s_server sent certificate_required" "$WORK/osn.srv.out" \
  ">>> TLS 1.3, Alert [length 0002], fatal certificate_required"

log "== openssl s_client with a certificate -> adieu-server -Verify"
start_adieu_server so.srv -cert "$FULLCHAIN" -key "$KEY" -Verify 2 -CAfile "$ROOT" -naccept 1
run_openssl_client so 'mtls\n' 'mtls' -CAfile "$ROOT" -verify_return_error \
  -cert "$D/client-leaf.pem" -cert_chain "$D/ecdsa-chain.pem" -key "$CLIENT_KEY"
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client was asked for a certificate" "$WORK/so.cli.out" \
  "<<< TLS 1.3, Handshake [length"
expect_grep "s_client was asked for a certificate" "$WORK/so.cli.out" "CertificateRequest"
expect_grep "adieu-server got the client chain" "$WORK/so.srv.out" "peer_sig=ecdsa_secp256r1_sha256"
expect_grep "adieu-server got the client chain" "$WORK/so.srv.out" "peer_certs=2"
expect_grep "echo came back" "$WORK/so.cli.out" "mtls"
expect_grep "adieu-server saw both close_notify" "$WORK/so.srv.out" "$CLEAN"

log "== openssl s_client without a certificate -> adieu-server -Verify: certificate_required"
start_adieu_server son.srv -cert "$FULLCHAIN" -key "$KEY" -Verify 2 -CAfile "$ROOT" -naccept 1
run_openssl_client son 'mtls\n' 'mtls' -CAfile "$ROOT" -verify_return_error
wait_exit "$SERVER_PID" 5
expect_nonzero "s_client fails" "$RC"
expect_grep "adieu-server sent certificate_required" "$WORK/son.srv.out" \
  "handshake failed ended: read=error write=fatal_alert_sent: fatal alert sent: certificate_required"
expect_grep "s_client received certificate_required" "$WORK/son.cli.out" \
  "<<< TLS 1.3, Alert [length 0002], fatal certificate_required"
expect_no_grep "the data was not echoed" "$WORK/son.cli.out" "mtls"

log "== openssl s_client without a certificate -> adieu-server -verify (optional)"
start_adieu_server soo.srv -cert "$FULLCHAIN" -key "$KEY" -verify 2 -CAfile "$ROOT" -naccept 1
run_openssl_client soo 'optional\n' 'optional' -CAfile "$ROOT" -verify_return_error
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client was asked for a certificate" "$WORK/soo.cli.out" "CertificateRequest"
expect_grep "adieu-server accepted no certificate" "$WORK/soo.srv.out" "peer_certs=0"
expect_grep "adieu-server saw both close_notify" "$WORK/soo.srv.out" "$CLEAN"

log "== openssl s_client with a certificate from another root -> adieu-server: unknown_ca"
start_adieu_server sou.srv -cert "$FULLCHAIN" -key "$KEY" -Verify 2 -CAfile "$D/rsa-root.pem" \
  -naccept 1
run_openssl_client sou 'mtls\n' 'mtls' -CAfile "$ROOT" -verify_return_error \
  -cert "$CLIENT_CERT" -key "$CLIENT_KEY"
wait_exit "$SERVER_PID" 5
expect_nonzero "s_client fails" "$RC"
expect_grep "adieu-server sent unknown_ca" "$WORK/sou.srv.out" "fatal alert sent: unknown_ca"
expect_grep "s_client received unknown_ca" "$WORK/sou.cli.out" \
  "<<< TLS 1.3, Alert [length 0002], fatal unknown_ca"

log "== adieu-client with a certificate -> gnutls-serv --require-client-cert"
start_gnutls_server gs.srv --echo -r --verify-client-cert --x509cafile "$ROOT" \
  --x509certfile "$FULLCHAIN" --x509keyfile "$KEY"
run_adieu_client gs 'mtls\n' -CAfile "$ROOT" -cert "$CLIENT_CERT" -key "$CLIENT_KEY"
sleep 0.1
stop_server
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "gnutls-serv got our chain" "$WORK/gs.srv.out" "Got a certificate list of 2 certificates."
expect_grep "gnutls-serv got our certificate" "$WORK/gs.srv.out" "Subject: CN=adieu client"
expect_grep "echo came back" "$WORK/gs.cli.out" "mtls"

log "== adieu-client without a certificate -> gnutls-serv --require-client-cert"
start_gnutls_server gsn.srv --echo -r --verify-client-cert --x509cafile "$ROOT" \
  --x509certfile "$FULLCHAIN" --x509keyfile "$KEY"
run_adieu_client gsn 'mtls\n' -CAfile "$ROOT"
sleep 0.1
stop_server
expect_nonzero "adieu-client fails" "$RC"
expect_grep "adieu-client reports the alert" "$WORK/gsn.cli.err" \
  "fatal alert received: certificate_required"
expect_grep "gnutls-serv sent certificate_required" "$WORK/gsn.srv.err" \
  "Sending Alert[2|116] - Certificate is required"

log "== gnutls-cli with a certificate -> adieu-server -Verify"
start_adieu_server gc.srv -cert "$FULLCHAIN" -key "$KEY" -Verify 2 -CAfile "$ROOT" -naccept 1
run_gnutls_client gc 'mtls\n' 'mtls' --x509cafile "$ROOT" --x509certfile "$CLIENT_CERT" \
  --x509keyfile "$CLIENT_KEY"
wait_exit "$SERVER_PID" 5
expect_status "gnutls-cli succeeds" "$RC" 0
expect_grep "adieu-server got the client chain" "$WORK/gc.srv.out" "peer_certs=2"
expect_grep "adieu-server saw both close_notify" "$WORK/gc.srv.out" "$CLEAN"
expect_grep "echo came back" "$WORK/gc.cli.out" "mtls"

log "== gnutls-cli without a certificate -> adieu-server -Verify: certificate_required"
start_adieu_server gcn.srv -cert "$FULLCHAIN" -key "$KEY" -Verify 2 -CAfile "$ROOT" -naccept 1
run_gnutls_client gcn 'mtls\n' 'mtls' --x509cafile "$ROOT"
wait_exit "$SERVER_PID" 5
expect_nonzero "gnutls-cli fails" "$RC"
expect_grep "adieu-server sent certificate_required" "$WORK/gcn.srv.out" \
  "fatal alert sent: certificate_required"
expect_grep "gnutls-cli received certificate_required" "$WORK/gcn.cli.err" \
  "Alert[2|116] - Certificate is required - was received"

finish "client certificates"
