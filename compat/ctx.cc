// SSL_CTX: creation, options, verification settings, certificates and keys,
// trust, suites, ALPN, SNI and keylog callbacks.
#include <openssl/pem.h>

#include "compat/internal.h"

using namespace adieu::compat;

namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr open_file(const char* file) {
  BioPtr in(BIO_new(BIO_s_file()));
  if (!in || file == nullptr || BIO_read_filename(in.get(), file) <= 0) {
    ERR_raise(ERR_LIB_SSL, ERR_R_SYS_LIB);
    return nullptr;
  }
  return in;
}

// The context's password callback decrypts encrypted PEM files.
X509* read_cert_file(const SSL_CTX* ctx, const char* file, int type) {
  BioPtr in = open_file(file);
  if (!in) return nullptr;
  X509* x = nullptr;
  if (type == SSL_FILETYPE_PEM) {
    x = PEM_read_bio_X509(in.get(), nullptr, ctx->passwd_cb, ctx->passwd_arg);
    if (x == nullptr) ERR_raise(ERR_LIB_SSL, ERR_R_PEM_LIB);
  } else if (type == SSL_FILETYPE_ASN1) {
    x = d2i_X509_bio(in.get(), nullptr);
    if (x == nullptr) ERR_raise(ERR_LIB_SSL, ERR_R_ASN1_LIB);
  } else {
    ERR_raise(ERR_LIB_SSL, SSL_R_BAD_SSL_FILETYPE);
  }
  return x;
}

EVP_PKEY* read_key_file(const SSL_CTX* ctx, const char* file, int type) {
  BioPtr in = open_file(file);
  if (!in) return nullptr;
  EVP_PKEY* k = nullptr;
  if (type == SSL_FILETYPE_PEM) {
    k = PEM_read_bio_PrivateKey(in.get(), nullptr, ctx->passwd_cb, ctx->passwd_arg);
    if (k == nullptr) ERR_raise(ERR_LIB_SSL, ERR_R_PEM_LIB);
  } else if (type == SSL_FILETYPE_ASN1) {
    k = d2i_PrivateKey_bio(in.get(), nullptr);
    if (k == nullptr) ERR_raise(ERR_LIB_SSL, ERR_R_ASN1_LIB);
  } else {
    ERR_raise(ERR_LIB_SSL, SSL_R_BAD_SSL_FILETYPE);
  }
  return k;
}

// A PEM file of a leaf and its chain (use_certificate_chain_file).
bool read_chain_file(const SSL_CTX* ctx, const char* file, X509** leaf, STACK_OF(X509) * *chain) {
  BioPtr in = open_file(file);
  if (!in) return false;
  *leaf = PEM_read_bio_X509_AUX(in.get(), nullptr, ctx->passwd_cb, ctx->passwd_arg);
  if (*leaf == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PEM_LIB);
    return false;
  }
  *chain = sk_X509_new_null();
  for (;;) {
    X509* ca = PEM_read_bio_X509(in.get(), nullptr, ctx->passwd_cb, ctx->passwd_arg);
    if (ca == nullptr) break;
    if (*chain == nullptr || sk_X509_push(*chain, ca) == 0) {
      X509_free(ca);
      break;
    }
  }
  // The end of the file is the normal way out of the loop.
  unsigned long err = ERR_peek_last_error();
  if (*chain != nullptr && ERR_GET_LIB(err) == ERR_LIB_PEM &&
      ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
    ERR_clear_error();
    return true;
  }
  X509_free(*leaf);
  sk_X509_pop_free(*chain, X509_free);
  *leaf = nullptr;
  *chain = nullptr;
  return false;
}

// OpenSSL keeps one certificate and key per key type; adieu keeps one pair. A
// key of another type than the certificate would go to another slot there.
// The slot a key belongs in (ssl_cert_lookup_by_pkey): its type.
int slot_type(const EVP_PKEY* key) {
  return key != nullptr ? EVP_PKEY_get_base_id(key) : EVP_PKEY_NONE;
}
int current_slot_type(const SSL_CTX* ctx) {
  return ctx->cert != nullptr ? slot_type(X509_get0_pubkey(ctx->cert)) : slot_type(ctx->key);
}

