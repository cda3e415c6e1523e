// HKDF (RFC 5869) and TLS 1.3's HKDF-Expand-Label / Derive-Secret
// (RFC 8446 section 7.1), plus HMAC for Finished.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/hash.h"
#include "crypto/secret.h"

namespace adieu::crypto {

// HKDF-Extract(salt, ikm). An empty salt means a string of hash_size zeros.
Secret hkdf_extract(HashAlg alg, std::span<const uint8_t> salt, std::span<const uint8_t> ikm);

// HKDF-Expand(prk, info, length), length <= Secret::kCapacity.
Secret hkdf_expand(HashAlg alg, std::span<const uint8_t> prk, std::span<const uint8_t> info,
                   size_t length);
// HKDF-Expand(prk, info, out.size()) into `out` (1 to 255 * hash_size
// bytes). False (and `out` wiped) otherwise or on a libcrypto failure.
bool hkdf_expand_into(HashAlg alg, std::span<const uint8_t> prk, std::span<const uint8_t> info,
                      std::span<uint8_t> out);

// HKDF-Expand-Label(secret, label, context, length): `label` without the
// "tls13 " prefix, which this function adds.
Secret hkdf_expand_label(HashAlg alg, std::span<const uint8_t> secret, std::string_view label,
                         std::span<const uint8_t> context, size_t length);
// The same into `out` (up to 65535 bytes, and 255 * hash_size), for
// exported keying material (RFC 8446 section 7.5).
bool hkdf_expand_label_into(HashAlg alg, std::span<const uint8_t> secret, std::string_view label,
                            std::span<const uint8_t> context, std::span<uint8_t> out);

// HMAC(key, data) with the hash's output length.
Secret hmac(HashAlg alg, std::span<const uint8_t> key, std::span<const uint8_t> data);

}  // namespace adieu::crypto
