#include "ceilings.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "meter.h"
#include "stats.h"

namespace adieu::bench {
namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
struct CipherFree {
  void operator()(EVP_CIPHER* cipher) const { EVP_CIPHER_free(cipher); }
};
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherFree>;
struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
using MdPtr = std::unique_ptr<EVP_MD, MdFree>;
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

constexpr size_t kTagSize = 16;
constexpr size_t kNonceSize = 12;

// The AEAD of a suite, and the record format around it.
struct SuiteAead {
  const char* cipher;   // EVP name
  bool tls12;           // TLS 1.2 record (RFC 5246 6.2.3.3) rather than TLS 1.3's
  bool explicit_nonce;  // TLS 1.2 AES-GCM: 8 bytes of the nonce on the wire (RFC 5288)
};

std::optional<SuiteAead> suite_aead(const std::string& suite) {
  if (suite == "TLS_AES_128_GCM_SHA256") return SuiteAead{"AES-128-GCM", false, false};
  if (suite == "TLS_AES_256_GCM_SHA384") return SuiteAead{"AES-256-GCM", false, false};
  if (suite == "TLS_CHACHA20_POLY1305_SHA256") return SuiteAead{"ChaCha20-Poly1305", false, false};
  if (suite == "ECDHE-ECDSA-AES128-GCM-SHA256" || suite == "ECDHE-RSA-AES128-GCM-SHA256") {
    return SuiteAead{"AES-128-GCM", true, true};
  }
  if (suite == "ECDHE-ECDSA-AES256-GCM-SHA384" || suite == "ECDHE-RSA-AES256-GCM-SHA384") {
    return SuiteAead{"AES-256-GCM", true, true};
  }
  if (suite == "ECDHE-ECDSA-CHACHA20-POLY1305" || suite == "ECDHE-RSA-CHACHA20-POLY1305") {
    return SuiteAead{"ChaCha20-Poly1305", true, false};
  }
  return std::nullopt;
}

// The per-record nonce of RFC 8446 section 5.3 (and of RFC 7905 for TLS 1.2
// ChaCha20-Poly1305): the IV XOR the sequence number.
void record_nonce(const uint8_t* iv, uint64_t sequence, uint8_t* nonce) {
  std::memcpy(nonce, iv, kNonceSize);
  for (int i = 0; i < 8; ++i)
    nonce[kNonceSize - 1 - i] ^= static_cast<uint8_t>(sequence >> (8 * i));
}

void put_u64(uint64_t value, uint8_t* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(value >> (56 - 8 * i));
}

// One record's AEAD, as a TLS record layer makes it:
//   TLS 1.3: plaintext + content type sealed, the 5-byte header as AAD,
//            nonce = IV XOR sequence;
//   TLS 1.2: plaintext sealed, AAD = sequence (8) + type + version + length
//            (13 bytes); AES-GCM's nonce = 4-byte salt + 8-byte explicit part
//            (the sequence, written in front of the ciphertext), ChaCha20's
//            IV XOR sequence.
struct AeadRun {
  SuiteAead suite;
  size_t inner = 0;      // what is sealed: plaintext (+ content type in TLS 1.3)
  size_t explicit_ = 0;  // explicit nonce bytes in front of the ciphertext
  std::vector<uint8_t> key, iv, in, out, opened;
  std::array<uint8_t, 5> header{};
  std::array<uint8_t, 13> aad{};
  size_t aad_size = 5;
  std::array<uint8_t, kTagSize> tag{};
  std::array<uint8_t, kNonceSize> nonce{};
  CipherCtxPtr seal_ctx{EVP_CIPHER_CTX_new()}, open_ctx{EVP_CIPHER_CTX_new()};

