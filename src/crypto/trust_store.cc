#include "crypto/trust_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "crypto/libcrypto_raii.h"

namespace adieu::crypto {

namespace {

// Frees the stack only: the certificates belong to the Certificate objects.
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

VerifyResult failure(int code, std::string message) {
  VerifyResult result;
  result.x509_error = code;
  result.message = std::move(message);
  return result;
}

}  // namespace

struct TrustStore::Store {
  X509StorePtr store;
};

TrustStore::TrustStore() : store_(std::make_unique<Store>()) {
  store_->store.reset(X509_STORE_new());
}

TrustStore::~TrustStore() = default;

bool TrustStore::load_file(const std::string& path, std::string& error) {
  std::vector<Certificate> anchors = Certificate::from_pem_file(path, error);
  if (anchors.empty()) return false;
  for (const Certificate& anchor : anchors) {
    if (!add(anchor)) {
      error = "cannot add the certificates of " + path + " to the trust store";
      return false;
    }
  }
  return true;
}

bool TrustStore::load_dir(const std::string& path, std::string& error) {
  // X509_STORE_load_path only records the directory (it is searched by
  // subject hash during verification), so check it is there now.
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    error = "cannot read CA directory " + path + ": " + std::strerror(errno);
    return false;
  }
  if (!S_ISDIR(info.st_mode)) {
    error = "cannot read CA directory " + path + ": " + std::strerror(ENOTDIR);
    return false;
  }
  ErrorQueueMark mark;
  if (!store_->store || X509_STORE_load_path(store_->store.get(), path.c_str()) != 1) {
    error = "cannot add CA directory " + path + " to the trust store";
    return false;
  }
  return true;
}

bool TrustStore::load_system_defaults(std::string& error) {
  ErrorQueueMark mark;
  if (!store_->store || X509_STORE_set_default_paths(store_->store.get()) != 1) {
    error = "cannot load the system's default CA certificates";
    return false;
  }
  return true;
}

bool TrustStore::add(const Certificate& cert) {
  auto* x509 = static_cast<X509*>(cert.x509());
  if (!store_->store || x509 == nullptr) return false;
  ErrorQueueMark mark;
  // Takes its own reference; adding a certificate twice is not an error.
  return X509_STORE_add_cert(store_->store.get(), x509) == 1;
}

void TrustStore::set_verifier(Verifier verifier) {
  verifier_ = std::move(verifier);
}

VerifyResult TrustStore::verify(std::span<const Certificate> chain, bool is_server_cert,
                                const std::string& name) const {
  if (verifier_) return verifier_(chain, is_server_cert, name);
  if (chain.empty()) return failure(X509_V_ERR_UNSPECIFIED, "no certificate to verify");
  if (!store_->store) return failure(X509_V_ERR_OUT_OF_MEM, "no trust store");
  ErrorQueueMark mark;
  X509StackPtr untrusted(sk_X509_new_null());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!untrusted || !ctx) return failure(X509_V_ERR_OUT_OF_MEM, "out of memory");
  for (const Certificate& cert : chain.subspan(1)) {
    if (sk_X509_push(untrusted.get(), static_cast<X509*>(cert.x509())) <= 0) {
      return failure(X509_V_ERR_OUT_OF_MEM, "out of memory");
    }
  }
  auto* leaf = static_cast<X509*>(chain.front().x509());
  if (leaf == nullptr) return failure(X509_V_ERR_UNSPECIFIED, "empty certificate");
  if (X509_STORE_CTX_init(ctx.get(), store_->store.get(), leaf, untrusted.get()) != 1) {
    return failure(X509_V_ERR_UNSPECIFIED, "cannot set up certificate verification");
  }
  // The peer's role decides the extendedKeyUsage the leaf must allow.
  int purpose = is_server_cert ? X509_PURPOSE_SSL_SERVER : X509_PURPOSE_SSL_CLIENT;
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  if (X509_STORE_CTX_set_purpose(ctx.get(), purpose) != 1) {
    return failure(X509_V_ERR_UNSPECIFIED, "cannot set the certificate purpose");
  }
  if (!name.empty()) {
    // set1_ip_asc fails when `name` is not an IP literal: then it is a host name.
    if (X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) != 1) {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      if (X509_VERIFY_PARAM_set1_host(param, name.data(), name.size()) != 1) {
        return failure(X509_V_ERR_HOSTNAME_MISMATCH, "invalid host name to check: " + name);
      }
    }
  }
  int verified = X509_verify_cert(ctx.get());
  int code = X509_STORE_CTX_get_error(ctx.get());
  if (verified == 1 && code == X509_V_OK) {
    VerifyResult result;
    result.ok = true;
    result.message = X509_verify_cert_error_string(X509_V_OK);
    return result;
  }
  if (code == X509_V_OK) code = X509_V_ERR_UNSPECIFIED;  // failed without saying why
  return failure(code, X509_verify_cert_error_string(code));
}

void* TrustStore::x509_store() const {
  return store_->store.get();
}

VerifyFailure verify_failure(int x509_error) {
  switch (x509_error) {
    case X509_V_OK:
      return VerifyFailure::none;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return VerifyFailure::expired;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return VerifyFailure::unknown_issuer;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      return VerifyFailure::bad_signature;
    default:
      return VerifyFailure::other;
  }
}

}  // namespace adieu::crypto
