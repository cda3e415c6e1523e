// More of what adieu lacks, with OpenSSL's answer when the feature is off or
// unused: NPN, PSK callbacks, custom extensions, the
// application's ticket encryption and ticket data, kernel TLS sendfile,
// async engines, renegotiation. Setters that cannot fail keep the value; none
// makes the handshake do what it cannot (docs/compat.md, deviations).
#include "compat/internal.h"

using namespace adieu::compat;

extern "C" {

// --- Kernel TLS: never on, so no sendfile ----------------------------------------
ossl_ssize_t SSL_sendfile(SSL* s, int fd, off_t offset, size_t size, int flags) {
  if (s != nullptr) COMPAT_RAISE(s, SSL_R_UNINITIALIZED);
  return -1;
}

// --- NPN: kept, never negotiated (ALPN is) ------------------------------------
void SSL_CTX_set_next_protos_advertised_cb(SSL_CTX* ctx, SSL_CTX_npn_advertised_cb_func cb,
                                           void* arg) {}
void SSL_CTX_set_next_proto_select_cb(SSL_CTX* ctx, SSL_CTX_npn_select_cb_func cb, void* arg) {}
void SSL_get0_next_proto_negotiated(const SSL* s, const unsigned char** data, unsigned* len) {
  if (data != nullptr) *data = nullptr;
  if (len != nullptr) *len = 0;
}

// --- PSK: the callbacks are never asked (no PSK key exchange is offered) ------------
void SSL_CTX_set_psk_client_callback(SSL_CTX* ctx, SSL_psk_client_cb_func cb) {}
void SSL_set_psk_client_callback(SSL* s, SSL_psk_client_cb_func cb) {}
void SSL_CTX_set_psk_server_callback(SSL_CTX* ctx, SSL_psk_server_cb_func cb) {}
void SSL_set_psk_server_callback(SSL* s, SSL_psk_server_cb_func cb) {}

// --- Engines, custom extensions, ticket encryption by the application: refused ----
int SSL_CTX_set_client_cert_engine(SSL_CTX* ctx, ENGINE* e) {
  COMPAT_RAISE(nullptr, SSL_R_NO_CLIENT_CERT_METHOD);
  return 0;
}
int SSL_CTX_add_server_custom_ext(SSL_CTX* ctx, unsigned int ext_type, custom_ext_add_cb add_cb,
                                  custom_ext_free_cb free_cb, void* add_arg,
                                  custom_ext_parse_cb parse_cb, void* parse_arg) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}
int SSL_CTX_add_client_custom_ext(SSL_CTX* ctx, unsigned int ext_type, custom_ext_add_cb add_cb,
                                  custom_ext_free_cb free_cb, void* add_arg,
                                  custom_ext_parse_cb parse_cb, void* parse_arg) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}
// Whether OpenSSL handles the extension itself (no custom extension can be
// registered for it): OpenSSL's list, which custom-extension users consult.
int SSL_extension_supported(unsigned int ext_type) {
  switch (ext_type) {
    case TLSEXT_TYPE_application_layer_protocol_negotiation:
    case TLSEXT_TYPE_ec_point_formats:
    case TLSEXT_TYPE_supported_groups:
    case TLSEXT_TYPE_key_share:
    case TLSEXT_TYPE_next_proto_neg:
    case TLSEXT_TYPE_padding:
    case TLSEXT_TYPE_renegotiate:
    case TLSEXT_TYPE_max_fragment_length:
    case TLSEXT_TYPE_server_name:
    case TLSEXT_TYPE_session_ticket:
    case TLSEXT_TYPE_signature_algorithms:
    case TLSEXT_TYPE_srp:
    case TLSEXT_TYPE_status_request:
    case TLSEXT_TYPE_signed_certificate_timestamp:
    case TLSEXT_TYPE_use_srtp:
    case TLSEXT_TYPE_encrypt_then_mac:
    case TLSEXT_TYPE_supported_versions:
    case TLSEXT_TYPE_extended_master_secret:
    case TLSEXT_TYPE_psk_kex_modes:
    case TLSEXT_TYPE_cookie:
    case TLSEXT_TYPE_early_data:
    case TLSEXT_TYPE_certificate_authorities:
    case TLSEXT_TYPE_psk:
    case TLSEXT_TYPE_post_handshake_auth:
      return 1;
    default:
      return 0;
  }
}
int SSL_CTX_set_tlsext_ticket_key_evp_cb(SSL_CTX* ctx,
                                         int (*fp)(SSL*, unsigned char*, unsigned char*,
                                                   EVP_CIPHER_CTX*, EVP_MAC_CTX*, int)) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}
int SSL_CTX_set_session_ticket_cb(SSL_CTX* ctx, SSL_CTX_generate_session_ticket_fn gen_cb,
                                  SSL_CTX_decrypt_session_ticket_fn dec_cb, void* arg) {
  ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}
// Ticket application data: never carried in a ticket (the callbacks that
// would are refused above); none is kept.
int SSL_SESSION_set1_ticket_appdata(SSL_SESSION* ss, const void* data, size_t len) {
  return 0;
}
int SSL_SESSION_get0_ticket_appdata(SSL_SESSION* ss, void** data, size_t* len) {
  if (data != nullptr) *data = nullptr;
  if (len != nullptr) *len = 0;
  return ss != nullptr ? 1 : 0;
}

// --- Async engines: no job ever waits ---------------------------------------------
int SSL_waiting_for_async(SSL* s) {
  return 0;
}
int SSL_get_all_async_fds(SSL* s, OSSL_ASYNC_FD* fds, size_t* numfds) {
  if (numfds != nullptr) *numfds = 0;
  return 1;
}
int SSL_get_changed_async_fds(SSL* s, OSSL_ASYNC_FD* addfd, size_t* numaddfds, OSSL_ASYNC_FD* delfd,
                              size_t* numdelfds) {
  if (numaddfds != nullptr) *numaddfds = 0;
  if (numdelfds != nullptr) *numdelfds = 0;
  return 1;
}

// --- Renegotiation: never (deviation 2) -----------------------------------------------
int SSL_renegotiate_pending(const SSL* s) {
  return 0;
}

}  // extern "C"
