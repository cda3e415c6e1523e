#!/usr/bin/env bash
# TLS 1.2 client certificates (RFC 5246 sections 7.4.4, 7.4.6, 7.4.8), both
# ways, with both peers, every side limited to TLS 1.2:
#   adieu-server -Verify/-verify <- openssl s_client / gnutls-cli
#   adieu-client -cert/-key      -> openssl s_server -Verify / gnutls-serv -r
# Cases: required and sent (with the ECDSA and the RSA server certificate),
# optional and missing, optional and sent, required and missing (TLS 1.2 has
# no certificate_required alert: the server sends handshake_failure -- GnuTLS
# sends decode_error), and a client certificate from a root the server does
# not trust (unknown_ca; GnuTLS sends access_denied). Each case checks both
# sides: the exit statuses, what the server verified (adieu-server's
# peer_certs= and peer_sig=, s_server's verify lines and session, gnutls-serv's
# "Status:"), that the client was asked (CertificateRequest) and what it sent
# (Certificate, CertificateVerify, or an empty Certificate), the alert sent
# and received, and, when it succeeds, the echo and the close_notify exchange.
source "$(dirname "$0")/lib.sh"

CLIENT_LEAF=$D/client-leaf.pem
CLIENT_FULLCHAIN=$D/client-fullchain.pem
CLIENT_KEY=$D/client-leaf.key
CLIENT_ROOT=$D/ecdsa-root.pem # the root of client-leaf's chain
OTHER_ROOT=$D/rsa-root.pem    # a root that does not vouch for client-leaf
TLS12_ONLY="NORMAL:-VERS-ALL:+VERS-TLS1.2"

# What adieu prints for a TLS 1.2 connection with each server certificate
# (both peers and adieu pick the first suite of their lists, x25519, SHA-256).
adieu_params() {
  case $1 in
    ecdsa) echo "version=TLSv1.2 suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 group=x25519" ;;
    rsa) echo "version=TLSv1.2 suite=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 group=x25519" ;;
  esac
}
# The client's CertificateVerify with the P-256 client key.
CLIENT_SIG="peer_sig=ecdsa_secp256r1_sha256"

# expect_match DESCRIPTION FILE EXTENDED-REGEX
expect_match() {
  local what=$1 file=$2 re=$3
  if grep -qE -- "$re" "$file" 2>/dev/null; then
    pass "$what"
    return 0
  fi
  failed "$what: /$re/ not found in $(basename "$file")"
  show "$file"
  return 1
}

# s_server's session (PEM, printed after the handshake), decoded.
openssl_server_session() {
  sed -n '/-----BEGIN SSL SESSION PARAMETERS-----/,/-----END SSL SESSION PARAMETERS-----/p' "$1" \
    | openssl sess_id -noout -text 2>&1
}

SUMMARY+=("$(printf '%-7s %-56s | %s' pairing case result)")
# record PAIRING CASE BEFORE: one summary row for the checks since BEFORE.
record() {
  local verdict=PASS
  ((FAILURES == $3)) || verdict=FAIL
  SUMMARY+=("$(printf '%-7s %-56s | %s' "$1" "$2" "$verdict")")
}

# --- peers' clients -> adieu-server -----------------------------------------

