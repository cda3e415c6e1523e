#!/usr/bin/env bash
# The house rule of ARCHITECTURE.md: libcrypto is reached through crypto/
# only. Fails (exit 1) when a file of the library's other layers, its public
# headers or its tools includes an <openssl/...> header or calls libcrypto's
# CRYPTO_/OPENSSL_ functions. compat/ (which implements OpenSSL's own API)
# and its public header include/adieu/openssl_quic.h (OpenSSL's QUIC
# declarations, over OpenSSL's own headers), bench/ (which runs OpenSSL's
# libssl beside adieu) and tests/ are outside the rule.
#   tests/layering.sh [source-dir]
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
mapfile -t offenders < <(
  git ls-files -- 'src/*' 'include/*' 'tools/*' 2>/dev/null |
    grep -v '^src/crypto/' |
    grep -v '^include/adieu/openssl_quic\.h$' |
    grep -E '\.(h|cc|c)$' |
    xargs -r grep -lE '#include <openssl/|\b(CRYPTO|OPENSSL)_[a-z_]+\(' 2>/dev/null)
if ((${#offenders[@]} > 0)); then
  echo "libcrypto reached outside src/crypto/:"
  for f in "${offenders[@]}"; do
    grep -nE '#include <openssl/|\b(CRYPTO|OPENSSL)_[a-z_]+\(' "$f" | sed "s|^|  $f:|"
  done
  exit 1
fi
echo "libcrypto is reached through src/crypto/ only"
