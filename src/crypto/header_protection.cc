#include "crypto/header_protection.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "crypto/cipher_table.h"

namespace adieu::crypto {

namespace {

// Fetched once per process; null if the provider lacks the algorithm.
const EVP_CIPHER* fetch_mask_cipher(AeadAlg alg) {
  static const CipherTable table("AES-128-ECB", "AES-256-ECB", "ChaCha20");
  return table.get(alg);
}

}  // namespace

struct HeaderProtection::State {
  CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
  bool chacha = false;
  bool ready = false;
};

HeaderProtection::HeaderProtection() = default;

HeaderProtection::~HeaderProtection() {
  clear();
}

bool HeaderProtection::init(AeadAlg alg, std::span<const uint8_t> key) {
  ErrorQueueMark mark;
  if (!state_) state_ = std::make_unique<State>();
  clear();
  const EVP_CIPHER* cipher = fetch_mask_cipher(alg);
  if (!state_->ctx || cipher == nullptr || key.size() != aead_key_size(alg) ||
      EVP_CipherInit_ex2(state_->ctx.get(), cipher, key.data(), nullptr, 1, nullptr) != 1) {
    clear();
    return false;
  }
  state_->chacha = alg == AeadAlg::chacha20_poly1305;
  // ECB on exactly one block: no padding, one block out per block in.
  if (!state_->chacha && EVP_CIPHER_CTX_set_padding(state_->ctx.get(), 0) != 1) {
    clear();
    return false;
  }
  state_->ready = true;
  return true;
}

bool HeaderProtection::ready() const {
  return state_ && state_->ready;
}

void HeaderProtection::clear() {
  if (!state_) return;
  if (state_->ctx) EVP_CIPHER_CTX_reset(state_->ctx.get());  // frees and wipes the key schedule
  state_->ready = false;
}

bool HeaderProtection::mask(std::span<const uint8_t, kHeaderProtectionSampleSize> sample,
                            std::span<uint8_t, kHeaderProtectionMaskSize> out) {
  if (!ready()) return false;
  ErrorQueueMark mark;
  EVP_CIPHER_CTX* ctx = state_->ctx.get();
  int outl = 0;
  if (state_->chacha) {
    // OpenSSL's ChaCha20 IV is the 4-byte little-endian block counter then
    // the 12-byte nonce: exactly the sample (RFC 9001 section 5.4.4). The
    // context keeps its key; only the IV is set per mask.
    static constexpr std::array<uint8_t, kHeaderProtectionMaskSize> kZeros{};
    return EVP_CipherInit_ex2(ctx, nullptr, nullptr, sample.data(), 1, nullptr) == 1 &&
           EVP_CipherUpdate(ctx, out.data(), &outl, kZeros.data(),
                            static_cast<int>(kZeros.size())) == 1 &&
           outl == static_cast<int>(kHeaderProtectionMaskSize);
  }
  std::array<uint8_t, kHeaderProtectionSampleSize> block;
  const bool ok = EVP_CipherUpdate(ctx, block.data(), &outl, sample.data(),
                                   static_cast<int>(sample.size())) == 1 &&
                  outl == static_cast<int>(block.size());
  if (ok) std::copy_n(block.begin(), out.size(), out.begin());
  return ok;
}

}  // namespace adieu::crypto