# O>A: s_client -tls1_2 -> adieu-server -tls1_2 MODE 2 -CAfile CA.
#   openssl_to_adieu TAG MODE(-Verify|-verify) SERVER-CERT CA SEND(cert|none) EXPECT(ok|ALERT)
openssl_to_adieu() {
  local tag=$1 mode=$2 cert=$3 ca=$4 send=$5 expect=$6
  use_cert "$cert"
  local client_args=()
  [[ $send == cert ]] && client_args=(-cert "$CLIENT_LEAF" -cert_chain "$D/ecdsa-chain.pem" -key "$CLIENT_KEY")
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -tls1_2 "$mode" 2 -CAfile "$ca" \
    -naccept 1 || return
  run_openssl_client "$tag" "tls12 mtls $tag\n" "tls12 mtls $tag" -CAfile "$ROOT" \
    -verify_return_error -tls1_2 "${client_args[@]}"
  local rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: adieu-server exits cleanly" "$WAIT_STATUS" 0
  expect_grep "$tag: s_client verified adieu-server" "$WORK/$tag.cli.out" "Verify return code: 0 (ok)"
  expect_match "$tag: s_client was asked for a certificate" "$WORK/$tag.cli.out" \
    '^<<< TLS 1\.2, Handshake \[length [0-9a-f]+\], CertificateRequest$'
  if [[ $send == cert ]]; then
    expect_match "$tag: s_client sent its certificate" "$WORK/$tag.cli.out" \
      '^>>> TLS 1\.2, Handshake \[length [0-9a-f]+\], Certificate$'
    expect_match "$tag: s_client sent a CertificateVerify" "$WORK/$tag.cli.out" \
      '^>>> TLS 1\.2, Handshake \[length [0-9a-f]+\], CertificateVerify$'
  else
    # RFC 5246 section 7.4.6: a client without a suitable certificate sends an
    # empty Certificate message (4-byte header + empty 3-byte list).
    expect_grep "$tag: s_client sent an empty Certificate" "$WORK/$tag.cli.out" \
      ">>> TLS 1.2, Handshake [length 0007], Certificate"
    expect_no_grep "$tag: s_client sent no CertificateVerify" "$WORK/$tag.cli.out" "CertificateVerify"
  fi
  if [[ $expect == ok ]]; then
    expect_status "$tag: s_client succeeds" "$rc" 0
    expect_grep "$tag: s_client negotiated TLS 1.2" "$WORK/$tag.cli.out" "Protocol  : TLSv1.2"
    expect_grep "$tag: s_client used the extended master secret" "$WORK/$tag.cli.out" \
      "Extended master secret: yes"
    expect_grep "$tag: adieu-server negotiated TLS 1.2" "$WORK/$tag.srv.out" "$(adieu_params "$cert") "
    if [[ $send == cert ]]; then
      expect_grep "$tag: adieu-server verified the client chain" "$WORK/$tag.srv.out" \
        "$CLIENT_SIG alpn=none hrr=no sni=localhost peer_certs=2 "
    else
      expect_grep "$tag: adieu-server accepted no certificate" "$WORK/$tag.srv.out" \
        "peer_sig=none alpn=none hrr=no sni=localhost peer_certs=0 "
    fi
    expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "tls12 mtls $tag"
    expect_grep "$tag: s_client sent close_notify" "$WORK/$tag.cli.out" \
      ">>> TLS 1.2, Alert [length 0002], warning close_notify"
    expect_grep "$tag: adieu-server saw both close_notify" "$WORK/$tag.srv.out" "$CLEAN"
  else
    expect_nonzero "$tag: s_client fails" "$rc"
    expect_grep "$tag: adieu-server sent $expect" "$WORK/$tag.srv.out" \
      "handshake failed ended: read=error write=fatal_alert_sent: fatal alert sent: $expect"
    expect_grep "$tag: s_client received $expect" "$WORK/$tag.cli.out" \
      "<<< TLS 1.2, Alert [length 0002], fatal $expect"
    expect_no_grep "$tag: no data was echoed" "$WORK/$tag.cli.out" "tls12 mtls $tag"
  fi
}

