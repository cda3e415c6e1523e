// SSL objects: creation, reference counting, role, BIOs, settings copied from
// the context, and SSL_clear. NULL arguments are tolerated where OpenSSL
// tolerates them, and never crash elsewhere.
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "compat/internal.h"
#include "compat/quic.h"

namespace adieu::compat {

bool in_init(const SSL* s) {
  return s->fatal || s->key_update_pending || s->pha_request_pending || !s->handshake_finished;
}
bool in_before(const SSL* s) {
  return !s->started && !s->fatal;
}
bool handshake_done(const SSL* s) {
  return !in_init(s);
}

// Forgets everything about the current connection (SSL_clear, set_*_state).
void reset_connection(SSL* s) {
  s->conn.reset();
  s->shutdown = 0;
  s->rwstate = SSL_NOTHING;
  s->fatal = false;
  s->started = false;
  s->handshake_finished = false;
  s->key_update_pending = false;
  s->key_update_type = SSL_KEY_UPDATE_NONE;
  s->pha_request_pending = false;
  s->certificate_requests_sent = 0;
  s->post_handshake_auths_seen = 0;
  s->warn_alert = 0;
  s->close_notify_seen = false;
  s->hit = false;
  s->early_state = EarlyState::none;
  s->early_data_engine = false;
  s->early_data_call = false;
  s->early_data_paused = false;
  s->early_data_read = 0;
  s->tickets_sent_count = 0;
  s->record.clear();
  s->record.shrink_to_fit();
  s->out_header_at = 0;
  s->owed_messages = 0;
  s->tickets_seen = 0;
  s->key_updates_seen = 0;
  s->write_done = 0;
  s->alpn_selected.clear();
  s->peer_hostname.clear();
  reset_verification(s);
  s->client_hello_version = 0;
  s->version_override = 0;
  s->client_hello_session_id.clear();
  s->client_hello_ciphers.clear();
  s->client_hello_sigalgs.clear();
  s->client_hello_ticket_ext = false;
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

static SSL* SSL_new_body(SSL_CTX* ctx) {
  if (ctx == nullptr) {
    COMPAT_RAISE(nullptr, SSL_R_NULL_SSL_CTX);
    return nullptr;
  }
  SSL* s = new (std::nothrow) SSL;
  X509_VERIFY_PARAM* param = X509_VERIFY_PARAM_new();
  if (s == nullptr || param == nullptr || X509_VERIFY_PARAM_inherit(param, ctx->param) != 1) {
    X509_VERIFY_PARAM_free(param);
    delete s;
    ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    return nullptr;
  }
  s->param = param;
  std::lock_guard<std::recursive_mutex> guard(ctx->lock);
  SSL_CTX_up_ref(ctx);
  SSL_CTX_up_ref(ctx);
  s->ctx = ctx;
  s->session_ctx = ctx;
  // From here SSL_free undoes it all, should a copy below throw.
  std::unique_ptr<SSL, void (*)(SSL*)> holder(s, SSL_free);
  // OpenSSL: a method that can accept starts as a server (TLS_method too),
  // until SSL_set_connect_state or SSL_connect.
  s->server = ctx->method->can_accept;
  s->quiet_shutdown = ctx->quiet_shutdown;
  s->options = ctx->options;
  s->mode = ctx->mode;
  s->min_version = ctx->min_version;
  s->max_version = ctx->max_version;
  s->verify_mode = ctx->verify_mode;
  s->verify_callback = ctx->verify_callback;
  s->post_handshake_auth = ctx->post_handshake_auth;
  if (ctx->verify_store != nullptr && X509_STORE_up_ref(ctx->verify_store) == 1) {
    s->verify_store = ctx->verify_store;
  }
  s->alpn = ctx->alpn;
  s->sid_ctx = ctx->sid_ctx;
  s->extras.status_type = ctx->extras.status_type;
  s->max_fragment_mode = ctx->max_fragment_mode;
  // The SSL's chain is its own from now on, as OpenSSL copies the CERT.
  if (ctx->chain != nullptr) s->chain = X509_chain_up_ref(ctx->chain);
  s->msg_cb = ctx->msg_cb;
  s->msg_cb_arg = ctx->msg_cb_arg;
  s->num_tickets = ctx->num_tickets;
  s->max_early_data = ctx->max_early_data;
  s->recv_max_early_data = ctx->recv_max_early_data;
  s->ciphers = ctx->ciphers;
  s->groups = ctx->groups;
  CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL, s, &s->ex_data);
  if (ctx->method->quic) quic::attach_connection(s);
  return holder.release();
}
SSL* SSL_new(SSL_CTX* ctx) {
  return guard<SSL*>(nullptr, nullptr, [&] { return SSL_new_body(ctx); });
}

int SSL_up_ref(SSL* s) {
  if (s == nullptr) return 0;
  s->references.fetch_add(1);
  return 1;
}

void SSL_free(SSL* s) {
  if (s == nullptr || s->references.fetch_sub(1) != 1) return;
  quic::release(s);      // R50: a stream resets and stops its unfinished parts
  clear_bad_session(s);  // R38/R39: never sends anything (R43)
  CRYPTO_free_ex_data(CRYPTO_EX_INDEX_SSL, s, &s->ex_data);
  // One reference each, also when they are the same BIO (SSL_set_bio took two).
  BIO_free_all(s->wbio);
  BIO_free_all(s->rbio);
  s->conn.reset();
  SSL_SESSION_free(s->session);
  X509_free(s->cert);
  sk_X509_pop_free(s->chain, X509_free);
  EVP_PKEY_free(s->key);
  reset_verification(s);
  X509_VERIFY_PARAM_free(s->param);
  X509_STORE_free(s->verify_store);
  sk_X509_NAME_pop_free(s->ca_names, X509_NAME_free);
  sk_X509_NAME_pop_free(s->client_ca_names, X509_NAME_free);
  SSL_CTX_free(s->session_ctx);
  SSL_CTX_free(s->ctx);
  delete s;
}

static int SSL_clear_body(SSL* s) {
  if (s == nullptr) return 0;
  if (quic::is_quic(s)) {  // R50: SSL_clear fails on QUIC objects
    ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
    return 0;
  }
  // R42: a bad session is removed and dropped; a good one is kept so the
  // next handshake offers it.
  if (clear_bad_session(s)) {
    SSL_SESSION_free(s->session);
    s->session = nullptr;
  }
  reset_connection(s);  // keeps quiet_shutdown, the BIOs, the options and the role
  return 1;
}
int SSL_clear(SSL* s) {
  return guard<int>(s, 0, [&] { return SSL_clear_body(s); });
}

void SSL_set_connect_state(SSL* s) {
  if (s == nullptr) return;
  reset_connection(s);
  s->server = false;
  s->role_set = true;
}

void SSL_set_accept_state(SSL* s) {
  if (s == nullptr) return;
  reset_connection(s);
  s->server = true;
  s->role_set = true;
}

int SSL_is_server(const SSL* s) {
  return s != nullptr && s->server ? 1 : 0;
}

// --- BIOs ----------------------------------------------------------------------

void SSL_set0_rbio(SSL* s, BIO* rbio) {
  if (s == nullptr) return;
  BIO_free_all(s->rbio);
  s->rbio = rbio;
}

void SSL_set0_wbio(SSL* s, BIO* wbio) {
  if (s == nullptr) return;
  BIO_free_all(s->wbio);
  s->wbio = wbio;
}

// SSL_set_bio(3) ownership rules, reference for reference.
void SSL_set_bio(SSL* s, BIO* rbio, BIO* wbio) {
  if (s == nullptr) return;
  if (rbio != nullptr && rbio == wbio) BIO_up_ref(rbio);
  if (rbio == s->rbio) {
    SSL_set0_wbio(s, wbio);
    return;
  }
  if (wbio == s->wbio && s->rbio != s->wbio) {
    SSL_set0_rbio(s, rbio);
    return;
  }
  SSL_set0_rbio(s, rbio);
  SSL_set0_wbio(s, wbio);
}

BIO* SSL_get_rbio(const SSL* s) {
  return s != nullptr ? s->rbio : nullptr;
}
BIO* SSL_get_wbio(const SSL* s) {
  return s != nullptr ? s->wbio : nullptr;
}

int SSL_set_fd(SSL* s, int fd) {
  if (s == nullptr) return 0;
  BIO* bio = BIO_new(BIO_s_socket());
  if (bio == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_BUF_LIB);
    return 0;
  }
  BIO_set_fd(bio, fd, BIO_NOCLOSE);
  SSL_set_bio(s, bio, bio);
  return 1;
}

