#!/usr/bin/env bash
# Fleet resumption through Redis: two adieu-server processes share one
# redis-server (started here, on a free port).
# - stateful (-session_store): a TLS 1.3 ticket made on one server resumes on
#   the other once (single use across the fleet); a TLS 1.2 session id made
#   on one resumes on both;
# - stateless (-ticket_keys redis://, and -ticket_keys FILE): a ticket sealed
#   by one server opens on the other, TLS 1.3 and TLS 1.2; without shared
#   keys it does not (the control);
# - Redis stopped (SIGSTOP: slow) then killed, in the middle of an adieu-load
#   run: every connection still succeeds, with full handshakes, none hangs;
#   the servers exit 0 on SIGTERM and report the failed Redis calls.
# Needs redis-server: a missing one fails under CI=true, skips outside.
source "$(dirname "$0")/fleet_lib.sh"
: "${ADIEU_LOAD:?ADIEU_LOAD must point to adieu-load}"
use_cert ecdsa

# pair NAME ARGS...: two adieu-servers with the same fleet options. Sets P1,
# P2, S1, S2.
pair() {
  local name=$1
  shift
  start_adieu_server "$name.1" -cert "$FULLCHAIN" -key "$KEY" -control "$@" || return 1
  P1=$PORT S1=$SERVER_PID
  start_adieu_server "$name.2" -cert "$FULLCHAIN" -key "$KEY" -control "$@" || return 1
  P2=$PORT S2=$SERVER_PID
}

start_redis || finish "fleet"
REDIS=redis://127.0.0.1:$REDIS_PORT

log "== stateful: -session_store $REDIS on two servers"
# A generous command timeout: a loaded CI machine must not turn a slow
# answer into a missed resumption (the stall below still shows the bound).
pair st -session_store "$REDIS" -store_timeout 300
resumes st13.new "$P1" no -tls1_3 -sess_out "$WORK/st13.sess"
resumes st13.other "$P2" yes -tls1_3 -sess_in "$WORK/st13.sess"
resumes st13.again "$P1" no -tls1_3 -sess_in "$WORK/st13.sess"  # single use, fleet-wide
resumes st12.new "$P1" no -tls1_2 -sess_out "$WORK/st12.sess"
resumes st12.other "$P2" yes -tls1_2 -sess_in "$WORK/st12.sess"
resumes st12.same "$P1" yes -tls1_2 -sess_in "$WORK/st12.sess"
if [[ -n "$(redis-cli -p "$REDIS_PORT" --scan --pattern 'adieu:s:0:*' | head -n 1)" ]]; then
  pass "Redis holds the TLS 1.2 session"
else
  failed "Redis holds no TLS 1.2 session"
fi
ttl=$(redis-cli -p "$REDIS_PORT" pttl "$(redis-cli -p "$REDIS_PORT" --scan --pattern 'adieu:s:*' | head -n 1)")
if ((ttl > 0 && ttl <= 7200000)); then
  pass "sessions expire as Redis TTL ($ttl ms left)"
else
  failed "a session's TTL: $ttl"
fi
ST1=$S1 ST2=$S2 STP1=$P1 STP2=$P2

log "== stateless: -ticket_keys $REDIS on two servers"
pair tk -ticket_keys "$REDIS" -ticket_rotate 600 -store_timeout 300
resumes tk13.new "$P1" no -tls1_3 -sess_out "$WORK/tk13.sess"
resumes tk13.other "$P2" yes -tls1_3 -sess_in "$WORK/tk13.sess"
resumes tk12.new "$P2" no -tls1_2 -sess_out "$WORK/tk12.sess"
resumes tk12.other "$P1" yes -tls1_2 -sess_in "$WORK/tk12.sess"
stop_process "$S1"
stop_process "$S2"

log "== stateless: -ticket_keys FILE on two servers"
head -c 32 /dev/urandom >"$WORK/ticket.key"
pair kf -ticket_keys "$WORK/ticket.key"
resumes kf13.new "$P1" no -tls1_3 -sess_out "$WORK/kf13.sess"
resumes kf13.other "$P2" yes -tls1_3 -sess_in "$WORK/kf13.sess"
resumes kf12.new "$P2" no -tls1_2 -sess_out "$WORK/kf12.sess"
resumes kf12.other "$P1" yes -tls1_2 -sess_in "$WORK/kf12.sess"
stop_process "$S1"
stop_process "$S2"

