// The TLS 1.2 PRF over libcrypto's TLS1-PRF EVP_KDF (RFC 5246 section 5).
// The KDF method is fetched once per process; each call makes its own
// EVP_KDF_CTX (a handful per handshake), which the provider wipes when it is
// freed. The label and the seed's pieces are joined here into one seed
// parameter (non-secret bytes: randoms, hashes, exporter contexts).
#include "crypto/tls12_prf.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <array>
#include <memory>

#include "crypto/libcrypto_raii.h"
#include "crypto/tls12_suite.h"

namespace adieu::crypto {

namespace {

using EvpKdfCtxPtr = LibcryptoPtr<EVP_KDF_CTX, EVP_KDF_CTX_free>;

EVP_KDF* tls1_prf_method() {
  static const LibcryptoPtr<EVP_KDF, EVP_KDF_free> kdf(
      EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_TLS1_PRF, nullptr));
  return kdf.get();
}

void wipe(std::span<uint8_t> out) {
  if (!out.empty()) OPENSSL_cleanse(out.data(), out.size());
}

bool is_random(std::span<const uint8_t> random) {
  return random.size() == kTls12RandomSize;
}

bool is_master_secret(std::span<const uint8_t> secret) {
  return secret.size() == kTls12MasterSecretSize;
}

// RFC 5246 section 5 computes P_hash over label + seed with the secret as
// HMAC key; libcrypto does the same from these parameters.
bool derive(HashAlg alg, std::span<const uint8_t> secret, std::span<const uint8_t> seed,
            std::span<uint8_t> out) {
  EVP_KDF* kdf = tls1_prf_method();
  if (kdf == nullptr) return false;
  EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) return false;
  char sha256[] = "SHA2-256";
  char sha384[] = "SHA2-384";
  // The params only point at the caller's bytes; libcrypto copies them.
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                       alg == HashAlg::sha384 ? sha384 : sha256, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, const_cast<uint8_t*>(secret.data()),
                                        secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, const_cast<uint8_t*>(seed.data()),
                                        seed.size()),
      OSSL_PARAM_construct_end()};
  return EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) == 1;
}

// Labels an exporter may not use: TLS 1.2's own (RFC 5705 section 4; the
// list of OpenSSL's tls1_export_keying_material).
bool reserved_exporter_label(std::string_view label) {
  static constexpr std::string_view kReserved[] = {"client finished", "server finished",
                                                   "master secret", "extended master secret",
                                                   "key expansion"};
  for (std::string_view reserved : kReserved) {
    if (label.substr(0, reserved.size()) == reserved) return true;
  }
  return false;
}

}  // namespace

bool tls12_prf(HashAlg alg, std::span<const uint8_t> secret, std::string_view label,
               std::initializer_list<std::span<const uint8_t>> seed, std::span<uint8_t> out) {
  if (out.empty()) return false;
  ErrorQueueMark mark;
  std::array<uint8_t, kTls12PrfMaxSeed> joined;
  size_t length = 0;
  bool fits = label.size() <= joined.size();
  if (fits) {
    for (char c : label) joined[length++] = static_cast<uint8_t>(c);
  }
  for (std::span<const uint8_t> piece : seed) {
    if (!fits || piece.size() > joined.size() - length) {
      fits = false;
      break;
    }
    for (uint8_t b : piece) joined[length++] = b;
  }
  // A PRF without a secret would be a plain hash expansion: never what TLS means.
  if (!fits || secret.empty() || length == 0 ||
      !derive(alg, secret, {joined.data(), length}, out)) {
    wipe(out);
    return false;
  }
  return true;
}

Secret tls12_master_secret(HashAlg alg, std::span<const uint8_t> pre_master_secret,
                           std::span<const uint8_t> client_random,
                           std::span<const uint8_t> server_random) {
  Secret master;
  if (pre_master_secret.empty() || !is_random(client_random) || !is_random(server_random)) {
    return master;
  }
  master.resize(kTls12MasterSecretSize);
  if (!tls12_prf(alg, pre_master_secret, "master secret", {client_random, server_random},
                 master.mutable_span())) {
    master.wipe();
  }
  return master;
}

