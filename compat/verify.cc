// The peer's certificate chain verified as OpenSSL's ssl_verify_cert_chain
// does it: against the context's X509_STORE (or the verify store), with the
// SSL's X509_VERIFY_PARAM (depth, the host names of SSL_set1_host), the
// application's verify callback called by X509_verify_cert for each
// certificate from the root down, and SSL_get_ex_data_X509_STORE_CTX_idx()
// naming the SSL inside it; then OpenSSL's rule: a client goes on after a
// failure only with SSL_VERIFY_NONE, a server never.
//
// The engine verifies the chain as the Certificate message arrives, with
// its Config's trust store; compat hands that store a verifier
// (install_verify_hook) that runs the verification above, once, for the SSL
// whose record the engine is processing, and answers with its verdict: the
// engine fails the handshake at that point (before anything else is sent) or
// goes on, and its own check of the SNI name never decides anything: host
// checks come only from the X509_VERIFY_PARAM.
#include <openssl/x509_vfy.h>

#include <mutex>

#include "compat/internal.h"
#include "engine/config_impl.h"

namespace adieu::compat {
namespace {

// The SSL whose record the engine is processing on this thread.
thread_local SSL* t_engine_caller = nullptr;

struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct CertStackDeleter {  // a stack that does not own its certificates
  void operator()(STACK_OF(X509) * sk) const { sk_X509_free(sk); }
};

// OpenSSL's ssl_x509err2alert: the alert for a verification error.
int alert_for(long x509_error) {
  switch (x509_error) {
    case X509_V_ERR_APPLICATION_VERIFICATION:
      return SSL_AD_HANDSHAKE_FAILURE;
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_EC_KEY_EXPLICIT_PARAMS:
    case X509_V_ERR_CA_MD_TOO_WEAK:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CERT_REJECTED:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_DANE_NO_MATCH:
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_EMAIL_MISMATCH:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
      return SSL_AD_BAD_CERTIFICATE;
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return SSL_AD_UNKNOWN_CA;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CRL_HAS_EXPIRED:
      return SSL_AD_CERTIFICATE_EXPIRED;
    case X509_V_ERR_CERT_REVOKED:
      return SSL_AD_CERTIFICATE_REVOKED;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
      return SSL_AD_DECRYPT_ERROR;
    case X509_V_ERR_INVALID_PURPOSE:
      return SSL_AD_UNSUPPORTED_CERTIFICATE;
    case X509_V_ERR_INVALID_CALL:
    case X509_V_ERR_OUT_OF_MEM:
    case X509_V_ERR_STORE_LOOKUP:
    case X509_V_ERR_UNSPECIFIED:
      return SSL_AD_INTERNAL_ERROR;
    default:
      return SSL_AD_CERTIFICATE_UNKNOWN;
  }
}

// The code the engine is handed for a refused chain: it chooses its alert
// from the kind of error (crypto::verify_failure), so the code is one of the
// kind whose alert is OpenSSL's. The engine can send unknown_ca,
// certificate_expired, bad_certificate and certificate_unknown; OpenSSL's
// other alerts become certificate_unknown (docs/compat.md, deviations).
int engine_code_for(long x509_error) {
  switch (alert_for(x509_error)) {
    case SSL_AD_UNKNOWN_CA:
      return X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
    case SSL_AD_CERTIFICATE_EXPIRED:
      return X509_V_ERR_CERT_HAS_EXPIRED;
    case SSL_AD_BAD_CERTIFICATE:
      return X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY;
    default:
      return X509_V_ERR_UNSPECIFIED;
  }
}

// The chain in the session being made, where OpenSSL puts it as the
// Certificate message is processed: a client keeps it (leaf first) whatever
// the verification said, a server (without the leaf) only when it accepted
// it. The peer certificate itself is set when the handshake completes.
void keep_in_session(SSL* s, X509* leaf, STACK_OF(X509) * untrusted) {
  SSL_SESSION* sess = s->session;
  // An offered session belongs to an earlier connection: not this one's.
  if (sess == nullptr || sess->engine != nullptr || (s->server && !s->verify_accepted)) return;
  sk_X509_pop_free(sess->peer_chain, X509_free);
  sess->peer_chain = untrusted != nullptr ? X509_chain_up_ref(untrusted) : sk_X509_new_null();
  if (!s->server && sess->peer_chain != nullptr && X509_up_ref(leaf) == 1 &&
      sk_X509_unshift(sess->peer_chain, leaf) <= 0) {
    X509_free(leaf);
  }
}

// ssl_verify_cert_chain, and what its callers do with the answer.
void verify_peer(SSL* s, X509* leaf, STACK_OF(X509) * untrusted) {
  s->verify_ran = true;
  s->verify_accepted = false;
  sk_X509_pop_free(s->verified_chain, X509_free);
  s->verified_chain = nullptr;
  // OpenSSL hands X509_STORE_CTX_init the whole chain, leaf first.
  std::unique_ptr<STACK_OF(X509), CertStackDeleter> chain(sk_X509_new_null());
  bool ok = chain != nullptr && leaf != nullptr && sk_X509_push(chain.get(), leaf) > 0;
  for (int i = 0; ok && untrusted != nullptr && i < sk_X509_num(untrusted); ++i) {
    ok = sk_X509_push(chain.get(), sk_X509_value(untrusted, i)) > 0;
  }
  std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> vctx(X509_STORE_CTX_new());
  X509_STORE* store = s->verify_store != nullptr ? s->verify_store : s->ctx->store;
  int verified = 0;
  if (ok && vctx != nullptr && X509_STORE_CTX_init(vctx.get(), store, leaf, chain.get()) == 1) {
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(vctx.get());
    X509_VERIFY_PARAM_set_auth_level(param, SSL_get_security_level(s));
    // SSL_CERT_FLAG_SUITEB_* are X509_V_FLAG_SUITEB_*.
    X509_STORE_CTX_set_flags(vctx.get(), s->ciphers.suiteb);
    X509_STORE_CTX_set_ex_data(vctx.get(), SSL_get_ex_data_X509_STORE_CTX_idx(), s);
    X509_STORE_CTX_set_default(vctx.get(), s->server ? "ssl_client" : "ssl_server");
    X509_VERIFY_PARAM_set1(param, s->param);
    if (s->verify_callback != nullptr) X509_STORE_CTX_set_verify_cb(vctx.get(), s->verify_callback);
    if (s->ctx->app_verify_cb != nullptr) {
      verified = s->ctx->app_verify_cb(vctx.get(), s->ctx->app_verify_arg);
    } else {
      verified = X509_verify_cert(vctx.get()) > 0 ? 1 : 0;
    }
    s->verify_result = X509_STORE_CTX_get_error(vctx.get());
    if (X509_STORE_CTX_get0_chain(vctx.get()) != nullptr) {
      s->verified_chain = X509_STORE_CTX_get1_chain(vctx.get());
      if (s->verified_chain == nullptr) verified = 0;
    }
    X509_VERIFY_PARAM_move_peername(s->param, param);
  } else {
    ERR_raise(ERR_LIB_SSL, ERR_R_X509_LIB);
  }
  // tls_process_server_certificate / tls_process_client_certificate.
  s->verify_accepted = verified > 0 || (!s->server && s->verify_mode == SSL_VERIFY_NONE);
  keep_in_session(s, leaf, untrusted);
}

crypto::VerifyResult refused(long x509_error) {
  crypto::VerifyResult result;
  result.x509_error = static_cast<int>(x509_error);
  result.message = X509_verify_cert_error_string(x509_error);
  return result;
}

// The engine's verifier (see the top of this file): the chain is the
// peer's, leaf first.
crypto::VerifyResult verify_for_engine(std::span<const crypto::Certificate> chain) {
  SSL* s = t_engine_caller;
  if (s == nullptr || chain.empty()) return refused(X509_V_ERR_UNSPECIFIED);  // nobody to decide
  std::unique_ptr<STACK_OF(X509), CertStackDeleter> untrusted(sk_X509_new_null());
  if (!untrusted) return refused(X509_V_ERR_OUT_OF_MEM);
  for (const crypto::Certificate& c : chain.subspan(1)) {
    if (sk_X509_push(untrusted.get(), static_cast<X509*>(c.x509())) <= 0) {
      return refused(X509_V_ERR_OUT_OF_MEM);
    }
  }
  verify_peer(s, static_cast<X509*>(chain.front().x509()), untrusted.get());
  if (!s->verify_accepted) return refused(engine_code_for(s->verify_result));
  crypto::VerifyResult accepted;
  accepted.ok = true;
  accepted.message = X509_verify_cert_error_string(X509_V_OK);
  return accepted;
}

}  // namespace

void install_verify_hook(adieu::Config& cfg) {
  cfg.impl().trust.set_verifier([](std::span<const crypto::Certificate> chain, bool,
                                   const std::string&) { return verify_for_engine(chain); });
}

SSL* engine_caller() {
  return t_engine_caller;
}

EngineCallScope::EngineCallScope(SSL* s) : previous_(t_engine_caller) {
  t_engine_caller = s;
}
EngineCallScope::~EngineCallScope() {
  t_engine_caller = previous_;
}

bool peer_chain_checked(SSL* s) {
  if (s->verify_ran || s->handshake_finished || s->conn == nullptr) return true;
  if (s->conn->error() != adieu::Error::none || s->conn->peer_certificates().empty()) return true;
  COMPAT_FATAL(s, SSL_R_CERTIFICATE_VERIFY_FAILED, SSL_AD_INTERNAL_ERROR);
  return false;
}

void reset_verification(SSL* s) {
  s->verify_result = X509_V_OK;
  s->verify_ran = false;
  s->verify_accepted = false;
  sk_X509_pop_free(s->verified_chain, X509_free);
  s->verified_chain = nullptr;
}

}  // namespace adieu::compat

extern "C" {

int SSL_get_ex_data_X509_STORE_CTX_idx(void) {
  static int idx = -1;
  static std::once_flag once;
  std::call_once(once, [] {
    idx = X509_STORE_CTX_get_ex_new_index(0, const_cast<char*>("SSL for verify callback"), nullptr,
                                          nullptr, nullptr);
  });
  return idx;
}

}  // extern "C"
