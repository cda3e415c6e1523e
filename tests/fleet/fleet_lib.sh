# Helpers of the fleet tests (sourced, bash, after tests/interop/lib.sh's
# environment): a redis-server of their own, adieu-client runs that save or
# offer a session. Skips (77) without redis-server, fails under CI=true.
source "$(dirname "${BASH_SOURCE[0]}")/../interop/lib.sh"
for program in redis-server redis-cli; do
  if ! command -v "$program" >/dev/null; then
    if [[ "${CI:-}" == true ]]; then
      echo "FAILED: $program is not installed (CI=true: a missing peer is a failure)"
      exit 1
    fi
    echo "SKIP: $program is not installed"
    exit 77
  fi
done

# start_redis: redis-server on a free port, no persistence. Sets REDIS_PORT,
# REDIS_PID.
start_redis() {
  local attempt i
  for attempt in 1 2 3 4 5; do
    REDIS_PORT=$(random_free_port)
    spawn /dev/null "$WORK/redis.out" "$WORK/redis.err" redis-server --port "$REDIS_PORT" \
      --bind 127.0.0.1 --save '' --appendonly no
    REDIS_PID=$SPAWNED_PID
    for ((i = 0; i < 100; i++)); do
      kill -0 "$REDIS_PID" 2>/dev/null || break
      if [[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; then return 0; fi
      sleep 0.05
    done
    kill_now "$REDIS_PID"
  done
  failed "redis-server did not start"
  show "$WORK/redis.out"
  return 1
}

# client TAG PORT ARGS...: adieu-client to 127.0.0.1:PORT (30 s bound); sets RC.
client() {
  local tag=$1 port=$2
  shift 2
  printf 'fleet %s\n' "$tag" | timeout 30 "$ADIEU_CLIENT" -connect "127.0.0.1:$port" \
    -servername localhost -timeout 5 -CAfile "$ROOT" "$@" \
    >"$WORK/$tag.cli.out" 2>"$WORK/$tag.cli.err"
  RC=$?
}

# resumes TAG PORT EXPECTED ARGS...: a client offering a saved session; it
# must succeed and be resumed (yes) or not (no).
resumes() {
  local tag=$1 port=$2 expected=$3
  shift 3
  client "$tag" "$port" "$@"
  expect_status "$tag: the connection succeeds" "$RC" 0
  expect_grep "$tag: resumed=$expected" "$WORK/$tag.cli.err" "resumed=$expected"
}