Secret tls12_extended_master_secret(HashAlg alg, std::span<const uint8_t> pre_master_secret,
                                    std::span<const uint8_t> session_hash) {
  Secret master;
  if (pre_master_secret.empty() || session_hash.size() != hash_size(alg)) return master;
  master.resize(kTls12MasterSecretSize);
  if (!tls12_prf(alg, pre_master_secret, "extended master secret", {session_hash},
                 master.mutable_span())) {
    master.wipe();
  }
  return master;
}

std::optional<Tls12KeyBlock> tls12_key_block(HashAlg alg, AeadAlg aead,
                                             std::span<const uint8_t> master_secret,
                                             std::span<const uint8_t> client_random,
                                             std::span<const uint8_t> server_random) {
  if (!is_master_secret(master_secret) || !is_random(client_random) || !is_random(server_random)) {
    return std::nullopt;
  }
  const size_t key_size = aead_key_size(aead);
  const size_t iv_size = tls12_fixed_iv_size(aead);
  // client_write_MAC_key[0], server_write_MAC_key[0] (AEAD: none),
  // client_write_key, server_write_key, client_write_IV, server_write_IV.
  std::array<uint8_t, 2 * 32 + 2 * kTls12ChaChaFixedIvSize> block;
  const size_t total = 2 * key_size + 2 * iv_size;
  if (total > block.size()) return std::nullopt;
  // Note the seed order: server_random first (RFC 5246 section 6.3).
  if (!tls12_prf(alg, master_secret, "key expansion", {server_random, client_random},
                 {block.data(), total})) {
    return std::nullopt;
  }
  std::span<const uint8_t> rest(block.data(), total);
  auto take = [&rest](size_t n) {
    Secret part(rest.first(n));
    rest = rest.subspan(n);
    return part;
  };
  Tls12KeyBlock keys;
  keys.client_write_key = take(key_size);
  keys.server_write_key = take(key_size);
  keys.client_write_iv = take(iv_size);
  keys.server_write_iv = take(iv_size);
  OPENSSL_cleanse(block.data(), block.size());
  return keys;
}

Secret tls12_verify_data(HashAlg alg, Tls12Finished sender, std::span<const uint8_t> master_secret,
                         std::span<const uint8_t> handshake_hash) {
  Secret verify_data;
  if (!is_master_secret(master_secret) || handshake_hash.size() != hash_size(alg)) {
    return verify_data;
  }
  verify_data.resize(kTls12VerifyDataSize);
  const std::string_view label =
      sender == Tls12Finished::client ? "client finished" : "server finished";
  if (!tls12_prf(alg, master_secret, label, {handshake_hash}, verify_data.mutable_span())) {
    verify_data.wipe();
  }
  return verify_data;
}

bool tls12_export_keying_material(HashAlg alg, std::span<const uint8_t> master_secret,
                                  std::string_view label, std::span<const uint8_t> client_random,
                                  std::span<const uint8_t> server_random,
                                  std::optional<std::span<const uint8_t>> context,
                                  std::span<uint8_t> out) {
  const bool ok = is_master_secret(master_secret) && is_random(client_random) &&
                  is_random(server_random) && !reserved_exporter_label(label) &&
                  (!context || context->size() <= 0xffff);
  if (!ok) {
    wipe(out);
    return false;
  }
  if (!context) return tls12_prf(alg, master_secret, label, {client_random, server_random}, out);
  const uint8_t context_length[2] = {static_cast<uint8_t>(context->size() >> 8),
                                     static_cast<uint8_t>(context->size())};
  return tls12_prf(alg, master_secret, label,
                   {client_random, server_random, context_length, *context}, out);
}

}  // namespace adieu::crypto
