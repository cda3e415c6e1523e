#!/bin/bash
# real_servers.sh LIBSSL_DIR TEST_DATA
# Debian's nginx, HAProxy and stunnel on adieu's libssl.so.3 through
# LD_LIBRARY_PATH=LIBSSL_DIR, doing their jobs on loopback:
# - nginx serving a page to curl and `openssl s_client` (the real OpenSSL),
#   TLS 1.3 and 1.2, verified; a virtual server that verifies client
#   certificates answers a trusted one, and refuses none or an untrusted one;
# - HAProxy terminating TLS in front of a plain HTTP backend (Python's
#   http.server), TLS 1.3 and 1.2, the client's certificate verified, an
#   untrusted one refused, and a client without one where it is required;
# - stunnel at both ends of a tunnel echoing bytes, each verifying the
#   other; its checkHost (done in its verify callback) refusing a certificate
#   of another host, and an untrusted server refused.
# Under CI=true a missing program fails; outside CI a missing one is skipped
# (77 when none ran). A sanitizer build skips all (the programs hang at
# start under a preloaded ASan runtime).
set -u
libdir=$1
D=$2
if ldd "$libdir/libssl.so.3" | grep -q 'libasan\.so'; then
  echo "sanitizer build: nginx, HAProxy and stunnel left out"
  exit 77
fi
work=$(mktemp -d)
chmod 755 "$work"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
failures=0
checks=0
ran=0
check() { # description file text
  checks=$((checks + 1))
  if grep -qF -- "$3" "$2"; then echo "ok   $1"; else
    echo "FAIL $1 ('$3' not in $(basename "$2"))"; sed 's/^/  | /' "$2" | tail -20; failures=$((failures + 1)); fi
}
check_not() { # description file text
  checks=$((checks + 1))
  if ! grep -qF -- "$3" "$2"; then echo "ok   $1"; else
    echo "FAIL $1 ('$3' in $(basename "$2"))"; failures=$((failures + 1)); fi
}
have() { # program: present, or a failure under CI
  command -v "$1" > /dev/null && return 0
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $1 missing (CI=true)"
    failures=$((failures + 1))
  else
    echo "$1 missing: skipped"
  fi
  return 1
}
# A port with nothing listening on it and on the three after it (other tests
# pick ports too).
free_port() {
  local p i busy
  while :; do
    p=$((20000 + RANDOM % 20000))
    busy=0
    for i in 0 1 2 3; do
      (exec 3<> "/dev/tcp/127.0.0.1/$((p + i))") 2> /dev/null && busy=1
    done
    [ $busy = 0 ] && { echo $p; return; }
  done
}
wait_port() { # port
  local i
  for i in $(seq 100); do
    (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null && return 0
    sleep 0.05
  done
  return 1
}
on_adieu_loaded() { # description pid
  checks=$((checks + 1))
  if grep -qF "$libdir/libssl.so.3" "/proc/$2/maps" 2> /dev/null; then echo "ok   $1 runs on adieu"; else
    echo "FAIL $1 does not run on adieu's libssl"; failures=$((failures + 1)); fi
}
fetch() { # name url curl-options... -> status line, headers and body in $work/name.log
  local name=$1 url=$2
  shift 2
  curl -sS --max-time 20 -D - "$@" "$url" > "$work/$name.log" 2>&1
  echo "exit $?" >> "$work/$name.log"
}

# --- nginx ------------------------------------------------------------------------
if have nginx; then
  ran=1
  port=$(free_port)
  vport=$((port + 1))
  mkdir -p "$work/nginx/html" "$work/nginx/tmp"
  echo "hello from nginx on adieu" > "$work/nginx/html/index.html"
  cat > "$work/nginx/nginx.conf" << EOF
daemon off;
master_process off;
worker_processes 1;
error_log $work/nginx/error.log info;
pid $work/nginx/nginx.pid;
events { worker_connections 64; }
http {
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$port ssl;
    server_name localhost;
    ssl_certificate $D/ecdsa-fullchain.pem;
    ssl_certificate_key $D/ecdsa-leaf.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { root $work/nginx/html; }
  }
  server {
    listen 127.0.0.1:$vport ssl;
    server_name localhost;
    ssl_certificate $D/ecdsa-fullchain.pem;
    ssl_certificate_key $D/ecdsa-leaf.key;
    ssl_client_certificate $D/ecdsa-root.pem;
    ssl_verify_client on;
    location / { root $work/nginx/html; }
  }
}
EOF
  LD_LIBRARY_PATH=$libdir nginx -e "$work/nginx/error.log" -p "$work/nginx" \
    -c "$work/nginx/nginx.conf" > "$work/nginx/out.log" 2>&1 &
  pids+=($!)
  if wait_port "$port"; then
    on_adieu_loaded "nginx" "${pids[-1]}"
    fetch nginx13 "https://localhost:$port/" --tlsv1.3 --cacert "$D/ecdsa-root.pem"
    check "nginx TLS 1.3: page to curl" "$work/nginx13.log" "hello from nginx on adieu"
    fetch nginx12 "https://localhost:$port/" --tls-max 1.2 --cacert "$D/ecdsa-root.pem"
    check "nginx TLS 1.2: page to curl" "$work/nginx12.log" "hello from nginx on adieu"
    printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' |
      timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername localhost \
        -CAfile "$D/ecdsa-root.pem" -verify_return_error -ign_eof > "$work/nginx-sclient.log" 2>&1
    check "nginx: s_client verified" "$work/nginx-sclient.log" "Verify return code: 0 (ok)"
    check "nginx: s_client page" "$work/nginx-sclient.log" "hello from nginx on adieu"
    fetch nginxcert "https://localhost:$vport/" --cacert "$D/ecdsa-root.pem" \
      --cert "$D/client-fullchain.pem" --key "$D/client-leaf.key"
    check "nginx: trusted client certificate answered" "$work/nginxcert.log" \
      "hello from nginx on adieu"
    fetch nginxnocert "https://localhost:$vport/" --cacert "$D/ecdsa-root.pem"
    check "nginx: no client certificate refused" "$work/nginxnocert.log" \
      "No required SSL certificate was sent"
    fetch nginxuntrusted "https://localhost:$vport/" --cacert "$D/ecdsa-root.pem" \
      --cert "$D/rsa-fullchain.pem" --key "$D/rsa-leaf.key"
    check "nginx: untrusted client certificate refused" "$work/nginxuntrusted.log" \
      "The SSL certificate error"
  else
    echo "FAIL nginx did not start"
    sed 's/^/  | /' "$work/nginx/error.log" | tail -10
    failures=$((failures + 1))
  fi
