#!/usr/bin/env bash
# Exported keying material (RFC 5705 in TLS 1.2, RFC 8446 section 7.5 in TLS
# 1.3): adieu and OpenSSL derive the same bytes for the same label, in both
# versions and both roles.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa
LABEL=EXPERIMENTAL-adieu-interop

# keymat FILE: the hex after "Keying material: " in FILE.
keymat() { sed -n 's/.*Keying material: \([0-9A-F]*\).*/\1/p' "$1" | head -n 1; }

for version in tls1_2 tls1_3; do
  log "== openssl s_client -$version -> adieu-server"
  start_adieu_server "s$version.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 1 \
    -keymatexport "$LABEL" -keymatexportlen 48
  run_openssl_client "s$version" 'x\n' 'x' -CAfile "$ROOT" "-$version" \
    -keymatexport "$LABEL" -keymatexportlen 48
  wait_exit "$SERVER_PID" 5
  expect_status "s_client succeeds" "$RC" 0
  ours=$(keymat "$WORK/s$version.srv.out")
  theirs=$(keymat "$WORK/s$version.cli.out")
  if [[ ${#ours} == 96 && "$ours" == "$theirs" ]]; then
    pass "$version: adieu-server exports what s_client exports"
  else
    failed "$version: adieu-server '$ours', s_client '$theirs'"
  fi

  log "== adieu-client -$version -> openssl s_server"
  start_openssl_server "c$version.srv" -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" \
    "-$version" -naccept 1 -keymatexport "$LABEL" -keymatexportlen 48
  run_adieu_client "c$version" 'x\n' -CAfile "$ROOT" -keymatexport "$LABEL" -keymatexportlen 48
  wait_exit "$SERVER_PID" 5
  expect_status "adieu-client ends cleanly" "$RC" 0
  ours=$(keymat "$WORK/c$version.cli.err")
  theirs=$(keymat "$WORK/c$version.srv.out")
  if [[ ${#ours} == 96 && "$ours" == "$theirs" ]]; then
    pass "$version: adieu-client exports what s_server exports"
  else
    failed "$version: adieu-client '$ours', s_server '$theirs'"
  fi
done

finish "exported keying material"
