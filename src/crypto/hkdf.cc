// HKDF is built on HMAC from EVP_MAC (RFC 5869 section 2): the HMAC method is
// fetched once per process, and each thread keeps one EVP_MAC_CTX per hash
// whose digest is set once; a call only re-keys it (EVP_MAC_init). This keeps
// the key schedule, which runs a dozen HKDF steps per handshake, free of
// per-call fetches and context allocations. (The price: a thread's context
// holds the HMAC state of its last key until its next use or the thread's
// end, when EVP_MAC_CTX_free wipes it.) All functions return an empty
// Secret on a libcrypto failure or an out-of-range length.
#include "crypto/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <memory>

namespace adieu::crypto {

namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

EVP_MAC* hmac_method() {
  static const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  return mac.get();
}

// This thread's HMAC context for `alg` with its digest set, or null.
EVP_MAC_CTX* hmac_context(HashAlg alg) {
  thread_local std::array<std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>, 2> contexts;
  auto& ctx = contexts[alg == HashAlg::sha384 ? 1 : 0];
  if (!ctx) {
    EVP_MAC* mac = hmac_method();
    if (mac == nullptr) return nullptr;
    std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> fresh(EVP_MAC_CTX_new(mac));
    if (!fresh) return nullptr;
    char name[] = "SHA2-256";
    char name384[] = "SHA2-384";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                         alg == HashAlg::sha384 ? name384 : name, 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_CTX_set_params(fresh.get(), params) != 1) return nullptr;
    ctx = std::move(fresh);
  }
  return ctx.get();
}

// Keys this thread's context for `alg` with `key` (an empty key is HMAC's
// all-zero key). Returns null on failure.
EVP_MAC_CTX* keyed_hmac(HashAlg alg, std::span<const uint8_t> key) {
  EVP_MAC_CTX* ctx = hmac_context(alg);
  // EVP_MAC_init treats a null key as "keep the previous key": pass a valid
  // pointer even for an empty key.
  static const uint8_t kNoKey = 0;
  if (ctx == nullptr ||
      EVP_MAC_init(ctx, key.empty() ? &kNoKey : key.data(), key.size(), nullptr) != 1) {
    return nullptr;
  }
  return ctx;
}

bool mac_update(EVP_MAC_CTX* ctx, std::span<const uint8_t> data) {
  return data.empty() || EVP_MAC_update(ctx, data.data(), data.size()) == 1;
}

// Finishes `ctx` into out[0, hash_size).
bool mac_final(EVP_MAC_CTX* ctx, HashAlg alg, uint8_t* out) {
  size_t len = 0;
  return EVP_MAC_final(ctx, out, &len, hash_size(alg)) == 1 && len == hash_size(alg);
}

}  // namespace

Secret hmac(HashAlg alg, std::span<const uint8_t> key, std::span<const uint8_t> data) {
  Secret out;
  EVP_MAC_CTX* ctx = keyed_hmac(alg, key);
  if (ctx == nullptr || !mac_update(ctx, data)) return out;
  out.resize(hash_size(alg));
  if (!mac_final(ctx, alg, out.mutable_span().data())) out.wipe();
  return out;
}

Secret hkdf_extract(HashAlg alg, std::span<const uint8_t> salt, std::span<const uint8_t> ikm) {
  // PRK = HMAC-Hash(salt, IKM). An empty salt is HashLen zeros, which HMAC's
  // zero padding of short keys makes identical to the empty key.
  return hmac(alg, salt, ikm);
}

Secret hkdf_expand(HashAlg alg, std::span<const uint8_t> prk, std::span<const uint8_t> info,
                   size_t length) {
  Secret out;
  const size_t hash_len = hash_size(alg);
  if (length > Secret::kCapacity || prk.size() < hash_len) return out;
  EVP_MAC_CTX* ctx = keyed_hmac(alg, prk);
  if (ctx == nullptr) return out;

  // T(i) = HMAC(PRK, T(i-1) | info | i); OKM = first `length` bytes of T(1) | T(2) | ...
  std::array<uint8_t, Secret::kCapacity + EVP_MAX_MD_SIZE> okm;
  size_t produced = 0;
  for (uint8_t i = 1; produced < length; ++i) {
    const uint8_t counter[1] = {i};
    const bool ok =
        (i == 1 || EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1) &&  // same key, fresh state
        (i == 1 || mac_update(ctx, {okm.data() + produced - hash_len, hash_len})) &&
        mac_update(ctx, info) && mac_update(ctx, counter) &&
        mac_final(ctx, alg, okm.data() + produced);
    if (!ok) {
      OPENSSL_cleanse(okm.data(), okm.size());
      return out;
    }
    produced += hash_len;
  }
  out = Secret({okm.data(), length});
  OPENSSL_cleanse(okm.data(), produced);
  return out;
}

Secret hkdf_expand_label(HashAlg alg, std::span<const uint8_t> secret, std::string_view label,
                         std::span<const uint8_t> context, size_t length) {
  // struct { uint16 length; opaque label<7..255> = "tls13 " + Label;
  //          opaque context<0..255>; } HkdfLabel;   (RFC 8446 section 7.1)
  static constexpr std::string_view kPrefix = "tls13 ";
  const size_t label_len = kPrefix.size() + label.size();
  if (label_len > 255 || context.size() > 255 || length > 0xffff) return Secret();

  std::array<uint8_t, 2 + 1 + 255 + 1 + 255> info;
  size_t n = 0;
  info[n++] = static_cast<uint8_t>(length >> 8);
  info[n++] = static_cast<uint8_t>(length);
  info[n++] = static_cast<uint8_t>(label_len);
  for (char c : kPrefix) info[n++] = static_cast<uint8_t>(c);
  for (char c : label) info[n++] = static_cast<uint8_t>(c);
  info[n++] = static_cast<uint8_t>(context.size());
  for (uint8_t b : context) info[n++] = b;
  return hkdf_expand(alg, secret, {info.data(), n}, length);
}

}  // namespace adieu::crypto
