# Helpers shared by the interop scripts (sourced, bash).
#
# Environment (set by CMake, see CMakeLists.txt):
#   ADIEU_SERVER, ADIEU_CLIENT  paths of the built tools
#   ADIEU_TEST_DATA             tests/data (certificates and keys)
#   INTEROP_KEEP=1              keep the work directory (logs) after the run
#   CI=true                     a missing peer program is a failure, not a skip
#
# Every peer started here is killed when the script exits (trap EXIT).
#
# Nothing an adieu process does goes unseen (finish() fails the script):
# - every sanitizer report, from any process, is written to
#   $WORK/sanitizer.<pid> (log_path added to ASAN_OPTIONS/UBSAN_OPTIONS) and
#   is a failure, whatever the process's exit status;
# - every adieu-server/adieu-client started through spawn must end with an
#   exit status below 128 (no signal, no timeout), unless kill_now ended it on
#   purpose; one still running at finish() is stopped with SIGTERM, and an
#   adieu-server must then exit 0;
# - a script that ran no check fails.
# Ports: our own server and `openssl s_server` listen on port 0 and report the
# port they got; gnutls-serv cannot, so it gets a random free port, retried
# when it loses a race for it.

set -u

: "${ADIEU_SERVER:?ADIEU_SERVER must point to adieu-server}"
: "${ADIEU_CLIENT:?ADIEU_CLIENT must point to adieu-client}"
: "${ADIEU_TEST_DATA:?ADIEU_TEST_DATA must point to tests/data}"
D=$ADIEU_TEST_DATA

WORK=$(mktemp -d "${TMPDIR:-/tmp}/adieu-interop.XXXXXX")
PIDS=()
FDS=()
FAILURES=0
CHECKS=0
SUMMARY=()
# The adieu processes spawned: pid -> name, and pid -> how it ended ("exit N"
# once reaped, "killed" when kill_now ended it on purpose).
declare -A ADIEU_PROCS=()
declare -A ADIEU_ENDS=()

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$WORK/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$WORK/sanitizer"

