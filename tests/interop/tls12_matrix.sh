#!/usr/bin/env bash
# The TLS 1.2 interop matrix: every TLS 1.2 cipher suite adieu implements
# (ECDHE with AES-GCM or ChaCha20-Poly1305; the ECDSA suites with the ECDSA
# P-256 and the Ed25519 certificate, the RSA suites with the RSA certificate)
# x group {x25519, P-256, P-384}, in four pairings, each side limited to
# TLS 1.2 and to the one suite, the server to the one group (the client may
# add P-256 for the certificate, see client_groups):
#   A>O  adieu-client -tls1_2      -> openssl s_server -tls1_2
#   O>A  openssl s_client -tls1_2  -> adieu-server -tls1_2
#   A>G  adieu-client -tls1_2      -> gnutls-serv --echo (TLS 1.2-only priority)
#   G>A  gnutls-cli (TLS 1.2-only priority) -> adieu-server -tls1_2
# Each run checks the exit statuses, the negotiated version, suite and group
# on both sides, the extended master secret (OpenSSL: the session, GnuTLS:
# "Options:"), the server's signature as both sides report it, the data (the
# echo, or what s_server received), and that both close_notify alerts crossed
# (adieu's "ended: ... clean" line and the peer's -msg / debug log).
# P-384 runs with the AES256-GCM-SHA384 suites only, unless
# TLS12_MATRIX_FULL=1 (every suite with every group).
# Prints a summary table. MATRIX_FILTER=regex limits the rows (matched against
# "SUITE GROUP CERT", e.g. "RSA.*x25519"); TLS12_GROUPS="x25519 P-256" limits
# the groups.
source "$(dirname "$0")/lib.sh"

# OpenSSL suite name and the certificate it is run with.
ROWS=(
  "ECDHE-ECDSA-AES128-GCM-SHA256 ecdsa"
  "ECDHE-ECDSA-AES128-GCM-SHA256 ed25519"
  "ECDHE-ECDSA-AES256-GCM-SHA384 ecdsa"
  "ECDHE-ECDSA-AES256-GCM-SHA384 ed25519"
  "ECDHE-ECDSA-CHACHA20-POLY1305 ecdsa"
  "ECDHE-ECDSA-CHACHA20-POLY1305 ed25519"
  "ECDHE-RSA-AES128-GCM-SHA256 rsa"
  "ECDHE-RSA-AES256-GCM-SHA384 rsa"
  "ECDHE-RSA-CHACHA20-POLY1305 rsa"
)
read -r -a GROUPS_ <<<"${TLS12_GROUPS:-x25519 P-256 P-384}"

# The suite's IANA name (what adieu prints); GnuTLS's name in its debug log
# ("Selected cipher suite: ..."), cipher and key exchange priority keywords.
iana_suite() {
  case $1 in
    ECDHE-ECDSA-AES128-GCM-SHA256) echo TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ;;
    ECDHE-ECDSA-AES256-GCM-SHA384) echo TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 ;;
    ECDHE-ECDSA-CHACHA20-POLY1305) echo TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ;;
    ECDHE-RSA-AES128-GCM-SHA256) echo TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 ;;
    ECDHE-RSA-AES256-GCM-SHA384) echo TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 ;;
    ECDHE-RSA-CHACHA20-POLY1305) echo TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 ;;
  esac
}
gnutls_suite() {
  case $1 in
    ECDHE-ECDSA-AES128-GCM-SHA256) echo GNUTLS_ECDHE_ECDSA_AES_128_GCM_SHA256 ;;
    ECDHE-ECDSA-AES256-GCM-SHA384) echo GNUTLS_ECDHE_ECDSA_AES_256_GCM_SHA384 ;;
    ECDHE-ECDSA-CHACHA20-POLY1305) echo GNUTLS_ECDHE_ECDSA_CHACHA20_POLY1305 ;;
    ECDHE-RSA-AES128-GCM-SHA256) echo GNUTLS_ECDHE_RSA_AES_128_GCM_SHA256 ;;
    ECDHE-RSA-AES256-GCM-SHA384) echo GNUTLS_ECDHE_RSA_AES_256_GCM_SHA384 ;;
    ECDHE-RSA-CHACHA20-POLY1305) echo GNUTLS_ECDHE_RSA_CHACHA20_POLY1305 ;;
  esac
}
gnutls_cipher() {
  case $1 in
    *AES128-GCM*) echo AES-128-GCM ;;
    *AES256-GCM*) echo AES-256-GCM ;;
    *CHACHA20-POLY1305*) echo CHACHA20-POLY1305 ;;
  esac
}
gnutls_kx() { [[ $1 == ECDHE-ECDSA-* ]] && echo ECDHE-ECDSA || echo ECDHE-RSA; }

