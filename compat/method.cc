// SSL_METHOD and SSL_CIPHER: the methods name a role and a version range;
// the ciphers are the TLS 1.3 suites adieu implements (RFC 8446 B.4).
#include <openssl/obj_mac.h>

#include <cstring>

#include "compat/internal.h"

namespace adieu::compat {
namespace {

constexpr SSL_METHOD kAny = {TLS_ANY_VERSION, true, true};
constexpr SSL_METHOD kAnyClient = {TLS_ANY_VERSION, true, false};
constexpr SSL_METHOD kAnyServer = {TLS_ANY_VERSION, false, true};
// TLS 1.2 only: adieu does not speak it yet, so these fail at the handshake
// with SSL_R_NO_PROTOCOLS_AVAILABLE.
constexpr SSL_METHOD kTls12 = {TLS1_2_VERSION, true, true};
constexpr SSL_METHOD kTls12Client = {TLS1_2_VERSION, true, false};
constexpr SSL_METHOD kTls12Server = {TLS1_2_VERSION, false, true};

const SSL_CIPHER kCiphers[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", 128, NID_aes_128_gcm, NID_sha256},
    {0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", 256, NID_aes_256_gcm, NID_sha384},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", 256,
     NID_chacha20_poly1305, NID_sha256},
};

}  // namespace

const SSL_CIPHER* cipher_by_id(uint16_t id) {
  for (const SSL_CIPHER& c : kCiphers) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

const SSL_METHOD* TLS_method(void) {
  return &kAny;
}
const SSL_METHOD* TLS_client_method(void) {
  return &kAnyClient;
}
const SSL_METHOD* TLS_server_method(void) {
  return &kAnyServer;
}
const SSL_METHOD* TLSv1_2_method(void) {
  return &kTls12;
}
const SSL_METHOD* TLSv1_2_client_method(void) {
  return &kTls12Client;
}
const SSL_METHOD* TLSv1_2_server_method(void) {
  return &kTls12Server;
}

const char* SSL_CIPHER_get_name(const SSL_CIPHER* c) {
  return c != nullptr ? c->name : "(NONE)";
}
const char* SSL_CIPHER_standard_name(const SSL_CIPHER* c) {
  return c != nullptr ? c->rfc_name : "(NONE)";
}
const char* SSL_CIPHER_get_version(const SSL_CIPHER* c) {
  return c != nullptr ? "TLSv1.3" : "(NONE)";
}
int SSL_CIPHER_get_bits(const SSL_CIPHER* c, int* alg_bits) {
  if (c == nullptr) return 0;
  if (alg_bits != nullptr) *alg_bits = c->bits;
  return c->bits;
}
uint32_t SSL_CIPHER_get_id(const SSL_CIPHER* c) {
  return c != nullptr ? 0x03000000u | c->id : 0;
}
uint16_t SSL_CIPHER_get_protocol_id(const SSL_CIPHER* c) {
  return c != nullptr ? c->id : 0;
}
int SSL_CIPHER_get_cipher_nid(const SSL_CIPHER* c) {
  return c != nullptr ? c->aead_nid : NID_undef;
}
int SSL_CIPHER_get_digest_nid(const SSL_CIPHER* c) {
  return NID_undef;
}
int SSL_CIPHER_get_kx_nid(const SSL_CIPHER* c) {
  return c != nullptr ? NID_kx_any : NID_undef;
}
int SSL_CIPHER_get_auth_nid(const SSL_CIPHER* c) {
  return c != nullptr ? NID_auth_any : NID_undef;
}
int SSL_CIPHER_is_aead(const SSL_CIPHER* c) {
  return c != nullptr ? 1 : 0;
}
const EVP_MD* SSL_CIPHER_get_handshake_digest(const SSL_CIPHER* c) {
  return c != nullptr ? EVP_get_digestbynid(c->digest_nid) : nullptr;
}
char* SSL_CIPHER_description(const SSL_CIPHER* c, char* buf, int size) {
  if (c == nullptr) return nullptr;
  static const char kFormat[] = "%-30s TLSv1.3 Kx=any      Au=any   Enc=%s Mac=AEAD\n";
  const char* enc = c->id == 0x1301   ? "AESGCM(128)"
                    : c->id == 0x1302 ? "AESGCM(256)"
                                      : "CHACHA20/POLY1305(256)";
  if (buf == nullptr) {
    size = 128;
    buf = static_cast<char*>(OPENSSL_malloc(size));
    if (buf == nullptr) return nullptr;
  } else if (size < 128) {
    return nullptr;
  }
  snprintf(buf, static_cast<size_t>(size), kFormat, c->name, enc);
  return buf;
}

}  // extern "C"
