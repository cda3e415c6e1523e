#!/bin/sh
# shellcheck disable=SC2016 # the fakes' code is expanded by the fakes
# selftest_run_differential.sh RUN_DIFFERENTIAL_SH [OPENSSL_BIN ADIEU_BIN]
# A test of the differential test itself: run_differential.sh on pairs of
# fake scenario programs (tiny shell scripts) that print the same text but
# end badly — a non-zero exit, a failed setup, a sanitizer report, a hang, a
# crash, no output, a failing run on adieu's libssl.so.3 — must FAIL, for the
# right reason. Identical output alone never passes a scenario.
# With the real scenario programs, their setup is made to fail (the test data
# directory moved away with COMPAT_TEST_DATA): both builds then fail alike,
# and run_differential.sh must say "setup failed".
set -u
rd=$1
openssl_bin=${2:-}
adieu_bin=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/expected" "$tmp/lib"
bad=0

# fake FILE CODE: a scenario program; `FILE list` names one scenario, "one",
# and `FILE one` runs CODE.
fake() {
  {
    echo '#!/bin/sh'
    echo 'if [ "$1" = list ]; then echo one; exit 0; fi'
    echo "$2"
  } > "$1"
  chmod +x "$1"
}

# check pass|fail PATTERN TITLE [VAR=VALUE...]: runs run_differential.sh on
# the programs $first and $second (the fakes $tmp/openssl and $tmp/adieu
# unless set otherwise) for the scenario $scenario ("one"; none at all when
# empty: every scenario they list) with the environment given; it must pass
# or fail as said, and its report must contain PATTERN (grep -E).
first=$tmp/openssl
second=$tmp/adieu
scenario=one
check() {
  want=$1
  pattern=$2
  title=$3
  shift 3
  # shellcheck disable=SC2086 # no scenario argument at all when $scenario is empty
  env -u ADIEU_LIBSSL_DIR COMPAT_TIMEOUT=5 "$@" "$rd" "$first" "$second" "$tmp/expected" \
    $scenario > "$tmp/log" 2>&1
  rc=$?
  verdict=ok
  if [ "$want" = pass ] && [ $rc -ne 0 ]; then verdict="run_differential.sh failed ($rc)"; fi
  if [ "$want" = fail ] && [ $rc -eq 0 ]; then verdict="run_differential.sh passed"; fi
  if [ "$verdict" = ok ] && ! grep -q -E "$pattern" "$tmp/log"; then
    verdict="its report does not say /$pattern/"
  fi
  if [ "$verdict" = ok ]; then
    echo "ok   $title"
  else
    echo "FAIL $title: $verdict; its report:"
    sed 's/^/    /' "$tmp/log"
    bad=1
  fi
  rm -f "$tmp/expected/"*
}

same='echo "server certificate: failed"; echo "C connect: ret=1 err=NONE shutdown=0"'

# The two that must pass: the harness of this test works.
fake "$tmp/openssl" "$same"
fake "$tmp/adieu" "$same"
check pass '^ok   one$' "identical output, both exit 0"
fake "$tmp/adieu" 'echo "server certificate: failed"; echo "C connect: ret=0"'
sh "$tmp/openssl" one > "$tmp/o.txt"
sh "$tmp/adieu" one > "$tmp/a.txt"
diff "$tmp/o.txt" "$tmp/a.txt" > "$tmp/one.diff"
cp "$tmp/one.diff" "$tmp/expected/one.diff"
check pass 'ok   one \(documented difference\)' "the documented difference"

# A difference nobody documented still fails.
check fail 'FAIL one$' "an undocumented difference"

# Identical output, but a run ends badly.
fake "$tmp/adieu" "$same; exit 1"
check fail 'adieu build exited with status 1' "adieu exits 1"
fake "$tmp/adieu" "$same"
fake "$tmp/openssl" "$same; exit 2"
check fail 'OpenSSL build exited with status 2' "OpenSSL exits 2"
fake "$tmp/openssl" 'echo "SETUP FAILED harness.c:54: SSL_CTX_use_PrivateKey_file(...) == 1"; exit 86'
fake "$tmp/adieu" 'echo "SETUP FAILED harness.c:54: SSL_CTX_use_PrivateKey_file(...) == 1"; exit 86'
check fail 'setup failed \(exit 86\)' "both setups fail alike (exit 86)"
fake "$tmp/openssl" "$same"
fake "$tmp/adieu" "$same; kill -SEGV \$\$"
check fail 'adieu build killed by signal 11' "adieu crashes"
fake "$tmp/adieu" "$same; sleep 20"
check fail 'adieu build timed out' "adieu hangs" COMPAT_TIMEOUT=1
fake "$tmp/openssl" 'true'
fake "$tmp/adieu" 'true'
check fail 'printed nothing' "both print nothing"

# Sanitizer reports with exit status 0 (UBSan goes on), in both outputs alike.
ubsan='echo "scenario.c:12:5: runtime error: signed integer overflow: 2147483647 + 1"'
fake "$tmp/openssl" "$same; $ubsan"
fake "$tmp/adieu" "$same; $ubsan"
check fail 'sanitizer report' "a UBSan report in both outputs"
lsan='echo "==4242==ERROR: LeakSanitizer: detected memory leaks" >&2'
fake "$tmp/openssl" "$same"
fake "$tmp/adieu" "$same; $lsan"
check fail 'adieu build: sanitizer report' "a LeakSanitizer report on stderr"

# The OpenSSL-linked binary on adieu's libssl.so.3 (ADIEU_LIBSSL_DIR).
fake "$tmp/adieu" "$same"
fake "$tmp/openssl" "$same"' ; [ "${LD_LIBRARY_PATH:-}" = "'"$tmp/lib"'" ] && exit 3; exit 0'
check pass '^ok   one$' "the substituted run is sound" ADIEU_LIBSSL_DIR=/nonexistent
check fail "libssl.so.3 exited with status 3" "the substituted run exits 3" \
  ADIEU_LIBSSL_DIR="$tmp/lib"
fake "$tmp/openssl" "$same"' ; [ "${LD_LIBRARY_PATH:-}" = "'"$tmp/lib"'" ] && echo extra; exit 0'
check fail "libssl.so.3 differs" "the substituted run prints more" ADIEU_LIBSSL_DIR="$tmp/lib"

# The scenario list itself must work.
fake "$tmp/openssl" "$same"
sed -i 's/echo one; exit 0/exit 1/' "$tmp/openssl"
scenario=
check fail "list' exited with status 1" "'list' fails"
scenario=one

# The real scenario programs: a sound run passes; with the test data gone,
# both builds fail their setup alike, and that must not pass.
if [ -n "$openssl_bin" ]; then
  first=$openssl_bin
  second=$adieu_bin
  scenario=client_close
  check pass '^ok   client_close$' "real programs, client_close"
  for scenario in client_close certificates blocking_echo nonblocking_close; do
    check fail "$scenario: the OpenSSL build: setup failed \\(exit 86\\)" \
      "real programs, $scenario, no test data" COMPAT_TEST_DATA=/nonexistent
  done
fi

exit $bad