// The certificate of the slot of `type` (nullptr when it has none).
X509* slot_certificate(const SSL_CTX* ctx, int type) {
  if (current_slot_type(ctx) == type) return ctx->cert;
  for (const CertSlot& slot : ctx->other_slots) {
    if (slot_type(X509_get0_pubkey(slot.cert)) == type) return slot.cert;
  }
  return nullptr;
}

// Makes the slot of `type` the current one (OpenSSL's c->key =
// &c->pkeys[i]): the current certificate, chain and key go to their slot,
// that slot's (empty when it has none) come to cert/chain/key. An empty
// current slot (nothing set yet, or only chain certificates) stays as it is.
void select_slot(SSL_CTX* ctx, int type) {
  if ((ctx->cert == nullptr && ctx->key == nullptr) || current_slot_type(ctx) == type) return;
  CertSlot selected;
  for (auto it = ctx->other_slots.begin(); it != ctx->other_slots.end(); ++it) {
    if (slot_type(it->cert != nullptr ? X509_get0_pubkey(it->cert) : it->key) == type) {
      selected = *it;
      ctx->other_slots.erase(it);
      break;
    }
  }
  ctx->other_slots.push_back({ctx->cert, ctx->chain, ctx->key});
  ctx->cert = selected.cert;
  ctx->chain = selected.chain;
  ctx->key = selected.key;
}

// ssl_set_pkey / ssl_set_cert: a key must match the certificate it joins.
bool key_matches(X509* cert, EVP_PKEY* key) {
  return cert == nullptr || key == nullptr || X509_check_private_key(cert, key) == 1;
}

bool valid_alpn(const unsigned char* protos, unsigned int len) {
  for (unsigned i = 0; i < len;) {
    if (protos[i] == 0 || i + 1 + protos[i] > len) return false;
    i += 1 + protos[i];
  }
  return true;
}

}  // namespace

extern "C" {

int OPENSSL_init_ssl(uint64_t opts, const OPENSSL_INIT_SETTINGS* settings) {
  if (OPENSSL_init_crypto(opts | OPENSSL_INIT_LOAD_CONFIG, settings) == 0) return 0;
  load_error_strings();
  return 1;
}

static SSL_CTX* SSL_CTX_new_ex_body(OSSL_LIB_CTX* libctx, const char* propq,
                                    const SSL_METHOD* method) {
  load_error_strings();
  if (method == nullptr) {
    COMPAT_RAISE(nullptr, SSL_R_NULL_SSL_METHOD_PASSED);
    return nullptr;
  }
  // What may throw comes first: nothing is left half made.
  auto ticket_keys = std::make_shared<adieu::TicketKeys>();
  auto engine_sessions = std::make_shared<adieu::SessionCache>(
      static_cast<size_t>(SSL_SESSION_CACHE_MAX_SIZE_DEFAULT), uint32_t{7200});
  SSL_CTX* ctx = new (std::nothrow) SSL_CTX;
  if (ctx == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    return nullptr;
  }
  ctx->method = method;
  ctx->options = SSL_OP_NO_COMPRESSION | SSL_OP_ENABLE_MIDDLEBOX_COMPAT;
  ctx->mode = SSL_MODE_AUTO_RETRY;
  ctx->store = X509_STORE_new();
  ctx->param = X509_VERIFY_PARAM_new();
  if (ctx->store == nullptr || ctx->param == nullptr) {
    X509_STORE_free(ctx->store);
    X509_VERIFY_PARAM_free(ctx->param);
    delete ctx;
    ERR_raise(ERR_LIB_SSL, ERR_R_X509_LIB);
    return nullptr;
  }
  ctx->ticket_keys = std::move(ticket_keys);
  ctx->engine_sessions = std::move(engine_sessions);
  CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL_CTX, ctx, &ctx->ex_data);
  return ctx;
}
SSL_CTX* SSL_CTX_new_ex(OSSL_LIB_CTX* libctx, const char* propq, const SSL_METHOD* method) {
  return guard<SSL_CTX*>(nullptr, nullptr,
                         [&] { return SSL_CTX_new_ex_body(libctx, propq, method); });
}

