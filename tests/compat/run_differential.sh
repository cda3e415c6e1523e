#!/bin/sh
# run_differential.sh OPENSSL_BIN ADIEU_BIN EXPECTED_DIR [scenario...]
# Runs each scenario (all of them when none is named) with both builds and
# compares the outputs. They must be identical, or differ exactly as
# EXPECTED_DIR/<scenario>.diff says (a documented correction or deviation;
# see docs/compat.md). With ADIEU_LIBSSL_DIR set (the directory of adieu's
# libssl.so.3), the OpenSSL-linked binary is also run with LD_LIBRARY_PATH
# pointing there, and must print exactly what the adieu-linked one prints.
# Exit status 0 when every scenario matches.
set -u
openssl_bin=$1
adieu_bin=$2
expected=$3
shift 3
[ $# -gt 0 ] || set -- $("$openssl_bin" list)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for name in "$@"; do
  timeout 30 "$openssl_bin" "$name" > "$tmp/openssl.out" 2>&1
  timeout 30 "$adieu_bin" "$name" > "$tmp/adieu.out" 2>&1
  diff "$tmp/openssl.out" "$tmp/adieu.out" > "$tmp/diff"
  if [ -f "$expected/$name.diff" ]; then
    if cmp -s "$tmp/diff" "$expected/$name.diff"; then
      echo "ok   $name (documented difference)"
    else
      echo "FAIL $name: the difference is not the documented one"
      diff "$expected/$name.diff" "$tmp/diff"
      failed=1
    fi
  elif [ -s "$tmp/diff" ]; then
    echo "FAIL $name"
    cat "$tmp/diff"
    failed=1
  else
    echo "ok   $name"
  fi
  if [ -n "${ADIEU_LIBSSL_DIR:-}" ]; then
    LD_LIBRARY_PATH=$ADIEU_LIBSSL_DIR timeout 30 "$openssl_bin" "$name" > "$tmp/substituted.out" 2>&1
    if ! cmp -s "$tmp/substituted.out" "$tmp/adieu.out"; then
      echo "FAIL $name: the OpenSSL-linked binary on adieu's libssl.so.3 differs"
      diff "$tmp/adieu.out" "$tmp/substituted.out"
      failed=1
    fi
  fi
done
exit $failed
