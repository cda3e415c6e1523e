#!/usr/bin/env bash
# A peer that dies mid-stream (kill -9: the kernel closes its socket, no
# close_notify) while adieu is reading: adieu must report a truncation, never
# a clean end, after delivering every byte that did arrive.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa

TRUNCATED_READING="ended: read=truncated write=open: truncated"

# Starts adieu-client in the background with a FIFO for stdin. Sets
# CLIENT_PID and CLIENT_FD (write its stdin there).
start_adieu_client_bg() {
  local tag=$1
  shift
  open_stdin_fifo "$tag.cli"
  CLIENT_FD=$STDIN_FD
  spawn "$STDIN_FIFO" "$WORK/$tag.cli.out" "$WORK/$tag.cli.err" \
    "$ADIEU_CLIENT" -connect "127.0.0.1:$PORT" -servername localhost -timeout 5 "$@"
  CLIENT_PID=$SPAWNED_PID
}

log "== openssl s_server killed while adieu-client reads"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
SERVER_FD=$STDIN_FD
start_adieu_client_bg os -CAfile "$ROOT"
printf 'hello\n' >&"$CLIENT_FD"
wait_for_text "$WORK/os.srv.out" "^hello" 5 "$SERVER_PID"
printf 'last words\n' >&"$SERVER_FD"
wait_for_text "$WORK/os.cli.out" "last words" 5 "$CLIENT_PID"
kill_now "$SERVER_PID"
wait_exit "$CLIENT_PID" 5
expect_nonzero "adieu-client fails" "$WAIT_STATUS"
expect_grep "the data before the end was delivered" "$WORK/os.cli.out" "last words"
expect_grep "adieu-client reports truncation" "$WORK/os.cli.err" "$TRUNCATED_READING"
expect_no_grep "not a clean end" "$WORK/os.cli.err" "clean"

log "== openssl s_client killed while adieu-server reads"
start_adieu_server so.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
open_stdin_fifo so.cli
spawn "$STDIN_FIFO" "$WORK/so.cli.out" "$WORK/so.cli.err" \
  openssl s_client -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$ROOT" -msg
OPENSSL_PID=$SPAWNED_PID
printf 'hello\n' >&"$STDIN_FD"
wait_for_text "$WORK/so.cli.out" "^hello" 5 "$OPENSSL_PID"
kill_now "$OPENSSL_PID"
wait_exit "$SERVER_PID" 5
expect_grep "the echo went through first" "$WORK/so.cli.out" "hello"
expect_grep "adieu-server reports truncation" "$WORK/so.srv.out" "$TRUNCATED_READING"

log "== gnutls-serv killed while adieu-client reads"
start_gnutls_server gs.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY"
start_adieu_client_bg gs -CAfile "$ROOT"
printf 'echo me\n' >&"$CLIENT_FD"
wait_for_text "$WORK/gs.cli.out" "echo me" 5 "$CLIENT_PID"
kill_now "$SERVER_PID"
wait_exit "$CLIENT_PID" 5
expect_nonzero "adieu-client fails" "$WAIT_STATUS"
expect_grep "the echo was delivered" "$WORK/gs.cli.out" "echo me"
expect_grep "adieu-client reports truncation" "$WORK/gs.cli.err" "$TRUNCATED_READING"

log "== gnutls-cli killed while adieu-server reads"
start_adieu_server gc.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
open_stdin_fifo gc.cli
spawn "$STDIN_FIFO" "$WORK/gc.cli.out" "$WORK/gc.cli.err" \
  gnutls-cli -p "$PORT" --x509cafile "$ROOT" --verify-hostname localhost 127.0.0.1
GNUTLS_PID=$SPAWNED_PID
printf 'hello\n' >&"$STDIN_FD"
wait_for_text "$WORK/gc.cli.out" "^hello" 5 "$GNUTLS_PID"
kill_now "$GNUTLS_PID"
wait_exit "$SERVER_PID" 5
expect_grep "the echo went through first" "$WORK/gc.cli.out" "hello"
expect_grep "adieu-server reports truncation" "$WORK/gc.srv.out" "$TRUNCATED_READING"

log "== after our close_notify, openssl s_server killed before answering"
# Our write side is closed cleanly, the read side is not: still a truncation.
start_openssl_server oh.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
start_adieu_client_bg oh -CAfile "$ROOT"
printf 'hello\n' >&"$CLIENT_FD"
wait_for_text "$WORK/oh.srv.out" "^hello" 5 "$SERVER_PID"
kill -STOP "$SERVER_PID"  # frozen: it will never answer our close_notify
exec {CLIENT_FD}>&-       # stdin ends: adieu-client sends close_notify and waits
sleep 0.5
kill_now "$SERVER_PID"
wait_exit "$CLIENT_PID" 5
expect_nonzero "adieu-client fails" "$WAIT_STATUS"
expect_grep "adieu-client sent close_notify but got none" "$WORK/oh.cli.err" \
  "ended: read=truncated write=close_notify_sent: truncated"

finish "truncation"