int SSL_set_wfd(SSL* s, int fd) {
  if (s == nullptr) return 0;
  BIO* rbio = s->rbio;
  if (rbio == nullptr || BIO_method_type(rbio) != BIO_TYPE_SOCKET ||
      static_cast<int>(BIO_get_fd(rbio, nullptr)) != fd) {
    BIO* bio = BIO_new(BIO_s_socket());
    if (bio == nullptr) {
      ERR_raise(ERR_LIB_SSL, ERR_R_BUF_LIB);
      return 0;
    }
    BIO_set_fd(bio, fd, BIO_NOCLOSE);
    SSL_set0_wbio(s, bio);
  } else {
    BIO_up_ref(rbio);
    SSL_set0_wbio(s, rbio);
  }
  return 1;
}

int SSL_set_rfd(SSL* s, int fd) {
  if (s == nullptr) return 0;
  BIO* wbio = s->wbio;
  if (wbio == nullptr || BIO_method_type(wbio) != BIO_TYPE_SOCKET ||
      static_cast<int>(BIO_get_fd(wbio, nullptr)) != fd) {
    BIO* bio = BIO_new(BIO_s_socket());
    if (bio == nullptr) {
      ERR_raise(ERR_LIB_SSL, ERR_R_BUF_LIB);
      return 0;
    }
    BIO_set_fd(bio, fd, BIO_NOCLOSE);
    SSL_set0_rbio(s, bio);
  } else {
    BIO_up_ref(wbio);
    SSL_set0_rbio(s, wbio);
  }
  return 1;
}

