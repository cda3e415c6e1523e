#!/usr/bin/env bash
# TLS 1.3 post-handshake client authentication (RFC 8446 section 4.6.2):
# openssl s_client -enable_pha and gnutls-cli --post-handshake-auth against
# adieu-server -verify_post_handshake (a certificate verified, none accepted
# or refused, a client that did not offer it); adieu-client -enable_pha
# against openssl s_server, whose "c" command sends the request. gnutls-serv
# has no way to send a post-handshake request, so that direction is not run.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa
CLIENT_CERT=$D/client-fullchain.pem
CLIENT_KEY=$D/client-leaf.key
VERIFIED="post-handshake auth: client certificate verified peer_certs=2 peer_sig=ecdsa_secp256r1_sha256"

log "== openssl s_client -enable_pha with a certificate -> adieu-server -verify_post_handshake"
start_adieu_server so.srv -cert "$FULLCHAIN" -key "$KEY" -CAfile "$ROOT" \
  -verify_post_handshake -naccept 1
run_openssl_client so 'pha\n' 'pha' -CAfile "$ROOT" -verify_return_error -enable_pha \
  -cert "$D/client-leaf.pem" -cert_chain "$D/ecdsa-chain.pem" -key "$CLIENT_KEY"
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_order "no request in the handshake, one after it" "$WORK/so.cli.out" \
  "<<< TLS 1.3, Handshake [length 0024], Finished" "CertificateRequest"
expect_count "one request" "$WORK/so.cli.out" "], CertificateRequest" 1
# What s_client sent after the request (a CertificateVerify's length varies
# with its ECDSA signature).
sed -n '/CertificateRequest/,$p' "$WORK/so.cli.out" >"$WORK/so.cli.after"
expect_grep "s_client answered with its chain" "$WORK/so.cli.after" \
  ">>> TLS 1.3, Handshake [length 03cb], Certificate"
expect_grep "s_client signed" "$WORK/so.cli.after" "], CertificateVerify"
expect_grep "adieu-server verified and reported the certificate" "$WORK/so.srv.out" "$VERIFIED"
expect_grep "adieu-server counted it" "$WORK/so.srv.out" "post_handshake_auths=1 pending=0"
expect_grep "echo came back" "$WORK/so.cli.out" "pha"
expect_grep "adieu-server saw both close_notify" "$WORK/so.srv.out" "$CLEAN"

log "== openssl s_client -enable_pha without a certificate -> adieu-server (optional)"
start_adieu_server son.srv -cert "$FULLCHAIN" -key "$KEY" -CAfile "$ROOT" \
  -verify_post_handshake -naccept 1
run_openssl_client son 'pha\n' 'pha' -CAfile "$ROOT" -verify_return_error -enable_pha
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client sent an empty Certificate" "$WORK/son.cli.out" \
  ">>> TLS 1.3, Handshake [length 0028], Certificate" # 4 + 1 + 32 (context) + 3
expect_grep "adieu-server accepted no certificate" "$WORK/son.srv.out" \
  "post-handshake auth: no client certificate (accepted)"
expect_grep "adieu-server saw both close_notify" "$WORK/son.srv.out" "$CLEAN"

log "== openssl s_client -enable_pha without a certificate -> adieu-server -Verify: certificate_required"
start_adieu_server sor.srv -cert "$FULLCHAIN" -key "$KEY" -CAfile "$ROOT" -Verify 1 \
  -post_handshake_auth -naccept 1
run_openssl_client sor 'pha\n' '' -CAfile "$ROOT" -verify_return_error -enable_pha
wait_exit "$SERVER_PID" 5
expect_grep "adieu-server sent certificate_required" "$WORK/sor.srv.out" \
  "fatal alert sent: certificate_required"
expect_grep "s_client received certificate_required" "$WORK/sor.cli.out" \
  "<<< TLS 1.3, Alert [length 0002], fatal certificate_required"

log "== openssl s_client without -enable_pha -> adieu-server -verify_post_handshake: not requested"
start_adieu_server sno.srv -cert "$FULLCHAIN" -key "$KEY" -CAfile "$ROOT" \
  -verify_post_handshake -naccept 1
run_openssl_client sno 'pha\n' 'pha' -CAfile "$ROOT" -verify_return_error
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "adieu-server says why" "$WORK/sno.srv.out" \
  "post-handshake auth: not requested: the peer did not offer the extension this needs"
expect_no_grep "no request was sent" "$WORK/sno.cli.out" "CertificateRequest"
expect_grep "adieu-server saw both close_notify" "$WORK/sno.srv.out" "$CLEAN"

