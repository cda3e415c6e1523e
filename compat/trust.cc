// Verification settings and results (verify.cc does the verification):
// X509_VERIFY_PARAM (host names, depth, purpose, trust), the verify stores,
// the verify callback that replaces X509_verify_cert, the chains the peer sent
// and the one verification built, and the CA name lists.
#include <dirent.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <string>

#include "compat/internal.h"

namespace adieu::compat {
namespace {

void set_store(X509_STORE** slot, X509_STORE* store, bool take_reference) {
  if (take_reference && store != nullptr) X509_STORE_up_ref(store);
  X509_STORE_free(*slot);
  *slot = store;
}

void set_names(STACK_OF(X509_NAME) * *slot, STACK_OF(X509_NAME) * names) {
  sk_X509_NAME_pop_free(*slot, X509_NAME_free);
  *slot = names;
}

// Appends the subject of `x` to `*slot` (made when missing).
int add_name(STACK_OF(X509_NAME) * *slot, const X509* x) {
  if (x == nullptr) return 0;
  if (*slot == nullptr && (*slot = sk_X509_NAME_new_null()) == nullptr) return 0;
  X509_NAME* name = X509_NAME_dup(X509_get_subject_name(x));
  if (name == nullptr) return 0;
  if (sk_X509_NAME_push(*slot, name) <= 0) {
    X509_NAME_free(name);
    return 0;
  }
  return 1;
}

int name_cmp(const X509_NAME* const* a, const X509_NAME* const* b) {
  return X509_NAME_cmp(*a, *b);
}

}  // namespace

long verify_store_ctrl(X509_STORE** slot, int cmd, long larg, void* parg) {
  if (cmd == SSL_CTRL_SET_VERIFY_CERT_STORE) {
    set_store(slot, static_cast<X509_STORE*>(parg), larg != 0);
    return 1;
  }
  // SSL_CTRL_GET_VERIFY_CERT_STORE: the store set, else none (OpenSSL does
  // not fall back to the trust store here).
  if (parg == nullptr) return 0;
  *static_cast<X509_STORE**>(parg) = *slot;
  return 1;
}

bool peer_signature_nids(const SSL* s, int* digest_nid, int* type_nid) {
  if (s->conn == nullptr || !s->handshake_finished) return false;
  switch (s->conn->peer_signature_scheme()) {
    case 0x0401:
      *digest_nid = NID_sha256;
      *type_nid = NID_rsaEncryption;
      return true;
    case 0x0501:
      *digest_nid = NID_sha384;
      *type_nid = NID_rsaEncryption;
      return true;
    case 0x0601:
      *digest_nid = NID_sha512;
      *type_nid = NID_rsaEncryption;
      return true;
    case 0x0403:
      *digest_nid = NID_sha256;
      *type_nid = NID_X9_62_id_ecPublicKey;
      return true;
    case 0x0503:
      *digest_nid = NID_sha384;
      *type_nid = NID_X9_62_id_ecPublicKey;
      return true;
    case 0x0603:
      *digest_nid = NID_sha512;
      *type_nid = NID_X9_62_id_ecPublicKey;
      return true;
    case 0x0804:
    case 0x0809:
      *digest_nid = NID_sha256;
      *type_nid = NID_rsassaPss;
      return true;
    case 0x0805:
    case 0x080a:
      *digest_nid = NID_sha384;
      *type_nid = NID_rsassaPss;
      return true;
    case 0x0806:
    case 0x080b:
      *digest_nid = NID_sha512;
      *type_nid = NID_rsassaPss;
      return true;
    case 0x0807:
      *digest_nid = NID_undef;
      *type_nid = NID_ED25519;
      return true;
    case 0x0808:
      *digest_nid = NID_undef;
      *type_nid = NID_ED448;
      return true;
    default:
      return false;
  }
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

void SSL_CTX_set_cert_verify_callback(SSL_CTX* ctx, int (*cb)(X509_STORE_CTX*, void*), void* arg) {
  if (ctx == nullptr) return;
  ctx->app_verify_cb = cb;
  ctx->app_verify_arg = arg;
}

X509_VERIFY_PARAM* SSL_CTX_get0_param(SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->param : nullptr;
}
X509_VERIFY_PARAM* SSL_get0_param(SSL* s) {
  return s != nullptr ? s->param : nullptr;
}
int SSL_CTX_set1_param(SSL_CTX* ctx, X509_VERIFY_PARAM* vpm) {
  return ctx != nullptr && vpm != nullptr ? X509_VERIFY_PARAM_set1(ctx->param, vpm) : 0;
}
int SSL_set1_param(SSL* s, X509_VERIFY_PARAM* vpm) {
  return s != nullptr && vpm != nullptr ? X509_VERIFY_PARAM_set1(s->param, vpm) : 0;
}

int SSL_CTX_set_purpose(SSL_CTX* ctx, int purpose) {
  return ctx != nullptr ? X509_VERIFY_PARAM_set_purpose(ctx->param, purpose) : 0;
}
int SSL_set_purpose(SSL* s, int purpose) {
  return s != nullptr ? X509_VERIFY_PARAM_set_purpose(s->param, purpose) : 0;
}
int SSL_CTX_set_trust(SSL_CTX* ctx, int trust) {
  return ctx != nullptr ? X509_VERIFY_PARAM_set_trust(ctx->param, trust) : 0;
}
int SSL_set_trust(SSL* s, int trust) {
  return s != nullptr ? X509_VERIFY_PARAM_set_trust(s->param, trust) : 0;
}

// The only host name checks: the SNI name is never one (OpenSSL 3.0).
int SSL_set1_host(SSL* s, const char* hostname) {
  return s != nullptr ? X509_VERIFY_PARAM_set1_host(s->param, hostname, 0) : 0;
}
int SSL_add1_host(SSL* s, const char* hostname) {
  return s != nullptr ? X509_VERIFY_PARAM_add1_host(s->param, hostname, 0) : 0;
}
void SSL_set_hostflags(SSL* s, unsigned int flags) {
  if (s != nullptr) X509_VERIFY_PARAM_set_hostflags(s->param, flags);
}
const char* SSL_get0_peername(SSL* s) {
  return s != nullptr ? X509_VERIFY_PARAM_get0_peername(s->param) : nullptr;
}

STACK_OF(X509) * SSL_get0_verified_chain(const SSL* s) {
  return s != nullptr ? s->verified_chain : nullptr;
}
// A client's holds the server's certificate first; a server's lacks the
// client's certificate (OpenSSL's own inconsistency, documented).
STACK_OF(X509) * SSL_get_peer_cert_chain(const SSL* s) {
  return s != nullptr && s->session != nullptr ? s->session->peer_chain : nullptr;
}

// --- CA names ------------------------------------------------------------------
// Kept and returned; the engine sends no certificate_authorities extension and
// no CA names in its CertificateRequest (docs/compat.md).

void SSL_CTX_set0_CA_list(SSL_CTX* ctx, STACK_OF(X509_NAME) * name_list) {
  if (ctx != nullptr) set_names(&ctx->ca_names, name_list);
}
void SSL_set0_CA_list(SSL* s, STACK_OF(X509_NAME) * name_list) {
  if (s != nullptr) set_names(&s->ca_names, name_list);
}
const STACK_OF(X509_NAME) * SSL_CTX_get0_CA_list(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->ca_names : nullptr;
}
const STACK_OF(X509_NAME) * SSL_get0_CA_list(const SSL* s) {
  if (s == nullptr) return nullptr;
  return s->ca_names != nullptr ? s->ca_names : s->ctx->ca_names;
}
int SSL_CTX_add1_to_CA_list(SSL_CTX* ctx, const X509* x) {
  return ctx != nullptr ? add_name(&ctx->ca_names, x) : 0;
}
int SSL_add1_to_CA_list(SSL* s, const X509* x) {
  return s != nullptr ? add_name(&s->ca_names, x) : 0;
}

void SSL_CTX_set_client_CA_list(SSL_CTX* ctx, STACK_OF(X509_NAME) * name_list) {
  if (ctx != nullptr) set_names(&ctx->client_ca_names, name_list);
}
void SSL_set_client_CA_list(SSL* s, STACK_OF(X509_NAME) * name_list) {
  if (s != nullptr) set_names(&s->client_ca_names, name_list);
}
STACK_OF(X509_NAME) * SSL_CTX_get_client_CA_list(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->client_ca_names : nullptr;
}
// A server's list; a client would get the names the server sent, which the
// engine does not report: none.
STACK_OF(X509_NAME) * SSL_get_client_CA_list(const SSL* s) {
  if (s == nullptr || !s->server) return nullptr;
  return s->client_ca_names != nullptr ? s->client_ca_names : s->ctx->client_ca_names;
}
int SSL_CTX_add_client_CA(SSL_CTX* ctx, X509* x) {
  return ctx != nullptr ? add_name(&ctx->client_ca_names, x) : 0;
}
int SSL_add_client_CA(SSL* s, X509* x) {
  return s != nullptr ? add_name(&s->client_ca_names, x) : 0;
}

STACK_OF(X509_NAME) * SSL_dup_CA_list(const STACK_OF(X509_NAME) * sk) {
  STACK_OF(X509_NAME)* out = sk_X509_NAME_new_null();
  for (int i = 0; out != nullptr && i < sk_X509_NAME_num(sk); ++i) {
    X509_NAME* name = X509_NAME_dup(sk_X509_NAME_value(sk, i));
    if (name == nullptr || sk_X509_NAME_push(out, name) <= 0) {
      X509_NAME_free(name);
      sk_X509_NAME_pop_free(out, X509_NAME_free);
      ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
      return nullptr;
    }
  }
  return out;
}

// The subjects of the PEM certificates in `file`, each once; NULL when
// there are none or the file cannot be read.
STACK_OF(X509_NAME) * SSL_load_client_CA_file(const char* file) {
  BIO* in = file != nullptr ? BIO_new_file(file, "r") : nullptr;
  if (in == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_SYS_LIB);
    return nullptr;
  }
  STACK_OF(X509_NAME)* names = sk_X509_NAME_new(name_cmp);
  STACK_OF(X509_NAME)* out = sk_X509_NAME_new_null();
  bool ok = names != nullptr && out != nullptr;
  X509* x = nullptr;
  while (ok && (x = PEM_read_bio_X509(in, nullptr, nullptr, nullptr)) != nullptr) {
    X509_NAME* name = X509_NAME_dup(X509_get_subject_name(x));
    X509_free(x);
    if (name == nullptr) {
      ok = false;
    } else if (sk_X509_NAME_find(names, name) >= 0) {
      X509_NAME_free(name);
    } else if (sk_X509_NAME_push(names, name) <= 0) {
      X509_NAME_free(name);
      ok = false;
    } else {
      X509_NAME* copy = X509_NAME_dup(name);
      if (copy == nullptr || sk_X509_NAME_push(out, copy) <= 0) {
        X509_NAME_free(copy);
        ok = false;
      }
    }
  }
  BIO_free(in);
  sk_X509_NAME_pop_free(names, X509_NAME_free);
  if (ok && sk_X509_NAME_num(out) > 0) {
    ERR_clear_error();  // the end of the file
    return out;
  }
  sk_X509_NAME_pop_free(out, X509_NAME_free);
  return nullptr;
}

// The key type of the peer's signature in the handshake (SSL_get_peer_signature_nid
// is the ctrl: its digest).
int SSL_get_peer_signature_type_nid(const SSL* s, int* pnid) {
  int digest = NID_undef;
  return s != nullptr && pnid != nullptr && peer_signature_nids(s, &digest, pnid) ? 1 : 0;
}

// The subjects of the PEM certificates in `file` (or in each file of `dir`)
// added to `stack`, each name once.
int SSL_add_file_cert_subjects_to_stack(STACK_OF(X509_NAME) * stack, const char* file) {
  if (stack == nullptr) return 0;
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(file);
  if (names == nullptr) return 0;
  int ok = 1;
  for (int i = 0; ok == 1 && i < sk_X509_NAME_num(names); ++i) {
    X509_NAME* name = sk_X509_NAME_value(names, i);
    bool present = false;
    for (int j = 0; !present && j < sk_X509_NAME_num(stack); ++j) {
      present = X509_NAME_cmp(sk_X509_NAME_value(stack, j), name) == 0;
    }
    if (present) continue;
    X509_NAME* copy = X509_NAME_dup(name);
    if (copy == nullptr || sk_X509_NAME_push(stack, copy) <= 0) {
      X509_NAME_free(copy);
      ok = 0;
    }
  }
  sk_X509_NAME_pop_free(names, X509_NAME_free);
  return ok;
}

static int SSL_add_dir_cert_subjects_to_stack_body(STACK_OF(X509_NAME) * stack, const char* dir) {
  if (stack == nullptr || dir == nullptr) return 0;
  DIR* d = opendir(dir);
  if (d == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_SYS_LIB);
    return 0;
  }
  int ok = 1;
  while (const dirent* entry = readdir(d)) {
    std::string path = std::string(dir) + "/" + entry->d_name;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if ((ok = SSL_add_file_cert_subjects_to_stack(stack, path.c_str())) != 1) break;
  }
  closedir(d);
  return ok;
}
int SSL_add_dir_cert_subjects_to_stack(STACK_OF(X509_NAME) * stack, const char* dir) {
  return guard<int>(nullptr, 0,
                    [&] { return SSL_add_dir_cert_subjects_to_stack_body(stack, dir); });
}

