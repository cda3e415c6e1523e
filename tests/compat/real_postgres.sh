#!/bin/bash
# real_postgres.sh LIBSSL_DIR TEST_DATA
# Debian's PostgreSQL server and psql (libpq), both on adieu's libssl.so.3
# through LD_LIBRARY_PATH=LIBSSL_DIR: a server with ssl=on and a hostssl-only
# pg_hba.conf, psql with sslmode=verify-full over TLS 1.3 and TLS 1.2 (the
# server's pg_stat_ssl says which); a wrong host name and an untrusted
# certificate are refused, sslmode=verify-ca takes the wrong name.
# Under CI=true a missing program fails; otherwise the test is skipped (77).
# A sanitizer build skips it: the server hangs at start under a preloaded
# ASan runtime (curl too), whatever libssl it loads.
set -u
libdir=$1
D=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
if [ -z "$bin" ] || ! command -v psql > /dev/null; then
  [ "${CI:-}" = true ] && { echo "FAIL: PostgreSQL missing (CI=true)"; exit 1; }
  echo "PostgreSQL missing: skipped"
  exit 77
fi
if ldd "$libdir/libssl.so.3" | grep -q 'libasan\.so'; then
  echo "sanitizer build: PostgreSQL left out"
  exit 77
fi
work=$(mktemp -d)
chmod 755 "$work"
failures=0
checks=0
# The server refuses to run as root: as the postgres user then.
as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  as_server_user "$bin/pg_ctl" -D "$work/data" -m immediate -w stop > /dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
check() { # description file text
  checks=$((checks + 1))
  if grep -qF -- "$3" "$2"; then echo "ok   $1"; else
    echo "FAIL $1 ('$3' not in $(basename "$2"))"; sed 's/^/  | /' "$2" | tail -20; failures=$((failures + 1)); fi
}

cp "$D/rsa-fullchain.pem" "$work/server.crt"
cp "$D/rsa-leaf.key" "$work/server.key"
chmod 600 "$work/server.key"
# The server runs as postgres, which may not reach the build tree (a clone
# under /root, or in a mode-700 directory): it loads a copy of adieu's
# libssl.so.3 (self-contained but for the system's libcrypto) from $work.
server_libdir=$libdir
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$work/lib"
  cp "$libdir/libssl.so.3" "$work/lib/"
  server_libdir=$work/lib
fi
[ "$(id -u)" = 0 ] && chown -R postgres "$work"
as_server_user "$bin/initdb" -D "$work/data" -A trust -U postgres > "$work/initdb.log" 2>&1 ||
  { echo "FAIL initdb"; cat "$work/initdb.log"; exit 1; }
# A port with nothing listening on it (other tests pick ports too).
port=$((20000 + RANDOM % 20000))
while (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do port=$((20000 + RANDOM % 20000)); done
cat >> "$work/data/postgresql.conf" << EOF
ssl = on
ssl_cert_file = '$work/server.crt'
ssl_key_file = '$work/server.key'
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$work'
EOF
echo "hostssl all all 127.0.0.1/32 trust" > "$work/data/pg_hba.conf"
as_server_user env LD_LIBRARY_PATH="$server_libdir" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" \
  -w -t 30 start > "$work/pg_ctl.log" 2>&1 || { echo "FAIL server start"; cat "$work/server.log"; exit 1; }
pid=$(head -n1 "$work/data/postmaster.pid")
grep -F "$server_libdir/libssl.so.3" "/proc/$pid/maps" > /dev/null && echo "server on adieu" > "$work/server-lib.log"
check "server: runs on adieu's libssl" "$work/server-lib.log" "server on adieu"

psql_on_adieu() { # conninfo... -> output and "exit N" in $work/$1.log
  local name=$1
  shift
  LD_LIBRARY_PATH=$libdir timeout 30 psql "$@" -Atc \
    "select 'ssl ' || version || ' ' || cipher from pg_stat_ssl where pid = pg_backend_pid()" \
    > "$work/$name.log" 2>&1
  echo "exit $?" >> "$work/$name.log"
}
conn="port=$port user=postgres dbname=postgres sslrootcert=$D/rsa-root.pem"
psql_on_adieu tls13 "host=localhost $conn sslmode=verify-full"
check "psql verify-full: TLS 1.3" "$work/tls13.log" "ssl TLSv1.3 TLS_AES_256_GCM_SHA384"
psql_on_adieu tls12 "host=localhost $conn sslmode=verify-full ssl_max_protocol_version=TLSv1.2"
check "psql verify-full: TLS 1.2" "$work/tls12.log" "ssl TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384"
psql_on_adieu wronghost "host=wrong.example hostaddr=127.0.0.1 $conn sslmode=verify-full"
check "psql: wrong host refused" "$work/wronghost.log" 'does not match host name "wrong.example"'
check "psql: wrong host exit status" "$work/wronghost.log" "exit 2"
psql_on_adieu untrusted "host=localhost port=$port user=postgres dbname=postgres sslmode=verify-full sslrootcert=$D/ecdsa-root.pem"
check "psql: untrusted certificate refused" "$work/untrusted.log" "certificate verify failed"
psql_on_adieu verifyca "host=wrong.example hostaddr=127.0.0.1 $conn sslmode=verify-ca"
check "psql verify-ca: no host check" "$work/verifyca.log" "ssl TLSv1.3"

[ $checks -gt 0 ] || { echo "FAIL: no check ran"; failures=$((failures + 1)); }
[ $failures -eq 0 ] && echo "all $checks checks passed"
exit $((failures > 0))