# G>A: gnutls-cli (TLS 1.2 only) -> adieu-server -tls1_2 MODE 2 -CAfile CA.
#   gnutls_to_adieu TAG MODE SERVER-CERT CA SEND(cert|none) EXPECT(ok|ALERT) GNUTLS-ALERT
gnutls_to_adieu() {
  local tag=$1 mode=$2 cert=$3 ca=$4 send=$5 expect=$6 gnutls_alert=${7:-}
  use_cert "$cert"
  local client_args=()
  [[ $send == cert ]] && client_args=(--x509certfile "$CLIENT_FULLCHAIN" --x509keyfile "$CLIENT_KEY")
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -tls1_2 "$mode" 2 -CAfile "$ca" \
    -naccept 1 || return
  run_gnutls_client "$tag" "tls12 mtls $tag\n" "tls12 mtls $tag" --x509cafile "$ROOT" \
    --priority "$TLS12_ONLY" "${client_args[@]}"
  local rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: adieu-server exits cleanly" "$WAIT_STATUS" 0
  expect_grep "$tag: gnutls-cli was asked for a certificate" "$WORK/$tag.cli.err" \
    "CERTIFICATE REQUEST (13) was received"
  if [[ $send == cert ]]; then
    expect_grep "$tag: gnutls-cli sent a CertificateVerify" "$WORK/$tag.cli.err" \
      "CERTIFICATE VERIFY was queued"
  else
    expect_no_grep "$tag: gnutls-cli sent no CertificateVerify" "$WORK/$tag.cli.err" \
      "CERTIFICATE VERIFY was queued"
  fi
  if [[ $expect == ok ]]; then
    expect_status "$tag: gnutls-cli succeeds" "$rc" 0
    expect_grep "$tag: gnutls-cli verified adieu-server" "$WORK/$tag.cli.out" \
      "Status: The certificate is trusted."
    expect_grep "$tag: gnutls-cli negotiated TLS 1.2" "$WORK/$tag.cli.out" "- Description: (TLS1.2-X.509)"
    expect_grep "$tag: gnutls-cli used the extended master secret" "$WORK/$tag.cli.out" \
      "- Options: extended master secret"
    expect_grep "$tag: adieu-server negotiated TLS 1.2" "$WORK/$tag.srv.out" "$(adieu_params "$cert") "
    if [[ $send == cert ]]; then
      expect_grep "$tag: adieu-server verified the client chain" "$WORK/$tag.srv.out" \
        "$CLIENT_SIG alpn=none hrr=no sni=localhost peer_certs=2 "
    else
      expect_grep "$tag: adieu-server accepted no certificate" "$WORK/$tag.srv.out" \
        "peer_sig=none alpn=none hrr=no sni=localhost peer_certs=0 "
    fi
    expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "tls12 mtls $tag"
    expect_grep "$tag: gnutls-cli received our close_notify" "$WORK/$tag.cli.err" \
      "Alert[1|0] - Close notify - was received"
    expect_grep "$tag: adieu-server saw both close_notify" "$WORK/$tag.srv.out" "$CLEAN"
  else
    expect_nonzero "$tag: gnutls-cli fails" "$rc"
    expect_grep "$tag: adieu-server sent $expect" "$WORK/$tag.srv.out" \
      "handshake failed ended: read=error write=fatal_alert_sent: fatal alert sent: $expect"
    expect_grep "$tag: gnutls-cli received $expect" "$WORK/$tag.cli.err" \
      "$gnutls_alert - was received"
    expect_no_grep "$tag: no data was echoed" "$WORK/$tag.cli.out" "tls12 mtls $tag"
  fi
}

# --- adieu-client -> peers' servers ------------------------------------------