fi

# --- HAProxy ------------------------------------------------------------------------
if have haproxy && have python3; then
  ran=1
  port=$(free_port)
  req=$((port + 1))
  backend=$((port + 2))
  mkdir -p "$work/haproxy/www"
  echo "hello from the backend" > "$work/haproxy/www/index.html"
  cat "$D/ecdsa-fullchain.pem" "$D/ecdsa-leaf.key" > "$work/haproxy/server.pem"
  python3 -m http.server "$backend" --bind 127.0.0.1 --directory "$work/haproxy/www" \
    > "$work/haproxy/backend.log" 2>&1 &
  pids+=($!)
  cat > "$work/haproxy/haproxy.cfg" << EOF
global
  log stderr format raw local0 info
defaults
  mode http
  log global
  timeout connect 5s
  timeout client 10s
  timeout server 10s
frontend tls
  bind 127.0.0.1:$port ssl crt $work/haproxy/server.pem ca-file $D/ecdsa-root.pem verify optional
  http-response set-header X-Client-Verify %[ssl_c_verify]
  http-response set-header X-Client-Used %[ssl_c_used]
  http-response set-header X-TLS %[ssl_fc_protocol]
  default_backend plain
frontend tls_required
  bind 127.0.0.1:$req ssl crt $work/haproxy/server.pem ca-file $D/ecdsa-root.pem verify required
  default_backend plain
backend plain
  server b1 127.0.0.1:$backend
