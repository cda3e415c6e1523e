// PrivateKey: loading (PEM, EVP_PKEY) and signing.
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <limits>
#include <string_view>

#include "crypto/libcrypto_raii.h"
#include "crypto/pem_source.h"
#include "crypto/signature.h"
#include "crypto/signature_scheme.h"

namespace adieu::crypto {

namespace {

// Encrypted keys are refused rather than prompting on the terminal, which is
// what libcrypto's default passphrase callback would do.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

bool contains(std::span<const uint8_t> text, std::string_view needle) {
  std::string_view view(reinterpret_cast<const char*>(text.data()), text.size());
  return view.find(needle) != std::string_view::npos;
}

// The schemes a key of `kind` signs with, best first.
std::span<const SignatureScheme> candidate_schemes(KeyKind kind) {
  static constexpr SignatureScheme kP256[] = {SignatureScheme::ecdsa_secp256r1_sha256};
  static constexpr SignatureScheme kP384[] = {SignatureScheme::ecdsa_secp384r1_sha384};
  static constexpr SignatureScheme kP521[] = {SignatureScheme::ecdsa_secp521r1_sha512};
  static constexpr SignatureScheme kEd25519[] = {SignatureScheme::ed25519};
  static constexpr SignatureScheme kEd448[] = {SignatureScheme::ed448};
  // TLS 1.3 signs with RSA only through PSS (RFC 8446 section 4.2.3).
  static constexpr SignatureScheme kRsa[] = {SignatureScheme::rsa_pss_rsae_sha256,
                                             SignatureScheme::rsa_pss_rsae_sha384,
                                             SignatureScheme::rsa_pss_rsae_sha512};
  static constexpr SignatureScheme kRsaPss[] = {SignatureScheme::rsa_pss_pss_sha256,
                                                SignatureScheme::rsa_pss_pss_sha384,
                                                SignatureScheme::rsa_pss_pss_sha512};
  switch (kind) {
    case KeyKind::ec_p256:
      return kP256;
    case KeyKind::ec_p384:
      return kP384;
    case KeyKind::ec_p521:
      return kP521;
    case KeyKind::ed25519:
      return kEd25519;
    case KeyKind::ed448:
      return kEd448;
    case KeyKind::rsa:
      return kRsa;
    case KeyKind::rsa_pss:
      return kRsaPss;
    case KeyKind::unsupported:
      break;
  }
  return {};
}

// The schemes a key of `kind` signs with in TLS 1.2, best first: an ECDSA key
// offers every hash, the one TLS 1.3 pairs with its curve first; an RSA key
// PSS before PKCS#1 v1.5.
std::span<const SignatureScheme> tls12_candidate_schemes(KeyKind kind) {
  static constexpr SignatureScheme kP256[] = {SignatureScheme::ecdsa_secp256r1_sha256,
                                              SignatureScheme::ecdsa_secp384r1_sha384,
                                              SignatureScheme::ecdsa_secp521r1_sha512};
  static constexpr SignatureScheme kP384[] = {SignatureScheme::ecdsa_secp384r1_sha384,
                                              SignatureScheme::ecdsa_secp256r1_sha256,
                                              SignatureScheme::ecdsa_secp521r1_sha512};
  static constexpr SignatureScheme kP521[] = {SignatureScheme::ecdsa_secp521r1_sha512,
                                              SignatureScheme::ecdsa_secp384r1_sha384,
                                              SignatureScheme::ecdsa_secp256r1_sha256};
  static constexpr SignatureScheme kRsa[] = {
      SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_rsae_sha384,
      SignatureScheme::rsa_pss_rsae_sha512, SignatureScheme::rsa_pkcs1_sha256,
      SignatureScheme::rsa_pkcs1_sha384,    SignatureScheme::rsa_pkcs1_sha512};
  switch (kind) {
    case KeyKind::ec_p256:
      return kP256;
    case KeyKind::ec_p384:
      return kP384;
    case KeyKind::ec_p521:
      return kP521;
    case KeyKind::rsa:
      return kRsa;
    case KeyKind::ed25519:
    case KeyKind::ed448:
    case KeyKind::rsa_pss:
    case KeyKind::unsupported:
      break;
  }
  return candidate_schemes(kind);
}

// Signs with a scheme the caller has checked against the key.
bool sign_checked(EVP_PKEY* pkey, SignatureScheme scheme, std::span<const uint8_t> message,
                  std::vector<uint8_t>& out) {
  ErrorQueueMark mark;
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || !init_signature(ctx.get(), scheme, pkey, true)) return false;
  int max_size = EVP_PKEY_get_size(pkey);
  if (max_size <= 0) return false;
  out.resize(static_cast<size_t>(max_size));
  size_t length = out.size();
  static const uint8_t kEmpty = 0;
  const uint8_t* data = message.empty() ? &kEmpty : message.data();
  if (EVP_DigestSign(ctx.get(), out.data(), &length, data, message.size()) != 1 ||
      length > out.size()) {
    out.clear();
    return false;
  }
  out.resize(length);
  return true;
}

// The first private key in `pem`; nullptr and `error` naming `source` on failure.
EvpPkeyPtr parse_private_key(std::span<const uint8_t> pem, const std::string& source,
                             std::string& error) {
  if (pem.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    error = "private key PEM too large in " + source;
    return nullptr;
  }
  ErrorQueueMark mark;
  static const uint8_t kEmpty = 0;  // BIO_new_mem_buf refuses a null pointer
  BioPtr bio(BIO_new_mem_buf(pem.empty() ? &kEmpty : pem.data(), static_cast<int>(pem.size())));
  EvpPkeyPtr pkey;
  if (bio) {
    pkey.reset(
        PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, no_passphrase, nullptr, nullptr, nullptr));
  }
  if (!pkey) {
    // libcrypto's decoder errors say little ("unsupported"); tell the cases
    // apart from the text itself.
    if (!contains(pem, "PRIVATE KEY-----")) {
      error = "no private key found in " + source;
    } else if (contains(pem, "ENCRYPTED")) {
      error = "the private key in " + source + " is encrypted (not supported)";
    } else {
      error = "cannot parse the private key in " + source;
    }
    return nullptr;
  }
  if (key_kind(pkey.get()) == KeyKind::unsupported) {
    error = std::string("unsupported private key type ") + EVP_PKEY_get0_type_name(pkey.get()) +
            " in " + source;
    return nullptr;
  }
  return pkey;
}

}  // namespace

