#!/bin/sh
# run_differential.sh OPENSSL_BIN ADIEU_BIN EXPECTED_DIR [scenario...]
# Runs each scenario (all of them when none is named) with both builds and
# compares the outputs. They must be identical, or differ exactly as
# EXPECTED_DIR/<scenario>.diff says (a documented correction or deviation;
# see docs/compat.md). With ADIEU_LIBSSL_DIR set (the directory of adieu's
# libssl.so.3), the OpenSSL-linked binary is also run with LD_LIBRARY_PATH
# pointing there, and must print exactly what the adieu-linked one prints.
#
# Identical output is not enough: every run must also
#   - exit with status 0 (a scenario whose setup failed exits with 86, see
#     SETUP in harness.h; a crash, an abort or a sanitizer's exit status is
#     not 0 either),
#   - finish within COMPAT_TIMEOUT seconds (default 30),
#   - print something, and no sanitizer report (ASan, UBSan, LeakSanitizer,
#     TSan: a line with "Sanitizer" or "runtime error:"; UBSan goes on after
#     a report and exits 0).
# Exit status 0 when every scenario passes all of this.
set -u
openssl_bin=$1
adieu_bin=$2
expected=$3
shift 3
limit=${COMPAT_TIMEOUT:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# fail MESSAGE: one failure of the current scenario.
fail() {
  echo "FAIL $*"
  failed=1
  this_failed=1
}

# run LABEL OUTFILE [VAR=VALUE...]: runs $run_bin $name with the time limit
# (and the environment variables given), output (stdout and stderr) to
# OUTFILE, and checks how it ended. Returns 0 when the run is sound.
run() {
  label=$1
  out=$2
  shift 2
  env "$@" timeout -k 5 "$limit" "$run_bin" "$name" > "$out" 2>&1
  status=$?
  sound=0
  case $status in
    0) ;;
    124) fail "$name: $label timed out (more than ${limit}s)"; sound=1 ;;
    86) fail "$name: $label: setup failed (exit 86)"; sound=1 ;;
    *)
      if [ "$status" -gt 128 ]; then
        fail "$name: $label killed by signal $((status - 128))"
      else
        fail "$name: $label exited with status $status"
      fi
      sound=1
      ;;
  esac
  if grep -q -E 'Sanitizer|runtime error:' "$out"; then
    fail "$name: $label: sanitizer report"
    sound=1
  fi
  if [ $status -eq 0 ] && [ ! -s "$out" ]; then
    fail "$name: $label printed nothing"
    sound=1
  fi
  if [ $sound -ne 0 ] && [ -s "$out" ]; then
    echo "---- $label output (last 40 lines)"
    tail -n 40 "$out"
    echo "----"
  fi
  return $sound
}

if [ $# -eq 0 ]; then
  names=$(timeout "$limit" "$openssl_bin" list)
  status=$?
  if [ $status -ne 0 ] || [ -z "$names" ]; then
    echo "FAIL: '$openssl_bin list' exited with status $status and named ${names:-no scenario}"
    exit 1
  fi
  # shellcheck disable=SC2086 # one scenario name a word
  set -- $names
fi

for name in "$@"; do
  run_bin=$openssl_bin
  this_failed=0
  run "the OpenSSL build" "$tmp/openssl.out"
  run_bin=$adieu_bin
  run "the adieu build" "$tmp/adieu.out"
  diff "$tmp/openssl.out" "$tmp/adieu.out" > "$tmp/diff"
  verdict=
  if [ -f "$expected/$name.diff" ]; then
    if cmp -s "$tmp/diff" "$expected/$name.diff"; then
      verdict="(documented difference)"
    else
      fail "$name: the difference is not the documented one"
      diff "$expected/$name.diff" "$tmp/diff"
    fi
  elif [ -s "$tmp/diff" ]; then
    fail "$name"
    cat "$tmp/diff"
  fi
  if [ -n "${ADIEU_LIBSSL_DIR:-}" ]; then
    run_bin=$openssl_bin
    if run "the OpenSSL build on adieu's libssl.so.3" "$tmp/substituted.out" \
      LD_LIBRARY_PATH="$ADIEU_LIBSSL_DIR"; then
      if ! cmp -s "$tmp/substituted.out" "$tmp/adieu.out"; then
        fail "$name: the OpenSSL-linked binary on adieu's libssl.so.3 differs"
        diff "$tmp/adieu.out" "$tmp/substituted.out"
      fi
    fi
  fi
  if [ $this_failed -eq 0 ]; then
    echo "ok   $name${verdict:+ $verdict}"
  fi
done
exit $failed
