#!/usr/bin/env bash
# The installed package as a user meets it (docs/install.md):
#   1. `cmake --install BUILD_DIR --prefix TMP`: every file where it belongs,
#      the drop-in libssl.so.3 only in the private directory, each installed
#      header compiling on its own, the shared libraries exporting the public
#      API only;
#   2. consumer/ (a project outside the tree) built with find_package(adieu)
#      against the shared and the static libraries, and run;
#   3. the same programs built with plain c++/cc and pkg-config, and run;
#   4. adieu-run (installed and in the build tree) making a program built
#      against OpenSSL, and Debian's own `openssl`, load adieu's libssl.so.3.
# Usage: consumer.sh BUILD_DIR DATA_DIR
set -euo pipefail
build=$(realpath "$1")
data=$(realpath "$2")
here=$(dirname "$(realpath "$0")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
checks=0

fail() {
  echo "FAILED: $*" >&2
  exit 1
}
pass() {
  checks=$((checks + 1))
  echo "ok: $*"
}

# --- 1. the install -----------------------------------------------------------
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || {
  cat "$tmp/install.log"
  fail "cmake --install"
}
libdir_name=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")
lib=$prefix/${libdir_name:-lib}
for f in include/adieu/connection.h include/adieu/config.h include/adieu/socket.h \
  include/adieu/asio.h bin/adieu-client bin/adieu-server bin/adieu-load bin/adieu-run; do
  [[ -e $prefix/$f ]] || fail "$f not installed"
done
for f in libadieu.so libadieu.a libadieu-ssl.so libadieu-ssl.a adieu/libssl.so.3 \
  cmake/adieu/adieuConfig.cmake cmake/adieu/adieuConfigVersion.cmake \
  pkgconfig/adieu.pc pkgconfig/adieu-ssl.pc; do
  [[ -e $lib/$f ]] || fail "$lib/$f not installed"
done
if compgen -G "$lib/libssl.so*" >/dev/null; then
  fail "a libssl.so* in $lib would shadow the system's libssl"
fi
[[ ! -e $lib/adieu/libssl.so ]] || fail "libssl.so (a link to build against) in the private directory"
soname=$(readelf -d "$lib/libadieu.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $soname =~ ^libadieu\.so\.[0-9]+\.[0-9]+$ && -e $lib/$soname ]] || fail "libadieu's soname: '$soname'"
pass "installed files (libadieu soname $soname)"

for h in "$prefix"/include/adieu/*.h; do
  grep -q '#include "' "$h" && fail "$h includes a header by a quoted path"
  echo "#include <adieu/$(basename "$h")>" |
    c++ -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I"$prefix/include" -x c++ - ||
    fail "$h does not compile on its own"
done
pass "each installed header compiles on its own"

# libadieu.so exports the public API only: names in namespace adieu, none of
# the inner layers' namespaces, no libcrypto or libssl function.
exports=$(nm -D --defined-only "$lib/libadieu.so" | awk '{print $3}' | sed 's/@.*//' |
  grep -v '^ADIEU_')
[[ -n $exports ]] || fail "libadieu.so exports nothing"
bad=$(c++filt <<<"$exports" | grep -Ev '^(typeinfo |typeinfo name |vtable |guard variable for )?adieu::' ||
  true)
bad+=$(c++filt <<<"$exports" |
  grep -E 'adieu::(crypto|wire|messages|record|tls12|tls13|store|testing|detail)::' || true)
[[ -z $bad ]] || fail "libadieu.so exports more than the public API:"$'\n'"$bad"
pass "libadieu.so exports $(wc -l <<<"$exports") symbols, all of the public API"
# libadieu-ssl.so: exactly compat/functions.txt's functions.
functions=$(grep -Eo '^[A-Za-z_][A-Za-z0-9_]*' "$here/../../compat/functions.txt" | sort -u)
ssl_exports=$(nm -D --defined-only "$lib/libadieu-ssl.so" | awk '{print $3}' | sed 's/@.*//' |
  grep -v '^OPENSSL_3.0.0$' | sort -u)
extra=$(comm -13 <(echo "$functions") <(echo "$ssl_exports"))
[[ -z $extra ]] || fail "libadieu-ssl.so exports functions outside compat/functions.txt: $extra"
pass "libadieu-ssl.so exports $(wc -l <<<"$ssl_exports") functions, all from compat/functions.txt"

# --- 2. find_package ---------------------------------------------------------------
cmake -S "$here/consumer" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$tmp/cmake.log" 2>&1 || {
  cat "$tmp/cmake.log"
  fail "find_package(adieu CONFIG REQUIRED)"
}
cmake --build "$tmp/cmake" -j2 >"$tmp/cmake-build.log" 2>&1 || {
  cat "$tmp/cmake-build.log"
  fail "building the consumer with CMake"
}
[[ $(cat "$tmp/cmake/libssl_dir.txt") == "$lib/adieu" ]] || fail "adieu_LIBSSL_DIR"
"$tmp/cmake/native" "$data" || fail "native (adieu::adieu)"
"$tmp/cmake/native_static" "$data" || fail "native_static (adieu::adieu-static)"
"$tmp/cmake/ssl" "$data" "$lib/libadieu-ssl.so" || fail "ssl (adieu::ssl)"
"$tmp/cmake/ssl_static" "$data" "$tmp/cmake/ssl_static" || fail "ssl_static (adieu::ssl-static)"
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
needed "$tmp/cmake/native" | grep -qx "$soname" || fail "native does not need $soname"
needed "$tmp/cmake/ssl" | grep -qx 'libadieu-ssl.so.0' || fail "ssl does not need libadieu-ssl"
for program in native native_static ssl ssl_static; do
  needed "$tmp/cmake/$program" | grep -q '^libssl' && fail "$program needs OpenSSL's libssl"
