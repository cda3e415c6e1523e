#!/bin/bash
# real_clients.sh LIBSSL_DIR TEST_DATA
# Debian's own curl and Python (their libcurl and _ssl module unchanged) on
# adieu's libssl.so.3 through LD_LIBRARY_PATH=LIBSSL_DIR, fetching from
# `openssl s_server -www` (the real OpenSSL) with TLS 1.3 and TLS 1.2 and
# verification on; a certificate for another host and one nobody trusts are
# refused; Python's check_hostname=False takes a certificate whatever the SNI
# name (SNI is no host check), and its `cadata` (certificates added straight
# to the context's X509_STORE) is used for verification. Then the openssl
# command line on adieu: its s_server serving OpenSSL's s_client and its own,
# its s_client refusing a wrong host and an untrusted certificate; 0-RTT
# between s_client -early_data and s_server -early_data.
# Under CI=true a missing program fails; otherwise the test is skipped (77).
# In a sanitizer build the runtime is preloaded (the programs are not built
# with it) and every report is a failure; curl and the openssl command line
# are left out there: curl hangs at start under a preloaded ASan runtime, on
# the system's libssl too.
set -u
libdir=$1
D=$2
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
failures=0
checks=0

for program in openssl curl python3; do
  if ! command -v "$program" > /dev/null; then
    [ "${CI:-}" = true ] && { echo "FAIL: $program missing (CI=true)"; exit 1; }
    echo "$program missing: skipped"
    exit 77
  fi
done
python=/usr/bin/python3  # Debian's: its _ssl module links the system's libssl.so.3
[ -x $python ] || { [ "${CI:-}" = true ] && { echo "FAIL: $python missing"; exit 1; }; exit 77; }

# A sanitizer build of libssl.so.3 needs its runtime loaded first.
preload=$(ldd "$libdir/libssl.so.3" | awk '/lib(asan|ubsan)\.so/ {print $3}' | tr '\n' ':')
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$work/sanitizer:detect_leaks=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$work/sanitizer"
on_adieu() { LD_PRELOAD=$preload LD_LIBRARY_PATH=$libdir "$@"; }

check() { # description file text
  checks=$((checks + 1))
  if grep -qF -- "$3" "$2"; then echo "ok   $1"; else
    echo "FAIL $1 ('$3' not in $(basename "$2"))"; sed 's/^/  | /' "$2" | tail -20; failures=$((failures + 1)); fi
}
wait_port() { # file -> port of `openssl s_server -accept 0`
  local i p
  for i in $(seq 100); do
    p=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$1" 2>/dev/null | head -1)
    if [ -n "$p" ]; then echo "$p"; return 0; fi
    sleep 0.05
  done
  return 1
}
[ -n "$(on_adieu ldd "$(command -v curl)" | grep "$libdir/libssl.so.3")" ] ||
  { echo "FAIL: curl does not load adieu's libssl"; exit 1; }
run_curl=1
[ -z "$preload" ] || { run_curl=0; echo "sanitizer build: curl and the openssl command line left out"; }

# s_server VERSION_FLAG: serves -www until the end of the script.
start_server() {
  openssl s_server -accept 0 -www "$1" -cert "$D/ecdsa-leaf.pem" -cert_chain "$D/ecdsa-chain.pem" \
    -key "$D/ecdsa-leaf.key" > "$work/s_server$1.log" 2>&1 &
  pids+=($!)
  port=$(wait_port "$work/s_server$1.log") || { echo "FAIL s_server $1 did not start"; exit 1; }
}