# A group as adieu prints it, as OpenSSL's -groups takes it, in s_client's
# "Server Temp Key:" line, its NamedCurve id in the ServerKeyExchange (as
# -msg dumps it), and GnuTLS's name.
adieu_group() {
  case $1 in x25519) echo x25519 ;; P-256) echo secp256r1 ;; P-384) echo secp384r1 ;; esac
}
openssl_group() {
  case $1 in x25519) echo X25519 ;; P-256) echo P-256 ;; P-384) echo P-384 ;; esac
}
openssl_temp_key() {
  case $1 in
    x25519) echo "Server Temp Key: X25519, 253 bits" ;;
    P-256) echo "Server Temp Key: ECDH, prime256v1, 256 bits" ;;
    P-384) echo "Server Temp Key: ECDH, secp384r1, 384 bits" ;;
  esac
}
ske_curve() {
  case $1 in x25519) echo "03 00 1d" ;; P-256) echo "03 00 17" ;; P-384) echo "03 00 18" ;; esac
}
gnutls_group() {
  case $1 in x25519) echo X25519 ;; P-256) echo SECP256R1 ;; P-384) echo SECP384R1 ;; esac
}
# The groups each side offers. The server offers only the group under test,
# so that is what ECDHE uses. The client offers it first and, with the ECDSA
# P-256 certificate, P-256 after it: in TLS 1.2 the client's supported_groups
# also names the curves it accepts in the server's certificate (RFC 8422
# section 5.1.1; the server's key "MUST respect the client's choice of
# elliptic curves", section 5.3), and OpenSSL holds both sides to it:
# s_server will not pick an ECDSA suite for a P-256 key the client did not
# list ("no shared cipher"), s_client refuses such a key ("wrong curve").
client_groups() {
  local group=$1 cert=$2
  if [[ $cert == ecdsa && $group != P-256 ]]; then
    echo "$(openssl_group "$group"):P-256"
  else
    openssl_group "$group"
  fi
}
server_groups() { openssl_group "$1"; }
# GnuTLS priority strings: TLS 1.2 only, the one suite (cipher and key
# exchange), and the client's or the server's groups.
gnutls_priority12() {
  local suite=$1 groups=$2 g prio
  prio="NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+$(gnutls_cipher "$suite"):-KX-ALL:+$(gnutls_kx "$suite"):-GROUP-ALL"
  for g in ${groups//:/ }; do
    case $g in X25519) prio+=":+GROUP-X25519" ;; P-256) prio+=":+GROUP-SECP256R1" ;; P-384) prio+=":+GROUP-SECP384R1" ;; esac
  done
  echo "$prio"
}

# The server's TLS 1.2 signature (the ServerKeyExchange's): the scheme adieu
# prints (adieu-client's peer_sig, adieu-server's choice), and how s_client
# and GnuTLS name it. Both peers, as client and as server, end up with the
# first scheme of the client's list that fits the key: SHA-256 and, for RSA,
# RSA-PSS (adieu and both peers list RSA-PSS before PKCS#1 v1.5).
sig_scheme() {
  case $1 in ecdsa) echo ecdsa_secp256r1_sha256 ;; rsa) echo rsa_pss_rsae_sha256 ;; ed25519) echo ed25519 ;; esac
}
openssl_sig_type() {
  case $1 in
    ecdsa) echo "Peer signature type: ECDSA" ;;
    rsa) echo "Peer signature type: RSA-PSS" ;;
    ed25519) echo "Peer signature type: ed25519" ;;
  esac
}
gnutls_sig() {
  case $1 in ecdsa) echo ECDSA-SHA256 ;; rsa) echo RSA-PSS-RSAE-SHA256 ;; ed25519) echo EdDSA-Ed25519 ;; esac
}

# What every pairing checks on adieu's side: the parameters line, and the
# clean end (both close_notify crossed).
expect_adieu_line() {
  local tag=$1 file=$2 who=$3 expected=$4
  expect_grep "$tag: $who negotiated TLS 1.2, the suite and the group" "$file" "$expected"
  expect_grep "$tag: $who saw both close_notify" "$file" "$CLEAN"
}