cleanup() {
  local pid
  {
    for pid in "${PIDS[@]}"; do kill -9 "$pid"; done
    for pid in "${PIDS[@]}"; do wait "$pid"; done
  } 2>/dev/null
  if [[ "${INTEROP_KEEP:-0}" == 1 ]]; then
    echo "logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

log() { printf '%s\n' "$*"; }

# ok/not ok lines; FAILURES counts the failed checks.
pass() {
  CHECKS=$((CHECKS + 1))
  log "  ok: $*"
}
failed() {
  CHECKS=$((CHECKS + 1))
  FAILURES=$((FAILURES + 1))
  log "  FAILED: $*"
}

# Prints a log file indented, for failure diagnostics (last 25 lines).
show() {
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    log "  --- $(basename "$f") (last lines):"
    tail -n 25 "$f" | sed 's/^/  | /'
  done
}

# expect_grep DESCRIPTION FILE FIXED-STRING: the file contains the text.
expect_grep() {
  local what=$1 file=$2 text=$3
  if grep -qF -- "$text" "$file" 2>/dev/null; then
    pass "$what"
    return 0
  fi
  failed "$what: '$text' not found in $(basename "$file")"
  show "$file"
  return 1
}

# expect_no_grep DESCRIPTION FILE FIXED-STRING: the file does not contain it.
expect_no_grep() {
  local what=$1 file=$2 text=$3
  if ! grep -qF -- "$text" "$file" 2>/dev/null; then
    pass "$what"
    return 0
  fi
  failed "$what: '$text' unexpectedly found in $(basename "$file")"
  show "$file"
  return 1
}

# expect_status DESCRIPTION ACTUAL EXPECTED
expect_status() {
  if [[ "$2" == "$3" ]]; then
    pass "$1 (exit $2)"
    return 0
  fi
  failed "$1: exit status $2, expected $3"
  return 1
}

# expect_nonzero DESCRIPTION ACTUAL
expect_nonzero() {
  if [[ "$2" != 0 ]]; then
    pass "$1 (exit $2)"
    return 0
  fi
  failed "$1: exit status 0, expected a failure"
  return 1
}

# spawn IN OUT ERR COMMAND...: runs COMMAND in the background with the given
# stdin/stdout/stderr files, without the FIFO descriptors this shell holds
# (a peer holding a FIFO's write end would never see its stdin end). Sets
# SPAWNED_PID; the process is killed at exit.
spawn() {
  local in=$1 out=$2 err=$3
  shift 3
  (
    for fd in "${FDS[@]}"; do eval "exec $fd>&-"; done
    exec "$@" <"$in" >"$out" 2>"$err"
  ) &
  SPAWNED_PID=$!
  PIDS+=("$SPAWNED_PID")
  local arg
  for arg in "$@"; do
    if [[ "$arg" == "$ADIEU_SERVER" ]]; then
      ADIEU_PROCS[$SPAWNED_PID]="adieu-server ($(basename "$out"))"
      break
    elif [[ "$arg" == "$ADIEU_CLIENT" ]]; then
      ADIEU_PROCS[$SPAWNED_PID]="adieu-client ($(basename "$out"))"
      break
    fi
  done
}

# An adieu process ended with STATUS: a signal or a timeout (>= 124) is a
# failure, since no script expects one to crash or hang.
adieu_ended() {
  local pid=$1 status=$2
  [[ -n "${ADIEU_PROCS[$pid]:-}" && -z "${ADIEU_ENDS[$pid]:-}" ]] || return 0
  ADIEU_ENDS[$pid]="exit $status"
  if ((status >= 124)); then
    failed "${ADIEU_PROCS[$pid]}: ended with status $status (crash, signal or hang)"
  fi
}

# kill_now PID: SIGKILL, reaped at once (so bash prints no "Killed" notice).
# An adieu process ended this way was ended on purpose (a truncation test).
kill_now() {
  { kill -9 "$1"; wait "$1"; } 2>/dev/null
  [[ -n "${ADIEU_PROCS[$1]:-}" && -z "${ADIEU_ENDS[$1]:-}" ]] && ADIEU_ENDS[$1]=killed
  return 0
}

# wait_for_text FILE REGEX SECONDS PID: waits until FILE matches REGEX.
# Returns 1 when the time is up or the process PID has exited.
wait_for_text() {
  local file=$1 regex=$2 seconds=$3 pid=$4 i
  for ((i = 0; i < seconds * 20; i++)); do
    if grep -qE -- "$regex" "$file" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# wait_exit PID SECONDS: waits for a background peer to exit; kills it after
# SECONDS. Sets WAIT_STATUS to its exit status (137 when killed).
wait_exit() {
  local pid=$1 seconds=$2 i
  for ((i = 0; i < seconds * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  { kill -9 "$pid"; wait "$pid"; } 2>/dev/null
  WAIT_STATUS=$?
  adieu_ended "$pid" "$WAIT_STATUS"
}

# A stdin for a long-lived peer: a FIFO opened read-write on a new descriptor
# (so neither side blocks and the peer never sees EOF). Sets STDIN_FIFO and
# STDIN_FD; write commands with: printf 'K\n' >&"$STDIN_FD".
open_stdin_fifo() {
  local name=$1
  STDIN_FIFO="$WORK/$name.stdin"
  mkfifo "$STDIN_FIFO"
  exec {STDIN_FD}<>"$STDIN_FIFO"
  FDS+=("$STDIN_FD")
}

# start_adieu_server NAME ARGS...: runs adieu-server on 127.0.0.1 and a free
# port. Sets PORT and SERVER_PID; output in $WORK/NAME.out / NAME.err.
start_adieu_server() {
  local name=$1
  shift
  spawn /dev/null "$WORK/$name.out" "$WORK/$name.err" "$ADIEU_SERVER" -accept 127.0.0.1:0 -verbose "$@"
  SERVER_PID=$SPAWNED_PID
  if ! wait_for_text "$WORK/$name.err" 'listening on 127\.0\.0\.1:[0-9]+' 10 "$SERVER_PID"; then
    failed "$name: adieu-server did not start"
    show "$WORK/$name.err"
    return 1
  fi
  PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$name.err" | head -n 1)
}

# start_openssl_server NAME ARGS...: `openssl s_server` on 127.0.0.1 and a
# free port, with -msg, its stdin a FIFO (STDIN_FD) for commands. Sets PORT,
# SERVER_PID.
start_openssl_server() {
  local name=$1
  shift
  open_stdin_fifo "$name"
  spawn "$STDIN_FIFO" "$WORK/$name.out" "$WORK/$name.err" \
    openssl s_server -accept 127.0.0.1:0 -msg "$@"
  SERVER_PID=$SPAWNED_PID
  if ! wait_for_text "$WORK/$name.out" '^ACCEPT 127\.0\.0\.1:[0-9]+' 10 "$SERVER_PID"; then
    failed "$name: openssl s_server did not start"
    show "$WORK/$name.out" "$WORK/$name.err"
    return 1
  fi
  PORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$name.out" | head -n 1)
}

# A port nobody listens on now (gnutls-serv cannot pick its own).
random_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! ss -Htan 2>/dev/null | awk '{print $4}' | grep -q ":$port\$"; then
      echo "$port"
      return
    fi
  done
}

# start_gnutls_server NAME ARGS...: gnutls-serv on a free port, debug level 5
# (its log shows every alert sent and received). Sets PORT, SERVER_PID.
start_gnutls_server() {
  local name=$1 attempt
  shift
  for attempt in 1 2 3 4 5; do
    PORT=$(random_free_port)
    spawn /dev/null "$WORK/$name.out" "$WORK/$name.err" gnutls-serv -p "$PORT" -d 5 "$@"
    SERVER_PID=$SPAWNED_PID
    local i
    for ((i = 0; i < 200; i++)); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      if ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q LISTEN; then return 0; fi
      sleep 0.05
    done
    kill_now "$SERVER_PID"
  done
  failed "$name: gnutls-serv did not start"
  show "$WORK/$name.out" "$WORK/$name.err"
  return 1
}

# stop_server: SIGTERM first (so a peer flushes its buffered output), then
# SIGKILL after a second (five for adieu-server, which must exit 0 on SIGTERM:
# that is when the sanitizers' leak check runs).
stop_server() {
  stop_process "$SERVER_PID"
}
stop_process() {
  local pid=$1 seconds=1 i
  [[ -n "${ADIEU_PROCS[$pid]:-}" ]] && seconds=5
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < seconds * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  { kill -9 "$pid"; wait "$pid"; } 2>/dev/null
  local status=$?
  if [[ "${ADIEU_PROCS[$pid]:-}" == adieu-server* && -z "${ADIEU_ENDS[$pid]:-}" ]]; then
    ADIEU_ENDS[$pid]="exit $status"
    expect_status "${ADIEU_PROCS[$pid]} exits cleanly on SIGTERM" "$status" 0
  else
    adieu_ended "$pid" "$status"
  fi
}

# GnuTLS priority string for one TLS 1.3 suite and one group.
#   gnutls_priority TLS_AES_128_GCM_SHA256 x25519
gnutls_priority() {
  local cipher group
  case "$1" in
    TLS_AES_128_GCM_SHA256) cipher=AES-128-GCM ;;
    TLS_AES_256_GCM_SHA384) cipher=AES-256-GCM ;;
    TLS_CHACHA20_POLY1305_SHA256) cipher=CHACHA20-POLY1305 ;;
    *) cipher=ALL ;;
  esac
  case "$2" in
    x25519 | X25519) group=GROUP-X25519 ;;
    P-256 | secp256r1) group=GROUP-SECP256R1 ;;
    P-384 | secp384r1) group=GROUP-SECP384R1 ;;
    ffdhe*) group=GROUP-FFDHE${2#ffdhe} ;;
    *) group=GROUP-ALL ;;
  esac
  echo "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+$cipher:-GROUP-ALL:+$group"
}

