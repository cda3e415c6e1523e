// Certificate: DER/PEM parsing, CertificateVerify checks and names.
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "crypto/libcrypto_raii.h"
#include "crypto/pem_source.h"
#include "crypto/signature.h"
#include "crypto/signature_scheme.h"

namespace adieu::crypto {

struct Certificate::Cert {
  X509Ptr x509;
  std::vector<uint8_t> der;        // exactly the bytes parsed
  EVP_PKEY* public_key = nullptr;  // owned by x509
  KeyKind kind = KeyKind::unsupported;
};

namespace {

struct PemBlock {
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  ~PemBlock() {
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
  }
};

bool is_certificate_block(const char* name) {
  return std::strcmp(name, PEM_STRING_X509) == 0 || std::strcmp(name, PEM_STRING_X509_OLD) == 0 ||
         std::strcmp(name, PEM_STRING_X509_TRUSTED) == 0;
}

// The certificate in a PEM block's DER. A TRUSTED CERTIFICATE block is the
// certificate followed by OpenSSL's trust settings, which we drop: keep the
// outer SEQUENCE only.
std::span<const uint8_t> certificate_der(const char* block_name, std::span<const uint8_t> der) {
  if (std::strcmp(block_name, PEM_STRING_X509_TRUSTED) != 0) return der;
  const unsigned char* cursor = der.data();
  long length = 0;
  int tag = 0;
  int klass = 0;
  int flags = ASN1_get_object(&cursor, &length, &tag, &klass, static_cast<long>(der.size()));
  if ((flags & 0x80) != 0 || tag != V_ASN1_SEQUENCE) return {};
  size_t total = static_cast<size_t>(cursor - der.data()) + static_cast<size_t>(length);
  return total <= der.size() ? der.first(total) : std::span<const uint8_t>();
}

std::vector<Certificate> parse_pem(std::span<const uint8_t> pem, const std::string& source,
                                   std::string& error) {
  std::vector<Certificate> certificates;
  if (pem.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    error = "PEM input too large in " + source;
    return certificates;
  }
  ErrorQueueMark mark;
  static const uint8_t kEmpty = 0;  // BIO_new_mem_buf refuses a null pointer
  BioPtr bio(BIO_new_mem_buf(pem.empty() ? &kEmpty : pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    error = "out of memory reading " + source;
    return certificates;
  }
  for (size_t index = 1;; ++index) {
    PemBlock block;
    if (PEM_read_bio(bio.get(), &block.name, &block.header, &block.data, &block.length) != 1) {
      unsigned long code = ERR_peek_last_error();
      if (ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE) {
        break;  // no more PEM blocks
      }
      const char* reason = ERR_reason_error_string(code);
      error = "malformed PEM in " + source + ": " + (reason != nullptr ? reason : "unknown error");
      certificates.clear();
      return certificates;
    }
    // Other blocks (a private key in a combined file, parameters) are skipped.
    if (!is_certificate_block(block.name)) continue;
    std::span<const uint8_t> der(block.data, static_cast<size_t>(block.length));
    std::optional<Certificate> certificate =
        Certificate::from_der(certificate_der(block.name, der));
    if (!certificate) {
      error =
          "cannot parse certificate " + std::to_string(certificates.size() + 1) + " in " + source;
      certificates.clear();
      return certificates;
    }
    certificates.push_back(std::move(*certificate));
  }
  if (certificates.empty()) error = "no certificate found in " + source;
  return certificates;
}

}  // namespace

std::optional<Certificate> Certificate::from_der(std::span<const uint8_t> der) {
  if (der.empty() || der.size() > static_cast<size_t>(std::numeric_limits<long>::max())) {
    return std::nullopt;
  }
  ErrorQueueMark mark;
  const unsigned char* cursor = der.data();
  X509Ptr x509(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  // Trailing bytes after the certificate are an error too.
  if (!x509 || cursor != der.data() + der.size()) return std::nullopt;
  auto cert = std::make_shared<Cert>();
  cert->public_key = X509_get0_pubkey(x509.get());
  cert->kind = key_kind(cert->public_key);
  cert->x509 = std::move(x509);
  cert->der.assign(der.begin(), der.end());
  Certificate certificate;
  certificate.cert_ = std::move(cert);
  return certificate;
}

std::vector<Certificate> Certificate::from_pem_file(const std::string& path, std::string& error) {
  std::vector<uint8_t> pem;
  std::string reason;
  if (!read_whole_file(path, pem, reason)) {
    error = "cannot read certificate file " + path + ": " + reason;
    return {};
  }
  return parse_pem(pem, path, error);
}

std::vector<Certificate> Certificate::from_pem(std::span<const uint8_t> pem, std::string& error) {
  return parse_pem(pem, kPemBufferName, error);
}

std::span<const uint8_t> Certificate::der() const {
  if (!cert_) return {};
  return cert_->der;
}

void* Certificate::x509() const {
  return cert_ ? cert_->x509.get() : nullptr;
}

namespace {

// Verifies with a scheme the caller has checked against the key.
bool verify_checked(EVP_PKEY* public_key, SignatureScheme scheme, std::span<const uint8_t> message,
                    std::span<const uint8_t> signature) {
  ErrorQueueMark mark;
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || !init_signature(ctx.get(), scheme, public_key, false)) return false;
  static const uint8_t kEmpty = 0;
  const uint8_t* data = message.empty() ? &kEmpty : message.data();
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data, message.size()) == 1;
}

}  // namespace

bool Certificate::fits(SignatureScheme scheme) const {
  return cert_ && cert_->public_key != nullptr &&
         scheme_fits_key(scheme, cert_->kind, cert_->public_key);
}

bool Certificate::fits_tls12(SignatureScheme scheme) const {
  return cert_ && cert_->public_key != nullptr &&
         scheme_fits_key_tls12(scheme, cert_->kind, cert_->public_key);
}

bool Certificate::verify(SignatureScheme scheme, std::span<const uint8_t> message,
                         std::span<const uint8_t> signature) const {
  if (!cert_ || cert_->public_key == nullptr || signature.empty() ||
      !scheme_fits_key(scheme, cert_->kind, cert_->public_key)) {
    return false;
  }
  return verify_checked(cert_->public_key, scheme, message, signature);
}

bool Certificate::verify_tls12(SignatureScheme scheme, std::span<const uint8_t> message,
                               std::span<const uint8_t> signature) const {
  if (!cert_ || cert_->public_key == nullptr || signature.empty() ||
      !scheme_fits_key_tls12(scheme, cert_->kind, cert_->public_key)) {
    return false;
  }
  return verify_checked(cert_->public_key, scheme, message, signature);
}

bool Certificate::matches(const PrivateKey& key) const {
  auto* pkey = static_cast<EVP_PKEY*>(key.evp());
  if (!cert_ || cert_->public_key == nullptr || pkey == nullptr) return false;
  ErrorQueueMark mark;
  return EVP_PKEY_eq(cert_->public_key, pkey) == 1;
}

std::vector<std::string> Certificate::dns_names() const {
  std::vector<std::string> names;
  if (!cert_) return names;
  ErrorQueueMark mark;
  GeneralNamesPtr alt_names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert_->x509.get(), NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; alt_names && i < sk_GENERAL_NAME_num(alt_names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(alt_names.get(), i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                     static_cast<size_t>(ASN1_STRING_length(dns)));
    // An embedded NUL would let "good.test\0.evil.test" pass as good.test.
    if (!text.empty() && text.find('\0') == std::string::npos) names.push_back(std::move(text));
  }
  if (!names.empty()) return names;

  // No DNS names: the most specific (last) common name, as X509_check_host does.
  const X509_NAME* subject = X509_get_subject_name(cert_->x509.get());
  int last = -1;
  for (int at = -1; (at = X509_NAME_get_index_by_NID(subject, NID_commonName, at)) >= 0;) last = at;
  if (last < 0) return names;
  const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, last));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, cn);
  if (length > 0) {
    std::string text(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
    if (text.find('\0') == std::string::npos) names.push_back(std::move(text));
  }
  OPENSSL_free(utf8);
  return names;
}