# s_server prints its session as PEM (after the handshake); decoded it
# shows the protocol, the suite and the extended master secret.
openssl_server_session() {
  sed -n '/-----BEGIN SSL SESSION PARAMETERS-----/,/-----END SSL SESSION PARAMETERS-----/p' "$1" \
    | openssl sess_id -noout -text 2>&1
}

# The NamedCurve of the ServerKeyExchange s_server sent (the first bytes of
# the dump after the message's -msg line: type 0c, length, 03, curve id).
ske_curve_sent() {
  awk '/^>>> TLS 1.2, Handshake \[length [0-9a-f]*\], ServerKeyExchange/ { getline; print $5, $6, $7; exit }' "$1"
}

# Each run returns 0 when every check passed.
run_adieu_to_openssl() {
  local suite=$1 group=$2 cert=$3 tag=$4 before=$FAILURES
  local iana
  iana=$(iana_suite "$suite")
  use_cert "$cert"
  start_openssl_server "$tag.srv" -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -tls1_2 \
    -cipher "$suite" -groups "$(server_groups "$group")" -naccept 1 || return 1
  run_adieu_client "$tag" "tls12 $tag\n" -CAfile "$ROOT" -tls1_2 -cipher "$suite" \
    -groups "$(client_groups "$group" "$cert")"
  local rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: adieu-client ends cleanly" "$rc" 0
  expect_status "$tag: s_server ends cleanly" "$WAIT_STATUS" 0
  expect_adieu_line "$tag" "$WORK/$tag.cli.err" adieu-client \
    "version=TLSv1.2 suite=$iana group=$(adieu_group "$group") peer_sig=$(sig_scheme "$cert") "
  expect_grep "$tag: s_server suite" "$WORK/$tag.srv.out" "CIPHER is $suite"
  local curve
  curve=$(ske_curve_sent "$WORK/$tag.srv.out")
  if [[ "$curve" == "$(ske_curve "$group")" ]]; then
    pass "$tag: s_server's ServerKeyExchange names the group ($curve)"
  else
    failed "$tag: s_server's ServerKeyExchange starts '${curve:-none}', expected '$(ske_curve "$group")'"
  fi
  openssl_server_session "$WORK/$tag.srv.out" >"$WORK/$tag.srv.session"
  expect_grep "$tag: s_server's session is TLS 1.2" "$WORK/$tag.srv.session" "Protocol  : TLSv1.2"
  expect_grep "$tag: s_server's session has the suite" "$WORK/$tag.srv.session" "Cipher    : $suite"
  expect_grep "$tag: s_server used the extended master secret" "$WORK/$tag.srv.session" \
    "Extended master secret: yes"
  expect_grep "$tag: s_server got the data" "$WORK/$tag.srv.out" "tls12 $tag"
  expect_grep "$tag: s_server received our close_notify" "$WORK/$tag.srv.out" \
    "<<< TLS 1.2, Alert [length 0002], warning close_notify"
  expect_grep "$tag: s_server sent its close_notify" "$WORK/$tag.srv.out" \
    ">>> TLS 1.2, Alert [length 0002], warning close_notify"
  ((FAILURES == before))
}

run_openssl_to_adieu() {
  local suite=$1 group=$2 cert=$3 tag=$4 before=$FAILURES
  use_cert "$cert"
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -tls1_2 -cipher "$suite" \
    -groups "$(server_groups "$group")" -naccept 1 || return 1
  # Once the echo is back s_client's stdin ends: it sends close_notify (-msg
  # shows it) and adieu-server answers.
  run_openssl_client "$tag" "tls12 $tag\n" "tls12 $tag" -CAfile "$ROOT" -verify_return_error \
    -tls1_2 -cipher "$suite" -groups "$(client_groups "$group" "$cert")"
  local rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: s_client succeeds" "$rc" 0
  expect_status "$tag: adieu-server ends cleanly" "$WAIT_STATUS" 0
  expect_grep "$tag: s_client verified adieu-server" "$WORK/$tag.cli.out" \
    "Verify return code: 0 (ok)"
  expect_grep "$tag: s_client suite" "$WORK/$tag.cli.out" "New, TLSv1.2, Cipher is $suite"
  expect_grep "$tag: s_client protocol" "$WORK/$tag.cli.out" "Protocol  : TLSv1.2"
  expect_grep "$tag: s_client group" "$WORK/$tag.cli.out" "$(openssl_temp_key "$group")"
  expect_grep "$tag: s_client signature" "$WORK/$tag.cli.out" "$(openssl_sig_type "$cert")"
  expect_grep "$tag: s_client used the extended master secret" "$WORK/$tag.cli.out" \
    "Extended master secret: yes"
  expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "tls12 $tag"
  expect_grep "$tag: s_client sent close_notify" "$WORK/$tag.cli.out" \
    ">>> TLS 1.2, Alert [length 0002], warning close_notify"
  expect_adieu_line "$tag" "$WORK/$tag.srv.out" adieu-server \
    "version=TLSv1.2 suite=$(iana_suite "$suite") group=$(adieu_group "$group") peer_sig=none "
  ((FAILURES == before))
}