  // The nonce and additional data of record `sequence`; the explicit nonce
  // into `out` when `write_explicit`.
  void prepare(uint64_t sequence, bool write_explicit) {
    if (!suite.tls12) {  // the AAD is the header, set once
      record_nonce(iv.data(), sequence, nonce.data());
      return;
    }
    if (suite.explicit_nonce) {
      std::memcpy(nonce.data(), iv.data(), 4);
      put_u64(sequence, nonce.data() + 4);
      if (write_explicit) std::memcpy(out.data(), nonce.data() + 4, 8);
    } else {
      record_nonce(iv.data(), sequence, nonce.data());
    }
    put_u64(sequence, aad.data());
    aad[8] = 0x17;
    aad[9] = 0x03;
    aad[10] = 0x03;
    aad[11] = static_cast<uint8_t>(inner >> 8);
    aad[12] = static_cast<uint8_t>(inner);
  }

  bool seal(uint64_t sequence) {
    int length = 0;
    prepare(sequence, true);
    uint8_t* ciphertext = out.data() + explicit_;
    return EVP_EncryptInit_ex2(seal_ctx.get(), nullptr, nullptr, nonce.data(), nullptr) == 1 &&
           EVP_EncryptUpdate(seal_ctx.get(), nullptr, &length, aad.data(),
                             static_cast<int>(aad_size)) == 1 &&
           EVP_EncryptUpdate(seal_ctx.get(), ciphertext, &length, in.data(),
                             static_cast<int>(inner)) == 1 &&
           EVP_EncryptFinal_ex(seal_ctx.get(), ciphertext + length, &length) == 1 &&
           EVP_CIPHER_CTX_ctrl(seal_ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagSize, tag.data()) == 1;
  }
  // Opens the record last sealed with `sequence`.
  bool open(uint64_t sequence) {
    int length = 0;
    prepare(sequence, false);
    const uint8_t* ciphertext = out.data() + explicit_;
    return EVP_DecryptInit_ex2(open_ctx.get(), nullptr, nullptr, nonce.data(), nullptr) == 1 &&
           EVP_DecryptUpdate(open_ctx.get(), nullptr, &length, aad.data(),
                             static_cast<int>(aad_size)) == 1 &&
           EVP_DecryptUpdate(open_ctx.get(), opened.data(), &length, ciphertext,
                             static_cast<int>(inner)) == 1 &&
           EVP_CIPHER_CTX_ctrl(open_ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagSize, tag.data()) == 1 &&
           EVP_DecryptFinal_ex(open_ctx.get(), opened.data() + length, &length) == 1;
  }
};

}  // namespace