for version in 1_3 1_2; do
  start_server "-tls$version"
  v=TLSv${version/_/.}
  # curl: the page, verified; then refusals.
  if [ $run_curl = 1 ]; then
    on_adieu curl -sS --max-time 20 --cacert "$D/ecdsa-root.pem" "https://localhost:$port/" \
      -o "$work/curl$version.html" -w 'curl status %{http_code} verify %{ssl_verify_result}\n' \
      > "$work/curl$version.log" 2>&1
    cat "$work/curl$version.html" >> "$work/curl$version.log" 2>/dev/null
    check "curl $v: fetched and verified" "$work/curl$version.log" "curl status 200 verify 0"
    check "curl $v: protocol" "$work/curl$version.log" "Protocol  : $v"
    on_adieu curl -sS --max-time 20 --cacert "$D/ecdsa-root.pem" \
      --resolve "wrong.example:$port:127.0.0.1" "https://wrong.example:$port/" -o /dev/null \
      > "$work/curl-host$version.log" 2>&1
    echo "exit $?" >> "$work/curl-host$version.log"
    check "curl $v: wrong host refused" "$work/curl-host$version.log" "exit 60"
    on_adieu curl -sS --max-time 20 --cacert "$D/rsa-root.pem" "https://localhost:$port/" \
      -o /dev/null > "$work/curl-untrusted$version.log" 2>&1
    echo "exit $?" >> "$work/curl-untrusted$version.log"
    check "curl $v: untrusted certificate refused" "$work/curl-untrusted$version.log" \
      "unable to get local issuer certificate"
    check "curl $v: untrusted certificate exit status" "$work/curl-untrusted$version.log" "exit 60"
  fi

  # Python's ssl module.
  on_adieu timeout 60 $python - "$D" "$port" > "$work/python$version.log" 2>&1 << 'EOF'
import socket, ssl, sys, urllib.request
data, port = sys.argv[1], int(sys.argv[2])
url = f"https://localhost:{port}/"
ctx = ssl.create_default_context(cafile=data + "/ecdsa-root.pem")
with urllib.request.urlopen(url, context=ctx, timeout=20) as r:
    page = r.read().decode(errors="replace")
print("urllib", r.status, [l.strip() for l in page.splitlines() if "Protocol" in l][0])

def connect(context, name):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    return context.wrap_socket(s, server_hostname=name)

def refused(context, name):
    try:
        connect(context, name).close()
        return "ACCEPTED"
    except ssl.SSLCertVerificationError as e:
        return f"refused {e.verify_code} {e.verify_message}"

print("wrong host:", refused(ctx, "wrong.example"))
print("untrusted:", refused(ssl.create_default_context(cafile=data + "/rsa-root.pem"), "localhost"))
loose = ssl.create_default_context(cafile=data + "/ecdsa-root.pem")
loose.check_hostname = False
with connect(loose, "wrong.example") as t:
    t.send(b"")  # a write of zero bytes is no error
    t.sendall(b"GET / HTTP/1.0\r\n\r\n")
    reply = b""
    while chunk := t.recv(4096):
        reply += chunk
    print("check_hostname off:", t.version(), reply.split(b"\r\n")[0].decode())
with open(data + "/ecdsa-root.pem") as f:
    cadata = ssl.create_default_context(cadata=f.read())
with connect(cadata, "localhost") as t:
    print("cadata:", t.version(), "verified", t.getpeercert()["subject"][-1][0][1])
EOF
  echo "exit $?" >> "$work/python$version.log"
  check "python $v: urllib" "$work/python$version.log" "urllib 200 Protocol  : $v"
  check "python $v: wrong host refused" "$work/python$version.log" \
    "wrong host: refused 62 Hostname mismatch"
  check "python $v: untrusted refused" "$work/python$version.log" \
    "untrusted: refused 20 unable to get local issuer certificate"
  check "python $v: check_hostname=False, SNI of another name" "$work/python$version.log" \
    "check_hostname off: $v HTTP/1.0 200 ok"
  check "python $v: cadata" "$work/python$version.log" "cadata: $v verified localhost"
  check "python $v: exit status" "$work/python$version.log" "exit 0"
done