run_adieu_to_gnutls() {
  local suite=$1 group=$2 cert=$3 tag=$4 before=$FAILURES
  use_cert "$cert"
  start_gnutls_server "$tag.srv" --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY" \
    --priority "$(gnutls_priority12 "$suite" "$(server_groups "$group")")" || return 1
  run_adieu_client "$tag" "tls12 $tag\n" -CAfile "$ROOT" -tls1_2 -cipher "$suite" \
    -groups "$(client_groups "$group" "$cert")"
  local rc=$RC
  # gnutls-serv answers our close_notify; its log shows it once sent.
  wait_for_text "$WORK/$tag.srv.err" 'Sending Alert\[1\|0\] - Close notify' 5 "$SERVER_PID"
  stop_server
  expect_status "$tag: adieu-client ends cleanly" "$rc" 0
  expect_adieu_line "$tag" "$WORK/$tag.cli.err" adieu-client \
    "version=TLSv1.2 suite=$(iana_suite "$suite") group=$(adieu_group "$group") peer_sig=$(sig_scheme "$cert") "
  expect_grep "$tag: gnutls-serv parameters" "$WORK/$tag.srv.out" \
    "- Description: (TLS1.2-X.509)-(ECDHE-$(gnutls_group "$group"))-($(gnutls_sig "$cert"))-($(gnutls_cipher "$suite"))"
  expect_grep "$tag: gnutls-serv suite" "$WORK/$tag.srv.err" \
    "Selected cipher suite: $(gnutls_suite "$suite")"
  expect_grep "$tag: gnutls-serv signature" "$WORK/$tag.srv.out" \
    "- Server Signature: $(gnutls_sig "$cert")"
  expect_grep "$tag: gnutls-serv used the extended master secret" "$WORK/$tag.srv.out" \
    "- Options: extended master secret"
  expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "tls12 $tag"
  expect_grep "$tag: gnutls-serv received our close_notify" "$WORK/$tag.srv.err" \
    "Alert[1|0] - Close notify - was received"
  expect_grep "$tag: gnutls-serv sent its close_notify" "$WORK/$tag.srv.err" \
    "Sending Alert[1|0] - Close notify"
  ((FAILURES == before))
}

run_gnutls_to_adieu() {
  local suite=$1 group=$2 cert=$3 tag=$4 before=$FAILURES
  use_cert "$cert"
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -tls1_2 -cipher "$suite" \
    -groups "$(server_groups "$group")" -naccept 1 || return 1
  # At stdin's end gnutls-cli sends close_notify and waits for ours.
  run_gnutls_client "$tag" "tls12 $tag\n" "tls12 $tag" --x509cafile "$ROOT" \
    --priority "$(gnutls_priority12 "$suite" "$(client_groups "$group" "$cert")")"
  local rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: gnutls-cli succeeds" "$rc" 0
  expect_status "$tag: adieu-server ends cleanly" "$WAIT_STATUS" 0
  expect_grep "$tag: gnutls-cli verified adieu-server" "$WORK/$tag.cli.out" \
    "Status: The certificate is trusted."
  expect_grep "$tag: gnutls-cli parameters" "$WORK/$tag.cli.out" \
    "- Description: (TLS1.2-X.509)-(ECDHE-$(gnutls_group "$group"))-($(gnutls_sig "$cert"))-($(gnutls_cipher "$suite"))"
  expect_grep "$tag: gnutls-cli suite" "$WORK/$tag.cli.err" \
    "Selected cipher suite: $(gnutls_suite "$suite")"
  expect_grep "$tag: gnutls-cli used the extended master secret" "$WORK/$tag.cli.out" \
    "- Options: extended master secret"
  expect_grep "$tag: echo came back" "$WORK/$tag.cli.out" "tls12 $tag"
  expect_grep "$tag: gnutls-cli sent close_notify" "$WORK/$tag.cli.err" \
    "Sending Alert[1|0] - Close notify"
  expect_grep "$tag: gnutls-cli received ours" "$WORK/$tag.cli.err" \
    "Alert[1|0] - Close notify - was received"
  expect_adieu_line "$tag" "$WORK/$tag.srv.out" adieu-server \
    "version=TLSv1.2 suite=$(iana_suite "$suite") group=$(adieu_group "$group") peer_sig=none "
  ((FAILURES == before))
}