done
pass "find_package(adieu): adieu::adieu, adieu::adieu-static, adieu::ssl, adieu::ssl-static"

# --- 3. pkg-config -------------------------------------------------------------------
export PKG_CONFIG_PATH=$lib/pkgconfig
mkdir "$tmp/pc"
# shellcheck disable=SC2046 # word splitting of pkg-config's flags is intended
c++ -std=c++20 -o "$tmp/pc/native" "$here/consumer/native.cc" $(pkg-config --cflags --libs adieu) ||
  fail "c++ with pkg-config adieu"
# shellcheck disable=SC2046
cc -o "$tmp/pc/ssl" "$here/consumer/ssl.c" $(pkg-config --cflags --libs adieu-ssl) ||
  fail "cc with pkg-config adieu-ssl"
needed "$tmp/pc/ssl" | grep -q '^libssl' && fail "ssl (pkg-config) needs OpenSSL's libssl"
LD_LIBRARY_PATH=$lib "$tmp/pc/native" "$data" || fail "native (pkg-config)"
LD_LIBRARY_PATH=$lib "$tmp/pc/ssl" "$data" "$lib/libadieu-ssl.so" || fail "ssl (pkg-config)"
pass "pkg-config: adieu.pc, adieu-ssl.pc"

# --- 4. adieu-run ----------------------------------------------------------------------
# The same C program built against OpenSSL's libssl: OpenSSL's alone, adieu's
# libssl.so.3 under adieu-run.
cc -o "$tmp/ssl_openssl" "$here/consumer/ssl.c" -lssl -lcrypto || fail "cc -lssl"
system_libssl=$(ldd "$tmp/ssl_openssl" | sed -n 's/^\s*libssl\.so\.3 => \(\S*\).*/\1/p')
[[ -n $system_libssl ]] || fail "no system libssl.so.3 for the program"
"$tmp/ssl_openssl" "$data" "$system_libssl" >/dev/null ||
  fail "the program on OpenSSL's libssl"
"$prefix/bin/adieu-run" "$tmp/ssl_openssl" "$data" "$lib/adieu/libssl.so.3" ||
  fail "adieu-run: the program on adieu's libssl.so.3"
"$build/tools/adieu-run" "$tmp/ssl_openssl" "$data" "$build/compat/libssl/libssl.so.3" ||
  fail "the build tree's adieu-run"
pass "adieu-run (installed and build tree) runs a program built against OpenSSL on adieu"

# Debian's openssl, unmodified: the loader takes libssl.so.3 from the private directory.
if command -v openssl >/dev/null; then
  LD_DEBUG=libs "$prefix/bin/adieu-run" openssl version >"$tmp/version.out" 2>"$tmp/ld_debug.log" ||
    fail "adieu-run openssl version: $(cat "$tmp/version.out")"
  grep -q "calling init: $lib/adieu/libssl.so.3\$" "$tmp/ld_debug.log" ||
    fail "openssl under adieu-run did not load $lib/adieu/libssl.so.3"
  pass "adieu-run openssl version ($(cat "$tmp/version.out")) loads $lib/adieu/libssl.so.3"
elif [[ ${CI:-} == true ]]; then
  fail "openssl is missing"
fi
"$prefix/bin/adieu-run" >/dev/null 2>&1 && fail "adieu-run without a program succeeded"

echo "all $checks package checks passed"
