// Sessions as text (SSL_SESSION_print in OpenSSL 3.0's layout, the NSS-style
// key log line of SSL_SESSION_print_keylog), fields set by hand
// (SSL_SESSION_set1_master_key, SSL_SESSION_set_cipher), and
// SSL_has_matching_session_id.
#include <openssl/bio.h>

#include <cstring>
#include <ctime>

#include "compat/internal.h"

namespace adieu::compat {
namespace {

const char* protocol_name(int version) {
  switch (version) {
    case TLS1_3_VERSION:
      return "TLSv1.3";
    case TLS1_2_VERSION:
      return "TLSv1.2";
    case TLS1_1_VERSION:
      return "TLSv1.1";
    case TLS1_VERSION:
      return "TLSv1";
    default:
      return "unknown";
  }
}

bool hex(BIO* bp, const std::vector<uint8_t>& bytes) {
  for (uint8_t b : bytes) {
    if (BIO_printf(bp, "%02X", b) <= 0) return false;
  }
  return true;
}

}  // namespace
}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

int SSL_SESSION_print(BIO* bp, const SSL_SESSION* x) {
  if (bp == nullptr || x == nullptr) return 0;
  const bool tls13 = x->version == TLS1_3_VERSION;
  bool ok = BIO_puts(bp, "SSL-Session:\n") > 0 &&
            BIO_printf(bp, "    Protocol  : %s\n", protocol_name(x->version)) > 0;
  if (x->cipher != nullptr) {
    ok = ok && BIO_printf(bp, "    Cipher    : %s\n", x->cipher->name) > 0;
  } else {
    ok = ok && BIO_puts(bp, "    Cipher    : unknown\n") > 0;
  }
  ok = ok && BIO_puts(bp, "    Session-ID: ") > 0 && hex(bp, x->id) &&
       BIO_puts(bp, "\n    Session-ID-ctx: ") > 0 && hex(bp, x->sid_ctx) &&
       BIO_puts(bp, tls13 ? "\n    Resumption PSK: " : "\n    Master-Key: ") > 0 &&
       hex(bp, x->master_key) && BIO_puts(bp, "\n    PSK identity: None") > 0 &&
       BIO_puts(bp, "\n    PSK identity hint: None") > 0 &&
       BIO_puts(bp, "\n    SRP username: None") > 0;
  if (x->ticket_lifetime_hint != 0) {
    ok = ok && BIO_printf(bp, "\n    TLS session ticket lifetime hint: %u (seconds)",
                          x->ticket_lifetime_hint) > 0;
  }
  if (!x->ticket.empty()) {
    ok = ok && BIO_puts(bp, "\n    TLS session ticket:\n") > 0 &&
         BIO_dump_indent(bp, reinterpret_cast<const char*>(x->ticket.data()),
                         static_cast<int>(x->ticket.size()), 4) > 0;
  } else {
    ok = ok && BIO_puts(bp, "\n") > 0;
  }
  ok = ok && BIO_printf(bp, "    Start Time: %ld\n", x->time) > 0 &&
       BIO_printf(bp, "    Timeout   : %ld (sec)\n", x->timeout) > 0 &&
       BIO_printf(bp, "    Verify return code: %ld (%s)\n", x->verify_result,
                  X509_verify_cert_error_string(x->verify_result)) > 0;
  if (!tls13) {
    // The engine's TLS 1.2 sessions always have the extended master secret.
    ok = ok && BIO_puts(bp, "    Extended master secret: yes\n") > 0;
  } else {
    ok = ok && BIO_printf(bp, "    Extended master secret: no\n    Max Early Data: %u\n",
                          SSL_SESSION_get_max_early_data(x)) > 0;
  }
  return ok ? 1 : 0;
}

int SSL_SESSION_print_fp(FILE* fp, const SSL_SESSION* x) {
  BIO* b = BIO_new_fp(fp, BIO_NOCLOSE);
  if (b == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_BUF_LIB);
    return 0;
  }
  int ret = SSL_SESSION_print(b, x);
  BIO_free(b);
  return ret;
}

// "RSA Session-ID:<id> Master-Key:<key>" (the NSS key log's old form).
int SSL_SESSION_print_keylog(BIO* bp, const SSL_SESSION* x) {
  if (bp == nullptr || x == nullptr || x->id.empty() || x->master_key.empty()) return 0;
  return BIO_puts(bp, "RSA Session-ID:") > 0 && hex(bp, x->id) &&
                 BIO_puts(bp, " Master-Key:") > 0 && hex(bp, x->master_key) &&
                 BIO_puts(bp, "\n") > 0
             ? 1
             : 0;
}

// Sets the field; a session made by hand has no engine session, so it is not
// offered for resumption (external PSKs are not available: deviations).
int SSL_SESSION_set1_master_key(SSL_SESSION* sess, const unsigned char* in, size_t len) {
  if (sess == nullptr || in == nullptr || len > SSL_MAX_MASTER_KEY_LENGTH) return 0;
  return guard<int>(nullptr, 0, [&] {
    OPENSSL_cleanse(sess->master_key.data(), sess->master_key.size());
    sess->master_key.assign(in, in + len);
    return 1;
  });
}

int SSL_SESSION_set_cipher(SSL_SESSION* s, const SSL_CIPHER* cipher) {
  if (s == nullptr) return 0;
  s->cipher = cipher;
  return 1;
}

// Whether the context's cache holds a session with this id.
int SSL_has_matching_session_id(const SSL* s, const unsigned char* id, unsigned int id_len) {
  if (s == nullptr || id == nullptr || id_len > SSL_MAX_SSL_SESSION_ID_LENGTH) return 0;
  return guard<int>(nullptr, 0, [&] {
    std::vector<uint8_t> key(id, id + id_len);
    std::lock_guard<std::recursive_mutex> lock(s->session_ctx->lock);
    return s->session_ctx->sessions.count(key) != 0 ? 1 : 0;
  });
}

}  // extern "C"
