#!/usr/bin/env bash
# The interop matrix: every TLS 1.3 cipher suite x group {x25519, P-256} x
# certificate {ECDSA P-256, RSA (rsa_pss_rsae), Ed25519}, in four pairings:
#   A>O  adieu-client  -> openssl s_server
#   O>A  openssl s_client -> adieu-server
#   A>G  adieu-client  -> gnutls-serv --echo
#   G>A  gnutls-cli    -> adieu-server
# Each run sends a line, checks it came back (or arrived), checks the
# negotiated suite/group/signature on both sides, and checks that both
# close_notify alerts crossed (our "ended:" line, the peer's -msg / debug log).
# Prints a summary table. MATRIX_FILTER=regex limits the rows (e.g. "ecdsa").
source "$(dirname "$0")/lib.sh"

SUITES=(TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256)
GROUPS_=(x25519 P-256)
CERTS=(ecdsa rsa ed25519)

# What adieu prints for a group, what OpenSSL and GnuTLS print for it.
adieu_group() { [[ $1 == x25519 ]] && echo x25519 || echo secp256r1; }
openssl_group() { [[ $1 == x25519 ]] && echo X25519 || echo P-256; }
openssl_temp_key() { [[ $1 == x25519 ]] && echo "Server Temp Key: X25519" || echo "Server Temp Key: ECDH, prime256v1"; }
gnutls_kx() { [[ $1 == x25519 ]] && echo "(ECDHE-X25519)" || echo "(ECDHE-SECP256R1)"; }
gnutls_cipher() {
  case $1 in
    TLS_AES_128_GCM_SHA256) echo "(AES-128-GCM)" ;;
    TLS_AES_256_GCM_SHA384) echo "(AES-256-GCM)" ;;
    TLS_CHACHA20_POLY1305_SHA256) echo "(CHACHA20-POLY1305)" ;;
  esac
}
openssl_sig_type() {
  case $1 in
    ecdsa) echo "Peer signature type: ECDSA" ;;
    rsa) echo "Peer signature type: RSA-PSS" ;;
    ed25519) echo "Peer signature type: ed25519" ;;
  esac
}
gnutls_sig() {
  case $1 in
    ecdsa) echo "(ECDSA-SECP256R1-SHA256)" ;;
    rsa) echo "(RSA-PSS-RSAE-SHA256)" ;;
    ed25519) echo "(EdDSA-Ed25519)" ;;
  esac
}


# Each run returns 0 when every check passed.
run_adieu_to_openssl() {
  local suite=$1 group=$2 cert=$3 tag=$4 before=$FAILURES
  use_cert "$cert"
  start_openssl_server "$tag.srv" -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" \
    -ciphersuites "$suite" -groups "$(openssl_group "$group")" -naccept 1 || return 1
  printf 'matrix %s\n' "$tag" | timeout 20 "$ADIEU_CLIENT" -connect "127.0.0.1:$PORT" \
    -servername localhost -CAfile "$ROOT" -ciphersuites "$suite" \
    -groups "$(openssl_group "$group")" -timeout 5 >"$WORK/$tag.cli.out" 2>"$WORK/$tag.cli.err"
  local rc=$?
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: adieu-client ends cleanly" "$rc" 0
  expect_grep "$tag: negotiated" "$WORK/$tag.cli.err" \
    "version=TLSv1.3 suite=$suite group=$(adieu_group "$group") peer_sig=$SIG"
  expect_grep "$tag: adieu-client saw both close_notify" "$WORK/$tag.cli.err" "$CLEAN"
  expect_grep "$tag: s_server got the data" "$WORK/$tag.srv.out" "matrix $tag"
  expect_grep "$tag: s_server received our close_notify" "$WORK/$tag.srv.out" \
    "<<< TLS 1.3, Alert [length 0002], warning close_notify"
  expect_grep "$tag: s_server sent its close_notify" "$WORK/$tag.srv.out" \
    ">>> TLS 1.3, Alert [length 0002], warning close_notify"
  ((FAILURES == before))
}

run_openssl_to_adieu() {
  local suite=$1 group=$2 cert=$3 tag=$4 before=$FAILURES
  use_cert "$cert"
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -ciphersuites "$suite" \
    -groups "$(openssl_group "$group")" -naccept 1 || return 1
  # Once the echo is back s_client's stdin ends: it sends close_notify (-msg
  # shows it) and adieu-server answers.
  run_openssl_client "$tag" "matrix $tag\n" "matrix $tag" -CAfile "$ROOT" -verify_return_error \
    -ciphersuites "$suite" -groups "$(openssl_group "$group")"
  local rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: s_client succeeds" "$rc" 0
  expect_grep "$tag: s_client verified adieu-server" "$WORK/$tag.cli.out" \
    "Verify return code: 0 (ok)"
  expect_grep "$tag: s_client suite" "$WORK/$tag.cli.out" "New, TLSv1.3, Cipher is $suite"
  expect_grep "$tag: s_client group" "$WORK/$tag.cli.out" "$(openssl_temp_key "$group")"
  expect_grep "$tag: s_client signature" "$WORK/$tag.cli.out" "$(openssl_sig_type "$cert")"
  expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "matrix $tag"
  expect_grep "$tag: s_client sent close_notify" "$WORK/$tag.cli.out" \
    ">>> TLS 1.3, Alert [length 0002], warning close_notify"
  expect_grep "$tag: adieu-server negotiated" "$WORK/$tag.srv.out" \
    "version=TLSv1.3 suite=$suite group=$(adieu_group "$group")"
  expect_grep "$tag: adieu-server saw both close_notify" "$WORK/$tag.srv.out" "$CLEAN"
  ((FAILURES == before))
}

