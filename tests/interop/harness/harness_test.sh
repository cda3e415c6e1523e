#!/usr/bin/env bash
# harness_test.sh FAKE_PEER_BINARY: the interop harness (lib.sh) cannot pass
# what it must not. Each row runs case.sh with the fake adieu process in a
# given mode and asserts the script's exit status:
#   a well-behaved server or client passes (0), so the checks below are not
#   vacuous; a server or client that leaks (a real LeakSanitizer report), a
#   server that crashes on SIGTERM, one left running that crashes when
#   finish() stops it, a script that ran no check, and (under CI=true) a
#   missing peer program all fail (1); outside CI a missing peer skips (77).
set -u
fake=$1
here=$(dirname "$0")
passed=0
failures=0

# expect STATUS DESCRIPTION ENV... -- CASE: runs case.sh CASE with the
# environment given, asserts its exit status.
expect() {
  local want=$1 what=$2
  shift 2
  local env=()
  while [[ $1 != -- ]]; do env+=("$1"); shift; done
  shift
  local out status
  out=$(env ADIEU_SERVER="$fake" ADIEU_CLIENT="$fake" ADIEU_TEST_DATA=/nonexistent \
    INTEROP_SUMMARY_DIR= "${env[@]}" bash "$here/case.sh" "$@" 2>&1)
  status=$?
  if [[ $status == "$want" ]]; then
    echo "ok   $what (exit $status)"
    passed=$((passed + 1))
  else
    echo "FAIL $what: exit $status, expected $want"
    printf '%s\n' "$out" | sed 's/^/  | /' | tail -n 30
    failures=$((failures + 1))
  fi
}

# A PATH that has everything but the openssl program.
no_openssl=$(mktemp -d)
trap 'rm -rf "$no_openssl"' EXIT
for dir in /usr/local/bin /usr/bin /bin; do
  for program in "$dir"/*; do
    name=${program##*/}
    [[ $name == openssl || -e $no_openssl/$name ]] || ln -s "$program" "$no_openssl/$name"
  done
done

expect 0 "a clean server passes" FAKE_PEER=server -- server
expect 0 "a clean client passes" FAKE_PEER=client -- client
expect 1 "a server that leaks fails" FAKE_PEER=leaky-server -- server
expect 1 "a client that leaks fails" FAKE_PEER=leaky-client -- client
expect 1 "a server that crashes on SIGTERM fails" FAKE_PEER=crashing-server -- server
expect 0 "a clean server left running is stopped by finish()" FAKE_PEER=server -- server-left-running
expect 1 "a leaky server left running fails at finish()" FAKE_PEER=leaky-server -- server-left-running
expect 1 "a script with no check fails" FAKE_PEER=client -- no-checks
expect 1 "a missing peer fails under CI" FAKE_PEER=client CI=true PATH="$no_openssl" -- client
expect 77 "a missing peer skips outside CI" FAKE_PEER=client CI= PATH="$no_openssl" -- client

echo "$passed passed, $failures failed"
((failures == 0))
