// The ctrl commands about our certificate and what goes with it, for the
// contexts and the SSLs: the chain (SSL_CTX_set0_chain, SSL_add1_chain_cert,
// SSL_get0_chain_certs), the current certificate (SSL_CTX_set_current_cert),
// DH parameters (SSL_CTX_set_tmp_dh: kept by nobody, adieu has no DHE suite)
// and OCSP stapling (the status type, callback and response: accepted,
// nothing is stapled or asked for).
#include "compat/internal.h"

namespace adieu::compat {
namespace {

// SSL_CTRL_CHAIN: set0 takes the stack, set1 a copy with its own references;
// NULL clears.
bool set_chain(STACK_OF(X509) * *slot, void* parg, bool copy) {
  auto* sk = static_cast<STACK_OF(X509)*>(parg);
  STACK_OF(X509)* mine = sk;
  if (sk != nullptr && copy && (mine = X509_chain_up_ref(sk)) == nullptr) return false;
  sk_X509_pop_free(*slot, X509_free);
  *slot = mine;
  return true;
}

// SSL_CTRL_CHAIN_CERT: add0 takes the reference, add1 takes its own.
bool add_chain_cert(STACK_OF(X509) * *slot, void* parg, bool copy) {
  auto* x = static_cast<X509*>(parg);
  if (x == nullptr) return false;
  if (*slot == nullptr && (*slot = sk_X509_new_null()) == nullptr) return false;
  if (copy && X509_up_ref(x) != 1) return false;
  if (sk_X509_push(*slot, x) <= 0) {
    if (copy) X509_free(x);
    return false;
  }
  return true;
}

}  // namespace

long certificate_ctrl(X509* cert, STACK_OF(X509) * *chain, CertificateExtras* extras, int cmd,
                      long larg, void* parg, bool* handled) {
  *handled = true;
  switch (cmd) {
    case SSL_CTRL_CHAIN:
      return set_chain(chain, parg, larg != 0) ? 1 : 0;
    case SSL_CTRL_CHAIN_CERT:
      return add_chain_cert(chain, parg, larg != 0) ? 1 : 0;
    case SSL_CTRL_GET_CHAIN_CERTS:
      if (parg == nullptr) return 0;
      *static_cast<STACK_OF(X509)**>(parg) = *chain;
      return 1;
    // The current certificate only (docs/compat.md, deviation 8): it is
    // the first and the last.
    case SSL_CTRL_SET_CURRENT_CERT:
      return larg == SSL_CERT_SET_FIRST && cert != nullptr ? 1 : 0;
    case SSL_CTRL_SELECT_CURRENT_CERT:
      return parg != nullptr && parg == cert ? 1 : 0;
    // DH parameters: no DHE suite uses them (TLS 1.2's are ECDHE only, TLS
    // 1.3 takes groups); accepted, as OpenSSL 3 accepts them for TLS 1.3.
    case SSL_CTRL_SET_TMP_DH:
      if (parg == nullptr) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        return 0;
      }
      return 1;
    // OCSP stapling: kept, nothing stapled (docs/compat.md, deviations).
    case SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE:
      extras->status_type = static_cast<int>(larg);
      return 1;
    case SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE:
      return extras->status_type;
    case SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG:
      extras->status_arg = parg;
      return 1;
    case SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB_ARG:
      if (parg != nullptr) *static_cast<void**>(parg) = extras->status_arg;
      return 1;
    case SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB:
      if (parg != nullptr) *static_cast<int (**)(SSL*, void*)>(parg) = extras->status_cb;
      return 1;
    case SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP:
      // The response is ours to free, as OpenSSL's.
      OPENSSL_free(parg);
      return 1;
    case SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP:
      if (parg != nullptr) *static_cast<unsigned char**>(parg) = nullptr;
      return -1;  // no response received
    default:
      *handled = false;
      return 0;
  }
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

// DH keys for DHE: taken (and freed) as OpenSSL takes them; no suite uses them.
int SSL_CTX_set0_tmp_dh_pkey(SSL_CTX* ctx, EVP_PKEY* dhpkey) {
  if (ctx == nullptr || dhpkey == nullptr) return 0;
  EVP_PKEY_free(dhpkey);
  return 1;
}
int SSL_set0_tmp_dh_pkey(SSL* s, EVP_PKEY* dhpkey) {
  if (s == nullptr || dhpkey == nullptr) return 0;
  EVP_PKEY_free(dhpkey);
  return 1;
}
void SSL_CTX_set_tmp_dh_callback(SSL_CTX* ctx, DH* (*dh)(SSL*, int, int)) {}
void SSL_set_tmp_dh_callback(SSL* s, DH* (*dh)(SSL*, int, int)) {}

}  // extern "C"