# A>O: adieu-client -tls1_2 -> s_server -tls1_2 -Verify 2 -verify_return_error
# -CAfile CA (without -verify_return_error s_server goes on after a failed
# verification).
#   adieu_to_openssl TAG SERVER-CERT CA SEND(cert|none) EXPECT(ok|ALERT)
adieu_to_openssl() {
  local tag=$1 cert=$2 ca=$3 send=$4 expect=$5
  use_cert "$cert"
  local client_args=()
  [[ $send == cert ]] && client_args=(-cert "$CLIENT_FULLCHAIN" -key "$CLIENT_KEY")
  start_openssl_server "$tag.srv" -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -tls1_2 \
    -Verify 2 -verify_return_error -CAfile "$ca" -naccept 1 || return
  run_adieu_client "$tag" "tls12 mtls $tag\n" -CAfile "$ROOT" -tls1_2 "${client_args[@]}"
  local rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_grep "$tag: s_server asked for a certificate" "$WORK/$tag.srv.out" \
    "], CertificateRequest"
  if [[ $send == cert ]]; then
    expect_match "$tag: adieu-client sent its certificate" "$WORK/$tag.srv.out" \
      '^<<< TLS 1\.2, Handshake \[length [0-9a-f]+\], Certificate$'
    expect_no_grep "$tag: adieu-client's Certificate was not empty" "$WORK/$tag.srv.out" \
      "<<< TLS 1.2, Handshake [length 0007], Certificate"
    # (s_server stops at a chain it cannot verify, before the CertificateVerify.)
    if [[ $expect == ok ]]; then
      expect_match "$tag: adieu-client sent a CertificateVerify" "$WORK/$tag.srv.out" \
        '^<<< TLS 1\.2, Handshake \[length [0-9a-f]+\], CertificateVerify$'
    fi
  else
    expect_grep "$tag: adieu-client sent an empty Certificate" "$WORK/$tag.srv.out" \
      "<<< TLS 1.2, Handshake [length 0007], Certificate"
    expect_no_grep "$tag: adieu-client sent no CertificateVerify" "$WORK/$tag.srv.out" \
      "CertificateVerify"
  fi
  if [[ $expect == ok ]]; then
    expect_status "$tag: adieu-client ends cleanly" "$rc" 0
    expect_status "$tag: s_server ends cleanly" "$WAIT_STATUS" 0
    expect_grep "$tag: adieu-client negotiated TLS 1.2" "$WORK/$tag.cli.err" "$(adieu_params "$cert") "
    expect_grep "$tag: s_server verified the client leaf" "$WORK/$tag.srv.err" \
      "depth=0 O = adieu tests, CN = adieu client"
    expect_grep "$tag: s_server verified up to the root" "$WORK/$tag.srv.err" \
      "depth=2 O = adieu tests, CN = adieu ECDSA root"
    expect_no_grep "$tag: s_server had no verify error" "$WORK/$tag.srv.err" "verify error"
    expect_grep "$tag: s_server got our certificate" "$WORK/$tag.srv.out" \
      "subject=O = adieu tests, CN = adieu client"
    expect_grep "$tag: s_server checked our CertificateVerify" "$WORK/$tag.srv.out" \
      "Peer signature type: ECDSA"
    openssl_server_session "$WORK/$tag.srv.out" >"$WORK/$tag.srv.session"
    expect_grep "$tag: s_server's session is TLS 1.2" "$WORK/$tag.srv.session" "Protocol  : TLSv1.2"
    expect_grep "$tag: s_server's session: verified" "$WORK/$tag.srv.session" \
      "Verify return code: 0 (ok)"
    expect_grep "$tag: s_server used the extended master secret" "$WORK/$tag.srv.session" \
      "Extended master secret: yes"
    expect_grep "$tag: s_server got the data" "$WORK/$tag.srv.out" "tls12 mtls $tag"
    expect_grep "$tag: s_server received our close_notify" "$WORK/$tag.srv.out" \
      "<<< TLS 1.2, Alert [length 0002], warning close_notify"
    expect_grep "$tag: adieu-client saw both close_notify" "$WORK/$tag.cli.err" "$CLEAN"
  else
    expect_nonzero "$tag: adieu-client fails" "$rc"
    expect_grep "$tag: adieu-client received $expect" "$WORK/$tag.cli.err" \
      "fatal alert received: $expect"
    expect_grep "$tag: s_server sent $expect" "$WORK/$tag.srv.out" \
      ">>> TLS 1.2, Alert [length 0002], fatal $expect"
    expect_no_grep "$tag: s_server got no data" "$WORK/$tag.srv.out" "tls12 mtls $tag"
  fi
}

