#!/usr/bin/env bash
# Session resumption (RFC 8446 section 2.2; in TLS 1.2, session ids and RFC
# 5077 tickets, with OpenSSL and GnuTLS) with real peers, both ways:
# adieu-client -sess_out/-sess_in against openssl s_server and gnutls-serv;
# openssl s_client -sess_out/-sess_in and gnutls-cli --resume against
# adieu-server in both of its modes (stateless tickets; -no_ticket: stateful,
# the ticket is an id into the server's cache). Also the shutdown rule seen
# from the tools: a connection that ends without our close_notify leaves no
# session to save.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa

# adieu_resumes TAG DATA-FILE: a full handshake saving the session, then one
# offering it; checks that the second was resumed (no certificate), that its
# data reached DATA-FILE (s_server prints it; gnutls-serv echoes it) and that
# both ended cleanly. The server is at $PORT.
adieu_resumes() {
  local tag=$1 data=$2
  run_adieu_client "$tag.1" 'first\n' -CAfile "$ROOT" -sess_out "$WORK/$tag.sess"
  expect_status "$tag: first connection ends cleanly" "$RC" 0
  expect_grep "$tag: first connection is a full handshake" "$WORK/$tag.1.cli.err" \
    "peer_certs=2 resumed=no"
  expect_grep "$tag: the session was saved" "$WORK/$tag.1.cli.err" "session saved to"
  run_adieu_client "$tag.2" 'second\n' -CAfile "$ROOT" -sess_in "$WORK/$tag.sess"
  expect_status "$tag: resumed connection ends cleanly" "$RC" 0
  expect_grep "$tag: second connection resumed (no certificate sent)" "$WORK/$tag.2.cli.err" \
    "peer_sig=none alpn=none hrr=no sni=localhost peer_certs=0 resumed=yes"
  expect_grep "$tag: data crossed the resumed connection" "$data" "second"
}

log "== adieu-client -sess_out / -sess_in -> openssl s_server (stateless tickets)"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 2
adieu_resumes os "$WORK/os.srv.out"
wait_exit "$SERVER_PID" 5
expect_count "s_server resumed one of two connections" "$WORK/os.srv.out" "Reused session-id" 1

log "== adieu-client -> openssl s_server -no_ticket (stateful on OpenSSL's side)"
start_openssl_server osn.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 2 -no_ticket
adieu_resumes osn "$WORK/osn.srv.out"
wait_exit "$SERVER_PID" 5

log "== adieu-client -sess_out / -sess_in -> gnutls-serv"
start_gnutls_server gs.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY"
adieu_resumes gs "$WORK/gs.2.cli.out"
sleep 0.1
stop_server
expect_count "gnutls-serv resumed one connection" "$WORK/gs.srv.out" \
  "*** This is a resumed session" 1

# peer_resumes TAG MODE...: openssl s_client -sess_out then -sess_in (twice),
# then gnutls-cli --resume, against adieu-server started with MODE.
peer_resumes() {
  local tag=$1
  shift
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 5 "$@"
  run_openssl_client "$tag.o1" 'first\n' 'first' -CAfile "$ROOT" -verify_return_error \
    -sess_out "$WORK/$tag.pem"
  expect_status "$tag: s_client's first connection succeeds" "$RC" 0
  expect_grep "$tag: s_client's first connection is new" "$WORK/$tag.o1.cli.out" "New, TLSv1.3"
  run_openssl_client "$tag.o2" 'second\n' 'second' -CAfile "$ROOT" -verify_return_error \
    -sess_in "$WORK/$tag.pem"
  expect_status "$tag: s_client's resumed connection succeeds" "$RC" 0
  expect_grep "$tag: s_client -sess_in resumed" "$WORK/$tag.o2.cli.out" "Reused, TLSv1.3"
  # The same ticket again: stateless tickets resume again; a stateful
  # server's ticket was single-use, so the server falls back to a full
  # handshake.
  run_openssl_client "$tag.o3" 'third\n' 'third' -CAfile "$ROOT" -verify_return_error \
    -sess_in "$WORK/$tag.pem"
  expect_status "$tag: s_client's third connection succeeds" "$RC" 0
  expect_grep "$tag: the reused ticket $REUSED_TICKET" "$WORK/$tag.o3.cli.out" "$REUSED_LINE"
  run_gnutls_client "$tag.g" 'resume\n' 'resume' --x509cafile "$ROOT" --resume
  expect_status "$tag: gnutls-cli --resume succeeds" "$RC" 0
  expect_grep "$tag: gnutls-cli resumed" "$WORK/$tag.g.cli.out" "*** This is a resumed session"
  wait_exit "$SERVER_PID" 5
  local out="$WORK/$tag.srv.out"
  expect_count "$tag: adieu-server resumed 2 + ${REUSED_COUNT} connections" "$out" \
    "resumed=yes" $((2 + REUSED_COUNT))
  expect_count "$tag: adieu-server ended all 5 connections cleanly" "$out" "$CLEAN" 5
}