static int bio_fd(BIO* b) {
  int fd = -1;
  // As OpenSSL: BIO_find_type(NULL) queues "passed a null parameter".
  BIO* r = BIO_find_type(b, BIO_TYPE_DESCRIPTOR);
  if (r != nullptr) BIO_get_fd(r, &fd);
  return fd;
}

int SSL_get_rfd(const SSL* s) {
  return s != nullptr ? bio_fd(s->rbio) : -1;
}
int SSL_get_wfd(const SSL* s) {
  return s != nullptr ? bio_fd(s->wbio) : -1;
}
int SSL_get_fd(const SSL* s) {
  return SSL_get_rfd(s);
}

// --- Options, modes, settings ----------------------------------------------------

uint64_t SSL_get_options(const SSL* s) {
  return s != nullptr ? s->options : 0;
}
uint64_t SSL_set_options(SSL* s, uint64_t op) {
  if (s == nullptr) return 0;
  return s->options |= op;
}
uint64_t SSL_clear_options(SSL* s, uint64_t op) {
  if (s == nullptr) return 0;
  return s->options &= ~op;
}

void SSL_set_quiet_shutdown(SSL* s, int mode) {
  if (s != nullptr) s->quiet_shutdown = mode;
}
int SSL_get_quiet_shutdown(const SSL* s) {
  return s != nullptr ? s->quiet_shutdown : 0;
}

void SSL_set_shutdown(SSL* s, int mode) {
  if (quic::is_quic(s)) return;          // R50: not supported on QUIC objects
  if (s != nullptr) s->shutdown = mode;  // R2: a plain assignment
}
int SSL_get_shutdown(const SSL* s) {
  if (quic::is_quic(s)) return quic::get_shutdown(s);  // R48
  return s != nullptr ? s->shutdown : 0;
}

void SSL_set_verify(SSL* s, int mode, SSL_verify_cb callback) {
  if (s == nullptr) return;
  s->verify_mode = mode;
  if (callback != nullptr) s->verify_callback = callback;
  s->own_settings = true;
}
void SSL_set_verify_depth(SSL* s, int depth) {
  if (s != nullptr) X509_VERIFY_PARAM_set_depth(s->param, depth);
}
int SSL_get_verify_mode(const SSL* s) {
  return s != nullptr ? s->verify_mode : 0;
}
int SSL_get_verify_depth(const SSL* s) {
  return s != nullptr ? X509_VERIFY_PARAM_get_depth(s->param) : -1;
}
SSL_verify_cb SSL_get_verify_callback(const SSL* s) {
  return s != nullptr ? s->verify_callback : nullptr;
}
long SSL_get_verify_result(const SSL* s) {
  return s != nullptr ? s->verify_result : X509_V_OK;
}
void SSL_set_verify_result(SSL* s, long result) {
  if (s != nullptr) s->verify_result = result;
}