std::optional<AeadCeiling> measure_aead(const std::string& suite, size_t plaintext, size_t records,
                                        int rounds) {
  const std::optional<SuiteAead> aead = suite_aead(suite);
  if (!aead) return std::nullopt;
  CipherPtr cipher(EVP_CIPHER_fetch(nullptr, aead->cipher, nullptr));
  if (!cipher) return std::nullopt;
  AeadRun run;
  run.suite = *aead;
  run.inner = aead->tls12 ? plaintext : plaintext + 1;
  run.explicit_ = aead->explicit_nonce ? 8 : 0;
  run.aad_size = aead->tls12 ? 13 : 5;
  run.key.assign(static_cast<size_t>(EVP_CIPHER_get_key_length(cipher.get())), 0x42);
  run.iv.assign(kNonceSize, 0x24);
  run.in.assign(run.inner, 0x17);
  run.out.assign(run.explicit_ + run.inner + kTagSize, 0);
  run.opened.assign(run.inner + kTagSize, 0);
  const size_t record_length = run.explicit_ + run.inner + kTagSize;
  run.header = {0x17, 0x03, 0x03, static_cast<uint8_t>(record_length >> 8),
                static_cast<uint8_t>(record_length)};
  if (!aead->tls12) std::memcpy(run.aad.data(), run.header.data(), 5);
  if (!run.seal_ctx || !run.open_ctx ||
      EVP_EncryptInit_ex2(run.seal_ctx.get(), cipher.get(), run.key.data(), run.iv.data(),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex2(run.open_ctx.get(), cipher.get(), run.key.data(), run.iv.data(),
                          nullptr) != 1) {
    return std::nullopt;
  }
  if (!run.seal(0) || !run.open(0)) return std::nullopt;  // unmeasured warm-up
  constexpr size_t kRingBytes = 64 * 1024;
  std::vector<uint8_t> ring(kRingBytes + record_length + 5);
  AeadCeiling ceiling;
  const auto per_record = [records](uint64_t start) {
    return static_cast<double>(meter::now_ns() - start) / static_cast<double>(records);
  };
  for (int round = 0; round < rounds; ++round) {
    uint64_t start = meter::now_ns();
    for (size_t i = 0; i < records; ++i) {
      if (!run.seal(i)) return std::nullopt;
    }
    ceiling.seal_ns.push_back(per_record(start));
    start = meter::now_ns();
    size_t offset = 0;
    for (size_t i = 0; i < records; ++i) {
      if (!run.seal(i)) return std::nullopt;
      std::memcpy(ring.data() + offset, run.header.data(), 5);
      std::memcpy(ring.data() + offset + 5, run.out.data(), record_length);
      // Keeps the compiler from dropping a copy nothing reads.
      asm volatile("" : : "r"(ring.data()) : "memory");
      offset += 5 + record_length;
      if (offset >= kRingBytes) offset = 0;
    }
    ceiling.seal_and_copy_ns.push_back(per_record(start));
    // Opens the last record sealed, again and again (with its own nonce).
    const uint64_t last = records - 1;
    start = meter::now_ns();
    for (size_t i = 0; i < records; ++i) {
      if (!run.open(last)) return std::nullopt;
    }
    ceiling.open_ns.push_back(per_record(start));
  }
  return ceiling;
}

namespace {

PkeyPtr read_key(const std::string& path) {
  BioPtr file(BIO_new_file(path.c_str(), "r"));
  return PkeyPtr(file ? PEM_read_bio_PrivateKey(file.get(), nullptr, nullptr, nullptr) : nullptr);
}

X509Ptr read_cert(const std::string& path) {
  BioPtr file(BIO_new_file(path.c_str(), "r"));
  return X509Ptr(file ? PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr) : nullptr);
}

bool is_rsa(const EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "RSA");
}

// One signature check as a library makes it: hash the signed bytes, verify.
struct Verification {
  const EVP_MD* md;
  PkeyCtxPtr ctx;
  std::vector<uint8_t> message;
  std::vector<uint8_t> signature;

  bool run() const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    return EVP_Digest(message.data(), message.size(), digest, &digest_length, md, nullptr) == 1 &&
           EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest, digest_length) ==
               1;
  }
};

// A verification context for `key`; RSA-PSS (salt = hash length) when `pss`.
PkeyCtxPtr verify_ctx(EVP_PKEY* key, const EVP_MD* md, bool pss) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) {
    return nullptr;
  }
  if (pss && (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
              EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return nullptr;
  }
  return ctx;
}

// The check of `cert`'s signature by `issuer`'s key.
std::optional<Verification> certificate_check(X509* cert, X509* issuer) {
  int md_nid = NID_undef;
  if (X509_get_signature_info(cert, &md_nid, nullptr, nullptr, nullptr) != 1) return std::nullopt;
  const EVP_MD* md = EVP_get_digestbynid(md_nid);
  EVP_PKEY* key = X509_get0_pubkey(issuer);
  if (md == nullptr || key == nullptr) return std::nullopt;
  Verification check{md, verify_ctx(key, md, false), {}, {}};
  if (!check.ctx) return std::nullopt;
  unsigned char* tbs = nullptr;
  int tbs_length = i2d_re_X509_tbs(cert, &tbs);
  if (tbs_length <= 0) return std::nullopt;
  check.message.assign(tbs, tbs + tbs_length);
  OPENSSL_free(tbs);
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, cert);
  check.signature.assign(ASN1_STRING_get0_data(signature),
                         ASN1_STRING_get0_data(signature) + ASN1_STRING_length(signature));
  return check;
}