EOF
  LD_LIBRARY_PATH=$libdir haproxy -f "$work/haproxy/haproxy.cfg" -db > "$work/haproxy/out.log" 2>&1 &
  pids+=($!)
  if wait_port "$port" && wait_port "$backend"; then
    on_adieu_loaded "HAProxy" "${pids[-1]}"
    fetch haproxy13 "https://localhost:$port/" --tlsv1.3 --cacert "$D/ecdsa-root.pem"
    check "HAProxy TLS 1.3: backend's page" "$work/haproxy13.log" "hello from the backend"
    check "HAProxy TLS 1.3: version" "$work/haproxy13.log" "x-tls: TLSv1.3"
    fetch haproxy12 "https://localhost:$port/" --tls-max 1.2 --cacert "$D/ecdsa-root.pem" \
      --cert "$D/client-fullchain.pem" --key "$D/client-leaf.key"
    check "HAProxy TLS 1.2: backend's page" "$work/haproxy12.log" "hello from the backend"
    check "HAProxy TLS 1.2: version" "$work/haproxy12.log" "x-tls: TLSv1.2"
    check "HAProxy: client certificate used" "$work/haproxy12.log" "x-client-used: 1"
    check "HAProxy: client certificate verified" "$work/haproxy12.log" "x-client-verify: 0"
    fetch haproxyuntrusted "https://localhost:$port/" --cacert "$D/ecdsa-root.pem" \
      --cert "$D/rsa-fullchain.pem" --key "$D/rsa-leaf.key"
    # verify optional: a certificate need not come, one that comes must verify.
    check "HAProxy: untrusted client certificate refused (unknown_ca)" \
      "$work/haproxyuntrusted.log" "alert unknown ca"
    check_not "HAProxy: untrusted client certificate, no page" "$work/haproxyuntrusted.log" \
      "hello from the backend"
    fetch haproxynocert "https://localhost:$req/" --cacert "$D/ecdsa-root.pem"
    check_not "HAProxy: no client certificate where required, no page" \
      "$work/haproxynocert.log" "hello from the backend"
  else
    echo "FAIL HAProxy or its backend did not start"
    sed 's/^/  | /' "$work/haproxy/out.log" | tail -10
    failures=$((failures + 1))
  fi
fi

# --- stunnel ------------------------------------------------------------------------
if have stunnel4 && have socat; then
  ran=1
  port=$(free_port)
  mkdir -p "$work/stunnel"
  cp "$D/client-leaf.key" "$work/stunnel/client.key"
  chmod 600 "$work/stunnel/client.key"
  cat > "$work/stunnel/server.conf" << EOF
foreground = yes
pid =
[echo]
accept = 127.0.0.1:$port
exec = /bin/cat
cert = $D/ecdsa-fullchain.pem
key = $D/ecdsa-leaf.key
CAfile = $D/ecdsa-root.pem
verifyChain = yes
EOF
  client_conf() { # name local-port checkHost CAfile
    cat > "$work/stunnel/$1.conf" << EOF
foreground = yes
pid =
[$1]
client = yes
accept = 127.0.0.1:$2
connect = 127.0.0.1:$port
cert = $D/client-fullchain.pem
key = $work/stunnel/client.key
CAfile = $4
verifyChain = yes
checkHost = $3
EOF
  }
  client_conf good $((port + 1)) localhost "$D/ecdsa-root.pem"
  client_conf wronghost $((port + 2)) wrong.example "$D/ecdsa-root.pem"
  client_conf untrusted $((port + 3)) localhost "$D/rsa-root.pem"
  for conf in server good wronghost untrusted; do
    LD_LIBRARY_PATH=$libdir stunnel4 "$work/stunnel/$conf.conf" > "$work/stunnel/$conf.log" 2>&1 &
    pids+=($!)
  done
  if wait_port "$port" && wait_port $((port + 3)); then
    on_adieu_loaded "stunnel" "${pids[-1]}"
    tunnel() { # name local-port text
      echo "$3" | timeout 20 socat - "TCP:127.0.0.1:$2" > "$work/stunnel-$1.out" 2>&1
      sleep 0.2
    }
    tunnel good $((port + 1)) "bytes through stunnel"
    check "stunnel: bytes both ways, both ends verified" "$work/stunnel-good.out" \
      "bytes through stunnel"
    tunnel wronghost $((port + 2)) "never through"
    check_not "stunnel: nothing through to the wrong host" "$work/stunnel-wronghost.out" \
      "never through"
    check "stunnel: checkHost refuses the wrong host" "$work/stunnel/wronghost.log" \
      "Rejected by CERT at depth=0"
    tunnel untrusted $((port + 3)) "never through"
    check_not "stunnel: nothing through to an untrusted server" "$work/stunnel-untrusted.out" \
      "never through"
    check "stunnel: untrusted server refused" "$work/stunnel/untrusted.log" \
      "certificate verify failed"
  else
    echo "FAIL stunnel did not start"
    sed 's/^/  | /' "$work/stunnel/server.log" | tail -10
    failures=$((failures + 1))
  fi
fi

if [ $ran = 0 ] && [ $failures = 0 ]; then
  echo "none of the programs is installed: skipped"
  exit 77
fi
[ $checks -gt 0 ] || { echo "FAIL: no check ran"; failures=$((failures + 1)); }
[ $failures -eq 0 ] && echo "all $checks checks passed"
exit $((failures > 0))
