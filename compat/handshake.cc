// The handshake as OpenSSL's state machine presents it: SSL_do_handshake
// drives the engine until its handshake is done and the last flight written;
// a pending SSL_key_update is written here too. A server runs the client
// hello, servername, certificate and ALPN callbacks on the ClientHello the
// engine hands it, whole and parsed, and the engine goes on with the
// configuration made from their answers.
#include "compat/internal.h"
#include "compat/quic.h"

namespace adieu::compat {
namespace {

constexpr uint8_t kHandshakeRecord = 22;

constexpr char kNoCiphersForMax[] = "No ciphers enabled for max supported SSL/TLS version";

// SSLfatal before the engine connection exists: the fatal alert still goes
// out, in the clear, carried by a connection made for it alone.
void fatal_at_start(SSL* s, int reason, int alert, const char* data) {
  if (s->conn == nullptr) {
    s->conn = adieu::Connection::server(std::make_shared<adieu::Config>(adieu::Role::server));
  }
  COMPAT_FATAL_DATA(s, reason, alert, data);
}

// tls_setup_handshake and the ClientHello's cipher list: a handshake needs
// a version, and a suite for the highest version. False when it cannot start
// (the error raised and the alert sent, as OpenSSL).
bool can_start(SSL* s) {
  int min_version = 0, max_version = 0;
  if (!version_range(s, &min_version, &max_version)) {
    fatal_at_start(s, SSL_R_NO_PROTOCOLS_AVAILABLE, SSL_AD_PROTOCOL_VERSION, nullptr);
    return false;
  }
  bool max_ok = false;
  if (s->server) {
    // The server looks at its whole list (security level aside).
    for (const std::vector<const SSL_CIPHER*>* part : {&s->ciphers.tls13, &s->ciphers.tls12}) {
      for (const SSL_CIPHER* c : *part) max_ok = max_ok || c->version == max_version;
    }
    if (!max_ok) {
      fatal_at_start(s, SSL_R_NO_CIPHERS_AVAILABLE, SSL_AD_HANDSHAKE_FAILURE, kNoCiphersForMax);
      return false;
    }
    return true;
  }
  // The client's ClientHello version is set before its suites are written.
  s->client_hello_version = TLS1_2_VERSION;
  for (const SSL_CIPHER* c : usable_ciphers(s, min_version, max_version)) {
    max_ok = max_ok || c->version == max_version;
  }
  if (!max_ok) {
    fatal_at_start(s, SSL_R_NO_CIPHERS_AVAILABLE, SSL_AD_INTERNAL_ERROR, kNoCiphersForMax);
    return false;
  }
  return true;
}

bool make_connection(SSL* s, std::shared_ptr<adieu::Session> offer = nullptr,
                     const std::vector<uint16_t>* client_order = nullptr) {
  std::string error;
  std::shared_ptr<const adieu::Config> cfg = engine_config(s, &error, client_order);
  if (!cfg) {
    ERR_raise_data(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR, "%s", error.c_str());
    s->call_error = CallError::ssl;
    s->fatal = true;
    return false;
  }
  if (s->server) {
    s->conn = adieu::Connection::server(std::move(cfg));
  } else {
    s->conn = adieu::Connection::client(std::move(cfg), s->hostname, std::move(offer));
  }
  return true;
}

// The client hello, SNI, certificate and ALPN callbacks, in OpenSSL's order
// while it processes the ClientHello. False when a callback ended the
// handshake, with the alert to send and the reason.
bool server_hello_callbacks(SSL* s, const adieu::ClientHelloInfo& ch, int* fatal_alert,
                            int* reason) {
  if (!ch.server_name.empty()) s->peer_hostname = ch.server_name;
  int hello_alert = SSL_AD_INTERNAL_ERROR;
  if (!run_client_hello_cb(s, ch, &hello_alert)) {
    *fatal_alert = hello_alert;
    *reason = SSL_R_CALLBACK_FAILED;
    return false;
  }
  if (s->ctx->servername_cb != nullptr) {
    int al = SSL_AD_UNRECOGNIZED_NAME;
    int r = s->ctx->servername_cb(s, &al, s->ctx->servername_arg);
    if (r == SSL_TLSEXT_ERR_ALERT_FATAL) {
      *fatal_alert = al;
      *reason = SSL_R_CALLBACK_FAILED;
      return false;
    }
  }
  if (!run_cert_cb(s)) {
    *fatal_alert = SSL_AD_INTERNAL_ERROR;
    *reason = SSL_R_CERT_CB_ERROR;
    return false;
  }
  if (s->ctx->alpn_select_cb != nullptr && !ch.alpn.empty()) {
    std::vector<uint8_t> wire;
    for (const std::string& p : ch.alpn) {
      wire.push_back(static_cast<uint8_t>(p.size()));
      wire.insert(wire.end(), p.begin(), p.end());
    }
    const unsigned char* out = nullptr;
    unsigned char out_len = 0;
    int r = s->ctx->alpn_select_cb(s, &out, &out_len, wire.data(),
                                   static_cast<unsigned>(wire.size()), s->ctx->alpn_select_arg);
    if (r == SSL_TLSEXT_ERR_OK && out != nullptr && out_len > 0) {
      s->alpn_selected.assign(reinterpret_cast<const char*>(out), out_len);
    } else if (r == SSL_TLSEXT_ERR_ALERT_FATAL) {
      *fatal_alert = SSL_AD_NO_APPLICATION_PROTOCOL;
      *reason = SSL_R_NO_APPLICATION_PROTOCOL;
      return false;
    }
  }
  return true;
}

void finish_handshake(SSL* s) {
  s->handshake_finished = true;
  s->hit = s->conn->resumed();
  if (s->hit) ++s->session_ctx->stats.hits;
  s->tickets_seen = s->conn->tickets_received();
  s->key_updates_seen = s->conn->key_updates_received();
  post_handshake_auth_established(s);
  // A resumed session keeps the verification of its full handshake.
  if (s->hit && s->session != nullptr) s->verify_result = s->session->verify_result;
  session_established(s);
  if (s->server) {
    ++s->ctx->stats.accept_good;
    if (s->hit && stateful_tickets(s)) drop_used_stateful_sessions(s->session_ctx);
    if (current_version(s) == TLS1_3_VERSION) {
      // The engine sent its NewSessionTickets with the handshake's end.
      for (size_t i = 0; i < s->num_tickets; ++i) session_ticket_sent(s);
      // Stateful tickets: the newest issued is this SSL's session.
      if (s->session != nullptr) s->session->engine = s->conn->session();
    }
  } else {
    ++s->session_ctx->stats.connect_good;
  }
  info_event(s, SSL_CB_HANDSHAKE_DONE, 1);
}

int start_client(SSL* s) {
  if (s->session != nullptr && SSL_SESSION_is_resumable(s->session) == 0) {
    SSL_SESSION_free(s->session);
    s->session = nullptr;
  }
  if (s->session == nullptr) s->session = session_new();
  // Before anything is sent (docs/compat.md): the error state, no alert.
  if (!run_cert_cb(s)) {
    COMPAT_RAISE(s, SSL_R_CERT_CB_ERROR);
    s->fatal = true;
    return -1;
  }
  // A resumable session the application set is offered (SSL_set_session).
  return make_connection(s, s->session != nullptr ? s->session->engine : nullptr) ? 1 : -1;
}

int start_server(SSL* s) {
  int r = read_first_record(s);
  if (r <= 0) return -1;
  // OpenSSL's server takes nothing but a handshake record first (an alert
  // included): unexpected_message, in the clear.
  if (s->record[0] != kHandshakeRecord) {
    s->record.clear();
    fatal_at_start(s, SSL_R_UNEXPECTED_MESSAGE, SSL_AD_UNEXPECTED_MESSAGE, nullptr);
    return -1;
  }
  // A full handshake gets a new session (ssl_get_new_session); a session
  // kept by SSL_clear is never changed under its holders.
  SSL_SESSION_free(s->session);
  s->session = session_new();
  // What the ClientHello says is known once the engine has it whole
  // (on_client_hello), which may take more records.
  s->client_hello_version = TLS1_2_VERSION;
  s->client_hello_session_id.clear();
  s->client_hello_ticket_ext = false;
  s->client_hello_ciphers.clear();
  s->client_hello_sigalgs.clear();
  s->hello_refusal_reason = 0;
  s->early_data_engine = s->early_data_call;
  if (!make_connection(s)) return -1;
  feed_first_record(s);
  if (!absorb_engine_events(s)) return -1;
  return 1;
}

}  // namespace

adieu::ClientHelloDecision on_client_hello(const adieu::ClientHelloInfo& ch) {
  adieu::ClientHelloDecision decision;
  SSL* s = engine_caller();
  if (s == nullptr || !s->server) {  // nobody to decide: refuse
    decision.refuse = adieu::Alert::internal_error;
    return decision;
  }
  s->client_hello_version = ch.legacy_version;
  s->client_hello_session_id.assign(ch.legacy_session_id.begin(), ch.legacy_session_id.end());
  s->client_hello_ticket_ext = ch.session_ticket;
  s->client_hello_ciphers = ch.cipher_suites;
  s->client_hello_sigalgs = ch.signature_algorithms;
  int alert = SSL_AD_INTERNAL_ERROR;
  int reason = ERR_R_INTERNAL_ERROR;
  if (!server_hello_callbacks(s, ch, &alert, &reason)) {
    s->hello_refusal_reason = reason;
    s->hello_refusal_alert = alert;
    decision.refuse = static_cast<adieu::Alert>(alert);
    return decision;
  }
  // OpenSSL takes early data only in SSL_read_early_data; its tickets allow
  // early data either way. The engine has one limit for both: it goes with
  // early data the client sends only when SSL_read_early_data will read it.
  s->early_data_engine = s->early_data_call || !ch.early_data;
  // The configuration their answers make: the certificate (of the context
  // the servername callback may have switched to), the ALPN protocol, the
  // suites in the order the client's preference gives.
  std::string error;
  decision.config = engine_config(s, &error, &ch.cipher_suites);
  if (!decision.config) {
    ERR_raise_data(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR, "%s", error.c_str());
    s->hello_refusal_reason = ERR_R_INTERNAL_ERROR;
    s->hello_refusal_alert = SSL_AD_INTERNAL_ERROR;
    decision.refuse = adieu::Alert::internal_error;
  }
  return decision;
}

namespace {

// The handshake steps of one call (OpenSSL's state_machine).
int handshake_steps(SSL* s) {
  if (!s->started) {
    info_event(s, SSL_CB_HANDSHAKE_START, 1);
    s->started = true;
    if (s->server) {
      ++s->ctx->stats.accept;
    } else {
      ++s->session_ctx->stats.connect;
    }
    if (!can_start(s)) return -1;
  }
  if (s->handshake_finished && s->pha_request_pending) return send_post_handshake_request(s);
  if (s->handshake_finished && s->key_update_pending) {
    if (flush_output(s) <= 0) return -1;
    adieu::Error err = s->conn->key_update(s->key_update_type == SSL_KEY_UPDATE_REQUESTED);
    s->key_update_pending = false;
    s->key_update_type = SSL_KEY_UPDATE_NONE;
    if (err != adieu::Error::none) {
      COMPAT_FATAL(s, ERR_R_INTERNAL_ERROR, SSL_AD_INTERNAL_ERROR);
      return -1;
    }
    return flush_output(s) <= 0 ? -1 : 1;
  }
  if (s->conn == nullptr) {
    int r = s->server ? start_server(s) : start_client(s);
    if (r <= 0) return -1;
  }
  for (;;) {
    if (flush_output(s) <= 0) return -1;
    if (s->conn->handshake_done()) {
      if (s->wbio != nullptr) BIO_flush(s->wbio);
      finish_handshake(s);
      return 1;
    }
    if (early_data_pause(s)) return 1;
    if (read_record(s) <= 0) return -1;
    if (!absorb_engine_events(s)) return -1;
    if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0) return -1;
  }
}

}  // namespace

