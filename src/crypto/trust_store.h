// X.509 chain verification with libcrypto's X509_STORE: trust anchors from a
// CA file, a CA directory, or the system's default paths; the leaf is checked
// against a host name or an IP address.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>

#include "crypto/signature.h"

namespace adieu::crypto {

struct VerifyResult {
  bool ok = false;
  int x509_error = 0;   // X509_V_* code (0 = X509_V_OK)
  std::string message;  // X509_verify_cert_error_string, or our own text
};

// What kind of failure an X509_V_* code is, for choosing the alert (RFC 8446
// section 6.2) without the X.509 headers outside crypto/.
enum class VerifyFailure : uint8_t {
  none,            // X509_V_OK
  expired,         // expired or not yet valid
  unknown_issuer,  // no path to a trust anchor
  bad_signature,   // a signature in the chain does not verify
  other,
};
VerifyFailure verify_failure(int x509_error);

class TrustStore {
 public:
  TrustStore();
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  // Adds anchors. Each returns false and sets `error` to one line on failure.
  bool load_file(const std::string& path, std::string& error);
  bool load_dir(const std::string& path, std::string& error);
  bool load_system_defaults(std::string& error);
  bool add(const Certificate& cert);

  // Verifies `chain` (leaf first) for a TLS server (is_server_cert) or client.
  // `name`, if not empty, must match the leaf: an IP literal is checked as an
  // IP address (X509_check_ip_asc), anything else as a DNS name.
  VerifyResult verify(std::span<const Certificate> chain, bool is_server_cert,
                      const std::string& name) const;

  // Hands verify() over to `verifier`, called with its arguments, whose
  // answer is verify()'s: for a layer with a store and rules of its own
  // (compat/: OpenSSL's X509_STORE, verify callback and X509_VERIFY_PARAM),
  // so that a chain is verified once. An empty function restores the
  // verification above.
  using Verifier = std::function<VerifyResult(std::span<const Certificate> chain,
                                              bool is_server_cert, const std::string& name)>;
  void set_verifier(Verifier verifier);

  void* x509_store() const;  // the X509_STORE*

 private:
  struct Store;
  std::unique_ptr<Store> store_;
  Verifier verifier_;
};

}  // namespace adieu::crypto