// Nanoseconds per call of `op`, one value per round of `iterations` calls.
template <typename Op>
std::optional<std::vector<double>> time_op(int iterations, int rounds, Op op) {
  // One unmeasured call: the first use may initialize the DRBG or fetch algorithms.
  if (!op()) return std::nullopt;
  std::vector<double> per_op;
  for (int round = 0; round < rounds; ++round) {
    uint64_t start = meter::now_ns();
    for (int i = 0; i < iterations; ++i) {
      if (!op()) return std::nullopt;
    }
    per_op.push_back(static_cast<double>(meter::now_ns() - start) / iterations);
  }
  return per_op;
}

}  // namespace

std::optional<PrimitiveCosts> measure_primitives(const CertFiles& files, uint16_t version,
                                                 int iterations, int rounds, std::string* error) {
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  PkeyPtr server_key = read_key(files.key);
  X509Ptr leaf = read_cert(files.leaf), intermediate = read_cert(files.intermediate),
          root = read_cert(files.root);
  if (!server_key || !leaf || !intermediate || !root || sha256 == nullptr) {
    *error = "cannot read the certificates for the primitive costs";
    return std::nullopt;
  }

  // x25519: a key share per handshake, and the agreement with the peer's share.
  PkeyCtxPtr keygen_ctx(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
  EVP_PKEY* ours_raw = nullptr;
  if (!keygen_ctx || EVP_PKEY_keygen_init(keygen_ctx.get()) != 1 ||
      EVP_PKEY_keygen(keygen_ctx.get(), &ours_raw) != 1) {
    *error = "x25519 key generation failed";
    return std::nullopt;
  }
  PkeyPtr ours(ours_raw);
  uint8_t peer_share[32];
  size_t share_length = sizeof peer_share;
  EVP_PKEY_get_raw_public_key(ours.get(), peer_share, &share_length);

  auto keygen = [&] {
    EVP_PKEY* key = nullptr;
    uint8_t share[32];
    size_t length = sizeof share;
    bool ok = EVP_PKEY_keygen(keygen_ctx.get(), &key) == 1 &&
              EVP_PKEY_get_raw_public_key(key, share, &length) == 1;
    EVP_PKEY_free(key);
    return ok;
  };
  auto agreement = [&] {
    PkeyPtr peer(EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, peer_share, 32));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, ours.get(), nullptr));
    uint8_t secret[32];
    size_t length = sizeof secret;
    return peer && ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
           EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) == 1 &&
           EVP_PKEY_derive(ctx.get(), secret, &length) == 1;
  };

  // What the server signs. TLS 1.3's CertificateVerify (RFC 8446 section
  // 4.4.3): 64 spaces, the context string, a zero byte, a transcript hash.
  // TLS 1.2's ServerKeyExchange (RFC 8422 section 5.4): client random, server
  // random, then the ECDHE parameters (curve type, named curve, the x25519
  // share with its length byte). Signed with ecdsa_secp256r1_sha256 or
  // rsa_pss_rsae_sha256.
  std::string signed_text;
  if (version == kTls12) {
    signed_text.assign(64, '\x3c');
    signed_text += std::string("\x03\x00\x1d\x20", 4);
    signed_text.append(32, '\x5a');
  } else {
    signed_text.assign(64, ' ');
    signed_text += "TLS 1.3, server CertificateVerify";
    signed_text += '\0';
    signed_text.append(32, '\x5a');
  }
  const std::vector<uint8_t> content(signed_text.begin(), signed_text.end());
  const bool pss = is_rsa(server_key.get());
  PkeyCtxPtr sign_ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, server_key.get(), nullptr));
  if (!sign_ctx || EVP_PKEY_sign_init(sign_ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(sign_ctx.get(), sha256) != 1 ||
      (pss && (EVP_PKEY_CTX_set_rsa_padding(sign_ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
               EVP_PKEY_CTX_set_rsa_pss_saltlen(sign_ctx.get(), RSA_PSS_SALTLEN_DIGEST) != 1))) {
    *error = "cannot set up the CertificateVerify signature";
    return std::nullopt;
  }
  std::vector<uint8_t> signature(static_cast<size_t>(EVP_PKEY_get_size(server_key.get())));
  size_t signature_length = signature.size();
  auto sign = [&] {
    unsigned char digest[32];
    unsigned int digest_length = 0;
    signature_length = signature.size();
    return EVP_Digest(content.data(), content.size(), digest, &digest_length, sha256, nullptr) ==
               1 &&
           EVP_PKEY_sign(sign_ctx.get(), signature.data(), &signature_length, digest,
                         digest_length) == 1;
  };
  if (!sign()) {
    *error = "CertificateVerify signature failed";
    return std::nullopt;
  }
  Verification certificate_verify{sha256,
                                  verify_ctx(X509_get0_pubkey(leaf.get()), sha256, pss),
                                  content,
                                  {signature.begin(), signature.begin() + signature_length}};
  auto leaf_check = certificate_check(leaf.get(), intermediate.get());
  auto intermediate_check = certificate_check(intermediate.get(), root.get());
  if (!certificate_verify.ctx || !leaf_check || !intermediate_check) {
    *error = "cannot set up the signature verifications";
    return std::nullopt;
  }

  PrimitiveCosts costs;
  auto measure = [&](std::vector<double>* into, auto op) {
    auto ns = time_op(iterations, rounds, op);
    if (ns) *into = *ns;
    return ns.has_value();
  };
  if (!measure(&costs.keygen_ns, keygen) || !measure(&costs.agreement_ns, agreement) ||
      !measure(&costs.sign_ns, sign) ||
      !measure(&costs.verify_certificate_verify_ns, [&] { return certificate_verify.run(); }) ||
      !measure(&costs.verify_leaf_ns, [&] { return leaf_check->run(); }) ||
      !measure(&costs.verify_intermediate_ns, [&] { return intermediate_check->run(); })) {
    *error = "a primitive operation failed";
    return std::nullopt;
  }
  return costs;
}

namespace {

void append_rounds(std::vector<double>* to, const std::vector<double>& more) {
  to->insert(to->end(), more.begin(), more.end());
}

}  // namespace

void AeadCeiling::append(const AeadCeiling& more) {
  append_rounds(&seal_ns, more.seal_ns);
  append_rounds(&open_ns, more.open_ns);
  append_rounds(&seal_and_copy_ns, more.seal_and_copy_ns);
}

void PrimitiveCosts::append(const PrimitiveCosts& more) {
  append_rounds(&keygen_ns, more.keygen_ns);
  append_rounds(&agreement_ns, more.agreement_ns);
  append_rounds(&sign_ns, more.sign_ns);
  append_rounds(&verify_certificate_verify_ns, more.verify_certificate_verify_ns);
  append_rounds(&verify_leaf_ns, more.verify_leaf_ns);
  append_rounds(&verify_intermediate_ns, more.verify_intermediate_ns);
}

std::vector<double> PrimitiveCosts::exchange_ns() const {
  return combine(keygen_ns, agreement_ns, std::plus<>());
}

std::vector<double> PrimitiveCosts::client_ns() const {
  std::vector<double> sum = combine(exchange_ns(), verify_certificate_verify_ns, std::plus<>());
  sum = combine(sum, verify_leaf_ns, std::plus<>());
  return combine(sum, verify_intermediate_ns, std::plus<>());
}

std::vector<double> PrimitiveCosts::server_ns() const {
  return combine(exchange_ns(), sign_ns, std::plus<>());
}

}  // namespace adieu::bench