# A>G: adieu-client -tls1_2 -> gnutls-serv --require-client-cert
# --verify-client-cert --x509cafile CA (TLS 1.2 only).
#   adieu_to_gnutls TAG SERVER-CERT CA SEND(cert|none) EXPECT(ok|ALERT) GNUTLS-ALERT
adieu_to_gnutls() {
  local tag=$1 cert=$2 ca=$3 send=$4 expect=$5 gnutls_alert=${6:-}
  use_cert "$cert"
  local client_args=()
  [[ $send == cert ]] && client_args=(-cert "$CLIENT_FULLCHAIN" -key "$CLIENT_KEY")
  start_gnutls_server "$tag.srv" --echo --require-client-cert --verify-client-cert \
    --x509cafile "$ca" --x509certfile "$FULLCHAIN" --x509keyfile "$KEY" \
    --priority "$TLS12_ONLY" || return
  run_adieu_client "$tag" "tls12 mtls $tag\n" -CAfile "$ROOT" -tls1_2 "${client_args[@]}"
  local rc=$RC
  sleep 0.1
  stop_server
  expect_grep "$tag: gnutls-serv asked for a certificate" "$WORK/$tag.srv.err" \
    "CERTIFICATE REQUEST was queued"
  if [[ $expect == ok ]]; then
    expect_status "$tag: adieu-client ends cleanly" "$rc" 0
    expect_grep "$tag: adieu-client negotiated TLS 1.2" "$WORK/$tag.cli.err" "$(adieu_params "$cert") "
    expect_grep "$tag: gnutls-serv negotiated TLS 1.2" "$WORK/$tag.srv.out" "- Version: TLS1.2"
    expect_grep "$tag: gnutls-serv got our chain" "$WORK/$tag.srv.out" \
      "Got a certificate list of 2 certificates."
    expect_grep "$tag: gnutls-serv got our certificate" "$WORK/$tag.srv.out" \
      "Subject: CN=adieu client"
    expect_grep "$tag: gnutls-serv verified our certificate" "$WORK/$tag.srv.out" \
      "- Status: The certificate is trusted."
    expect_grep "$tag: gnutls-serv checked our CertificateVerify" "$WORK/$tag.srv.out" \
      "- Client Signature: ECDSA-SHA256"
    expect_grep "$tag: gnutls-serv used the extended master secret" "$WORK/$tag.srv.out" \
      "- Options: extended master secret"
    expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "tls12 mtls $tag"
    expect_grep "$tag: gnutls-serv received our close_notify" "$WORK/$tag.srv.err" \
      "Alert[1|0] - Close notify - was received"
    expect_grep "$tag: adieu-client saw both close_notify" "$WORK/$tag.cli.err" "$CLEAN"
  else
    expect_nonzero "$tag: adieu-client fails" "$rc"
    expect_grep "$tag: adieu-client received $expect" "$WORK/$tag.cli.err" \
      "fatal alert received: $expect"
    expect_grep "$tag: gnutls-serv sent $expect" "$WORK/$tag.srv.err" "Sending Alert$gnutls_alert"
    expect_no_grep "$tag: no data was echoed" "$WORK/$tag.cli.out" "tls12 mtls $tag"
  fi
}

# Each case: CASE-TEXT, then the call.
run_case() {
  local pairing=$1 text=$2 before=$FAILURES
  shift 2
  log "== $pairing: $text"
  "$@"
  record "$pairing" "$text" "$before"
}

START_MS=$(now_ms)

# adieu-server verifying the peers' client certificates.
run_case 'O>A' "required, sent (ECDSA server)" \
  openssl_to_adieu so-req -Verify ecdsa "$CLIENT_ROOT" cert ok
run_case 'O>A' "required, sent (RSA server)" \
  openssl_to_adieu so-req-rsa -Verify rsa "$CLIENT_ROOT" cert ok
run_case 'O>A' "optional, sent" \
  openssl_to_adieu so-opt -verify ecdsa "$CLIENT_ROOT" cert ok
run_case 'O>A' "optional, missing" \
  openssl_to_adieu so-opt-none -verify ecdsa "$CLIENT_ROOT" none ok
