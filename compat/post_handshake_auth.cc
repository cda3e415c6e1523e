// Post-handshake client authentication (TLS 1.3, RFC 8446 section 4.6.2)
// with OpenSSL's API: SSL_CTX_set_post_handshake_auth/SSL_set_post_handshake_auth
// (a client offers it), SSL_verify_client_post_handshake (a server queues a
// CertificateRequest, sent by the next SSL_do_handshake, SSL_read or
// SSL_write) and the SSL_VERIFY_POST_HANDSHAKE verify-mode bit (no request in
// the handshake).
//
// The engine sends the request, answers it (client) and verifies the answer
// (server): the chain goes through the same verification hook as in the
// handshake (verify.cc), so the application's verify callback sees it.
// compat adds OpenSSL's rules around it: the errors and their order,
// SSL_VERIFY_CLIENT_ONCE, SSL_VERIFY_FAIL_IF_NO_PEER_CERT read when the
// answer comes, the new session that holds the client's certificate.
#include "compat/internal.h"

namespace adieu::compat {

void configure_post_handshake_auth(const SSL* s, adieu::Config& cfg) {
  if (!s->server) {
    cfg.set_post_handshake_auth(s->post_handshake_auth);
    return;
  }
  // OpenSSL's send_certificate_request: a TLS 1.3 handshake asks for no
  // certificate with SSL_VERIFY_POST_HANDSHAKE (a TLS 1.2 one still does).
  // A later request is verified whatever the mode was (the engine takes
  // none as optional then).
  cfg.set_verify_post_handshake_only((s->verify_mode & SSL_VERIFY_POST_HANDSHAKE) != 0);
}

void post_handshake_auth_established(SSL* s) {
  s->pha_request_pending = false;
  s->post_handshake_auths_seen = s->conn->post_handshake_auths();
  // Whether the handshake carried a CertificateRequest (certreqs_sent), by
  // the verify mode it ran with (configure_post_handshake_auth).
  s->certificate_requests_sent = s->server && !s->conn->resumed() &&
                                         (s->verify_mode & SSL_VERIFY_PEER) != 0 &&
                                         ((s->verify_mode & SSL_VERIFY_POST_HANDSHAKE) == 0 ||
                                          current_version(s) != TLS1_3_VERSION)
                                     ? 1
                                     : 0;
}

int send_post_handshake_request(SSL* s) {
  if (flush_output(s) <= 0) return -1;
  s->pha_request_pending = false;
  const adieu::Error err = s->conn->request_client_certificate();
  if (adieu::error_is_fatal(err)) {
    COMPAT_FATAL(s, ERR_R_INTERNAL_ERROR, SSL_AD_INTERNAL_ERROR);
    return -1;
  }
  // Refused without harm when no answer could come (the client's
  // close_notify arrived, or ours went out since the call): nothing is sent.
  if (err == adieu::Error::none) ++s->certificate_requests_sent;
  return flush_output(s) <= 0 ? -1 : 1;
}

bool absorb_post_handshake_auth(SSL* s) {
  const uint64_t done = s->conn->post_handshake_auths();
  if (done == s->post_handshake_auths_seen) return true;
  const uint64_t fresh = done - s->post_handshake_auths_seen;
  s->post_handshake_auths_seen = done;
  if (s->server) {
    // tls_process_client_certificate reads the verify mode as the answer
    // comes: an empty Certificate with SSL_VERIFY_FAIL_IF_NO_PEER_CERT.
    if (s->conn->peer_certificates().empty() && (s->verify_mode & SSL_VERIFY_PEER) != 0 &&
        (s->verify_mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) != 0) {
      COMPAT_FATAL(s, SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE, SSL_AD_CERTIFICATE_REQUIRED);
      return false;
    }
    session_client_authenticated(s);
  }
  // As after the other post-handshake messages: OpenSSL's state machine ran.
  s->owed_messages += static_cast<unsigned>(fresh);
  for (uint64_t i = 0; i < fresh; ++i) {
    info_event(s, s->server ? SSL_CB_ACCEPT_EXIT : SSL_CB_CONNECT_EXIT, 1);
  }
  return true;
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

void SSL_CTX_set_post_handshake_auth(SSL_CTX* ctx, int val) {
  if (ctx == nullptr) return;
  ctx->post_handshake_auth = val != 0;
  ctx_changed(ctx);
}

void SSL_set_post_handshake_auth(SSL* s, int val) {
  if (s != nullptr) s->post_handshake_auth = val != 0;
}

// OpenSSL 3.0's ssl_lib.c, check for check.
static int SSL_verify_client_post_handshake_body(SSL* s) {
  if (s == nullptr) return 0;
  // SSL_IS_TLS13: the method's version, until the hellos chose one.
  const bool negotiated = s->conn != nullptr && s->conn->cipher_suite() != 0;
  if (negotiated ? current_version(s) != TLS1_3_VERSION
                 : s->ctx->method->version != TLS1_3_VERSION) {
    COMPAT_RAISE(s, SSL_R_WRONG_SSL_VERSION);
    return 0;
  }
  if (!s->server) {
    COMPAT_RAISE(s, SSL_R_NOT_SERVER);
    return 0;
  }
  if (!handshake_done(s)) {
    COMPAT_RAISE(s, SSL_R_STILL_IN_INIT);
    return 0;
  }
  if (!s->conn->post_handshake_auth_offered()) {
    COMPAT_RAISE(s, SSL_R_EXTENSION_NOT_RECEIVED);
    return 0;
  }
  if (s->conn->client_certificate_requests_pending() > 0) {
    COMPAT_RAISE(s, SSL_R_REQUEST_SENT);
    return 0;
  }
  // send_certificate_request: SSL_VERIFY_PEER, and not a second request
  // under SSL_VERIFY_CLIENT_ONCE.
  if ((s->verify_mode & SSL_VERIFY_PEER) == 0 ||
      (s->certificate_requests_sent > 0 && (s->verify_mode & SSL_VERIFY_CLIENT_ONCE) != 0)) {
    COMPAT_RAISE(s, SSL_R_INVALID_CONFIG);
    return 0;
  }
  // Sent at the next SSL_do_handshake/SSL_read/SSL_write; until then the
  // connection is "in init", as OpenSSL's.
  s->pha_request_pending = true;
  return 1;
}
int SSL_verify_client_post_handshake(SSL* s) {
  return guard<int>(s, 0, [&] { return SSL_verify_client_post_handshake_body(s); });
}

}  // extern "C"
