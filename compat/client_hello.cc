// The server's callbacks that OpenSSL runs on the ClientHello before the
// servername callback (SSL_CTX_set_client_hello_cb, with the
// SSL_client_hello_get* accessors valid while it runs) and after it (the
// certificate callback, SSL_CTX_set_cert_cb, which may change the
// certificate). compat runs them on the ClientHello the engine hands it
// (Config::set_client_hello_hook), before the engine's handshake chooses
// anything, and the engine goes on with the configuration they chose. A client's certificate
// callback runs before its ClientHello (the engine does not stop at the server's
// CertificateRequest): docs/compat.md, deviations.
#include "compat/internal.h"

namespace adieu::compat {
namespace {

// The ClientHello of the callback running on this thread.
thread_local const adieu::ClientHelloInfo* t_hello = nullptr;
thread_local const SSL* t_hello_ssl = nullptr;

const adieu::ClientHelloInfo* hello_of(const SSL* s) {
  return s != nullptr && s == t_hello_ssl ? t_hello : nullptr;
}

}  // namespace

bool run_client_hello_cb(SSL* s, const adieu::ClientHelloInfo& hello, int* alert) {
  if (s->ctx->client_hello_cb == nullptr) return true;
  t_hello = &hello;
  t_hello_ssl = s;
  int al = SSL_AD_INTERNAL_ERROR;
  const int r = s->ctx->client_hello_cb(s, &al, s->ctx->client_hello_arg);
  t_hello = nullptr;
  t_hello_ssl = nullptr;
  // Suspending the handshake (SSL_CLIENT_HELLO_RETRY) is not offered: an error.
  if (r == SSL_CLIENT_HELLO_SUCCESS) return true;
  *alert = al;
  return false;
}

bool run_cert_cb(SSL* s) {
  int (*cb)(SSL*, void*) = s->cert_cb != nullptr ? s->cert_cb : s->ctx->cert_cb;
  void* arg = s->cert_cb != nullptr ? s->cert_cb_arg : s->ctx->cert_cb_arg;
  // OpenSSL's retry (< 0) is not offered either.
  return cb == nullptr || cb(s, arg) > 0;
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

void SSL_CTX_set_client_hello_cb(SSL_CTX* ctx, SSL_client_hello_cb_fn cb, void* arg) {
  if (ctx == nullptr) return;
  ctx->client_hello_cb = cb;
  ctx->client_hello_arg = arg;
}

int SSL_client_hello_isv2(SSL* s) {
  return 0;  // SSLv2-format ClientHellos are refused by the engine
}
unsigned int SSL_client_hello_get0_legacy_version(SSL* s) {
  const adieu::ClientHelloInfo* h = hello_of(s);
  return h != nullptr ? h->legacy_version : 0;
}
size_t SSL_client_hello_get0_random(SSL* s, const unsigned char** out) {
  const adieu::ClientHelloInfo* h = hello_of(s);
  if (h == nullptr) return 0;
  if (out != nullptr) *out = h->random.data();
  return h->random.size();
}
size_t SSL_client_hello_get0_session_id(SSL* s, const unsigned char** out) {
  const adieu::ClientHelloInfo* h = hello_of(s);
  if (h == nullptr) return 0;
  if (out != nullptr) *out = h->legacy_session_id.data();
  return h->legacy_session_id.size();
}
size_t SSL_client_hello_get0_ciphers(SSL* s, const unsigned char** out) {
  const adieu::ClientHelloInfo* h = hello_of(s);
  if (h == nullptr) return 0;
  if (out != nullptr) *out = h->cipher_suites_raw.data();
  return h->cipher_suites_raw.size();
}
size_t SSL_client_hello_get0_compression_methods(SSL* s, const unsigned char** out) {
  const adieu::ClientHelloInfo* h = hello_of(s);
  if (h == nullptr) return 0;
  if (out != nullptr) *out = h->compression_methods.data();
  return h->compression_methods.size();
}
// The extension types in the ClientHello's order, in an array the caller
// frees with OPENSSL_free.
int SSL_client_hello_get1_extensions_present(SSL* s, int** out, size_t* outlen) {
  const adieu::ClientHelloInfo* h = hello_of(s);
  if (h == nullptr || out == nullptr || outlen == nullptr) return 0;
  *out = nullptr;
  *outlen = 0;
  if (h->extensions.empty()) return 1;
  int* types = static_cast<int*>(OPENSSL_malloc(sizeof(int) * h->extensions.size()));
  if (types == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    return 0;
  }
  for (size_t i = 0; i < h->extensions.size(); ++i) types[i] = h->extensions[i].type;
  *out = types;
  *outlen = h->extensions.size();
  return 1;
}
int SSL_client_hello_get0_ext(SSL* s, unsigned int type, const unsigned char** out,
                              size_t* outlen) {
  const adieu::ClientHelloInfo* h = hello_of(s);
  if (h == nullptr) return 0;
  for (const adieu::ClientHelloInfo::Extension& e : h->extensions) {
    if (e.type != type) continue;
    if (out != nullptr) *out = e.data.data();
    if (outlen != nullptr) *outlen = e.data.size();
    return 1;
  }
  return 0;
}

void SSL_CTX_set_cert_cb(SSL_CTX* ctx, int (*cb)(SSL*, void*), void* arg) {
  if (ctx == nullptr) return;
  ctx->cert_cb = cb;
  ctx->cert_cb_arg = arg;
}
void SSL_set_cert_cb(SSL* s, int (*cb)(SSL*, void*), void* arg) {
  if (s == nullptr) return;
  s->cert_cb = cb;
  s->cert_cb_arg = arg;
}

}  // extern "C"