struct PrivateKey::Key {
  EvpPkeyPtr pkey;
  KeyKind kind = KeyKind::unsupported;
};

PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::PrivateKey(const PrivateKey&) = default;  // shares the immutable Key
PrivateKey::~PrivateKey() = default;

std::optional<PrivateKey> PrivateKey::from_pem_file(const std::string& path, std::string& error) {
  std::vector<uint8_t> pem;
  std::string reason;
  if (!read_whole_file(path, pem, reason)) {
    error = "cannot read private key file " + path + ": " + reason;
    return std::nullopt;
  }
  EvpPkeyPtr pkey = parse_private_key(pem, path, error);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!pkey) return std::nullopt;
  return from_evp(pkey.get());
}

std::optional<PrivateKey> PrivateKey::from_pem(std::span<const uint8_t> pem, std::string& error) {
  EvpPkeyPtr pkey = parse_private_key(pem, kPemBufferName, error);
  if (!pkey) return std::nullopt;
  return from_evp(pkey.get());
}

std::optional<PrivateKey> PrivateKey::from_evp(void* evp_pkey) {
  auto* pkey = static_cast<EVP_PKEY*>(evp_pkey);
  KeyKind kind = key_kind(pkey);
  if (kind == KeyKind::unsupported || EVP_PKEY_up_ref(pkey) != 1) return std::nullopt;
  PrivateKey key;
  key.key_ = std::make_shared<Key>(Key{EvpPkeyPtr(pkey), kind});
  return key;
}

std::vector<SignatureScheme> PrivateKey::schemes() const {
  std::vector<SignatureScheme> result;
  if (!key_) return result;
  for (SignatureScheme scheme : candidate_schemes(key_->kind)) {
    if (scheme_fits_key(scheme, key_->kind, key_->pkey.get())) result.push_back(scheme);
  }
  return result;
}

// `random` is unused: libcrypto draws ECDSA nonces and PSS salts from its own
// CSPRNG, and Ed25519 is deterministic.
bool PrivateKey::sign(SignatureScheme scheme, std::span<const uint8_t> message,
                      std::vector<uint8_t>& out, Random& random) const {
  out.clear();
  if (!key_ || !scheme_fits_key(scheme, key_->kind, key_->pkey.get())) return false;
  return sign_checked(key_->pkey.get(), scheme, message, out);
}

std::vector<SignatureScheme> PrivateKey::tls12_schemes() const {
  std::vector<SignatureScheme> result;
  if (!key_) return result;
  for (SignatureScheme scheme : tls12_candidate_schemes(key_->kind)) {
    if (scheme_fits_key_tls12(scheme, key_->kind, key_->pkey.get())) result.push_back(scheme);
  }
  return result;
}

// `random` is unused, as for sign().
bool PrivateKey::sign_tls12(SignatureScheme scheme, std::span<const uint8_t> message,
                            std::vector<uint8_t>& out, Random& random) const {
  out.clear();
  if (!key_ || !scheme_fits_key_tls12(scheme, key_->kind, key_->pkey.get())) return false;
  return sign_checked(key_->pkey.get(), scheme, message, out);
}

void* PrivateKey::evp() const {
  return key_ ? key_->pkey.get() : nullptr;
}

}  // namespace adieu::crypto
