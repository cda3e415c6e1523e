#!/usr/bin/env bash
# 0-RTT data (RFC 8446 section 4.2.10) with real peers, both ways:
# adieu-client -sess_in -early_data against openssl s_server -early_data and
# gnutls-serv --earlydata; openssl s_client -early_data and gnutls-cli
# --resume --earlydata against adieu-server -early_data. Each 0-RTT
# connection resumes, its early data is accepted and read by the server
# (s_server prints it, GnuTLS logs it, adieu-server echoes it), and both
# sides close cleanly. Early data that a HelloRetryRequest rejects is skipped
# by s_server, and adieu-client sends it again after the handshake.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa
printf 'early bytes\n' >"$WORK/early.txt"

# adieu_early TAG: a full handshake saving the session, then one sending
# early.txt as 0-RTT data with it (server at $PORT); WANT is what
# adieu-client reports of the second connection.
adieu_early() {
  local tag=$1 want=$2
  run_adieu_client "$tag.1" 'first\n' -CAfile "$ROOT" -sess_out "$WORK/$tag.sess"
  expect_status "$tag: first connection ends cleanly" "$RC" 0
  run_adieu_client "$tag.2" 'second\n' -CAfile "$ROOT" -sess_in "$WORK/$tag.sess" \
    -early_data "$WORK/early.txt"
  expect_status "$tag: the 0-RTT connection ends cleanly" "$RC" 0
  expect_grep "$tag: $want" "$WORK/$tag.2.cli.err" "$want"
}

log "== adieu-client -early_data -> openssl s_server -early_data"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 2 -early_data
adieu_early os "hrr=no sni=localhost peer_certs=0 resumed=yes early_data=accepted early_data_bytes=12"
wait_exit "$SERVER_PID" 5
expect_grep "os: s_server read the early data" "$WORK/os.srv.out" "Early data received:"
expect_count "os: s_server printed it once" "$WORK/os.srv.out" "early bytes" 1

log "== adieu-client -early_data -> openssl s_server -early_data -groups P-256 (HRR rejects it)"
start_openssl_server hr.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 2 \
  -early_data -groups P-256
# OpenSSL's tickets for 0-RTT are single-use (its anti-replay): the first
# ClientHello used it up, so the second one gets a full handshake.
adieu_early hr "hrr=yes sni=localhost peer_certs=2 resumed=no early_data=rejected early_data_bytes=12"
wait_exit "$SERVER_PID" 5
expect_grep "hr: s_server read no early data" "$WORK/hr.srv.out" "No early data received"
expect_count "hr: s_server got the data once, after the handshake" "$WORK/hr.srv.out" \
  "early bytes" 1

log "== adieu-client -early_data -> gnutls-serv --earlydata"
start_gnutls_server gs.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY" --earlydata
adieu_early gs "hrr=no sni=localhost peer_certs=0 resumed=yes early_data=accepted early_data_bytes=12"
sleep 0.1
stop_server
expect_grep "gs: gnutls-serv decrypted the 12 bytes of early data" "$WORK/gs.srv.err" \
  "decrypted early data with length: 12"

log "== openssl s_client -early_data / gnutls-cli --earlydata -> adieu-server -early_data"
start_adieu_server st.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 4 -early_data -verbose
run_openssl_client st.o1 'first\n' 'first' -CAfile "$ROOT" -verify_return_error \
  -sess_out "$WORK/st.pem"
expect_status "st: s_client's first connection succeeds" "$RC" 0
run_openssl_client st.o2 'second\n' 'second' -CAfile "$ROOT" -verify_return_error \
  -sess_in "$WORK/st.pem" -early_data "$WORK/early.txt"
expect_status "st: s_client's 0-RTT connection succeeds" "$RC" 0
expect_grep "st: s_client's early data was accepted" "$WORK/st.o2.cli.out" \
  "Early data was accepted"
expect_grep "st: adieu-server echoed it" "$WORK/st.o2.cli.out" "early bytes"
run_gnutls_client st.g 'resume\n' 'resume' --x509cafile "$ROOT" --resume \
  --earlydata="$WORK/early.txt"
expect_status "st: gnutls-cli --resume --earlydata succeeds" "$RC" 0
expect_grep "st: gnutls-cli resumed" "$WORK/st.g.cli.out" "*** This is a resumed session"
wait_exit "$SERVER_PID" 5
expect_count "st: adieu-server took 0-RTT data twice" "$WORK/st.srv.out" \
  "resumed=yes early_data=accepted early_data_bytes=12" 2
expect_count "st: adieu-server ended all 4 connections cleanly" "$WORK/st.srv.out" "$CLEAN" 4

log "== openssl s_client -early_data GET -> adieu-server -www -early_data"
printf 'GET / HTTP/1.0\r\n\r\n' >"$WORK/get.txt"
start_adieu_server ww.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 2 -www -early_data -verbose
run_openssl_client ww.o1 'GET / HTTP/1.0\r\n\r\n' 'HTTP/1.0 200' -CAfile "$ROOT" \
  -verify_return_error -sess_out "$WORK/ww.pem"
expect_status "ww: s_client's first request succeeds" "$RC" 0
run_openssl_client ww.o2 '' 'HTTP/1.0 200' -CAfile "$ROOT" -verify_return_error \
  -sess_in "$WORK/ww.pem" -early_data "$WORK/get.txt"
expect_status "ww: s_client's 0-RTT request succeeds" "$RC" 0
expect_grep "ww: the request went as early data" "$WORK/ww.o2.cli.out" "Early data was accepted"
expect_grep "ww: adieu-server answered it" "$WORK/ww.o2.cli.out" "HTTP/1.0 200 OK"
wait_exit "$SERVER_PID" 5
expect_count "ww: adieu-server took the GET as 0-RTT data" "$WORK/ww.srv.out" \
  "resumed=yes early_data=accepted early_data_bytes=18" 1

finish "Early data"
