#!/usr/bin/env bash
# KeyUpdate (RFC 8446 section 4.6.3) with update_requested, initiated by each
# side: the receiver must answer with its own KeyUpdate (update_not_requested)
# and data must keep flowing under the new keys both ways.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa

# OpenSSL -msg prints each handshake message's bytes: 18 00 00 01 <flag>.
KU_REQUESTED="    18 00 00 01 01"
KU_NOT_REQUESTED="    18 00 00 01 00"

log "== openssl s_client 'K' -> adieu-server"
start_adieu_server so.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
# "K" on its own line makes s_client send a KeyUpdate with update_requested.
open_stdin_fifo so.cli
spawn "$STDIN_FIFO" "$WORK/so.cli.out" "$WORK/so.cli.err" timeout 30 openssl s_client \
  -connect "127.0.0.1:$PORT" -servername localhost -msg -CAfile "$ROOT" -verify_return_error
CLIENT_PID=$SPAWNED_PID
printf 'before\n' >&"$STDIN_FD"
wait_for_line "$WORK/so.cli.out" "before" 10 "$CLIENT_PID"
printf 'K\n' >&"$STDIN_FD"
wait_for_line "$WORK/so.cli.out" "$KU_NOT_REQUESTED" 10 "$CLIENT_PID"
printf 'after\n' >&"$STDIN_FD"
wait_for_line "$WORK/so.cli.out" "after" 10 "$CLIENT_PID"
exec {STDIN_FD}>&-
wait_exit "$CLIENT_PID" 10
RC=$WAIT_STATUS
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client sent KeyUpdate(update_requested)" "$WORK/so.cli.out" "$KU_REQUESTED"
expect_grep "adieu-server answered KeyUpdate(update_not_requested)" "$WORK/so.cli.out" \
  "$KU_NOT_REQUESTED"
expect_grep "data before the update came back" "$WORK/so.cli.out" "before"
expect_grep "data after the update came back" "$WORK/so.cli.out" "after"
expect_grep "adieu-server counted the updates" "$WORK/so.srv.out" \
  "key_updates_sent=1 key_updates_received=1"
expect_grep "adieu-server saw both close_notify" "$WORK/so.srv.out" "$CLEAN"

log "== adieu-client -keyupdate -> openssl s_server"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
SERVER_FD=$STDIN_FD
open_stdin_fifo os.cli
spawn "$STDIN_FIFO" "$WORK/os.cli.out" "$WORK/os.cli.err" "$ADIEU_CLIENT" \
  -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$ROOT" -keyupdate -timeout 5
CLIENT_PID=$SPAWNED_PID
printf 'hello\n' >&"$STDIN_FD"
# s_server answers the KeyUpdate when it next writes: make it write.
wait_for_line "$WORK/os.srv.out" "hello" 10 "$SERVER_PID"
printf 'reply from s_server\n' >&"$SERVER_FD"
wait_for_line "$WORK/os.cli.out" "reply from s_server" 10 "$CLIENT_PID"
exec {STDIN_FD}>&-
wait_exit "$CLIENT_PID" 10
RC=$WAIT_STATUS
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "s_server received KeyUpdate(update_requested)" "$WORK/os.srv.out" "$KU_REQUESTED"
expect_grep "s_server answered KeyUpdate(update_not_requested)" "$WORK/os.srv.out" \
  "$KU_NOT_REQUESTED"
expect_grep "data after the update reached s_server" "$WORK/os.srv.out" "hello"
expect_grep "s_server's data under its new keys reached us" "$WORK/os.cli.out" \
  "reply from s_server"
expect_grep "adieu-client counted the updates" "$WORK/os.cli.err" \
  "key_updates_sent=1 key_updates_received=1"
expect_grep "adieu-client saw both close_notify" "$WORK/os.cli.err" "$CLEAN"

log "== openssl s_server 'K' -> adieu-client"
start_openssl_server osk.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
SERVER_FD=$STDIN_FD
open_stdin_fifo osk.cli
spawn "$STDIN_FIFO" "$WORK/osk.cli.out" "$WORK/osk.cli.err" "$ADIEU_CLIENT" \
  -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$ROOT" -timeout 5
