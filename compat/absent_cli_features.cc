// The rest of what the openssl command line (s_client, s_server, s_time,
// sess_id, ciphers) imports for features adieu lacks, each with OpenSSL's
// answer when the feature is unavailable: DANE, Certificate Transparency,
// SRP callbacks, DTLS and its cookies, SRTP, external PSKs, server info,
// the maximum fragment length, renegotiation, and the settings adieu keeps
// but has no use for (the security callback, a read buffer length, the
// not-resumable-session callback). docs/compat.md, deviations.
#include <openssl/ct.h>

#include "compat/internal.h"

using namespace adieu::compat;

extern "C" {

// --- DANE: not available ------------------------------------------------------------
int SSL_CTX_dane_enable(SSL_CTX* ctx) {
  COMPAT_RAISE(nullptr, SSL_R_DANE_NOT_ENABLED);
  return 0;
}
int SSL_dane_enable(SSL* s, const char* basedomain) {
  COMPAT_RAISE(s, SSL_R_DANE_NOT_ENABLED);
  return 0;
}
unsigned long SSL_dane_set_flags(SSL* s, unsigned long flags) {
  return 0;
}
int SSL_dane_tlsa_add(SSL* s, uint8_t usage, uint8_t selector, uint8_t mtype,
                      const unsigned char* data, size_t dlen) {
  COMPAT_RAISE(s, SSL_R_DANE_NOT_ENABLED);
  return -1;
}
int SSL_get0_dane_authority(SSL* s, X509** mcert, EVP_PKEY** mspki) {
  return -1;  // DANE not enabled
}
int SSL_get0_dane_tlsa(SSL* s, uint8_t* usage, uint8_t* selector, uint8_t* mtype,
                       const unsigned char** data, size_t* dlen) {
  return -1;
}

// --- Certificate Transparency: never validated ----------------------------------------
int SSL_CTX_enable_ct(SSL_CTX* ctx, int validation_mode) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}
int SSL_ct_is_enabled(const SSL* s) {
  return 0;
}
const STACK_OF(SCT) * SSL_get0_peer_scts(SSL* s) {
  return nullptr;
}
int SSL_CTX_set_default_ctlog_list_file(SSL_CTX* ctx) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}
int SSL_CTX_set_ctlog_list_file(SSL_CTX* ctx, const char* path) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}
const CTLOG_STORE* SSL_CTX_get0_ctlog_store(const SSL_CTX* ctx) {
  return nullptr;
}

// --- SRP: no SRP ----------------------------------------------------------------------
int SSL_CTX_set_srp_strength(SSL_CTX* ctx, int strength) {
  COMPAT_RAISE(nullptr, SSL_R_MISSING_SRP_PARAM);
  return 0;
}
int SSL_CTX_set_srp_client_pwd_callback(SSL_CTX* ctx, char* (*cb)(SSL*, void*)) {
  COMPAT_RAISE(nullptr, SSL_R_MISSING_SRP_PARAM);
  return 0;
}
int SSL_CTX_set_srp_verify_param_callback(SSL_CTX* ctx, int (*cb)(SSL*, void*)) {
  COMPAT_RAISE(nullptr, SSL_R_MISSING_SRP_PARAM);
  return 0;
}
int SSL_CTX_set_srp_username_callback(SSL_CTX* ctx, int (*cb)(SSL*, int*, void*)) {
  COMPAT_RAISE(nullptr, SSL_R_MISSING_SRP_PARAM);
  return 0;
}
int SSL_CTX_set_srp_cb_arg(SSL_CTX* ctx, void* arg) {
  COMPAT_RAISE(nullptr, SSL_R_MISSING_SRP_PARAM);
  return 0;
}
int SSL_set_srp_server_param(SSL* s, const BIGNUM* N, const BIGNUM* g, BIGNUM* sa, BIGNUM* v,
                             char* info) {
  COMPAT_RAISE(s, SSL_R_MISSING_SRP_PARAM);
  return -1;
}
BIGNUM* SSL_get_srp_g(SSL* s) {
  return nullptr;
}
BIGNUM* SSL_get_srp_N(SSL* s) {
  return nullptr;
}
char* SSL_get_srp_username(SSL* s) {
  return nullptr;
}