static int SSL_set_session_id_context_body(SSL* s, const unsigned char* sid_ctx, unsigned int len) {
  if (s == nullptr) return 0;
  if (len > SSL_MAX_SID_CTX_LENGTH) {
    COMPAT_RAISE(nullptr, SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
    return 0;
  }
  if (sid_ctx == nullptr && len > 0) return 0;
  s->sid_ctx.assign(sid_ctx, sid_ctx + len);
  return 1;
}
int SSL_set_session_id_context(SSL* s, const unsigned char* sid_ctx, unsigned int len) {
  return guard<int>(nullptr, 0, [&] { return SSL_set_session_id_context_body(s, sid_ctx, len); });
}

int SSL_set_num_tickets(SSL* s, size_t n) {
  if (s == nullptr) return 0;
  s->num_tickets = n;
  s->own_settings = true;
  return 1;
}
size_t SSL_get_num_tickets(const SSL* s) {
  return s != nullptr ? s->num_tickets : 0;
}

static int SSL_set_alpn_protos_body(SSL* s, const unsigned char* protos, unsigned int len) {
  if (s == nullptr) return 1;
  if (protos == nullptr || len == 0) {
    s->alpn.clear();
    s->own_settings = true;
    return 0;
  }
  for (unsigned i = 0; i < len;) {
    if (protos[i] == 0 || i + 1 + protos[i] > len) return 1;  // malformed: OpenSSL returns 1
    i += 1 + protos[i];
  }
  s->alpn.assign(protos, protos + len);
  s->own_settings = true;
  return 0;
}
int SSL_set_alpn_protos(SSL* s, const unsigned char* protos, unsigned int len) {
  return guard<int>(nullptr, 1, [&] { return SSL_set_alpn_protos_body(s, protos, len); });
}

void SSL_get0_alpn_selected(const SSL* s, const unsigned char** data, unsigned int* len) {
  const std::string* alpn = nullptr;
  if (s != nullptr && s->conn != nullptr && s->handshake_finished) alpn = &s->conn->alpn();
  if (s != nullptr && alpn == nullptr && !s->alpn_selected.empty()) alpn = &s->alpn_selected;
  if (data != nullptr) {
    *data = alpn != nullptr && !alpn->empty() ? reinterpret_cast<const unsigned char*>(alpn->data())
                                              : nullptr;
  }
  if (len != nullptr) *len = alpn != nullptr ? static_cast<unsigned>(alpn->size()) : 0;
}

const char* SSL_get_servername(const SSL* s, const int type) {
  if (s == nullptr || type != TLSEXT_NAMETYPE_host_name) return nullptr;
  if (s->server) {
    if (!s->peer_hostname.empty()) return s->peer_hostname.c_str();
    if (s->conn != nullptr && !s->conn->server_name().empty())
      return s->conn->server_name().c_str();
    return nullptr;
  }
  return s->hostname.empty() ? nullptr : s->hostname.c_str();
}

int SSL_get_servername_type(const SSL* s) {
  return SSL_get_servername(s, TLSEXT_NAMETYPE_host_name) != nullptr ? TLSEXT_NAMETYPE_host_name
                                                                     : -1;
}

SSL_CTX* SSL_get_SSL_CTX(const SSL* s) {
  return s != nullptr ? s->ctx : nullptr;
}

SSL_CTX* SSL_set_SSL_CTX(SSL* s, SSL_CTX* ctx) {
  if (s == nullptr) return nullptr;
  if (ctx == nullptr) ctx = s->session_ctx;
  if (ctx == s->ctx) return ctx;
  // OpenSSL's SSL takes a copy of the new context's CERT: its certificate,
  // key and chain, certificate callback and verify store.
  STACK_OF(X509)* chain = ctx->chain != nullptr ? X509_chain_up_ref(ctx->chain) : nullptr;
  if (ctx->chain != nullptr && chain == nullptr) return nullptr;
  X509_free(s->cert);
  s->cert = nullptr;
  EVP_PKEY_free(s->key);
  s->key = nullptr;
  sk_X509_pop_free(s->chain, X509_free);
  s->chain = chain;
  s->cert_cb = nullptr;
  s->cert_cb_arg = nullptr;
  X509_STORE_free(s->verify_store);
  s->verify_store = nullptr;
  if (ctx->verify_store != nullptr && X509_STORE_up_ref(ctx->verify_store) == 1) {
    s->verify_store = ctx->verify_store;
  }
  SSL_CTX_up_ref(ctx);
  // OpenSSL copies the new context's session id context when it was the old one's.
  if (s->sid_ctx == s->ctx->sid_ctx) s->sid_ctx = ctx->sid_ctx;
  SSL_CTX_free(s->ctx);
  s->ctx = ctx;
  return ctx;
}

int SSL_set_ex_data(SSL* s, int idx, void* data) {
  return s != nullptr ? CRYPTO_set_ex_data(&s->ex_data, idx, data) : 0;
}
void* SSL_get_ex_data(const SSL* s, int idx) {
  return s != nullptr ? CRYPTO_get_ex_data(&s->ex_data, idx) : nullptr;
}

// --- State ------------------------------------------------------------------------

// 0 where OpenSSL's handshake stopped for early data (TLS_ST_EARLY_DATA).
int SSL_in_init(const SSL* s) {
  return s != nullptr && in_init(s) && !s->early_data_paused ? 1 : 0;
}
int SSL_in_before(const SSL* s) {
  return s != nullptr && in_before(s) ? 1 : 0;
}
int SSL_is_init_finished(const SSL* s) {
  return s != nullptr && !in_init(s) ? 1 : 0;
}
int SSL_want(const SSL* s) {
  return s != nullptr ? s->rwstate : SSL_NOTHING;
}

OSSL_HANDSHAKE_STATE SSL_get_state(const SSL* s) {
  if (s == nullptr || in_before(s)) return TLS_ST_BEFORE;
  return in_init(s) ? (s->server ? TLS_ST_SR_CLNT_HELLO : TLS_ST_CW_CLNT_HELLO) : TLS_ST_OK;
}

const char* SSL_state_string_long(const SSL* s) {
  if (s == nullptr) return "error";
  if (s->fatal) return "error";
  if (in_before(s)) return "before SSL initialization";
  return in_init(s) ? "SSL negotiation" : "SSL negotiation finished successfully";
}

const char* SSL_state_string(const SSL* s) {
  if (s == nullptr || s->fatal) return "SSLERR";
  if (in_before(s)) return "PINIT";
  return in_init(s) ? "UNKWN" : "SSLOK";
}

const SSL_CIPHER* SSL_get_current_cipher(const SSL* s) {
  if (s == nullptr || s->conn == nullptr || !s->conn->handshake_done()) return nullptr;
  return cipher_by_id(s->conn->cipher_suite());
}

X509* SSL_get0_peer_certificate(const SSL* s) {
  if (s == nullptr || s->session == nullptr) return nullptr;
  return s->session->peer;
}

X509* SSL_get1_peer_certificate(const SSL* s) {
  X509* peer = SSL_get0_peer_certificate(s);
  if (peer != nullptr) X509_up_ref(peer);
  return peer;
}

static int SSL_key_update_body(SSL* s, int updatetype) {
  if (s == nullptr) return 0;
  // OpenSSL knows the version once the hellos are processed; TLS 1.2 has
  // no KeyUpdate.
  if (s->conn == nullptr || s->conn->cipher_suite() == 0 || current_version(s) != TLS1_3_VERSION) {
    COMPAT_RAISE(nullptr, SSL_R_WRONG_SSL_VERSION);
    return 0;
  }
  if (updatetype != SSL_KEY_UPDATE_NOT_REQUESTED && updatetype != SSL_KEY_UPDATE_REQUESTED) {
    COMPAT_RAISE(nullptr, SSL_R_INVALID_KEY_UPDATE_TYPE);
    return 0;
  }
  if (!SSL_is_init_finished(s)) {
    COMPAT_RAISE(nullptr, SSL_R_STILL_IN_INIT);
    return 0;
  }
  if (s->conn != nullptr && !s->conn->pending_output().empty()) {
    COMPAT_RAISE(nullptr, SSL_R_BAD_WRITE_RETRY);
    return 0;
  }
  // Sent at the next SSL_do_handshake/SSL_write/SSL_read; until then the
  // connection is "in init" (R7, K1).
  s->key_update_pending = true;
  s->key_update_type = updatetype;
  return 1;
}
int SSL_key_update(SSL* s, int updatetype) {
  return guard<int>(s, 0, [&] { return SSL_key_update_body(s, updatetype); });
}

int SSL_get_key_update_type(const SSL* s) {
  return s != nullptr ? s->key_update_type : SSL_KEY_UPDATE_NONE;
}

}  // extern "C"