# The openssl command line itself on adieu: its s_server serving the real
# OpenSSL's s_client and its own s_client, TLS 1.3 and 1.2; its s_client
# refusing a wrong host and an untrusted certificate.
if [ $run_curl = 1 ]; then
  for version in 1_3 1_2; do
    v=TLSv${version/_/.}
    on_adieu openssl s_server -accept 0 -www "-tls$version" -cert "$D/ecdsa-leaf.pem" \
      -cert_chain "$D/ecdsa-chain.pem" -key "$D/ecdsa-leaf.key" > "$work/cli-server$version.log" 2>&1 &
    pids+=($!)
    port=$(wait_port "$work/cli-server$version.log") || { echo "FAIL s_server on adieu did not start"; exit 1; }
    request() { # log-name: s_client of $1 (system or adieu) fetching /
      local who=$1
      shift
      printf 'GET / HTTP/1.0\r\n\r\n' | if [ "$who" = adieu ]; then on_adieu timeout 20 openssl s_client "$@"; else
        timeout 20 openssl s_client "$@"; fi
    }
    request system -connect "127.0.0.1:$port" -servername localhost -CAfile "$D/ecdsa-root.pem" \
      -verify_return_error -ign_eof > "$work/cli-system$version.log" 2>&1
    check "openssl s_server on adieu $v: OpenSSL's s_client verified" \
      "$work/cli-system$version.log" "Verify return code: 0 (ok)"
    check "openssl s_server on adieu $v: the page" "$work/cli-system$version.log" "Protocol  : $v"
    request adieu -connect "127.0.0.1:$port" -servername localhost -CAfile "$D/ecdsa-root.pem" \
      -verify_return_error -ign_eof > "$work/cli-adieu$version.log" 2>&1
    check "openssl s_client on adieu $v: verified" "$work/cli-adieu$version.log" \
      "Verify return code: 0 (ok)"
    check "openssl s_client on adieu $v: the page" "$work/cli-adieu$version.log" "Protocol  : $v"
    request adieu -connect "127.0.0.1:$port" -servername localhost -verify_hostname wrong.example \
      -CAfile "$D/ecdsa-root.pem" -verify_return_error > "$work/cli-host$version.log" 2>&1
    check "openssl s_client on adieu $v: wrong host refused" "$work/cli-host$version.log" \
      "Verification error: hostname mismatch"
    request adieu -connect "127.0.0.1:$port" -servername localhost -CAfile "$D/rsa-root.pem" \
      -verify_return_error > "$work/cli-untrusted$version.log" 2>&1
    check "openssl s_client on adieu $v: untrusted refused" "$work/cli-untrusted$version.log" \
      "Verification error: unable to get local issuer certificate"
  done
fi

# 0-RTT with the openssl command line: s_server -early_data (SSL_read_early_data)
# and s_client -sess_in -early_data (SSL_write_early_data), each on adieu
# against the real OpenSSL and on adieu at both ends. -quiet makes s_client
# end its first connection with close_notify, so its session is kept.
if [ $run_curl = 1 ]; then
  printf 'early bytes\n' > "$work/early.txt"
  for pair in adieu:system system:adieu adieu:adieu; do
    server=${pair%:*}
    client=${pair#*:}
    tag="early data, s_server on $server, s_client on $client"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    run_as() { # who command...
      local who=$1
      shift
      if [ "$who" = adieu ]; then on_adieu "$@"; else "$@"; fi
    }
    run_as "$server" timeout 20 openssl s_server -accept "127.0.0.1:$port" -early_data -naccept 2 \
      -quiet -cert "$D/ecdsa-leaf.pem" -cert_chain "$D/ecdsa-chain.pem" -key "$D/ecdsa-leaf.key" \
      < /dev/null > "$work/early-$pair.srv" 2>&1 &
    server_pid=$!
    pids+=($server_pid)
    sleep 0.3
    echo first | run_as "$client" timeout 10 openssl s_client -connect "127.0.0.1:$port" \
      -servername localhost -CAfile "$D/ecdsa-root.pem" -verify_return_error \
      -sess_out "$work/early-$pair.pem" -quiet > "$work/early-$pair.1" 2>&1
    echo second | run_as "$client" timeout 10 openssl s_client -connect "127.0.0.1:$port" \
      -servername localhost -CAfile "$D/ecdsa-root.pem" -verify_return_error \
      -sess_in "$work/early-$pair.pem" -early_data "$work/early.txt" -ign_eof \
      > "$work/early-$pair.2" 2>&1
    wait "$server_pid"
    check "$tag: resumed" "$work/early-$pair.2" "Reused, TLSv1.3"
    check "$tag: accepted" "$work/early-$pair.2" "Early data was accepted"
    check "$tag: the server read it" "$work/early-$pair.srv" "early bytes"
  done
fi

for report in "$work"/sanitizer.*; do
  [ -f "$report" ] || continue
  echo "FAIL sanitizer report from process ${report##*.}"
  sed 's/^/  | /' "$report" | head -60
  failures=$((failures + 1))
done
[ $checks -gt 0 ] || { echo "FAIL: no check ran"; failures=$((failures + 1)); }
[ $failures -eq 0 ] && echo "all $checks checks passed"
exit $((failures > 0))