// --- DTLS and cookies: no DTLS; a TLS 1.3 server never sends a cookie ---------------
int DTLSv1_listen(SSL* s, BIO_ADDR* client) {
  COMPAT_RAISE(s, SSL_R_UNSUPPORTED_SSL_VERSION);
  return -1;
}
int SSL_is_dtls(const SSL* s) {
  return 0;
}
void SSL_CTX_set_cookie_generate_cb(SSL_CTX* ctx, int (*cb)(SSL*, unsigned char*, unsigned int*)) {}
void SSL_CTX_set_cookie_verify_cb(SSL_CTX* ctx,
                                  int (*cb)(SSL*, const unsigned char*, unsigned int)) {}
void SSL_CTX_set_stateless_cookie_generate_cb(SSL_CTX* ctx,
                                              int (*cb)(SSL*, unsigned char*, size_t*)) {}
void SSL_CTX_set_stateless_cookie_verify_cb(SSL_CTX* ctx,
                                            int (*cb)(SSL*, const unsigned char*, size_t)) {}
// A stateless HelloRetryRequest with a cookie is not available.
int SSL_stateless(SSL* s) {
  if (s != nullptr) COMPAT_RAISE(s, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return -1;
}

// --- SRTP: returns 1 for failure, as OpenSSL's -------------------------------------------
int SSL_CTX_set_tlsext_use_srtp(SSL_CTX* ctx, const char* profiles) {
  COMPAT_RAISE(nullptr, SSL_R_SRTP_COULD_NOT_ALLOCATE_PROFILES);
  return 1;
}
int SSL_set_tlsext_use_srtp(SSL* s, const char* profiles) {
  COMPAT_RAISE(s, SSL_R_SRTP_COULD_NOT_ALLOCATE_PROFILES);
  return 1;
}
SRTP_PROTECTION_PROFILE* SSL_get_selected_srtp_profile(SSL* s) {
  return nullptr;
}

// --- External PSKs, server info: not available ------------------------------------------
int SSL_CTX_use_psk_identity_hint(SSL_CTX* ctx, const char* identity_hint) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}
int SSL_use_psk_identity_hint(SSL* s, const char* identity_hint) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}
void SSL_CTX_set_psk_find_session_callback(SSL_CTX* ctx, SSL_psk_find_session_cb_func cb) {}
void SSL_set_psk_find_session_callback(SSL* s, SSL_psk_find_session_cb_func cb) {}
void SSL_CTX_set_psk_use_session_callback(SSL_CTX* ctx, SSL_psk_use_session_cb_func cb) {}
void SSL_set_psk_use_session_callback(SSL* s, SSL_psk_use_session_cb_func cb) {}
int SSL_CTX_use_serverinfo_file(SSL_CTX* ctx, const char* file) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}

// --- Renegotiation: never (deviation 2) --------------------------------------------------
int SSL_renegotiate(SSL* s) {
  if (s != nullptr) COMPAT_RAISE(s, SSL_R_NO_RENEGOTIATION);
  return 0;
}

// --- Server session ids: made by the engine -------------------------------------------------
int SSL_CTX_set_generate_session_id(SSL_CTX* ctx, GEN_SESSION_CB cb) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}

// --- Kept, with no use here -------------------------------------------------------------------
// The security callback: adieu applies the security level itself (to suites
// and versions, deviations 13-14) and asks no callback.
void SSL_CTX_set_security_callback(SSL_CTX* ctx, int (*cb)(const SSL*, const SSL_CTX*, int, int,
                                                           int, void*, void*)) {
  if (ctx != nullptr) ctx->security_cb = cb;
}
int (*SSL_CTX_get_security_callback(const SSL_CTX* ctx))(const SSL*, const SSL_CTX*, int, int, int,
                                                         void*, void*) {
  return ctx != nullptr ? ctx->security_cb : nullptr;
}
void SSL_CTX_set0_security_ex_data(SSL_CTX* ctx, void* ex) {
  if (ctx != nullptr) ctx->security_ex = ex;
}
void* SSL_CTX_get0_security_ex_data(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->security_ex : nullptr;
}
// Records are read whole, one at a time: no read buffer to size.
void SSL_CTX_set_default_read_buffer_len(SSL_CTX* ctx, size_t len) {}
void SSL_set_default_read_buffer_len(SSL* s, size_t len) {}
// Never called: every key exchange adieu makes is forward secret (ECDHE,
// psk_dhe_ke).
void SSL_CTX_set_not_resumable_session_callback(SSL_CTX* ctx, int (*cb)(SSL*, int)) {}
void SSL_set_not_resumable_session_callback(SSL* s, int (*cb)(SSL*, int)) {}

}  // extern "C"