// --- Randoms and exported keying material ----------------------------------------------

namespace {

size_t copy_random(const std::array<uint8_t, 32>* random, unsigned char* out, size_t outlen) {
  static const std::array<uint8_t, 32> kZeros{};
  if (random == nullptr) random = &kZeros;  // OpenSSL's are zeros until known
  if (outlen == 0) return random->size();
  outlen = std::min(outlen, random->size());
  if (out != nullptr) memcpy(out, random->data(), outlen);
  return outlen;
}

// tls1_export_keying_material refuses a seed that starts like one of the
// PRF's own labels (RFC 5705 section 4).
bool reserved_tls12_label(const char* label, size_t len) {
  static const char* const kReserved[] = {"client finished", "server finished", "master secret",
                                          "extended master secret", "key expansion"};
  for (const char* r : kReserved) {
    size_t n = strlen(r);
    if (len >= n && memcmp(label, r, n) == 0) return true;
  }
  return false;
}

}  // namespace

extern "C" {

size_t SSL_get_client_random(const SSL* s, unsigned char* out, size_t outlen) {
  return copy_random(s != nullptr && s->conn != nullptr ? &s->conn->client_random() : nullptr, out,
                     outlen);
}

size_t SSL_get_server_random(const SSL* s, unsigned char* out, size_t outlen) {
  return copy_random(s != nullptr && s->conn != nullptr ? &s->conn->server_random() : nullptr, out,
                     outlen);
}

// The verify_data of the last Finished sent / received (tls-unique, RFC
// 5929), as ssl_lib.c: its whole length is returned, at most `count` bytes
// copied; 0 before there is one.
static size_t copy_finished(const SSL* s, bool local, void* buf, size_t count) {
  if (s == nullptr || s->conn == nullptr) return 0;
  const std::span<const uint8_t> fin = s->conn->finished(local);
  if (buf != nullptr && !fin.empty()) memcpy(buf, fin.data(), std::min(count, fin.size()));
  return fin.size();
}
size_t SSL_get_finished(const SSL* s, void* buf, size_t count) {
  return copy_finished(s, true, buf, count);
}
size_t SSL_get_peer_finished(const SSL* s, void* buf, size_t count) {
  return copy_finished(s, false, buf, count);
}

// RFC 5705 (TLS 1.2: no context and an empty one differ) and RFC 8446
// section 7.5 (TLS 1.3: no context is an empty one).
static int SSL_export_keying_material_body(SSL* s, unsigned char* out, size_t olen,
                                           const char* label, size_t llen,
                                           const unsigned char* context, size_t contextlen,
                                           int use_context) {
  if (s == nullptr || s->session == nullptr) return -1;
  if (s->conn == nullptr || !s->conn->handshake_done()) {
    ERR_raise(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR);  // as OpenSSL mid-handshake
    return 0;
  }
  if (out == nullptr || (label == nullptr && llen > 0) || (context == nullptr && contextlen > 0)) {
    return 0;
  }
  const bool tls12 = s->conn->version() == TLS1_2_VERSION;
  if (tls12 && reserved_tls12_label(label, llen)) {
    COMPAT_RAISE(nullptr, SSL_R_TLS_ILLEGAL_EXPORTER_LABEL);
    return 0;
  }
  std::optional<std::span<const uint8_t>> ctx;
  if (use_context != 0) ctx = std::span<const uint8_t>(context, contextlen);
  if (!s->conn->export_keying_material(std::string_view(label, llen), ctx,
                                       std::span<uint8_t>(out, olen))) {
    ERR_raise(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR);
    return 0;
  }
  return 1;
}
int SSL_export_keying_material(SSL* s, unsigned char* out, size_t olen, const char* label,
                               size_t llen, const unsigned char* context, size_t contextlen,
                               int use_context) {
  return guard<int>(nullptr, 0, [&] {
    return SSL_export_keying_material_body(s, out, olen, label, llen, context, contextlen,
                                           use_context);
  });
}

}  // extern "C"
