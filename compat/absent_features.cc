// Features adieu deliberately lacks (SSL 3.0 to TLS 1.1, DTLS, compression,
// SRP, post-handshake client authentication): the functions exist, so that
// programs load, and give OpenSSL's own answer for "not available": a failure
// return with an error on the queue, or the value OpenSSL gives when the
// feature is off (no compression method, no SRP). None pretends to work.
#include "compat/internal.h"

namespace adieu::compat {
namespace {

// Versions below TLS 1.2 (TLSv1_method...): an SSL made with one of them
// finds no version it may use and fails its handshake with "no protocols
// available", as docs/compat.md's deviation 1 says.
constexpr SSL_METHOD kTls10 = {TLS1_VERSION, true, true};
constexpr SSL_METHOD kTls10Client = {TLS1_VERSION, true, false};
constexpr SSL_METHOD kTls10Server = {TLS1_VERSION, false, true};
constexpr SSL_METHOD kTls11 = {TLS1_1_VERSION, true, true};
constexpr SSL_METHOD kTls11Client = {TLS1_1_VERSION, true, false};
constexpr SSL_METHOD kTls11Server = {TLS1_1_VERSION, false, true};

}  // namespace
}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

const SSL_METHOD* TLSv1_method(void) {
  return &kTls10;
}
const SSL_METHOD* TLSv1_client_method(void) {
  return &kTls10Client;
}
const SSL_METHOD* TLSv1_server_method(void) {
  return &kTls10Server;
}
const SSL_METHOD* TLSv1_1_method(void) {
  return &kTls11;
}
const SSL_METHOD* TLSv1_1_client_method(void) {
  return &kTls11Client;
}
const SSL_METHOD* TLSv1_1_server_method(void) {
  return &kTls11Server;
}

// DTLS: no method; SSL_CTX_new(NULL) then fails with "null ssl method passed".
const SSL_METHOD* DTLS_method(void) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return nullptr;
}
const SSL_METHOD* DTLS_client_method(void) {
  return DTLS_method();
}
const SSL_METHOD* DTLS_server_method(void) {
  return DTLS_method();
}
const SSL_METHOD* DTLSv1_method(void) {
  return DTLS_method();
}
const SSL_METHOD* DTLSv1_client_method(void) {
  return DTLS_method();
}
const SSL_METHOD* DTLSv1_server_method(void) {
  return DTLS_method();
}
size_t DTLS_get_data_mtu(const SSL* s) {
  return 0;  // not a DTLS connection
}

// Compression: none, as an OpenSSL built without zlib (an empty list of
// methods, none current, none can be added: 1 is failure here).
STACK_OF(SSL_COMP) * SSL_COMP_get_compression_methods(void) {
  static STACK_OF(SSL_COMP)* const empty = sk_SSL_COMP_new_null();
  return empty;
}
STACK_OF(SSL_COMP) * SSL_COMP_set0_compression_methods(STACK_OF(SSL_COMP) * meths) {
  return SSL_COMP_get_compression_methods();
}
int SSL_COMP_add_compression_method(int id, COMP_METHOD* cm) {
  COMPAT_RAISE(nullptr, SSL_R_UNSUPPORTED_COMPRESSION_ALGORITHM);
  return 1;
}
const char* SSL_COMP_get_name(const COMP_METHOD* comp) {
  return nullptr;
}
const char* SSL_COMP_get0_name(const SSL_COMP* comp) {
  return nullptr;
}
int SSL_COMP_get_id(const SSL_COMP* comp) {
  return -1;
}
const COMP_METHOD* SSL_get_current_compression(const SSL* s) {
  return nullptr;
}
const COMP_METHOD* SSL_get_current_expansion(const SSL* s) {
  return nullptr;
}

// SRP: not implemented; setting a user name or password fails.
int SSL_CTX_set_srp_username(SSL_CTX* ctx, char* name) {
  COMPAT_RAISE(nullptr, SSL_R_MISSING_SRP_PARAM);
  return 0;
}
int SSL_CTX_set_srp_password(SSL_CTX* ctx, char* password) {
  COMPAT_RAISE(nullptr, SSL_R_MISSING_SRP_PARAM);
  return 0;
}

}  // extern "C"