CLIENT_PID=$SPAWNED_PID
printf 'first\n' >&"$STDIN_FD"
wait_for_line "$WORK/osk.srv.out" "first" 10 "$SERVER_PID"
printf 'K\n' >&"$SERVER_FD"
# Our answer arrives at s_server: then send more under the new keys.
wait_for_line "$WORK/osk.srv.out" "$KU_NOT_REQUESTED" 10 "$SERVER_PID"
printf 'second\n' >&"$STDIN_FD"
wait_for_line "$WORK/osk.srv.out" "second" 10 "$SERVER_PID"
exec {STDIN_FD}>&-
wait_exit "$CLIENT_PID" 10
RC=$WAIT_STATUS
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "s_server sent KeyUpdate(update_requested)" "$WORK/osk.srv.out" "$KU_REQUESTED"
expect_grep "adieu-client answered KeyUpdate(update_not_requested)" "$WORK/osk.srv.out" \
  "$KU_NOT_REQUESTED"
expect_grep "data after the update reached s_server" "$WORK/osk.srv.out" "second"
expect_grep "adieu-client counted the updates" "$WORK/osk.cli.err" \
  "key_updates_sent=1 key_updates_received=1"
expect_grep "adieu-client saw both close_notify" "$WORK/osk.cli.err" "$CLEAN"

log "== adieu-client -keyupdate -> gnutls-serv --echo"
start_gnutls_server gs.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY"
run_adieu_client gs 'after the update\n' -CAfile "$ROOT" -keyupdate
sleep 0.1
stop_server
# gnutls logs its handshake messages at debug level 4 and up.
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "gnutls-serv received KeyUpdate(update_requested)" "$WORK/gs.srv.err" \
  "received TLS 1.3 key update (1)"
expect_grep "gnutls-serv answered" "$WORK/gs.srv.err" "sending key update (0)"
expect_grep "echo under the new keys came back" "$WORK/gs.cli.out" "after the update"
expect_grep "adieu-client counted the updates" "$WORK/gs.cli.err" \
  "key_updates_sent=1 key_updates_received=1"

log "== gnutls-cli ^renegotiate^ (a KeyUpdate in TLS 1.3) -> adieu-server"
start_adieu_server gc.srv -cert "$FULLCHAIN" -key "$KEY" -naccept 1
open_stdin_fifo gc.cli
spawn "$STDIN_FIFO" "$WORK/gc.cli.out" "$WORK/gc.cli.err" timeout 30 gnutls-cli -d 5 \
  -p "$PORT" --x509cafile "$ROOT" --verify-hostname localhost --inline-commands 127.0.0.1
CLIENT_PID=$SPAWNED_PID
printf 'before\n' >&"$STDIN_FD"
wait_for_line "$WORK/gc.cli.out" "before" 10 "$CLIENT_PID"
printf '^renegotiate^\n' >&"$STDIN_FD"
wait_for_line "$WORK/gc.cli.out" "- ReHandshake was completed" 10 "$CLIENT_PID"
printf 'after\n' >&"$STDIN_FD"
wait_for_line "$WORK/gc.cli.out" "after" 10 "$CLIENT_PID"
exec {STDIN_FD}>&-
wait_exit "$CLIENT_PID" 10
RC=$WAIT_STATUS
wait_exit "$SERVER_PID" 5
expect_status "gnutls-cli succeeds" "$RC" 0
expect_grep "gnutls-cli sent KeyUpdate(update_requested)" "$WORK/gc.cli.err" \
  "sending key update (1)"
expect_grep "adieu-server answered KeyUpdate(update_not_requested)" "$WORK/gc.cli.err" \
  "received TLS 1.3 key update (0)"
expect_grep "data after the update came back" "$WORK/gc.cli.out" "after"
expect_grep "adieu-server counted the updates" "$WORK/gc.srv.out" \
  "key_updates_sent=1 key_updates_received=1"
expect_grep "adieu-server saw both close_notify" "$WORK/gc.srv.out" "$CLEAN"

finish "KeyUpdate"
