// Record protection follows the pattern of libssl's own TLS 1.3 code: the key
// is set once (EVP_CipherInit_ex2 with the cipher and key), and each record
// only re-initialises the nonce and direction on the same EVP_CIPHER_CTX,
// which keeps the expanded key. Nothing is allocated per record.
#include "crypto/aead.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <climits>

#include "crypto/cipher_table.h"

namespace adieu::crypto {

namespace {

// Fetched once per process; null if the provider lacks the algorithm.
const EVP_CIPHER* fetch_cipher(AeadAlg alg) {
  static const CipherTable table("AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305");
  return table.get(alg);
}

}  // namespace

size_t aead_key_size(AeadAlg alg) {
  return alg == AeadAlg::aes_128_gcm ? 16 : 32;
}

struct Aead::State {
  CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};  // null after release_context()
  const EVP_CIPHER* cipher = nullptr;
  // The key, kept to build the context again after release_context().
  std::array<uint8_t, 32> key{};
  std::array<uint8_t, kAeadNonceSize> iv{};
  bool ready = false;

  // The context keyed, built again if it was released.
  bool keyed_context() {
    if (ctx) return true;
    ctx.reset(EVP_CIPHER_CTX_new());
    if (ctx && EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), nullptr, 1, nullptr) == 1) {
      return true;
    }
    ctx.reset();
    return false;
  }

  // Keys the context for record `seq` in the given direction:
  // nonce = iv XOR seq, seq big-endian in the last 8 bytes (RFC 8446 section 5.3).
  bool start(uint64_t seq, int encrypt) {
    if (!keyed_context()) return false;
    std::array<uint8_t, kAeadNonceSize> nonce = iv;
    for (size_t i = 0; i < 8; ++i) {
      nonce[kAeadNonceSize - 1 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
    }
    return EVP_CipherInit_ex2(ctx.get(), nullptr, nullptr, nonce.data(), encrypt, nullptr) == 1;
  }

  bool add_aad(std::span<const uint8_t> aad) {
    if (aad.empty()) return true;
    if (aad.size() > INT_MAX) return false;
    int outl = 0;
    return EVP_CipherUpdate(ctx.get(), nullptr, &outl, aad.data(), static_cast<int>(aad.size())) ==
           1;
  }

  // AEAD stream modes output exactly as many bytes as they take.
  bool process(std::span<const uint8_t> in, uint8_t* out) {
    if (in.empty()) return true;
    if (in.size() > INT_MAX) return false;
    int outl = 0;
    return EVP_CipherUpdate(ctx.get(), out, &outl, in.data(), static_cast<int>(in.size())) == 1 &&
           static_cast<size_t>(outl) == in.size();
  }

  bool finish() {
    uint8_t unused[16];
    int outl = 0;
    return EVP_CipherFinal_ex(ctx.get(), unused, &outl) == 1 && outl == 0;
  }
};

// The state (and its EVP_CIPHER_CTX) is made by the first init(), so a
// direction that never gets keys of some kind costs nothing.
Aead::Aead() = default;

Aead::~Aead() {
  clear();
}

bool Aead::init(AeadAlg alg, std::span<const uint8_t> key, std::span<const uint8_t> iv) {
  const EVP_CIPHER* cipher = fetch_cipher(alg);
  if (!state_) state_ = std::make_unique<State>();
  if (!state_->ctx) state_->ctx.reset(EVP_CIPHER_CTX_new());  // released while idle
  // A context already keyed for this cipher (the next traffic key of the
  // same suite) is re-keyed in place: the new key schedule overwrites the old
  // one, and the provider's state is neither freed nor allocated again.
  const bool rekey = state_->ready && state_->ctx && cipher != nullptr &&
                     EVP_CIPHER_CTX_get0_cipher(state_->ctx.get()) == cipher;
  if (!rekey) clear();
  if (!state_->ctx || cipher == nullptr || key.size() != aead_key_size(alg) ||
      iv.size() != kAeadNonceSize) {
    clear();
    return false;
  }
  // The 12-byte nonce is both ciphers' default IV length.
  if (EVP_CipherInit_ex2(state_->ctx.get(), rekey ? nullptr : cipher, key.data(), nullptr, 1,
                         nullptr) != 1 ||
      (!rekey &&
       EVP_CIPHER_CTX_get_iv_length(state_->ctx.get()) != static_cast<int>(kAeadNonceSize))) {
    clear();
    return false;
  }
  std::copy(iv.begin(), iv.end(), state_->iv.begin());
  std::copy(key.begin(), key.end(), state_->key.begin());
  state_->cipher = cipher;
  state_->ready = true;
  return true;
}

bool Aead::ready() const {
  return state_ && state_->ready;
}

void Aead::clear() {
  if (!state_) return;
  if (state_->ctx) EVP_CIPHER_CTX_reset(state_->ctx.get());  // frees and wipes the key schedule
  OPENSSL_cleanse(state_->key.data(), state_->key.size());
  OPENSSL_cleanse(state_->iv.data(), state_->iv.size());
  state_->ready = false;
}

void Aead::release_context() {
  // Only a keyed context: one that is not keyed cannot be built again.
  if (ready()) state_->ctx.reset();  // EVP_CIPHER_CTX_free wipes the key schedule
}

bool Aead::holds_context() const {
  return state_ && state_->ctx;
}

bool Aead::seal(uint64_t seq, std::span<const uint8_t> aad,
                std::initializer_list<std::span<const uint8_t>> plaintext, uint8_t* out,
                std::span<uint8_t, kAeadTagSize> tag) {
  if (!ready() || !state_->start(seq, 1) || !state_->add_aad(aad)) return false;
  for (std::span<const uint8_t> piece : plaintext) {
    if (!state_->process(piece, out)) return false;
    out += piece.size();
  }
  if (!state_->finish()) return false;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag.data(), tag.size()),
      OSSL_PARAM_construct_end()};
  return EVP_CIPHER_CTX_get_params(state_->ctx.get(), params) == 1;
}

bool Aead::open(uint64_t seq, std::span<const uint8_t> aad, std::span<const uint8_t> ciphertext,
                uint8_t* out, std::span<const uint8_t, kAeadTagSize> tag) {
  if (!ready() || !state_->start(seq, 0)) return false;
  // The provider copies the expected tag; it is compared in finish()
  // (in constant time, by libcrypto).
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                        const_cast<uint8_t*>(tag.data()), tag.size()),
      OSSL_PARAM_construct_end()};
  return EVP_CIPHER_CTX_set_params(state_->ctx.get(), params) == 1 && state_->add_aad(aad) &&
         state_->process(ciphertext, out) && state_->finish();
}

}  // namespace adieu::crypto