SSL_CTX* SSL_CTX_new(const SSL_METHOD* method) {
  return SSL_CTX_new_ex(nullptr, nullptr, method);
}

int SSL_CTX_up_ref(SSL_CTX* ctx) {
  if (ctx == nullptr) return 0;
  ctx->references.fetch_add(1);
  return 1;
}

void SSL_CTX_free(SSL_CTX* ctx) {
  if (ctx == nullptr || ctx->references.fetch_sub(1) != 1) return;
  CRYPTO_free_ex_data(CRYPTO_EX_INDEX_SSL_CTX, ctx, &ctx->ex_data);
  // Sessions still cached leave with the context (OpenSSL flushes them all).
  SSL_CTX_flush_sessions(ctx, 0);
  X509_STORE_free(ctx->store);
  X509_STORE_free(ctx->verify_store);
  X509_VERIFY_PARAM_free(ctx->param);
  sk_X509_NAME_pop_free(ctx->ca_names, X509_NAME_free);
  sk_X509_NAME_pop_free(ctx->client_ca_names, X509_NAME_free);
  X509_free(ctx->cert);
  sk_X509_pop_free(ctx->chain, X509_free);
  EVP_PKEY_free(ctx->key);
  for (CertSlot& slot : ctx->other_slots) {
    X509_free(slot.cert);
    sk_X509_pop_free(slot.chain, X509_free);
    EVP_PKEY_free(slot.key);
  }
  delete ctx;
}

const SSL_METHOD* SSL_CTX_get_ssl_method(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->method : nullptr;
}
const SSL_METHOD* SSL_get_ssl_method(const SSL* s) {
  return s != nullptr ? s->ctx->method : nullptr;
}

uint64_t SSL_CTX_get_options(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->options : 0;
}
uint64_t SSL_CTX_set_options(SSL_CTX* ctx, uint64_t op) {
  if (ctx == nullptr) return 0;
  ctx->options |= op;
  ctx_changed(ctx);  // versions, tickets
  return ctx->options;
}
uint64_t SSL_CTX_clear_options(SSL_CTX* ctx, uint64_t op) {
  if (ctx == nullptr) return 0;
  ctx->options &= ~op;
  ctx_changed(ctx);
  return ctx->options;
}

void SSL_CTX_set_verify(SSL_CTX* ctx, int mode, SSL_verify_cb callback) {
  if (ctx == nullptr) return;
  ctx->verify_mode = mode;
  ctx->verify_callback = callback;
  ctx_changed(ctx);
}
void SSL_CTX_set_verify_depth(SSL_CTX* ctx, int depth) {
  if (ctx != nullptr) X509_VERIFY_PARAM_set_depth(ctx->param, depth);
}
int SSL_CTX_get_verify_mode(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->verify_mode : 0;
}
int SSL_CTX_get_verify_depth(const SSL_CTX* ctx) {
  return ctx != nullptr ? X509_VERIFY_PARAM_get_depth(ctx->param) : -1;
}
SSL_verify_cb SSL_CTX_get_verify_callback(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->verify_callback : nullptr;
}

// --- Certificates and keys -------------------------------------------------------

int SSL_CTX_use_certificate(SSL_CTX* ctx, X509* x) {
  if (ctx == nullptr || x == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    return 0;
  }
  select_slot(ctx, slot_type(X509_get0_pubkey(x)));
  if (ctx->key != nullptr && X509_check_private_key(x, ctx->key) != 1) {
    // OpenSSL drops a key that does not match the new certificate.
    ERR_clear_error();
    EVP_PKEY_free(ctx->key);
    ctx->key = nullptr;
  }
  X509_up_ref(x);
  X509_free(ctx->cert);
  ctx->cert = x;
  ctx_changed(ctx);
  return 1;
}

int SSL_CTX_use_certificate_file(SSL_CTX* ctx, const char* file, int type) {
  if (ctx == nullptr) return 0;
  X509* x = read_cert_file(ctx, file, type);
  if (x == nullptr) return 0;
  int ret = SSL_CTX_use_certificate(ctx, x);
  X509_free(x);
  return ret;
}