log "== control: two servers with their own ticket keys do not share tickets"
pair own
resumes own13.new "$P1" no -tls1_3 -sess_out "$WORK/own13.sess"
resumes own13.other "$P2" no -tls1_3 -sess_in "$WORK/own13.sess"
stop_process "$S1"
stop_process "$S2"

log "== Redis stalled (SIGSTOP): a lookup waiting for it holds up no other connection"
# One server thread, a long store timeout: connection A offers a TLS 1.2
# session only Redis holds (made on the other server) and waits for the
# stalled Redis; connections B, on the same thread, are served meanwhile.
# The order is the check: every B ends while A still waits; then Redis
# answers and A resumes.
start_adieu_server slow -cert "$FULLCHAIN" -key "$KEY" -control -session_store "$REDIS" \
  -store_timeout 10000
SLOWP=$PORT SLOW=$SERVER_PID
resumes slow12.new "$STP2" no -tls1_2 -sess_out "$WORK/slow12.sess"
kill -STOP "$REDIS_PID"
(
  client slowA "$SLOWP" -tls1_2 -sess_in "$WORK/slow12.sess"
  echo "$RC" >"$WORK/slowA.rc"
) &
SLOWA=$!
PIDS+=("$SLOWA")
for ((i = 0; i < 100; i++)); do
  [[ -n "$(ss -Htn state established "( dport = :$SLOWP )")" ]] && break
  sleep 0.05
done
sleep 0.3 # A's ClientHello is read and its lookup queued
for i in 1 2 3; do
  resumes "slowB.$i" "$SLOWP" no -tls1_3
done
if kill -0 "$SLOWA" 2>/dev/null && [[ ! -e "$WORK/slowA.rc" ]]; then
  pass "every B ended while A still waited for Redis"
else
  failed "A ended before the B connections: its lookup did not wait, or held them up"
fi
kill -CONT "$REDIS_PID"
wait "$SLOWA"
expect_status "A: the connection succeeds once Redis answers" "$(cat "$WORK/slowA.rc")" 0
expect_grep "A: resumed=yes" "$WORK/slowA.cli.err" "resumed=yes"
stop_process "$SLOW"
expect_grep "the slow server prefetched A's session" "$WORK/slow.out" \
  "dropped=0 prefetched=1"

log "== Redis stalled (SIGSTOP): lookups time out, full handshakes"
resumes st13.b "$STP1" no -tls1_3 -sess_out "$WORK/st13b.sess"
kill -STOP "$REDIS_PID"
resumes stall13 "$STP2" no -tls1_3 -sess_in "$WORK/st13b.sess"
resumes stall12 "$STP2" no -tls1_2
kill -CONT "$REDIS_PID"

log "== Redis killed in the middle of an adieu-load run (stateful pair)"
"$ADIEU_LOAD" -connect "127.0.0.1:$STP1" -n 1000 -c 10 -CAfile "$ROOT" -servername localhost \
  -endings client_first,server_first,both,half_close -resume 50 -quiet >"$WORK/load.out" 2>&1 &
LOAD_PID=$!
PIDS+=("$LOAD_PID")
sleep 0.3
if kill -0 "$LOAD_PID" 2>/dev/null; then
  pass "Redis killed while adieu-load was running"
else
  failed "adieu-load ended before Redis was killed"
fi
kill_now "$REDIS_PID"
for ((i = 0; i < 1200; i++)); do
  kill -0 "$LOAD_PID" 2>/dev/null || break
  sleep 0.05
done
{ kill -9 "$LOAD_PID"; wait "$LOAD_PID"; } 2>/dev/null
load_status=$?
expect_status "adieu-load across the Redis kill" "$load_status" 0
expect_grep "every connection succeeded, nothing lost" "$WORK/load.out" \
  "storm connections=1000 ok=1000 lost=0 misreported=0"
for ((i = 0; i < 5; i++)); do
  resumes after.$i "$STP2" no -tls1_3 -sess_in "$WORK/st13.sess"
done
resumes after12.new "$STP1" no -tls1_2 -sess_out "$WORK/after12.sess"
resumes after12.same "$STP1" yes -tls1_2 -sess_in "$WORK/after12.sess"  # the local copy
stop_process "$ST1"
stop_process "$ST2"
if grep -qE '^redis .* failed=[1-9]' "$WORK/st.1.out" "$WORK/st.2.out"; then
  pass "the servers count the failed Redis calls"
else
  failed "no failed Redis call counted"
  show "$WORK/st.1.out" "$WORK/st.2.out"
fi
SUMMARY+=("$(grep -h '^redis ' "$WORK/st.1.out" "$WORK/st.2.out")")
finish "fleet"