START_MS=$(now_ms)
SUMMARY+=("$(printf '%-30s %-7s %-8s | %-5s %-5s %-5s %-5s' suite group cert 'A>O' 'O>A' 'A>G' 'G>A')")
for row in "${ROWS[@]}"; do
  read -r suite cert <<<"$row"
  for group in "${GROUPS_[@]}"; do
    line="$suite $group $cert"
    if [[ -n "${MATRIX_FILTER:-}" && ! "$line" =~ $MATRIX_FILTER ]]; then continue; fi
    # P-384 with one suite per certificate (the SHA-384 one), unless
    # TLS12_MATRIX_FULL=1: the suite does not depend on the group, and the
    # whole script must stay well under a minute under ASan on two cores.
    if [[ $group == P-384 && $suite != *-AES256-GCM-SHA384 && "${TLS12_MATRIX_FULL:-0}" != 1 ]]; then
      continue
    fi
    tag="$suite-$group-$cert"
    log "== TLS 1.2 $line"
    cols=()
    for pairing in adieu_to_openssl openssl_to_adieu adieu_to_gnutls gnutls_to_adieu; do
      before=$FAILURES
      "run_$pairing" "$suite" "$group" "$cert" "$tag.$pairing"
      if ((FAILURES == before)); then cols+=(PASS); else cols+=(FAIL); fi
    done
    SUMMARY+=("$(printf '%-30s %-7s %-8s | %-5s %-5s %-5s %-5s' "$suite" "$group" "$cert" "${cols[@]}")")
  done
done

# The rule client_groups() follows, from adieu-server's side: a client whose
# supported_groups leaves out P-256 must not get the P-256 ECDSA certificate
# (RFC 8422 section 5.3); with nothing else to offer, adieu-server should
# refuse with handshake_failure, as s_server does ("no shared cipher").
if [[ -z "${MATRIX_FILTER:-}" ]]; then
  log "== TLS 1.2 s_client -groups X25519 (no P-256) -> adieu-server with the P-256 certificate"
  use_cert ecdsa
  tag=ecdsa-cert-curve-not-offered
  start_adieu_server "$tag.srv" -cert "$FULLCHAIN" -key "$KEY" -tls1_2 -naccept 1
  run_openssl_client "$tag" "tls12 $tag\n" "tls12 $tag" -CAfile "$ROOT" -verify_return_error \
    -tls1_2 -groups X25519
  rc=$RC
  wait_exit "$SERVER_PID" 5
  expect_status "$tag: adieu-server exits cleanly" "$WAIT_STATUS" 0
  expect_nonzero "$tag: no connection" "$rc"
  expect_no_grep "$tag: no data was echoed" "$WORK/$tag.cli.out" "tls12 $tag"
  expect_grep "$tag: adieu-server refused" "$WORK/$tag.srv.out" \
    "handshake failed ended: read=error write=fatal_alert_sent: fatal alert sent: handshake_failure"
  expect_grep "$tag: s_client received handshake_failure" "$WORK/$tag.cli.out" \
    "<<< TLS 1.2, Alert [length 0002], fatal handshake_failure"
  expect_no_grep "$tag: adieu-server sent no certificate" "$WORK/$tag.cli.out" "], Certificate"
  SUMMARY+=("ECDSA P-256 certificate, client without P-256 (RFC 8422 5.3): refused")
fi

SUMMARY+=("($(((($(now_ms) - START_MS) + 500) / 1000)) s)")

finish "TLS 1.2 interop matrix (A = adieu, O = OpenSSL $(openssl version | cut -d' ' -f2), G = GnuTLS $(gnutls-cli --version | head -n1 | awk '{print $2}'); client>server)"