int SSL_CTX_use_certificate_ASN1(SSL_CTX* ctx, int len, const unsigned char* d) {
  if (ctx == nullptr || d == nullptr) return 0;
  X509* x = d2i_X509(nullptr, &d, len);
  if (x == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_ASN1_LIB);
    return 0;
  }
  int ret = SSL_CTX_use_certificate(ctx, x);
  X509_free(x);
  return ret;
}

int SSL_CTX_use_certificate_chain_file(SSL_CTX* ctx, const char* file) {
  if (ctx == nullptr) return 0;
  X509* leaf = nullptr;
  STACK_OF(X509)* chain = nullptr;
  if (!read_chain_file(ctx, file, &leaf, &chain)) return 0;
  int ret = SSL_CTX_use_certificate(ctx, leaf);
  X509_free(leaf);
  if (ret != 1) {
    sk_X509_pop_free(chain, X509_free);
    return 0;
  }
  sk_X509_pop_free(ctx->chain, X509_free);
  ctx->chain = chain;
  ctx_changed(ctx);
  return 1;
}

int SSL_use_certificate_chain_file(SSL* s, const char* file) {
  if (s == nullptr) return 0;
  X509* leaf = nullptr;
  STACK_OF(X509)* chain = nullptr;
  if (!read_chain_file(s->ctx, file, &leaf, &chain)) return 0;
  int ret = SSL_use_certificate(s, leaf);
  X509_free(leaf);
  if (ret != 1) {
    sk_X509_pop_free(chain, X509_free);
    return 0;
  }
  sk_X509_pop_free(s->chain, X509_free);
  s->chain = chain;
  return 1;
}

int SSL_CTX_use_PrivateKey(SSL_CTX* ctx, EVP_PKEY* pkey) {
  if (ctx == nullptr || pkey == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    return 0;
  }
  if (!key_matches(slot_certificate(ctx, slot_type(pkey)), pkey)) return 0;
  select_slot(ctx, slot_type(pkey));
  EVP_PKEY_up_ref(pkey);
  EVP_PKEY_free(ctx->key);
  ctx->key = pkey;
  ctx_changed(ctx);
  return 1;
}

int SSL_CTX_use_PrivateKey_file(SSL_CTX* ctx, const char* file, int type) {
  if (ctx == nullptr) return 0;
  EVP_PKEY* k = read_key_file(ctx, file, type);
  if (k == nullptr) return 0;
  int ret = SSL_CTX_use_PrivateKey(ctx, k);
  EVP_PKEY_free(k);
  return ret;
}

int SSL_CTX_check_private_key(const SSL_CTX* ctx) {
  if (ctx == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    return 0;
  }
  if (ctx->cert == nullptr) {
    COMPAT_RAISE(nullptr, SSL_R_NO_CERTIFICATE_ASSIGNED);
    return 0;
  }
  if (ctx->key == nullptr) {
    COMPAT_RAISE(nullptr, SSL_R_NO_PRIVATE_KEY_ASSIGNED);
    return 0;
  }
  return X509_check_private_key(ctx->cert, ctx->key);
}

X509* SSL_CTX_get0_certificate(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->cert : nullptr;
}
EVP_PKEY* SSL_CTX_get0_privatekey(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->key : nullptr;
}

int SSL_use_certificate(SSL* s, X509* x) {
  if (s == nullptr || x == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    return 0;
  }
  X509_up_ref(x);
  X509_free(s->cert);
  s->cert = x;
  s->own_settings = true;
  return 1;
}

int SSL_use_certificate_file(SSL* s, const char* file, int type) {
  if (s == nullptr) return 0;
  X509* x = read_cert_file(s->ctx, file, type);
  if (x == nullptr) return 0;
  int ret = SSL_use_certificate(s, x);
  X509_free(x);
  return ret;
}