# Certificate sets by short name: sets CERT (leaf), CHAIN (intermediates),
# FULLCHAIN (leaf + intermediates), KEY, ROOT, SIG (the TLS 1.3 signature
# scheme a peer should use with it).
use_cert() {
  case "$1" in
    ecdsa)
      CERT=$D/ecdsa-leaf.pem CHAIN=$D/ecdsa-chain.pem FULLCHAIN=$D/ecdsa-fullchain.pem
      KEY=$D/ecdsa-leaf.key ROOT=$D/ecdsa-root.pem SIG=ecdsa_secp256r1_sha256
      ;;
    rsa)
      CERT=$D/rsa-leaf.pem CHAIN=$D/rsa-chain.pem FULLCHAIN=$D/rsa-fullchain.pem
      KEY=$D/rsa-leaf.key ROOT=$D/rsa-root.pem SIG=rsa_pss_rsae_sha256
      ;;
    ed25519)
      CERT=$D/ed25519-leaf.pem CHAIN=$D/ecdsa-chain.pem FULLCHAIN=$D/ed25519-fullchain.pem
      KEY=$D/ed25519-leaf.key ROOT=$D/ecdsa-root.pem SIG=ed25519
      ;;
    ed448)
      CERT=$D/ed448-leaf.pem CHAIN=$D/ecdsa-chain.pem FULLCHAIN=$D/ed448-fullchain.pem
      KEY=$D/ed448-leaf.key ROOT=$D/ecdsa-root.pem SIG=ed448
      ;;
    p384)
      CERT=$D/p384-leaf.pem CHAIN=$D/ecdsa-chain.pem FULLCHAIN=$D/p384-fullchain.pem
      KEY=$D/p384-leaf.key ROOT=$D/ecdsa-root.pem SIG=ecdsa_secp384r1_sha384
      ;;
    p521)
      CERT=$D/p521-leaf.pem CHAIN=$D/ecdsa-chain.pem FULLCHAIN=$D/p521-fullchain.pem
      KEY=$D/p521-leaf.key ROOT=$D/ecdsa-root.pem SIG=ecdsa_secp521r1_sha512
      ;;
    rsa-pss)
      CERT=$D/rsa-pss-leaf.pem CHAIN=$D/rsa-chain.pem FULLCHAIN=$D/rsa-pss-fullchain.pem
      KEY=$D/rsa-pss-leaf.key ROOT=$D/rsa-root.pem SIG=rsa_pss_pss_sha256
      ;;
    *)
      echo "unknown certificate set $1" >&2
      return 1
      ;;
  esac
}