// The default trust locations, each alone (as X509_STORE_set_default_paths
// does them all).
int SSL_CTX_set_default_verify_dir(SSL_CTX* ctx) {
  X509_LOOKUP* lookup = ctx != nullptr && ctx->store != nullptr
                            ? X509_STORE_add_lookup(ctx->store, X509_LOOKUP_hash_dir())
                            : nullptr;
  if (lookup == nullptr) return 0;
  ERR_set_mark();  // a missing default directory is no error
  X509_LOOKUP_add_dir(lookup, nullptr, X509_FILETYPE_DEFAULT);
  ERR_pop_to_mark();
  return 1;
}
int SSL_CTX_set_default_verify_file(SSL_CTX* ctx) {
  X509_LOOKUP* lookup = ctx != nullptr && ctx->store != nullptr
                            ? X509_STORE_add_lookup(ctx->store, X509_LOOKUP_file())
                            : nullptr;
  if (lookup == nullptr) return 0;
  ERR_set_mark();
  X509_LOOKUP_load_file(lookup, nullptr, X509_FILETYPE_DEFAULT);
  ERR_pop_to_mark();
  return 1;
}
int SSL_CTX_set_default_verify_store(SSL_CTX* ctx) {
  X509_LOOKUP* lookup = ctx != nullptr && ctx->store != nullptr
                            ? X509_STORE_add_lookup(ctx->store, X509_LOOKUP_store())
                            : nullptr;
  if (lookup == nullptr) return 0;
  ERR_set_mark();
  X509_LOOKUP_add_store(lookup, nullptr);
  ERR_pop_to_mark();
  return 1;
}
int SSL_CTX_load_verify_store(SSL_CTX* ctx, const char* CAstore) {
  if (ctx == nullptr || ctx->store == nullptr || CAstore == nullptr) return 0;
  return X509_STORE_load_store(ctx->store, CAstore) == 1 ? 1 : 0;
}

// The CA names the peer sent: the engine does not report them (deviation 6).
const STACK_OF(X509_NAME) * SSL_get0_peer_CA_list(const SSL* s) {
  return nullptr;
}

// The SSL's own certificate, key and chain dropped (the context's apply).
void SSL_certs_clear(SSL* s) {
  if (s == nullptr) return;
  X509_free(s->cert);
  s->cert = nullptr;
  EVP_PKEY_free(s->key);
  s->key = nullptr;
  sk_X509_pop_free(s->chain, X509_free);
  s->chain = nullptr;
  s->own_settings = true;
}

// The signature algorithm lists of the handshake are the engine's and not
// reported: none (deviations).
int SSL_get_sigalgs(SSL* s, int idx, int* psign, int* phash, int* psignandhash, unsigned char* rsig,
                    unsigned char* rhash) {
  return 0;
}
int SSL_get_shared_sigalgs(SSL* s, int idx, int* psign, int* phash, int* psignandhash,
                           unsigned char* rsig, unsigned char* rhash) {
  return 0;
}
// Not checked against the peer's algorithms: no flag is claimed.
int SSL_check_chain(SSL* s, X509* x, EVP_PKEY* pk, STACK_OF(X509) * chain) {
  return 0;
}

}  // extern "C"