int SSL_use_PrivateKey(SSL* s, EVP_PKEY* pkey) {
  if (s == nullptr || pkey == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    return 0;
  }
  if (!key_matches(s->cert != nullptr ? s->cert : s->ctx->cert, pkey)) return 0;
  EVP_PKEY_up_ref(pkey);
  EVP_PKEY_free(s->key);
  s->key = pkey;
  s->own_settings = true;
  return 1;
}

int SSL_use_PrivateKey_file(SSL* s, const char* file, int type) {
  if (s == nullptr) return 0;
  EVP_PKEY* k = read_key_file(s->ctx, file, type);
  if (k == nullptr) return 0;
  int ret = SSL_use_PrivateKey(s, k);
  EVP_PKEY_free(k);
  return ret;
}

int SSL_check_private_key(const SSL* s) {
  if (s == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    return 0;
  }
  X509* cert = s->cert != nullptr ? s->cert : s->ctx->cert;
  EVP_PKEY* key = s->key != nullptr ? s->key : s->ctx->key;
  if (cert == nullptr) {
    COMPAT_RAISE(nullptr, SSL_R_NO_CERTIFICATE_ASSIGNED);
    return 0;
  }
  if (key == nullptr) {
    COMPAT_RAISE(nullptr, SSL_R_NO_PRIVATE_KEY_ASSIGNED);
    return 0;
  }
  return X509_check_private_key(cert, key);
}

X509* SSL_get_certificate(const SSL* s) {
  if (s == nullptr) return nullptr;
  return s->cert != nullptr ? s->cert : s->ctx->cert;
}
EVP_PKEY* SSL_get_privatekey(const SSL* s) {
  if (s == nullptr) return nullptr;
  return s->key != nullptr ? s->key : s->ctx->key;
}

// --- Trust ----------------------------------------------------------------------------

int SSL_CTX_load_verify_locations(SSL_CTX* ctx, const char* CAfile, const char* CApath) {
  if (ctx == nullptr || ctx->store == nullptr || (CAfile == nullptr && CApath == nullptr)) {
    return 0;
  }
  return X509_STORE_load_locations(ctx->store, CAfile, CApath) == 1 ? 1 : 0;
}

int SSL_CTX_load_verify_file(SSL_CTX* ctx, const char* CAfile) {
  return CAfile != nullptr ? SSL_CTX_load_verify_locations(ctx, CAfile, nullptr) : 0;
}
int SSL_CTX_load_verify_dir(SSL_CTX* ctx, const char* CApath) {
  return CApath != nullptr ? SSL_CTX_load_verify_locations(ctx, nullptr, CApath) : 0;
}

int SSL_CTX_set_default_verify_paths(SSL_CTX* ctx) {
  if (ctx == nullptr || ctx->store == nullptr) return 0;
  return X509_STORE_set_default_paths(ctx->store) == 1 ? 1 : 0;
}

X509_STORE* SSL_CTX_get_cert_store(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->store : nullptr;
}
// Takes `store` over (NULL: no trust at all).
void SSL_CTX_set_cert_store(SSL_CTX* ctx, X509_STORE* store) {
  if (ctx == nullptr) return;
  X509_STORE_free(ctx->store);
  ctx->store = store;
}
void SSL_CTX_set1_cert_store(SSL_CTX* ctx, X509_STORE* store) {
  if (ctx == nullptr) return;
  if (store != nullptr) X509_STORE_up_ref(store);
  SSL_CTX_set_cert_store(ctx, store);
}

// --- Suites, ALPN, callbacks -------------------------------------------------------------

static int SSL_CTX_set_alpn_protos_body(SSL_CTX* ctx, const unsigned char* protos,
                                        unsigned int len) {
  if (ctx == nullptr) return 1;
  if (protos == nullptr || len == 0) {
    ctx->alpn.clear();
    ctx_changed(ctx);
    return 0;
  }
  if (!valid_alpn(protos, len)) return 1;
  ctx->alpn.assign(protos, protos + len);
  ctx_changed(ctx);
  return 0;
}
int SSL_CTX_set_alpn_protos(SSL_CTX* ctx, const unsigned char* protos, unsigned int len) {
  return guard<int>(nullptr, 1, [&] { return SSL_CTX_set_alpn_protos_body(ctx, protos, len); });
}

