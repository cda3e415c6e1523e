#!/usr/bin/env bash
# adieu-server next to `openssl s_server`, nginx on OpenSSL and nginx on
# adieu's libssl.so.3, same machine, same run, driven by wrk (Debian's wrk,
# itself on OpenSSL). Each server is pinned to CPU 0 and the load to CPU 1
# (taskset), so the rates are per server core. Prints one table:
#   - new TLS connections per second: wrk with "Connection: close", one
#     request per connection (adieu-server -www and s_server -HTTP close
#     after each answer anyway), and wrk's p99 latency;
#   - requests per second on kept-alive connections (nginx only: the two
#     test servers answer one request per connection);
#   - server RSS per idle TLS connection: bench/idle_clients.py holds IDLE
#     connections open after their handshakes; (RSS with them - RSS before) /
#     IDLE (s_server serves one connection at a time: not measured).
# ECDSA P-256 certificate (tests/data), TLS 1.3, x25519 (every server's
# default choice with wrk's OpenSSL).
#   bench/side_by_side.sh [BUILD_DIR]   (default build/release; it needs
#                                        adieu-server and compat's libssl.so.3)
# Environment: DURATION (seconds per wrk run, default 10), CONNS (wrk
# connections, default 50), IDLE (default 10000), SERVERS (a subset of
# "adieu-server s_server nginx-openssl nginx-adieu"), IDLE_ONLY=1 (only the
# idle-connection figure: no wrk runs).
# Debian: apt-get install wrk nginx openssl python3 util-linux
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
duration=${DURATION:-10}
conns=${CONNS:-50}
idle=${IDLE:-10000}
D=$root/tests/data
server_bin=$build/tools/adieu-server
libdir=$build/compat/libssl
for f in "$server_bin" "$libdir/libssl.so.3"; do
  [[ -e "$f" ]] || { echo "missing $f (build adieu-server and adieu-libssl in $build)"; exit 1; }
done
for p in wrk nginx openssl python3 taskset ss; do
  command -v "$p" >/dev/null || { echo "missing $p"; exit 1; }
done
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
  for _ in $(seq 100); do
    ss -Hltn "sport = :$1" | grep -q LISTEN && return 0
    sleep 0.1
  done
  return 1
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

nginx_conf() { # port keepalive(on|off)
  mkdir -p "$work/nginx/tmp" "$work/nginx/html"
  echo "hello" >"$work/nginx/html/index.html"
  cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 65536;
error_log $work/nginx/error.log error;
pid $work/nginx/nginx.pid;
events { worker_connections 20000; }
http {
  access_log off;
  client_header_timeout 300s;
  keepalive_timeout 300s;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$1 ssl;
    ssl_certificate $D/ecdsa-fullchain.pem;
    ssl_certificate_key $D/ecdsa-leaf.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_tickets off;
    location / { root $work/nginx/html; }
  }
}
CONF
}

# start NAME PORT: the server NAME on PORT, pinned to CPU 0; sets pid.
start() {
  local name=$1 port=$2
  case $name in
    adieu-server)
      taskset -c 0 "$server_bin" -accept "127.0.0.1:$port" -cert "$D/ecdsa-fullchain.pem" \
        -key "$D/ecdsa-leaf.key" -www -quiet -timeout 0 >"$work/server.log" 2>&1 &
      ;;
    s_server)
      # -HTTP: the file is the whole response, with a Content-Length (wrk
      # counts -www's unsized answers as read errors).
      printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n' \
        >"$work/index.html"
      (cd "$work" && exec taskset -c 0 openssl s_server -quiet -accept "127.0.0.1:$port" \
        -cert "$D/ecdsa-fullchain.pem" -key "$D/ecdsa-leaf.key" -HTTP </dev/null \
        >"$work/server.log" 2>&1) &
      ;;
    nginx-openssl | nginx-adieu)
      nginx_conf "$port"
      local env=()
      [[ $name == nginx-adieu ]] && env=(env "LD_LIBRARY_PATH=$libdir")
      taskset -c 0 "${env[@]}" nginx -e "$work/nginx/error.log" -p "$work/nginx" \
        -c "$work/nginx/nginx.conf" >"$work/server.log" 2>&1 &
      ;;
  esac
  pid=$!
  wait_port "$port" || { echo "$name did not start"; cat "$work/server.log"; exit 1; }
  if [[ $name == nginx-adieu ]] && ! grep -q "$libdir/libssl.so.3" "/proc/$pid/maps"; then
    echo "nginx-adieu is not running on $libdir/libssl.so.3"
    exit 1
  fi
}
stop() {
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=
}

# wrk_run PORT [HEADER]: prints "requests_per_second p99_ms".
wrk_run() {
  local port=$1
  shift
  taskset -c 1 wrk -t1 -c"$conns" -d"${duration}s" --latency "$@" "https://127.0.0.1:$port/index.html" \
    >"$work/wrk.out" 2>&1
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' "$work/wrk.out")
  local errors
  errors=$(grep -E "Non-2xx|Socket errors" "$work/wrk.out" | tr -s ' ' | tr '\n' ';')
  echo "${rps:-0} ${p99:-?} ${errors}"
}

# idle_rss PORT: KiB of server RSS per idle connection (x1000 = bytes).
idle_rss() {
  local port=$1 before after ready
  before=$(rss_kb "$pid")
  mkfifo "$work/idle.in"
  taskset -c 1 python3 "$root/bench/idle_clients.py" "$port" "$idle" <"$work/idle.in" \
    >"$work/idle.out" 2>&1 &
  local client=$!
  exec {hold}>"$work/idle.in"
  for _ in $(seq 1200); do
    grep -q '^ready' "$work/idle.out" && break
    sleep 0.1
  done
  ready=$(awk '/^ready/ {print $2}' "$work/idle.out")
  sleep 1
  after=$(rss_kb "$pid")
  exec {hold}>&-
  wait "$client" 2>/dev/null
  rm -f "$work/idle.in"
  if [[ -z "$ready" || "$ready" == 0 ]]; then
    echo "- - -"
  else
    echo "$ready $(((after - before) * 1024 / ready)) $((after / 1024))"
  fi
}

printf '%-14s %12s %9s %14s %9s %10s %14s %s\n' server new_conn/s p99_ms keepalive_rps p99_ms idle_conns bytes/idle_conn rss_MB
for name in ${SERVERS:-adieu-server s_server nginx-openssl nginx-adieu}; do
  port=$(free_port)
  start "$name" "$port"
  new_rps=- new_p99=- new_err=
  if [[ -z "${IDLE_ONLY:-}" ]]; then
    read -r new_rps new_p99 new_err < <(wrk_run "$port" -H "Connection: close")
  fi
  ka_rps=- ka_p99=-
  if [[ $name == nginx-* && -z "${IDLE_ONLY:-}" ]]; then
    read -r ka_rps ka_p99 _ < <(wrk_run "$port")
  fi
  idle_n=- per_conn=- rss_mb=-
  if [[ $name != s_server ]]; then
    read -r idle_n per_conn rss_mb < <(idle_rss "$port")
  fi
  stop
  printf '%-14s %12s %9s %14s %9s %10s %14s %s %s\n' "$name" "$new_rps" "$new_p99" "$ka_rps" \
    "$ka_p99" "$idle_n" "$per_conn" "$rss_mb" "${new_err:-}"
done
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t1 -c$conns -d${duration}s; idle=$idle"
