// The TLS 1.2 PRF (RFC 5246 section 5: PRF(secret, label, seed) =
// P_<hash>(secret, label + seed), with the hash the cipher suite names) and
// the secrets TLS 1.2 derives with it: the master secret (RFC 5246 section
// 8.1) or extended master secret (RFC 7627 section 4), the key block (RFC
// 5246 section 6.3) of an AEAD suite, Finished's verify_data (RFC 5246
// section 7.4.9) and exported keying material (RFC 5705 section 4).
//
// Everything goes through libcrypto's "TLS1-PRF" EVP_KDF, fetched once per
// process. Its limit applies: label + seed at most 1024 bytes
// (kTls12PrfMaxSeed). Outputs that are key material are Secrets; buffers the
// caller provides are wiped when a function fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/secret.h"

namespace adieu::crypto {

constexpr size_t kTls12RandomSize = 32;        // ClientHello/ServerHello.random (RFC 5246 7.4.1.2)
constexpr size_t kTls12MasterSecretSize = 48;  // RFC 5246 section 8.1
constexpr size_t kTls12VerifyDataSize = 12;    // RFC 5246 section 7.4.9
constexpr size_t kTls12PrfMaxSeed = 1024;      // label + seed: libcrypto's TLS1-PRF limit

// PRF(secret, label, seed) into `out` (any length > 0), where the seed is the
// concatenation of `seed`'s pieces. False (and `out` wiped) if `secret` or
// `out` is empty, label + seed exceed kTls12PrfMaxSeed, or libcrypto fails.
bool tls12_prf(HashAlg alg, std::span<const uint8_t> secret, std::string_view label,
               std::initializer_list<std::span<const uint8_t>> seed, std::span<uint8_t> out);

// master_secret = PRF(pre_master_secret, "master secret",
//                     ClientHello.random + ServerHello.random)[0..47]
// (RFC 5246 section 8.1). Empty Secret if the pre-master secret is empty, a
// random is not 32 bytes, or libcrypto fails.
Secret tls12_master_secret(HashAlg alg, std::span<const uint8_t> pre_master_secret,
                           std::span<const uint8_t> client_random,
                           std::span<const uint8_t> server_random);

// master_secret = PRF(pre_master_secret, "extended master secret",
//                     session_hash)[0..47]
// (RFC 7627 section 4), where session_hash is the PRF hash of the handshake
// messages up to and including ClientKeyExchange. Empty Secret if the
// pre-master secret is empty, `session_hash` is not hash_size(alg) bytes, or
// libcrypto fails.
Secret tls12_extended_master_secret(HashAlg alg, std::span<const uint8_t> pre_master_secret,
                                    std::span<const uint8_t> session_hash);

// The keys and fixed IVs of an AEAD suite, in key block order (RFC 5246
// section 6.3; AEAD suites have no MAC keys): aead_key_size(aead) bytes per
// key, tls12_fixed_iv_size(aead) bytes per IV (4 for AES-GCM, RFC 5288
// section 3; 12 for ChaCha20-Poly1305, RFC 7905 section 2).
struct Tls12KeyBlock {
  Secret client_write_key;
  Secret server_write_key;
  Secret client_write_iv;
  Secret server_write_iv;
};

// key_block = PRF(master_secret, "key expansion",
//                 server_random + client_random)
// cut into the four parts above. nullopt if the master secret is not 48
// bytes, a random is not 32 bytes, or libcrypto fails.
std::optional<Tls12KeyBlock> tls12_key_block(HashAlg alg, AeadAlg aead,
                                             std::span<const uint8_t> master_secret,
                                             std::span<const uint8_t> client_random,
                                             std::span<const uint8_t> server_random);

// Which side's Finished: the label "client finished" or "server finished".
enum class Tls12Finished : uint8_t { client, server };

// verify_data = PRF(master_secret, finished_label,
//                   Hash(handshake_messages))[0..11]
// (RFC 5246 section 7.4.9), `handshake_hash` being that hash (hash_size(alg)
// bytes) over the messages before this Finished. Empty Secret if the master
// secret is not 48 bytes, the hash has the wrong size, or libcrypto fails.
// Compare a peer's verify_data with constant_time_equal.
Secret tls12_verify_data(HashAlg alg, Tls12Finished sender, std::span<const uint8_t> master_secret,
                         std::span<const uint8_t> handshake_hash);

// Keying material exporter (RFC 5705 section 4):
//   PRF(master_secret, label, client_random + server_random)         no context
//   PRF(master_secret, label, client_random + server_random +
//       uint16 context_length + context)                             with one
// into `out`. An empty context differs from no context (nullopt). False (and
// `out` wiped) if `out` is empty, the master secret is not 48 bytes, a random
// is not 32 bytes, the context exceeds 65535 bytes, label + seed exceed
// kTls12PrfMaxSeed, or the label is one TLS itself uses (RFC 5705 section 4:
// it begins with "client finished", "server finished", "master secret",
// "extended master secret" or "key expansion" -- OpenSSL refuses the same).
bool tls12_export_keying_material(HashAlg alg, std::span<const uint8_t> master_secret,
                                  std::string_view label, std::span<const uint8_t> client_random,
                                  std::span<const uint8_t> server_random,
                                  std::optional<std::span<const uint8_t>> context,
                                  std::span<uint8_t> out);

}  // namespace adieu::crypto