void SSL_CTX_set_alpn_select_cb(SSL_CTX* ctx, SSL_CTX_alpn_select_cb_func cb, void* arg) {
  if (ctx == nullptr) return;
  ctx->alpn_select_cb = cb;
  ctx->alpn_select_arg = arg;
}

// SSL_select_next_proto(3): the first of the server's protocols the client
// also offers; else the client's first with OPENSSL_NPN_NO_OVERLAP.
int SSL_select_next_proto(unsigned char** out, unsigned char* outlen, const unsigned char* server,
                          unsigned int server_len, const unsigned char* client,
                          unsigned int client_len) {
  if (out == nullptr || outlen == nullptr) return OPENSSL_NPN_NO_OVERLAP;
  if (server != nullptr && client != nullptr && valid_alpn(server, server_len) &&
      valid_alpn(client, client_len)) {
    for (unsigned i = 0; i < server_len; i += 1 + server[i]) {
      for (unsigned j = 0; j < client_len; j += 1 + client[j]) {
        if (server[i] == client[j] && memcmp(server + i + 1, client + j + 1, server[i]) == 0) {
          *out = const_cast<unsigned char*>(server + i + 1);
          *outlen = server[i];
          return OPENSSL_NPN_NEGOTIATED;
        }
      }
    }
  }
  if (client != nullptr && client_len > 0 && client[0] > 0 && client[0] < client_len) {
    *out = const_cast<unsigned char*>(client + 1);
    *outlen = client[0];
  } else {
    *out = nullptr;
    *outlen = 0;
  }
  return OPENSSL_NPN_NO_OVERLAP;
}

void SSL_CTX_set_keylog_callback(SSL_CTX* ctx, SSL_CTX_keylog_cb_func cb) {
  if (ctx == nullptr) return;
  ctx->keylog_cb = cb;
  ctx_changed(ctx);
}
SSL_CTX_keylog_cb_func SSL_CTX_get_keylog_callback(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->keylog_cb : nullptr;
}

// Passwords for encrypted PEM keys and certificates read by the *_file functions.
void SSL_CTX_set_default_passwd_cb(SSL_CTX* ctx, pem_password_cb* cb) {
  if (ctx != nullptr) ctx->passwd_cb = cb;
}
void SSL_CTX_set_default_passwd_cb_userdata(SSL_CTX* ctx, void* u) {
  if (ctx != nullptr) ctx->passwd_arg = u;
}
pem_password_cb* SSL_CTX_get_default_passwd_cb(SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->passwd_cb : nullptr;
}
void* SSL_CTX_get_default_passwd_cb_userdata(SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->passwd_arg : nullptr;
}

int SSL_CTX_set_ex_data(SSL_CTX* ctx, int idx, void* data) {
  return ctx != nullptr ? CRYPTO_set_ex_data(&ctx->ex_data, idx, data) : 0;
}
void* SSL_CTX_get_ex_data(const SSL_CTX* ctx, int idx) {
  return ctx != nullptr ? CRYPTO_get_ex_data(&ctx->ex_data, idx) : nullptr;
}

// A client's max_fragment_length request (RFC 6066): 0 (none) or 1-4 for
// 512, 1024, 2048, 4096 bytes; a server grants a client's request whatever it
// set, as OpenSSL's.
int SSL_CTX_set_tlsext_max_fragment_length(SSL_CTX* ctx, uint8_t mode) {
  if (ctx == nullptr) return 0;
  if (mode > TLSEXT_max_fragment_length_4096) {
    COMPAT_RAISE(nullptr, SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH);
    return 0;
  }
  ctx->max_fragment_mode = mode;
  ctx_changed(ctx);
  return 1;
}
int SSL_set_tlsext_max_fragment_length(SSL* s, uint8_t mode) {
  if (s == nullptr) return 0;
  if (mode > TLSEXT_max_fragment_length_4096) {
    COMPAT_RAISE(s, SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH);
    return 0;
  }
  s->max_fragment_mode = mode;
  s->own_settings = true;
  return 1;
}

}  // extern "C"
