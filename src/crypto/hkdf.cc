// HKDF is built on HMAC from EVP_MAC (RFC 5869 section 2): the HMAC method is
// fetched once per process, and each thread keeps one EVP_MAC_CTX per hash
// whose digest is set once; a call only re-keys it (EVP_MAC_init). This keeps
// the key schedule, which runs a dozen HKDF steps per handshake, free of
// per-call fetches and context allocations. (The price: a thread's context
// holds its last key, and the HMAC state made from it, until its next use or
// the thread's end, when both are wiped.) All functions return an empty
// Secret on a libcrypto failure or an out-of-range length.
#include "crypto/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
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

// This thread's HMAC state for one hash: the context, its digest set once,
// and a copy of the key it holds. A call with the key of the previous call
// (HKDF-Expand-Label "key" then "iv" from one traffic secret, or several
// Derive-Secret from one stage of the key schedule) then only resets the
// context, skipping the two compression-function calls of HMAC keying.
struct HmacSlot {
  std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx;
  std::array<uint8_t, Secret::kCapacity> key{};
  size_t key_size = 0;
  bool keyed = false;

  HmacSlot() = default;
  HmacSlot(const HmacSlot&) = delete;
  HmacSlot& operator=(const HmacSlot&) = delete;
  ~HmacSlot() { OPENSSL_cleanse(key.data(), key.size()); }

  bool holds(std::span<const uint8_t> k) const {
    return keyed && k.size() == key_size &&
           (k.empty() || CRYPTO_memcmp(k.data(), key.data(), k.size()) == 0);
  }
};

// This thread's slot for `alg` with its context created, or null.
HmacSlot* hmac_slot(HashAlg alg) {
  thread_local std::array<HmacSlot, 2> slots;
  HmacSlot& slot = slots[alg == HashAlg::sha384 ? 1 : 0];
  if (!slot.ctx) {
    EVP_MAC* mac = hmac_method();
    if (mac == nullptr) return nullptr;
    std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> fresh(EVP_MAC_CTX_new(mac));
    if (!fresh) return nullptr;
    char sha256[] = "SHA2-256";
    char sha384[] = "SHA2-384";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                         alg == HashAlg::sha384 ? sha384 : sha256, 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_CTX_set_params(fresh.get(), params) != 1) return nullptr;
    slot.ctx = std::move(fresh);
  }
  return &slot;
}

// This thread's context for `alg`, keyed with `key` (an empty key is
// HMAC's all-zero key) and ready for input; null on failure.
EVP_MAC_CTX* keyed_hmac(HashAlg alg, std::span<const uint8_t> key) {
  HmacSlot* slot = hmac_slot(alg);
  if (slot == nullptr) return nullptr;
  EVP_MAC_CTX* ctx = slot->ctx.get();
  if (slot->holds(key)) {
    // A null key re-initialises the context with the key it holds.
    if (EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1) return ctx;
    slot->keyed = false;
    return nullptr;
  }
  slot->keyed = false;
  // EVP_MAC_init treats a null key as "keep the previous key": pass a valid
  // pointer even for an empty key.
  static const uint8_t kNoKey = 0;
  if (EVP_MAC_init(ctx, key.empty() ? &kNoKey : key.data(), key.size(), nullptr) != 1) {
    return nullptr;
  }
  if (key.size() <= slot->key.size()) {  // longer keys (rare: not TLS secrets) are not remembered
    std::copy(key.begin(), key.end(), slot->key.begin());
    slot->key_size = key.size();
    slot->keyed = true;
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

bool hkdf_expand_into(HashAlg alg, std::span<const uint8_t> prk, std::span<const uint8_t> info,
                      std::span<uint8_t> out) {
  const size_t hash_len = hash_size(alg);
  if (out.empty() || out.size() > 255 * hash_len || prk.size() < hash_len) return false;
  EVP_MAC_CTX* ctx = keyed_hmac(alg, prk);
  if (ctx == nullptr) return false;

  // T(i) = HMAC(PRK, T(i-1) | info | i); OKM = first `length` bytes of T(1) | T(2) | ...
  std::array<uint8_t, EVP_MAX_MD_SIZE> block;
  size_t produced = 0;
  for (unsigned i = 1; produced < out.size(); ++i) {
    const uint8_t counter[1] = {static_cast<uint8_t>(i)};
    const bool ok = (i == 1 || EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1) &&  // same key
                    (i == 1 || mac_update(ctx, {block.data(), hash_len})) &&
                    mac_update(ctx, info) && mac_update(ctx, counter) &&
                    mac_final(ctx, alg, block.data());
    if (!ok) {
      OPENSSL_cleanse(block.data(), block.size());
      OPENSSL_cleanse(out.data(), out.size());
      return false;
    }
    const size_t n = std::min(hash_len, out.size() - produced);
    std::copy(block.begin(), block.begin() + static_cast<ptrdiff_t>(n),
              out.begin() + static_cast<ptrdiff_t>(produced));
    produced += n;
  }
  OPENSSL_cleanse(block.data(), block.size());
  return true;
}

Secret hkdf_expand(HashAlg alg, std::span<const uint8_t> prk, std::span<const uint8_t> info,
                   size_t length) {
  Secret out;
  if (length > Secret::kCapacity) return out;
  out.resize(length);
  if (!hkdf_expand_into(alg, prk, info, out.mutable_span())) out.wipe();
  return out;
}

namespace {

// struct { uint16 length; opaque label<7..255> = "tls13 " + Label;
//          opaque context<0..255>; } HkdfLabel;   (RFC 8446 section 7.1)
// Its size in `info`, or 0 when a part is too long.
size_t hkdf_label(std::string_view label, std::span<const uint8_t> context, size_t length,
                  std::array<uint8_t, 2 + 1 + 255 + 1 + 255>& info) {
  static constexpr std::string_view kPrefix = "tls13 ";
  const size_t label_len = kPrefix.size() + label.size();
  if (label_len > 255 || context.size() > 255 || length > 0xffff) return 0;
  size_t n = 0;
  info[n++] = static_cast<uint8_t>(length >> 8);
  info[n++] = static_cast<uint8_t>(length);
  info[n++] = static_cast<uint8_t>(label_len);
  for (char c : kPrefix) info[n++] = static_cast<uint8_t>(c);
  for (char c : label) info[n++] = static_cast<uint8_t>(c);
  info[n++] = static_cast<uint8_t>(context.size());
  for (uint8_t b : context) info[n++] = b;
  return n;
}

}  // namespace

Secret hkdf_expand_label(HashAlg alg, std::span<const uint8_t> secret, std::string_view label,
                         std::span<const uint8_t> context, size_t length) {
  std::array<uint8_t, 2 + 1 + 255 + 1 + 255> info;
  const size_t n = hkdf_label(label, context, length, info);
  if (n == 0) return Secret();
  return hkdf_expand(alg, secret, {info.data(), n}, length);
}

bool hkdf_expand_label_into(HashAlg alg, std::span<const uint8_t> secret, std::string_view label,
                            std::span<const uint8_t> context, std::span<uint8_t> out) {
  std::array<uint8_t, 2 + 1 + 255 + 1 + 255> info;
  const size_t n = hkdf_label(label, context, out.size(), info);
  return n != 0 && hkdf_expand_into(alg, secret, {info.data(), n}, out);
}

}  // namespace adieu::crypto