int do_handshake(SSL* s) {
  if (!s->role_set) {
    COMPAT_RAISE(s, SSL_R_CONNECTION_TYPE_NOT_SET);
    return -1;
  }
  if (s->fatal) return -1;  // OpenSSL's MSG_FLOW_ERROR: -1, nothing more said
  if (!in_init(s)) return 1;
  // OpenSSL's state_machine starts each run with an empty error queue.
  ERR_clear_error();
  if (s->server ? !s->ctx->method->can_accept : !s->ctx->method->can_connect) {
    ERR_raise(ERR_LIB_SSL, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
    s->call_error = CallError::ssl;
    return 0;
  }
  if (!s->early_data_call) s->early_data_paused = false;  // OpenSSL's check_finish_init
  // OpenSSL's state machine runs: the info callback hears how it returned.
  const int r = handshake_steps(s);
  info_event(s, s->server ? SSL_CB_ACCEPT_EXIT : SSL_CB_CONNECT_EXIT, r);
  return r;
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

static int SSL_do_handshake_body(SSL* s) {
  if (s == nullptr) return -1;
  begin_call(s);
  if (quic::is_quic(s)) return quic::do_handshake(s);
  return do_handshake(s);
}
int SSL_do_handshake(SSL* s) {
  return guard<int>(s, -1, [&] { return SSL_do_handshake_body(s); });
}

static int SSL_connect_body(SSL* s) {
  if (s == nullptr) return -1;
  if (!s->role_set) SSL_set_connect_state(s);
  return SSL_do_handshake(s);
}
int SSL_connect(SSL* s) {
  return guard<int>(s, -1, [&] { return SSL_connect_body(s); });
}

static int SSL_accept_body(SSL* s) {
  if (s == nullptr) return -1;
  if (!s->role_set) SSL_set_accept_state(s);
  return SSL_do_handshake(s);
}
int SSL_accept(SSL* s) {
  return guard<int>(s, -1, [&] { return SSL_accept_body(s); });
}

}  // extern "C"
