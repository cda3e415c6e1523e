#!/usr/bin/env bash
# Lists, for each installed program or library that uses OpenSSL's libssl,
# the libssl functions it imports that adieu's libssl.so.3 does not export:
# what would keep it from loading (a BIND_NOW binary) or fail when first
# called (a lazy one) on adieu.
#
#   missing_imports.sh ADIEU_LIBSSL [--check NAME...]
#
# ADIEU_LIBSSL is adieu's libssl.so.3. A function counts as a libssl import
# when the binary imports it undefined and the system's libssl.so.3 defines
# it. Programs not installed are listed as such. With --check, the exit
# status is 1 when one of the named programs is missing an import (or is not
# installed while CI=true); otherwise it is 0 and the script only reports.
set -euo pipefail

usage() {
  echo "usage: $0 ADIEU_LIBSSL [--check NAME...]" >&2
  exit 2
}
[[ $# -ge 1 ]] || usage
adieu=$1
shift
check=()
if [[ $# -gt 0 ]]; then
  [[ $1 == --check ]] || usage
  shift
  check=("$@")
fi
[[ -r $adieu ]] || { echo "cannot read $adieu" >&2; exit 2; }

# The system's libssl.so.3 (OpenSSL's): what a libssl import is.
system_libssl=$(ldconfig -p | awk '!found && /libssl\.so\.3 \(libc6,x86-64/ {print $NF; found = 1}')
[[ -n $system_libssl ]] || { echo "no system libssl.so.3" >&2; exit 2; }

# name|file: the binary or library that links libssl.
ssl_modules=(/usr/lib/python3*/lib-dynload/_ssl.*.so)
programs=(
  "curl|/usr/lib/x86_64-linux-gnu/libcurl.so.4"
  "openssl|/usr/bin/openssl"
  "python3-ssl|${ssl_modules[0]}"
  "nginx|/usr/sbin/nginx"
  "haproxy|/usr/sbin/haproxy"
  "stunnel4|/usr/bin/stunnel4"
  "socat|/usr/bin/socat"
  "libpq|/usr/lib/x86_64-linux-gnu/libpq.so.5"
  "postgres|$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n1)"
  "pyca-cryptography|/usr/lib/python3/dist-packages/cryptography/hazmat/bindings/_openssl.abi3.so"
)

defined() { nm -D --defined-only "$1" | awk '{print $NF}' | sed 's/@.*//' | sort -u; }
undefined() { nm -D --undefined-only "$1" | awk '{print $NF}' | sed 's/@.*//' | sort -u; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
defined "$system_libssl" >"$tmp/libssl"
defined "$adieu" >"$tmp/adieu"

status=0
declare -A all_missing=()
for entry in "${programs[@]}"; do
  name=${entry%%|*}
  file=${entry#*|}
  wanted=0
  for c in "${check[@]}"; do [[ $c == "$name" ]] && wanted=1; done
  if [[ -z $file || ! -r $file ]]; then
    echo "$name: not installed"
    if [[ $wanted == 1 && ${CI:-} == true ]]; then status=1; fi
    continue
  fi
  undefined "$file" | comm -12 - "$tmp/libssl" >"$tmp/imports"
  comm -23 "$tmp/imports" "$tmp/adieu" >"$tmp/missing"
  imports=$(wc -l <"$tmp/imports")
  missing=$(wc -l <"$tmp/missing")
  echo "$name ($file): $imports libssl imports, $missing missing"
  while read -r symbol; do
    echo "    $symbol"
    all_missing[$symbol]=1
  done <"$tmp/missing"
  if [[ $wanted == 1 && $missing -gt 0 ]]; then status=1; fi
done
echo "distinct functions missing over all of them: ${#all_missing[@]}"
exit $status