log "== openssl s_client / gnutls-cli -> adieu-server (stateless tickets)"
REUSED_TICKET="resumes again" REUSED_LINE="Reused, TLSv1.3" REUSED_COUNT=1
peer_resumes st
log "== openssl s_client / gnutls-cli -> adieu-server -no_ticket (stateful)"
REUSED_TICKET="is refused (full handshake)" REUSED_LINE="New, TLSv1.3" REUSED_COUNT=0
peer_resumes sf -no_ticket

# TLS 1.2 (RFC 5246 session ids, RFC 5077 tickets), both ways with OpenSSL.
log "== TLS 1.2: adieu-client -> openssl s_server -tls1_2 (tickets)"
start_openssl_server t2.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 2 -tls1_2
adieu_resumes t2 "$WORK/t2.srv.out"
wait_exit "$SERVER_PID" 5
expect_grep "t2: the resumed connection is TLS 1.2" "$WORK/t2.2.cli.err" "version=TLSv1.2"
expect_count "t2: s_server resumed one of two connections" "$WORK/t2.srv.out" \
  "Reused session-id" 1

log "== TLS 1.2: adieu-client -> openssl s_server -tls1_2 -no_ticket (session ids)"
start_openssl_server t2n.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 2 \
  -tls1_2 -no_ticket
adieu_resumes t2n "$WORK/t2n.srv.out"
wait_exit "$SERVER_PID" 5
expect_grep "t2n: the resumed connection is TLS 1.2" "$WORK/t2n.2.cli.err" "version=TLSv1.2"

# tls12_peer_resumes TAG MODE...: openssl s_client -tls1_2 -sess_out, then
# -sess_in, against adieu-server started with MODE.
tls12_peer_resumes() {
  local tag=$1
  shift
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 2 "$@"
  run_openssl_client "$tag.o1" 'first\n' 'first' -CAfile "$ROOT" -verify_return_error -tls1_2 \
    -sess_out "$WORK/$tag.pem"
  expect_status "$tag: s_client's first connection succeeds" "$RC" 0
  expect_grep "$tag: s_client's first connection is new" "$WORK/$tag.o1.cli.out" "New, TLSv1.2"
  run_openssl_client "$tag.o2" 'second\n' 'second' -CAfile "$ROOT" -verify_return_error \
    -tls1_2 -sess_in "$WORK/$tag.pem"
  expect_status "$tag: s_client's resumed connection succeeds" "$RC" 0
  expect_grep "$tag: s_client -sess_in resumed" "$WORK/$tag.o2.cli.out" "Reused, TLSv1.2"
  wait_exit "$SERVER_PID" 5
  expect_count "$tag: adieu-server resumed one connection" "$WORK/$tag.srv.out" "resumed=yes" 1
  expect_count "$tag: adieu-server ended both connections cleanly" "$WORK/$tag.srv.out" "$CLEAN" 2
}

log "== TLS 1.2: openssl s_client -> adieu-server (tickets)"
tls12_peer_resumes t2st
log "== TLS 1.2: openssl s_client -> adieu-server -no_ticket (session ids)"
tls12_peer_resumes t2sf -no_ticket

