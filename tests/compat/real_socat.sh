#!/bin/bash
# real_socat.sh LIBSSL_DIR TEST_DATA
# Debian's socat on adieu's libssl.so.3 (LD_LIBRARY_PATH=LIBSSL_DIR) at both
# ends of a TLS tunnel that echoes bytes back: the server verifies the
# client's certificate, the client the server's (and its name); TLS 1.3 and
# TLS 1.2. A wrong host name, an untrusted server certificate and a client
# without a certificate are refused.
# Under CI=true a missing socat fails; otherwise the test is skipped (77).
# A sanitizer build skips it (programs hang under a preloaded ASan runtime).
set -u
libdir=$1
D=$2
if ! command -v socat > /dev/null; then
  [ "${CI:-}" = true ] && { echo "FAIL: socat missing (CI=true)"; exit 1; }
  echo "socat missing: skipped"
  exit 77
fi
if ldd "$libdir/libssl.so.3" | grep -q 'libasan\.so'; then
  echo "sanitizer build: socat left out"
  exit 77
fi
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
failures=0
checks=0
check() { # description file text
  checks=$((checks + 1))
  if grep -qF -- "$3" "$2"; then echo "ok   $1"; else
    echo "FAIL $1 ('$3' not in $(basename "$2"))"; sed 's/^/  | /' "$2" | tail -20; failures=$((failures + 1)); fi
}

# A port with nothing listening on it (other tests pick ports too).
port=$((20000 + RANDOM % 20000))
while (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do port=$((20000 + RANDOM % 20000)); done
LD_LIBRARY_PATH=$libdir socat \
  "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,cert=$D/ecdsa-fullchain.pem,key=$D/ecdsa-leaf.key,cafile=$D/ecdsa-root.pem,verify=1" \
  EXEC:cat > "$work/server.log" 2>&1 &
server=$!
for i in $(seq 100); do
  (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break
  sleep 0.05
done

client() { # name text options...
  local name=$1 text=$2
  shift 2
  echo "$text" | LD_LIBRARY_PATH=$libdir timeout 20 socat - "OPENSSL:127.0.0.1:$port,$(
    IFS=,
    echo "$*"
  )" > "$work/$name.log" 2>&1
  echo "exit $?" >> "$work/$name.log"
}
mine="cert=$D/client-fullchain.pem,key=$D/client-leaf.key"
client tls13 "bytes through TLS 1.3" "cafile=$D/ecdsa-root.pem" "$mine" commonname=localhost
check "socat TLS 1.3: bytes both ways" "$work/tls13.log" "bytes through TLS 1.3"
check "socat TLS 1.3: exit status" "$work/tls13.log" "exit 0"
client tls12 "bytes through TLS 1.2" "cafile=$D/ecdsa-root.pem" "$mine" commonname=localhost \
  openssl-max-proto-version=TLS1.2
check "socat TLS 1.2: bytes both ways" "$work/tls12.log" "bytes through TLS 1.2"
client host "x" "cafile=$D/ecdsa-root.pem" "$mine" commonname=wrong.example
check "socat: wrong host refused" "$work/host.log" 'does not match hostname "wrong.example"'
check "socat: wrong host exit status" "$work/host.log" "exit 1"
client untrusted "x" "cafile=$D/rsa-root.pem" "$mine" commonname=localhost
check "socat: untrusted server certificate refused" "$work/untrusted.log" "certificate verify failed"
client nocert "never echoed" "cafile=$D/ecdsa-root.pem" commonname=localhost
sleep 0.2
check "socat server: a client without a certificate refused" "$work/server.log" \
  "peer did not return a certificate"
checks=$((checks + 1))
if grep -qF "never echoed" "$work/nocert.log"; then
  echo "FAIL socat: bytes went through without a client certificate"
  failures=$((failures + 1))
else
  echo "ok   socat: nothing through without a client certificate"
fi

[ $checks -gt 0 ] || { echo "FAIL: no check ran"; failures=$((failures + 1)); }
[ $failures -eq 0 ] && echo "all $checks checks passed"
exit $((failures > 0))