bool Certificate::signed_with_one_of(std::span<const uint16_t> schemes) const {
  if (!cert_) return false;
  X509* x509 = cert_->x509.get();
  if ((X509_get_extension_flags(x509) & EXFLAG_SS) != 0) return true;
  int md = NID_undef;
  int pk = NID_undef;
  if (X509_get_signature_info(x509, &md, &pk, nullptr, nullptr) != 1) return false;
  // The hash's index: SHA-256, SHA-384, SHA-512 (code points 0x04.., 0x05.., 0x06..).
  const int hash = md == NID_sha256 ? 0 : md == NID_sha384 ? 1 : md == NID_sha512 ? 2 : -1;
  const auto listed = [&](uint16_t code) {
    return std::find(schemes.begin(), schemes.end(), code) != schemes.end();
  };
  switch (pk) {
    case NID_ED25519:
      return listed(0x0807);
    case NID_ED448:
      return listed(0x0808);
    case NID_X9_62_id_ecPublicKey:
      return hash >= 0 && listed(static_cast<uint16_t>(0x0403 + 0x100 * hash));
    case NID_rsaEncryption:
      return hash >= 0 && listed(static_cast<uint16_t>(0x0401 + 0x100 * hash));
    case NID_rsassaPss:
      return hash >= 0 && (listed(static_cast<uint16_t>(0x0804 + hash)) ||
                           listed(static_cast<uint16_t>(0x0809 + hash)));
    default:
      return false;
  }
}

bool Certificate::matches_host(const std::string& name) const {
  if (!cert_ || name.empty()) return false;
  ErrorQueueMark mark;
  X509* x509 = cert_->x509.get();
  // An IP literal is matched against the iPAddress entries; -2 means `name`
  // is not an IP address.
  int ip = X509_check_ip_asc(x509, name.c_str(), 0);
  if (ip != -2) return ip == 1;
  return X509_check_host(x509, name.data(), name.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                         nullptr) == 1;
}

}  // namespace adieu::crypto