# TLS 1.2 with GnuTLS, both ways: RFC 5077 tickets and session ids.
TLS12_ONLY="NORMAL:-VERS-ALL:+VERS-TLS1.2"
log "== TLS 1.2: adieu-client -> gnutls-serv (tickets)"
start_gnutls_server g2.srv --echo -a --priority "$TLS12_ONLY" --x509certfile "$FULLCHAIN" \
  --x509keyfile "$KEY"
adieu_resumes g2 "$WORK/g2.2.cli.out"
sleep 0.1
stop_server
expect_grep "g2: the resumed connection is TLS 1.2" "$WORK/g2.2.cli.err" "version=TLSv1.2"
expect_count "g2: gnutls-serv resumed one connection" "$WORK/g2.srv.out" \
  "*** This is a resumed session" 1

log "== TLS 1.2: adieu-client -> gnutls-serv --noticket (session ids)"
start_gnutls_server g2n.srv --echo -a --noticket --priority "$TLS12_ONLY" \
  --x509certfile "$FULLCHAIN" --x509keyfile "$KEY"
adieu_resumes g2n "$WORK/g2n.2.cli.out"
sleep 0.1
stop_server
expect_grep "g2n: the resumed connection is TLS 1.2" "$WORK/g2n.2.cli.err" "version=TLSv1.2"
expect_count "g2n: gnutls-serv resumed one connection" "$WORK/g2n.srv.out" \
  "*** This is a resumed session" 1

# gnutls_tls12_resumes TAG MODE...: gnutls-cli --resume (a full handshake,
# then one resuming it) against adieu-server started with MODE.
gnutls_tls12_resumes() {
  local tag=$1
  shift
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 2 "$@"
  run_gnutls_client "$tag.g" 'resume\n' 'resume' --x509cafile "$ROOT" --resume \
    --priority "$TLS12_ONLY"
  expect_status "$tag: gnutls-cli --resume succeeds" "$RC" 0
  expect_grep "$tag: gnutls-cli resumed" "$WORK/$tag.g.cli.out" "*** This is a resumed session"
  expect_grep "$tag: gnutls-cli negotiated TLS 1.2" "$WORK/$tag.g.cli.out" "(TLS1.2-X.509)"
  wait_exit "$SERVER_PID" 5
  expect_count "$tag: adieu-server resumed one connection" "$WORK/$tag.srv.out" "resumed=yes" 1
  expect_count "$tag: adieu-server ended both connections cleanly" "$WORK/$tag.srv.out" "$CLEAN" 2
}
log "== TLS 1.2: gnutls-cli --resume -> adieu-server (tickets)"
gnutls_tls12_resumes g2st
log "== TLS 1.2: gnutls-cli --resume -> adieu-server -no_ticket (session ids)"
gnutls_tls12_resumes g2sf -no_ticket

log "== the shutdown rule: s_server killed mid-connection, adieu-client saves no session"
start_openssl_server ok.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
open_stdin_fifo ok.cli
spawn "$STDIN_FIFO" "$WORK/ok.cli.out" "$WORK/ok.cli.err" timeout 30 "$ADIEU_CLIENT" \
  -connect "127.0.0.1:$PORT" -servername localhost -timeout 5 -CAfile "$ROOT" \
  -sess_out "$WORK/ok.sess"
CLIENT_PID=$SPAWNED_PID
printf 'ping\n' >&"$STDIN_FD"
if wait_for_text "$WORK/ok.srv.out" 'ping' 10 "$SERVER_PID"; then
  kill_now "$SERVER_PID"
else
  failed "s_server never saw the data"
fi
wait_exit "$CLIENT_PID" 10
expect_status "adieu-client reports the unclean end" "$WAIT_STATUS" 1
expect_grep "adieu-client saw truncation" "$WORK/ok.cli.err" "truncated"
expect_grep "adieu-client kept no session" "$WORK/ok.cli.err" \
  "session not saved: our close_notify was not sent"
if [[ -e "$WORK/ok.sess" ]]; then
  failed "a session file was written after an unclean end"
else
  pass "no session file after an unclean end"
fi

finish "Resumption"
