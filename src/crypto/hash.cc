#include "crypto/hash.h"

#include <openssl/evp.h>

namespace adieu::crypto {

namespace {

struct MdDeleter {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// The digests, fetched once per process (null if the provider lacks them,
// which every operation below then reports as a failure).
const EVP_MD* fetch_md(HashAlg alg) {
  static const std::unique_ptr<EVP_MD, MdDeleter> sha256(
      EVP_MD_fetch(nullptr, "SHA2-256", nullptr));
  static const std::unique_ptr<EVP_MD, MdDeleter> sha384(
      EVP_MD_fetch(nullptr, "SHA2-384", nullptr));
  return alg == HashAlg::sha384 ? sha384.get() : sha256.get();
}

// Finishes `ctx` into a Secret; empty on failure.
Secret finish(EVP_MD_CTX* ctx) {
  static_assert(EVP_MAX_MD_SIZE <= Secret::kCapacity);
  Secret out;
  out.resize(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx, out.mutable_span().data(), &len) != 1) {
    out.wipe();
    return out;
  }
  out.resize(len);
  return out;
}

}  // namespace

size_t hash_size(HashAlg alg) {
  return alg == HashAlg::sha384 ? 48 : 32;
}

Secret hash(HashAlg alg, std::span<const uint8_t> data) {
  Secret out;
  const EVP_MD* md = fetch_md(alg);
  if (md == nullptr) return out;
  out.resize(hash_size(alg));
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.mutable_span().data(), &len, md, nullptr) != 1 ||
      len != out.size()) {
    out.wipe();
  }
  return out;
}

// `running` holds the transcript; `scratch` receives a copy of it to be
// finished by current(), so reading the value allocates no new EVP_MD_CTX.
struct Hash::Ctx {
  MdCtxPtr running;
  MdCtxPtr scratch;
  bool ok = false;  // false after a libcrypto failure: current() is then empty
};

Hash::Hash(HashAlg alg) : alg_(alg), ctx_(std::make_unique<Ctx>()) {
  ctx_->running.reset(EVP_MD_CTX_new());
  ctx_->scratch.reset(EVP_MD_CTX_new());
  const EVP_MD* md = fetch_md(alg);
  ctx_->ok = ctx_->running && ctx_->scratch && md != nullptr &&
             EVP_DigestInit_ex(ctx_->running.get(), md, nullptr) == 1;
}

Hash::Hash(const Hash& other) : alg_(other.alg_), ctx_(std::make_unique<Ctx>()) {
  ctx_->running.reset(EVP_MD_CTX_new());
  ctx_->scratch.reset(EVP_MD_CTX_new());
  ctx_->ok = other.ctx_ && other.ctx_->ok && ctx_->running && ctx_->scratch &&
             EVP_MD_CTX_copy_ex(ctx_->running.get(), other.ctx_->running.get()) == 1;
}

Hash& Hash::operator=(const Hash& other) {
  if (this != &other) {
    Hash copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Hash::Hash(Hash&&) noexcept = default;
Hash& Hash::operator=(Hash&&) noexcept = default;
Hash::~Hash() = default;

void Hash::update(std::span<const uint8_t> data) {
  if (!ctx_ || !ctx_->ok || data.empty()) return;
  if (EVP_DigestUpdate(ctx_->running.get(), data.data(), data.size()) != 1) ctx_->ok = false;
}

Secret Hash::current() const {
  if (!ctx_ || !ctx_->ok) return Secret();
  if (EVP_MD_CTX_copy_ex(ctx_->scratch.get(), ctx_->running.get()) != 1) return Secret();
  return finish(ctx_->scratch.get());
}

}  // namespace adieu::crypto
