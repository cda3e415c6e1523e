// SSL_METHOD and versions: the methods name a role and a version range, and
// the versions an SSL may negotiate are worked out as OpenSSL 3.0's
// ssl_get_min_max_version does, then cut to TLS 1.2 and 1.3 (the versions
// adieu implements). The SSL_CIPHER suites are in cipher.cc.
#include <algorithm>

#include "compat/internal.h"

namespace adieu::compat {
namespace {

constexpr SSL_METHOD kAny = {TLS_ANY_VERSION, true, true, false};
constexpr SSL_METHOD kAnyClient = {TLS_ANY_VERSION, true, false, false};
constexpr SSL_METHOD kAnyServer = {TLS_ANY_VERSION, false, true, false};
// TLS 1.2 only (whatever the options and version bounds say, as OpenSSL's
// version-specific methods).
constexpr SSL_METHOD kTls12 = {TLS1_2_VERSION, true, true, false};
constexpr SSL_METHOD kTls12Client = {TLS1_2_VERSION, true, false, false};
constexpr SSL_METHOD kTls12Server = {TLS1_2_VERSION, false, true, false};

// tls_version_table, highest first. SSL 3.0 is not built into the system's
// OpenSSL 3.0: a hole in the table.
struct VersionEntry {
  int version;
  uint64_t disabled_by;
  bool built;
};
constexpr VersionEntry kVersions[] = {
    {TLS1_3_VERSION, SSL_OP_NO_TLSv1_3, true}, {TLS1_2_VERSION, SSL_OP_NO_TLSv1_2, true},
    {TLS1_1_VERSION, SSL_OP_NO_TLSv1_1, true}, {TLS1_VERSION, SSL_OP_NO_TLSv1, true},
    {SSL3_VERSION, SSL_OP_NO_SSLv3, false},
};

// ssl_method_error for one version of the table.
bool version_refused(const SSL* s, int version) {
  if (s->min_version != 0 && version < s->min_version) return true;
  // The security level's SSL_SECOP_VERSION check: TLS 1.1 and older are
  // refused from level 4 on.
  if (version <= TLS1_1_VERSION && s->ciphers.security_level >= 4) return true;
  if (s->max_version != 0 && version > s->max_version) return true;
  for (const VersionEntry& e : kVersions) {
    if (e.version == version) return (s->options & e.disabled_by) != 0;
  }
  return true;
}

// ssl_get_min_max_version, from the highest version down. OpenSSL's quirk
// is kept: an allowed version below a refused one starts the range afresh,
// so TLS_method with SSL_OP_NO_TLSv1_2 gives TLS 1.0-1.1, not TLS 1.3.
bool openssl_range(const SSL* s, int* min_version, int* max_version) {
  const int method_version = s->ctx->method->version;
  if (method_version != TLS_ANY_VERSION) {
    *min_version = *max_version = method_version;
    return true;
  }
  bool hole = true;
  int version = 0;
  for (const VersionEntry& e : kVersions) {
    if (!e.built || version_refused(s, e.version)) {
      hole = true;
    } else if (!hole) {
      *min_version = e.version;
    } else {
      version = e.version;
      *min_version = version;
      hole = false;
    }
  }
  *max_version = version;
  return version != 0;
}

}  // namespace

bool version_range(const SSL* s, int* min_version, int* max_version) {
  int lo = 0, hi = 0;
  if (!openssl_range(s, &lo, &hi)) return false;
  lo = std::max(lo, TLS1_2_VERSION);
  hi = std::min(hi, TLS1_3_VERSION);
  if (lo > hi) return false;
  *min_version = lo;
  *max_version = hi;
  return true;
}

int current_version(const SSL* s) {
  if (s->version_override != 0) return s->version_override;
  // Negotiated: the suite says which (a client knows it from the
  // ServerHello, a server from the ClientHello it answered).
  if (s->conn != nullptr && s->conn->cipher_suite() != 0) {
    const SSL_CIPHER* c = cipher_by_id(s->conn->cipher_suite());
    return c != nullptr ? c->version : TLS1_3_VERSION;
  }
  // A client that wrote its ClientHello: the highest version it offered.
  int lo = 0, hi = 0;
  if (!s->server && s->client_hello_version != 0 && version_range(s, &lo, &hi)) return hi;
  const int method_version = s->ctx->method->version;
  return method_version == TLS_ANY_VERSION ? TLS1_3_VERSION : method_version;
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

const SSL_METHOD* TLS_method(void) {
  return &kAny;
}
const SSL_METHOD* TLS_client_method(void) {
  return &kAnyClient;
}
const SSL_METHOD* TLS_server_method(void) {
  return &kAnyServer;
}
const SSL_METHOD* TLSv1_2_method(void) {
  return &kTls12;
}
const SSL_METHOD* TLSv1_2_client_method(void) {
  return &kTls12Client;
}
const SSL_METHOD* TLSv1_2_server_method(void) {
  return &kTls12Server;
}

int SSL_version(const SSL* s) {
  return s != nullptr ? current_version(s) : 0;
}

const char* SSL_get_version(const SSL* s) {
  switch (SSL_version(s)) {
    case TLS1_3_VERSION:
      return "TLSv1.3";
    case TLS1_2_VERSION:
      return "TLSv1.2";
    default:
      return "unknown";
  }
}

// OpenSSL's client_version: a client's is the ClientHello's legacy_version
// once written (TLS 1.2 for both versions); a server's, the one it received;
// before that, the method's version (TLS_ANY_VERSION for the flexible ones).
int SSL_client_version(const SSL* s) {
  if (s == nullptr) return 0;
  return s->client_hello_version != 0 ? s->client_hello_version : s->ctx->method->version;
}

}  // extern "C"