log "== openssl s_client -tls1_2 -> adieu-server -verify_post_handshake: asked in the handshake"
# As OpenSSL's SSL_VERIFY_POST_HANDSHAKE: TLS 1.2 has no post-handshake
# authentication, so its handshake asks.
start_adieu_server s12.srv -cert "$FULLCHAIN" -key "$KEY" -CAfile "$ROOT" \
  -verify_post_handshake -naccept 1
run_openssl_client s12 'pha\n' 'pha' -CAfile "$ROOT" -verify_return_error -tls1_2 \
  -cert "$D/client-leaf.pem" -cert_chain "$D/ecdsa-chain.pem" -key "$CLIENT_KEY"
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client was asked in the handshake" "$WORK/s12.cli.out" "CertificateRequest"
expect_grep "adieu-server got the chain in the handshake" "$WORK/s12.srv.out" "peer_certs=2"
expect_grep "adieu-server says why no request followed" "$WORK/s12.srv.out" \
  "post-handshake auth: not requested: not available in the negotiated version"
expect_grep "adieu-server saw both close_notify" "$WORK/s12.srv.out" "$CLEAN"

log "== adieu-server -verify_post_handshake without -CAfile: a usage error"
timeout 10 "$ADIEU_SERVER" -cert "$FULLCHAIN" -key "$KEY" -verify_post_handshake \
  </dev/null >"$WORK/usage.out" 2>"$WORK/usage.err"
expect_status "exit status 2" "$?" 2
expect_grep "names the missing option" "$WORK/usage.err" "-verify_post_handshake need -CAfile"

log "== gnutls-cli --post-handshake-auth with a certificate -> adieu-server -verify_post_handshake"
start_adieu_server gc.srv -cert "$FULLCHAIN" -key "$KEY" -CAfile "$ROOT" \
  -verify_post_handshake -naccept 1
run_gnutls_client gc 'pha\n' 'pha' --x509cafile "$ROOT" --post-handshake-auth \
  --x509certfile "$CLIENT_CERT" --x509keyfile "$CLIENT_KEY"
wait_exit "$SERVER_PID" 5
expect_status "gnutls-cli succeeds" "$RC" 0
expect_grep "adieu-server verified and reported the certificate" "$WORK/gc.srv.out" "$VERIFIED"
expect_grep "adieu-server saw both close_notify" "$WORK/gc.srv.out" "$CLEAN"
expect_grep "echo came back" "$WORK/gc.cli.out" "pha"

log "== adieu-client -enable_pha -> openssl s_server, \"c\" sends the request"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -CAfile "$ROOT" \
  -verify_return_error -naccept 1
SERVER_FD=$STDIN_FD
open_stdin_fifo os.cli
CLIENT_FD=$STDIN_FD
spawn "$STDIN_FIFO" "$WORK/os.cli.out" "$WORK/os.cli.err" timeout 30 "$ADIEU_CLIENT" \
  -connect "127.0.0.1:$PORT" -servername localhost -timeout 5 -CAfile "$ROOT" -enable_pha \
  -cert "$CLIENT_CERT" -key "$CLIENT_KEY"
CLIENT_PID=$SPAWNED_PID
printf 'before\n' >&"$CLIENT_FD"
wait_for_line "$WORK/os.srv.out" "before" 10 "$SERVER_PID"
printf 'c\n' >&"$SERVER_FD"
wait_for_text "$WORK/os.srv.err" "CN = adieu client" 10 "$SERVER_PID"
printf 'after\n' >&"$SERVER_FD"
wait_for_line "$WORK/os.cli.out" "after" 10 "$CLIENT_PID"
exec {CLIENT_FD}>&-
wait_exit "$CLIENT_PID" 10
expect_status "adieu-client ends cleanly" "$WAIT_STATUS" 0
expect_order "s_server asked after the handshake" "$WORK/os.srv.out" "before" "], CertificateRequest"
sed -n '/CertificateRequest/,$p' "$WORK/os.srv.out" >"$WORK/os.srv.after"
expect_grep "adieu-client answered with its chain" "$WORK/os.srv.after" \
  "<<< TLS 1.3, Handshake [length 03cb], Certificate"
expect_grep "adieu-client signed" "$WORK/os.srv.after" "], CertificateVerify"
expect_grep "adieu-client sent its Finished" "$WORK/os.srv.after" \
  "<<< TLS 1.3, Handshake [length 0024], Finished"
expect_grep "s_server verified our certificate" "$WORK/os.srv.err" \
  "depth=0 O = adieu tests, CN = adieu client"
expect_no_grep "s_server had no verify error" "$WORK/os.srv.err" "verify error"
expect_grep "adieu-client counted the answer" "$WORK/os.cli.err" "post_handshake_auths=1"
expect_grep "adieu-client saw both close_notify" "$WORK/os.cli.err" "$CLEAN"
wait_exit "$SERVER_PID" 5

finish "post-handshake auth"