# The end line every interop script prints, and its exit status.
# With INTEROP_SUMMARY_DIR set (ctest sets it to the build tree), the summary
# is also written to $INTEROP_SUMMARY_DIR/<script>.txt, for CI to print.
finish() {
  local title=$1 verdict pid report
  for pid in "${!ADIEU_PROCS[@]}"; do
    [[ -n "${ADIEU_ENDS[$pid]:-}" ]] || stop_process "$pid"
  done
  for report in "$WORK"/sanitizer.*; do
    [[ -f "$report" ]] || continue
    failed "sanitizer report from process ${report##*.}"
    sed 's/^/  | /' "$report" | head -n 60
  done
  if ((CHECKS == 0)); then
    FAILURES=$((FAILURES + 1))
    log "  FAILED: no check ran"
  fi
  if ((FAILURES > 0)); then
    verdict="$FAILURES of $CHECKS checks FAILED"
  else
    verdict="all $CHECKS checks passed"
  fi
  {
    if ((${#SUMMARY[@]} > 0)); then
      log ""
      log "$title"
      printf '%s\n' "${SUMMARY[@]}"
    fi
    log ""
    log "$verdict"
  } | if [[ -n "${INTEROP_SUMMARY_DIR:-}" ]]; then
    tee "$INTEROP_SUMMARY_DIR/$(basename "$0" .sh).txt"
  else
    cat
  fi
  ((FAILURES == 0))
  exit $?
}

# The peers must be installed (CI installs openssl and gnutls-bin). Outside
# CI a missing one skips the script (77); under CI it fails it.
for program in openssl gnutls-cli gnutls-serv ss; do
  if ! command -v "$program" >/dev/null; then
    if [[ "${CI:-}" == true ]]; then
      echo "FAILED: $program is not installed (CI=true: a missing peer is a failure)"
      exit 1
    fi
    echo "SKIP: $program is not installed"
    exit 77
  fi
done

# run_adieu_client TAG STDIN-TEXT ARGS...: adieu-client to 127.0.0.1:$PORT,
# stdin the given text (then EOF). Output in $WORK/TAG.cli.out / .err;
# sets RC.
run_adieu_client() {
  local tag=$1 input=$2
  shift 2
  printf '%b' "$input" | timeout 30 "$ADIEU_CLIENT" -connect "127.0.0.1:$PORT" \
    -servername localhost -timeout 5 "$@" >"$WORK/$tag.cli.out" 2>"$WORK/$tag.cli.err"
  RC=$?
  if ((RC >= 124)); then
    failed "adieu-client ($tag): ended with status $RC (crash, signal or hang)"
    show "$WORK/$tag.cli.err"
  fi
}

# wait_for_line FILE LINE SECONDS PID: waits until FILE has LINE as a whole
# line. Returns 1 when the time is up or PID has exited.
wait_for_line() {
  local file=$1 line=$2 seconds=$3 pid=$4 i
  for ((i = 0; i < seconds * 20; i++)); do
    if grep -qxF -- "$line" "$file" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# Runs a peer client with a FIFO as stdin: writes STDIN-TEXT, waits until its
# stdout shows the line UNTIL (the echo; empty: until the client exits by
# itself), then ends its stdin (at which it sends close_notify) and waits for
# it to exit. No fixed pauses: the order of events is the same on a slow
# machine. Sets RC.
run_peer_client() {
  local tag=$1 input=$2 until=$3
  shift 3
  open_stdin_fifo "$tag.cli"
  local fd=$STDIN_FD
  spawn "$STDIN_FIFO" "$WORK/$tag.cli.out" "$WORK/$tag.cli.err" timeout 30 "$@"
  local pid=$SPAWNED_PID
  printf '%b' "$input" >&"$fd"
  if [[ -n "$until" ]]; then
    wait_for_line "$WORK/$tag.cli.out" "$until" 10 "$pid"
  else
    wait_exit "$pid" 10
  fi
  exec {fd}>&-
  wait_exit "$pid" 10
  RC=$WAIT_STATUS
}

# run_openssl_client TAG STDIN-TEXT UNTIL ARGS...: openssl s_client -msg to
# 127.0.0.1:$PORT (SNI localhost), see run_peer_client.
run_openssl_client() {
  local tag=$1 input=$2 until=$3
  shift 3
  run_peer_client "$tag" "$input" "$until" openssl s_client -connect "127.0.0.1:$PORT" \
    -servername localhost -msg "$@"
}

# run_gnutls_client TAG STDIN-TEXT UNTIL ARGS...: gnutls-cli -d 5 to
# 127.0.0.1:$PORT verifying and sending the name "localhost".
run_gnutls_client() {
  local tag=$1 input=$2 until=$3
  shift 3
  run_peer_client "$tag" "$input" "$until" gnutls-cli -d 5 -p "$PORT" \
    --verify-hostname localhost --sni-hostname localhost "$@" 127.0.0.1
}

# expect_count DESCRIPTION FILE FIXED-STRING N: the text occurs on N lines.
expect_count() {
  local what=$1 file=$2 text=$3 n=$4 got
  got=$(grep -cF -- "$text" "$file" 2>/dev/null)
  if [[ "$got" == "$n" ]]; then
    pass "$what"
    return 0
  fi
  failed "$what: '$text' found on ${got:-0} lines of $(basename "$file"), expected $n"
  show "$file"
  return 1
}

CLEAN="ended: read=close_notify_received write=close_notify_sent: clean"

# expect_order DESCRIPTION FILE FIRST SECOND: both texts occur, FIRST on an
# earlier line than SECOND.
expect_order() {
  local what=$1 file=$2 first=$3 second=$4 a b
  a=$(grep -nF -- "$first" "$file" 2>/dev/null | head -n 1 | cut -d: -f1)
  b=$(grep -nF -- "$second" "$file" 2>/dev/null | head -n 1 | cut -d: -f1)
  if [[ -n "$a" && -n "$b" && "$a" -lt "$b" ]]; then
    pass "$what"
    return 0
  fi
  failed "$what: expected '$first' (line ${a:-none}) before '$second' (line ${b:-none}) in $(basename "$file")"
  show "$file"
  return 1
}

# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
