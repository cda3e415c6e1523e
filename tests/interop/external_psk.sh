#!/usr/bin/env bash
# External TLS 1.3 PSKs (RFC 8446 section 4.2.11, "ext binder") with
# OpenSSL both ways, no certificates: openssl s_client -psk against
# adieu-server -psk, adieu-client -psk against openssl s_server -psk -nocert;
# and a wrong key refused (the binder).
source "$(dirname "$0")/lib.sh"
PSK=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
OTHER=ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f

log "== openssl s_client -psk -> adieu-server -psk (no certificate)"
start_adieu_server so.srv -psk "$PSK" -naccept 1
run_openssl_client so 'psk\n' 'psk' -tls1_3 -psk "$PSK"
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client reused the PSK" "$WORK/so.cli.out" "Reused, TLSv1.3"
expect_grep "adieu-server took the PSK" "$WORK/so.srv.out" "peer_certs=0 resumed=yes"
expect_grep "adieu-server ended cleanly" "$WORK/so.srv.out" "$CLEAN"

log "== adieu-client -psk -> openssl s_server -psk -nocert"
start_openssl_server os.srv -nocert -psk "$PSK" -tls1_3 -naccept 1
run_adieu_client os 'psk\n' -psk "$PSK"
wait_exit "$SERVER_PID" 5
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "adieu-client used the PSK" "$WORK/os.cli.err" "peer_certs=0 resumed=yes"
expect_grep "s_server got the line" "$WORK/os.srv.out" "psk"

log "== s_client -psk -allow_no_dhe_kex -> adieu-server -psk -allow_no_dhe_kex (both modes)"
start_adieu_server ke.srv -psk "$PSK" -allow_no_dhe_kex -naccept 1
run_openssl_client ke 'psk\n' 'psk' -tls1_3 -psk "$PSK" -allow_no_dhe_kex
wait_exit "$SERVER_PID" 5
expect_status "s_client succeeds" "$RC" 0
expect_grep "s_client reused the PSK" "$WORK/ke.cli.out" "Reused, TLSv1.3"
# Offered both psk_ke and psk_dhe_ke, the server keeps forward secrecy (as
# OpenSSL's does).
expect_grep "adieu-server chose psk_dhe_ke" "$WORK/ke.srv.out" "group=x25519"

log "== a wrong key: the binder does not verify"
start_adieu_server sw.srv -psk "$PSK" -naccept 1
run_openssl_client sw 'psk\n' '' -tls1_3 -psk "$OTHER"
wait_exit "$SERVER_PID" 5
expect_nonzero "s_client fails" "$RC"
expect_grep "adieu-server refused the binder" "$WORK/sw.srv.out" "decrypt_error"

finish "external PSK"