run_case 'O>A' "required, missing: handshake_failure" \
  openssl_to_adieu so-req-none -Verify ecdsa "$CLIENT_ROOT" none handshake_failure
run_case 'O>A' "untrusted client certificate: unknown_ca" \
  openssl_to_adieu so-untrusted -Verify ecdsa "$OTHER_ROOT" cert unknown_ca

run_case 'G>A' "required, sent (ECDSA server)" \
  gnutls_to_adieu gc-req -Verify ecdsa "$CLIENT_ROOT" cert ok
run_case 'G>A' "required, sent (RSA server)" \
  gnutls_to_adieu gc-req-rsa -Verify rsa "$CLIENT_ROOT" cert ok
run_case 'G>A' "optional, missing" \
  gnutls_to_adieu gc-opt-none -verify ecdsa "$CLIENT_ROOT" none ok
run_case 'G>A' "required, missing: handshake_failure" \
  gnutls_to_adieu gc-req-none -Verify ecdsa "$CLIENT_ROOT" none handshake_failure \
  "Alert[2|40] - Handshake failed"
run_case 'G>A' "untrusted client certificate: unknown_ca" \
  gnutls_to_adieu gc-untrusted -Verify ecdsa "$OTHER_ROOT" cert unknown_ca \
  "Alert[2|48] - CA is unknown"

# adieu-client presenting its certificate to the peers' servers.
run_case 'A>O' "required, sent (ECDSA server)" \
  adieu_to_openssl os-req ecdsa "$CLIENT_ROOT" cert ok
run_case 'A>O' "required, sent (RSA server)" \
  adieu_to_openssl os-req-rsa rsa "$CLIENT_ROOT" cert ok
run_case 'A>O' "required, missing: handshake_failure" \
  adieu_to_openssl os-req-none ecdsa "$CLIENT_ROOT" none handshake_failure
expect_grep "os-req-none: s_server refused the empty Certificate" "$WORK/os-req-none.srv.err" \
  "peer did not return a certificate"
run_case 'A>O' "untrusted client certificate: unknown_ca" \
  adieu_to_openssl os-untrusted ecdsa "$OTHER_ROOT" cert unknown_ca
expect_grep "os-untrusted: s_server failed to verify our chain" "$WORK/os-untrusted.srv.err" \
  "verify error:num=20:unable to get local issuer certificate"

run_case 'A>G' "required, sent (ECDSA server)" \
  adieu_to_gnutls gs-req ecdsa "$CLIENT_ROOT" cert ok
run_case 'A>G' "required, sent (RSA server)" \
  adieu_to_gnutls gs-req-rsa rsa "$CLIENT_ROOT" cert ok
# GnuTLS 3.7 answers an empty Certificate, when it requires one, with
# decode_error ("No certificate was found"), whatever the client (s_client
# gets the same): not adieu's doing. The message it got was the empty list.
run_case 'A>G' "required, missing: decode_error (GnuTLS's alert)" \
  adieu_to_gnutls gs-req-none ecdsa "$CLIENT_ROOT" none decode_error "[2|50] - Decode error"
expect_grep "gs-req-none: gnutls-serv got an empty Certificate" "$WORK/gs-req-none.srv.err" \
  "CERTIFICATE (11) was received. Length 3["
expect_grep "gs-req-none: gnutls-serv found no certificate in it" "$WORK/gs-req-none.srv.err" \
  "No certificate was found."
# GnuTLS answers a chain it cannot verify with access_denied.
run_case 'A>G' "untrusted client certificate: access_denied (GnuTLS's)" \
  adieu_to_gnutls gs-untrusted ecdsa "$OTHER_ROOT" cert access_denied "[2|49] - Access was denied"

SUMMARY+=("($(((($(now_ms) - START_MS) + 500) / 1000)) s)")
finish "TLS 1.2 client certificates (A = adieu, O = OpenSSL, G = GnuTLS; client>server)"