run_adieu_to_gnutls() {
  local suite=$1 group=$2 cert=$3 tag=$4 before=$FAILURES
  use_cert "$cert"
  start_gnutls_server "$tag.srv" --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY" \
    --priority "$(gnutls_priority "$suite" "$group")" || return 1
  printf 'matrix %s\n' "$tag" | timeout 20 "$ADIEU_CLIENT" -connect "127.0.0.1:$PORT" \
    -servername localhost -CAfile "$ROOT" -ciphersuites "$suite" \
    -groups "$(openssl_group "$group")" -timeout 5 >"$WORK/$tag.cli.out" 2>"$WORK/$tag.cli.err"
  local rc=$?
  sleep 0.1
  stop_server
  expect_status "$tag: adieu-client ends cleanly" "$rc" 0
  expect_grep "$tag: negotiated" "$WORK/$tag.cli.err" \
    "version=TLSv1.3 suite=$suite group=$(adieu_group "$group") peer_sig=$SIG"
  expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "matrix $tag"
  expect_grep "$tag: adieu-client saw both close_notify" "$WORK/$tag.cli.err" "$CLEAN"
  expect_grep "$tag: gnutls-serv received our close_notify" "$WORK/$tag.srv.err" \
    "Alert[1|0] - Close notify - was received"
  expect_grep "$tag: gnutls-serv sent its close_notify" "$WORK/$tag.srv.err" \
    "Sending Alert[1|0] - Close notify"
  ((FAILURES == before))
}

run_gnutls_to_adieu() {
  local suite=$1 group=$2 cert=$3 tag=$4 before=$FAILURES
  use_cert "$cert"
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -ciphersuites "$suite" \
    -groups "$(openssl_group "$group")" -naccept 1 || return 1
  # At stdin's end gnutls-cli sends close_notify and waits for ours.
  run_gnutls_client "$tag" "matrix $tag\n" "matrix $tag" --x509cafile "$ROOT" \
    --priority "$(gnutls_priority "$suite" "$group")"
  local rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: gnutls-cli succeeds" "$rc" 0
  expect_grep "$tag: gnutls-cli verified adieu-server" "$WORK/$tag.cli.out" \
    "Status: The certificate is trusted."
  expect_grep "$tag: gnutls-cli parameters" "$WORK/$tag.cli.out" \
    "(TLS1.3-X.509)-$(gnutls_kx "$group")-$(gnutls_sig "$cert")-$(gnutls_cipher "$suite")"
  expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "matrix $tag"
  expect_grep "$tag: gnutls-cli sent close_notify" "$WORK/$tag.cli.err" \
    "Sending Alert[1|0] - Close notify"
  expect_grep "$tag: gnutls-cli received ours" "$WORK/$tag.cli.err" \
    "Alert[1|0] - Close notify - was received"
  expect_grep "$tag: adieu-server negotiated" "$WORK/$tag.srv.out" \
    "version=TLSv1.3 suite=$suite group=$(adieu_group "$group")"
  expect_grep "$tag: adieu-server saw both close_notify" "$WORK/$tag.srv.out" "$CLEAN"
  ((FAILURES == before))
}


SUMMARY+=("$(printf '%-30s %-7s %-8s | %-5s %-5s %-5s %-5s' suite group cert 'A>O' 'O>A' 'A>G' 'G>A')")
for suite in "${SUITES[@]}"; do
  for group in "${GROUPS_[@]}"; do
    for cert in "${CERTS[@]}"; do
      row="$suite $group $cert"
      if [[ -n "${MATRIX_FILTER:-}" && ! "$row" =~ $MATRIX_FILTER ]]; then continue; fi
      tag="${suite#TLS_}-$group-$cert"
      log "== $row"
      cols=()
      for pairing in adieu_to_openssl openssl_to_adieu adieu_to_gnutls gnutls_to_adieu; do
        before=$FAILURES
        "run_$pairing" "$suite" "$group" "$cert" "$tag.$pairing"
        if ((FAILURES == before)); then cols+=(PASS); else cols+=(FAIL); fi
      done
      SUMMARY+=("$(printf '%-30s %-7s %-8s | %-5s %-5s %-5s %-5s' "$suite" "$group" "$cert" "${cols[@]}")")
    done
  done
done

finish "interop matrix (A = adieu, O = OpenSSL $(openssl version | cut -d' ' -f2), G = GnuTLS $(gnutls-cli --version | head -n1 | awk '{print $2}'); client>server)"
