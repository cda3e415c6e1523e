#!/usr/bin/env bash
# Every group and every certificate's signature scheme with OpenSSL, both
# ways: groups X25519, P-256, P-384, P-521 and X448 (TLS 1.3 and 1.2), the
# RFC 7919 groups ffdhe2048 to ffdhe8192 (TLS 1.3; also against GnuTLS), and
# server certificates ECDSA P-256 / P-384 / P-521, Ed25519, Ed448, RSA
# (rsa_pss_rsae) and RSA-PSS (rsa_pss_pss) in TLS 1.3, the EdDSA and P-521
# ones in TLS 1.2 too. Each connection sends a line, checks the negotiated
# group or signature on adieu's side, and both close_notify alerts.
source "$(dirname "$0")/lib.sh"

# adieu's name for a group (set_groups names in, IANA-ish names out).
adieu_group() {
  case $1 in
    X25519) echo x25519 ;;
    P-256) echo secp256r1 ;;
    P-384) echo secp384r1 ;;
    P-521) echo secp521r1 ;;
    X448) echo x448 ;;
    *) echo "$1" ;;
  esac
}

use_cert ecdsa
for version in tls1_3 tls1_2; do
  groups="X25519 P-256 P-384 P-521 X448"
  [[ $version == tls1_3 ]] && groups+=" ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192"
  for group in $groups; do
    # In TLS 1.2 the client also lists the certificate's curve (RFC 8422
    # section 5.3); the server's only group is the one under test.
    offered=$group
    [[ $version == tls1_2 && $group != P-256 ]] && offered="$group:P-256"
    tag="o-$version-$group"
    start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 1 -groups "$group"
    run_openssl_client "$tag" "$tag\n" "$tag" -CAfile "$ROOT" -verify_return_error "-$version" \
      -groups "$offered"
    wait_exit "$SERVER_PID" 5
    expect_status "$tag: s_client succeeds" "$RC" 0
    expect_grep "$tag: adieu-server used $group" "$WORK/$tag.srv.out" \
      "group=$(adieu_group "$group") "
    expect_grep "$tag: adieu-server ended cleanly" "$WORK/$tag.srv.out" "$CLEAN"

    tag="a-$version-$group"
    start_openssl_server "$tag.srv" -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1 \
      "-$version" -groups "$group"
    run_adieu_client "$tag" "$tag\n" -CAfile "$ROOT" -groups "$offered"
    wait_exit "$SERVER_PID" 5
    expect_status "$tag: adieu-client ends cleanly" "$RC" 0
    expect_grep "$tag: adieu-client used $group" "$WORK/$tag.cli.err" \
      "group=$(adieu_group "$group") "
    expect_grep "$tag: s_server got the line" "$WORK/$tag.srv.out" "$tag"
  done
done

# The ffdhe groups with GnuTLS, both ways (TLS 1.3).
for group in ffdhe2048 ffdhe3072 ffdhe4096 ffdhe6144 ffdhe8192; do
  tag="g-$group"
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 1 -groups "$group"
  run_gnutls_client "$tag" "$tag\n" "$tag" --x509cafile "$ROOT" \
    --priority "$(gnutls_priority TLS_AES_128_GCM_SHA256 "$group")"
  rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: gnutls-cli succeeds" "$rc" 0
  expect_grep "$tag: gnutls-cli used $group" "$WORK/$tag.cli.out" "(TLS1.3-X.509)-(DHE-FFDHE${group#ffdhe})"
  expect_grep "$tag: adieu-server used $group" "$WORK/$tag.srv.out" "group=$group "
  expect_grep "$tag: adieu-server ended cleanly" "$WORK/$tag.srv.out" "$CLEAN"

  tag="ga-$group"
  start_gnutls_server "$tag.srv" --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY" \
    --priority "$(gnutls_priority TLS_AES_128_GCM_SHA256 "$group")"
  run_adieu_client "$tag" "$tag\n" -CAfile "$ROOT" -groups "$group"
  sleep 0.1
  stop_server
  expect_status "$tag: adieu-client ends cleanly" "$RC" 0
  expect_grep "$tag: adieu-client used $group" "$WORK/$tag.cli.err" "group=$group "
  expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "$tag"
done

# sigs VERSION CERT...: s_client -> adieu-server and adieu-client ->
# s_server with each certificate, checking the signature scheme adieu saw or
# made.
sigs() {
  local version=$1 cert tag
  shift
  for cert in "$@"; do
    use_cert "$cert"
    tag="os-$version-$cert"
    start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 1
    run_openssl_client "$tag" "$tag\n" "$tag" -CAfile "$ROOT" -verify_return_error "-$version"
    wait_exit "$SERVER_PID" 5
    expect_status "$tag: s_client verified adieu-server's $SIG" "$RC" 0
    expect_grep "$tag: adieu-server ended cleanly" "$WORK/$tag.srv.out" "$CLEAN"

    tag="as-$version-$cert"
    start_openssl_server "$tag.srv" -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1 \
      "-$version"
    # Every curve offered, so a P-521 certificate fits TLS 1.2's rule too.
    run_adieu_client "$tag" "$tag\n" -CAfile "$ROOT" -groups X25519:P-256:P-384:P-521
    wait_exit "$SERVER_PID" 5
    expect_status "$tag: adieu-client ends cleanly" "$RC" 0
    # TLS 1.2's ecdsa_* schemes name only the hash: OpenSSL signs with a
    # P-521 key under the client's first ECDSA scheme (RFC 5246 7.4.1.4.1).
    local want=$SIG
    [[ $version == tls1_2 && $cert == p521 ]] && want=ecdsa_secp256r1_sha256
    expect_grep "$tag: adieu-client verified $want" "$WORK/$tag.cli.err" "peer_sig=$want "
  done
}
# -sigalgs, both ways: adieu-server signs only with its list, adieu-client
# offers and accepts only its list.
use_cert rsa
tag="sa-srv"
start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -naccept 1 -sigalgs rsa_pss_rsae_sha384
run_openssl_client "$tag" "$tag\n" "$tag" -CAfile "$ROOT" -verify_return_error
wait_exit "$SERVER_PID" 5
expect_status "$tag: s_client verified adieu-server" "$RC" 0
expect_grep "$tag: adieu-server signed with SHA-384" "$WORK/$tag.cli.out" "Peer signing digest: SHA384"
tag="sa-cli"
start_openssl_server "$tag.srv" -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
run_adieu_client "$tag" "$tag\n" -CAfile "$ROOT" -sigalgs RSA-PSS+SHA512
wait_exit "$SERVER_PID" 5
expect_status "$tag: adieu-client ends cleanly" "$RC" 0
expect_grep "$tag: s_server signed with adieu-client's only scheme" "$WORK/$tag.cli.err" \
  "peer_sig=rsa_pss_rsae_sha512 "

sigs tls1_3 ecdsa p384 p521 ed25519 ed448 rsa rsa-pss
sigs tls1_2 p521 ed25519 ed448

finish "groups and signature schemes"
