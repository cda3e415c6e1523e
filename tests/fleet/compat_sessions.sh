#!/usr/bin/env bash
# Fleet resumption for programs on the OpenSSL API: two processes of
# compat_session_server (OpenSSL's external session cache callbacks storing
# i2d_SSL_SESSION bytes in one redis-server started here) share their
# sessions. Run on adieu's libssl.so.3, then, the same binary, on OpenSSL's
# libssl (the reference: the same answers are expected of both):
# - TLS 1.3 stateful tickets (SSL_OP_NO_TICKET): a ticket made on one server
#   resumes on the other, once (the get callback deletes a TLS 1.3 session);
# - TLS 1.2 session ids: a session made on one resumes on the other, and
#   again on the first;
# - a session Redis no longer holds is a full handshake, not a failure.
#   compat_sessions.sh SERVER_BINARY ADIEU_LIBSSL_DIR
# Needs redis-server: a missing one fails under CI=true, skips outside.
source "$(dirname "$0")/fleet_lib.sh"
server_bin=$1
adieu_libdir=$2
use_cert ecdsa

# start_compat NAME LIBDIR: compat_session_server on LIBDIR's libssl.so.3
# (empty: the system's). Sets PORT and SERVER_PID.
start_compat() {
  local name=$1 libdir=$2 i
  PORT=
  if [[ -n "$libdir" ]]; then
    spawn /dev/null "$WORK/$name.out" "$WORK/$name.err" env "LD_LIBRARY_PATH=$libdir" \
      "$server_bin" "$FULLCHAIN" "$KEY" "$REDIS_PORT"
  else
    spawn /dev/null "$WORK/$name.out" "$WORK/$name.err" "$server_bin" "$FULLCHAIN" "$KEY" \
      "$REDIS_PORT"
  fi
  SERVER_PID=$SPAWNED_PID
  for ((i = 0; i < 200; i++)); do
    PORT=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$WORK/$name.out")
    [[ -n "$PORT" ]] && break
    sleep 0.05
  done
  if [[ -z "$PORT" ]]; then
    failed "$name did not start"
    show "$WORK/$name.err"
    return 1
  fi
  # The library it runs on, checked: adieu's when asked for, else OpenSSL's.
  local libssl
  libssl=$(grep -o '/[^ ]*libssl\.so[^ ]*' "/proc/$SERVER_PID/maps" | sort -u | head -n 1)
  if [[ -n "$libdir" && "$(realpath "$libssl")" == "$(realpath "$libdir")"/* ]] ||
    [[ -z "$libdir" && -n "$libssl" && "$libssl" != "$(realpath "$adieu_libdir")"/* ]]; then
    pass "$name runs on $libssl"
  else
    failed "$name runs on '$libssl'"
  fi
}

start_redis || finish "fleet_compat_sessions"
for flavour in adieu openssl; do
  libdir=$adieu_libdir
  [[ $flavour == openssl ]] && libdir=
  log "== $flavour's libssl: two compat_session_servers sharing sessions through Redis"
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  start_compat "$flavour.1" "$libdir" || continue
  P1=$PORT S1=$SERVER_PID
  start_compat "$flavour.2" "$libdir" || continue
  P2=$PORT S2=$SERVER_PID
  resumes "$flavour.13.new" "$P1" no -tls1_3 -sess_out "$WORK/$flavour.13.sess"
  resumes "$flavour.13.other" "$P2" yes -tls1_3 -sess_in "$WORK/$flavour.13.sess"
  resumes "$flavour.13.again" "$P1" no -tls1_3 -sess_in "$WORK/$flavour.13.sess"
  resumes "$flavour.12.new" "$P1" no -tls1_2 -sess_out "$WORK/$flavour.12.sess"
  resumes "$flavour.12.other" "$P2" yes -tls1_2 -sess_in "$WORK/$flavour.12.sess"
  resumes "$flavour.12.same" "$P1" yes -tls1_2 -sess_in "$WORK/$flavour.12.sess"
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  resumes "$flavour.12.gone" "$P2" no -tls1_2 -sess_in "$WORK/$flavour.12.sess"
  for pid in "$S1" "$S2"; do
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null
    expect_status "$flavour: compat_session_server exits 0 on SIGTERM" "$?" 0
  done
  SUMMARY+=("$flavour: $(tr '\n' ' ' <"$WORK/$flavour.1.out") | $(tr '\n' ' ' <"$WORK/$flavour.2.out")")
done
finish "fleet_compat_sessions"
