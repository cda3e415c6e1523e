#!/usr/bin/env bash
# Negotiated record sizes with real peers, in TLS 1.2 and 1.3:
# max_fragment_length (RFC 6066 section 4) with OpenSSL both ways, and
# record_size_limit (RFC 8449) with GnuTLS both ways. A 3000-byte line
# crosses each connection in both directions; the peers refuse a record over
# the agreed size (record_overflow), and GnuTLS's log gives the size of each
# record it received from adieu. (gnutls-cli sends at most one record of
# stdin per read, so it gets a shorter line; its TLS 1.3 handshake records
# from adieu-server fill the limit.)
source "$(dirname "$0")/lib.sh"
use_cert ecdsa
LINE=$(head -c 3000 /dev/zero | tr '\0' '~')
SHORT_LINE=$(head -c 500 /dev/zero | tr '\0' '~')

# tildes FILE: how many '~' FILE holds in runs longer than a -msg hex dump's
# 16-character text column (the peers' -msg output cuts the line at records).
tildes() { grep -o '~\{17,\}' "$1" | tr -cd '~' | wc -c; }

# largest_received FILE: the largest application-data record gnutls received
# (its -d 5 log), header excluded.
largest_received() {
  sed -n 's/.*Application Data packet received\. Epoch [0-9]*, length: \([0-9]*\).*/\1/p' "$1" |
    sort -n | tail -n 1
}
# largest_sent FILE: the largest application-data record gnutls sent, header
# included.
largest_sent() {
  sed -n 's/.*Sent Packet\[[0-9]*\] Application Data(23) in epoch [0-9]* and length: \([0-9]*\).*/\1/p' \
    "$1" | sort -n | tail -n 1
}

for version in tls1_2 tls1_3; do
  log "== openssl s_client -$version -maxfraglen 512 -> adieu-server"
  start_adieu_server "so$version.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 1
  run_openssl_client "so$version" "$LINE\nend\n" "end" -CAfile "$ROOT" -verify_return_error \
    "-$version" -maxfraglen 512 -tlsextdebug
  wait_exit "$SERVER_PID" 5
  expect_status "$version: s_client succeeds" "$RC" 0
  expect_grep "$version: adieu-server echoed max_fragment_length" "$WORK/so$version.cli.out" \
    'TLS server extension "max fragment length" (id=1), len=1'
  expect_status "$version: the line came back" "$(tildes "$WORK/so$version.cli.out")" 3000
  expect_grep "$version: adieu-server ended cleanly" "$WORK/so$version.srv.out" "$CLEAN"

  log "== adieu-client -$version -maxfraglen 512 -> openssl s_server"
  start_openssl_server "os$version.srv" -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" \
    "-$version" -naccept 1
  run_adieu_client "os$version" "$LINE\n" -CAfile "$ROOT" -maxfraglen 512
  wait_exit "$SERVER_PID" 5
  expect_status "$version: adieu-client ends cleanly" "$RC" 0
  expect_status "$version: s_server got the line" "$(tildes "$WORK/os$version.srv.out")" 3000
done

# What a full record of 512 bytes' content is on the wire (header excluded):
# TLS 1.2 AES-GCM adds an 8-byte nonce and a tag; in TLS 1.3 the limit
# counts the inner content type, and the tag follows.
declare -A FULL_512=([tls1_2]=536 [tls1_3]=529)
declare -A FULL_1024=([tls1_2]=1048 [tls1_3]=1040)
declare -A PRIORITY=([tls1_2]="NORMAL:-VERS-ALL:+VERS-TLS1.2" [tls1_3]="NORMAL:-VERS-ALL:+VERS-TLS1.3")

for version in tls1_2 tls1_3; do
  log "== gnutls-cli --recordsize 512 ($version) -> adieu-server"
  start_adieu_server "gc$version.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 1
  run_gnutls_client "gc$version" "$SHORT_LINE\n" "$SHORT_LINE" --x509cafile "$ROOT" \
    --recordsize 512 --priority "${PRIORITY[$version]}"
  wait_exit "$SERVER_PID" 5
  expect_status "$version: gnutls-cli succeeds" "$RC" 0
  expect_grep "$version: the line came back" "$WORK/gc$version.cli.out" "$SHORT_LINE"
  largest=$(largest_received "$WORK/gc$version.cli.err")
  if [[ $version == tls1_3 ]]; then
    expect_status "$version: adieu-server's records are full at 512 bytes" "$largest" "${FULL_512[$version]}"
  elif ((largest > 0 && largest <= FULL_512[$version])); then
    pass "$version: adieu-server's records carry 512 bytes at most ($largest)"
  else
    failed "$version: adieu-server sent a record of $largest bytes"
  fi
  expect_grep "$version: adieu-server ended cleanly" "$WORK/gc$version.srv.out" "$CLEAN"

  log "== adieu-client -record_size_limit 1024 -> gnutls-serv --recordsize 512 ($version)"
  start_gnutls_server "gs$version.srv" --echo -a --recordsize 512 \
    --priority "${PRIORITY[$version]}" --x509certfile "$FULLCHAIN" --x509keyfile "$KEY"
  run_adieu_client "gs$version" "$LINE\n" -CAfile "$ROOT" -record_size_limit 1024
  stop_server
  expect_status "$version: adieu-client ends cleanly" "$RC" 0
  expect_status "$version: the line came back" "$(tildes "$WORK/gs$version.cli.out")" 3000
  expect_status "$version: adieu-client's records carry 512 bytes at most" \
    "$(largest_received "$WORK/gs$version.srv.err")" "${FULL_512[$version]}"
  # gnutls-serv sent its echo in records up to our limit.
  expect_status "$version: gnutls-serv filled our 1024-byte limit" \
    "$(largest_sent "$WORK/gs$version.srv.err")" "$((${FULL_1024[$version]} + 5))"
done

finish "record sizes"
