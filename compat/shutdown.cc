// SSL_shutdown and SSL_get_error: OpenSSL 3.0's contract, rule by rule
// (openssl-shutdown-behavior.md R6-R37), over the engine's per-direction
// close.
#include "compat/internal.h"
#include "compat/quic.h"

namespace adieu::compat {
namespace {

// Drops the application data not yet read; true if there was some.
bool discard_plaintext(SSL* s) {
  if (s->conn == nullptr || s->conn->pending_plaintext() == 0) return false;
  s->conn->consume_readable(s->conn->pending_plaintext());
  return true;
}

// ssl3_read_bytes(type 0): read until something happens while our
// close_notify is out and the peer's has not come (branch C3).
int read_for_shutdown(SSL* s) {
  for (;;) {
    s->rwstate = SSL_NOTHING;
    if (discard_plaintext(s)) {
      // Unread application data is "application data after close notify" too.
      COMPAT_FATAL(s, SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY, -1);
      return -1;
    }
    if (s->owed_messages > 0) {
      if (yield_for_owed_message(s)) return -1;
      continue;
    }
    int r = read_record(s);
    if (r <= 0) return r;
    if (!absorb_engine_events(s)) return (s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0 ? 0 : -1;
    if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0) return 0;
    if (discard_plaintext(s)) {
      // R17: discarded, fatal, no alert (our close_notify is out).
      COMPAT_FATAL(s, SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY, -1);
      return -1;
    }
    // R19: NewSessionTicket and KeyUpdate were processed; keep reading.
  }
}

// OpenSSL's ssl3_shutdown: exactly one branch per call (C0-C4).
int shutdown_steps(SSL* s) {
  if (s->quiet_shutdown != 0 || in_before(s)) {  // C0
    s->shutdown = SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN;
    return 1;
  }
  if ((s->shutdown & SSL_SENT_SHUTDOWN) == 0) {  // C1
    s->shutdown |= SSL_SENT_SHUTDOWN;            // set before the write (R4)
    s->conn->close();
    info_alert(s, true, SSL3_AL_WARNING, SSL_AD_CLOSE_NOTIFY);
    flush_output(s);
    if (alert_pending(s)) return -1;
  } else if (alert_pending(s)) {  // C2: the write is retried, nothing read
    if (flush_output(s) <= 0 && alert_pending(s)) return -1;
  } else if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) == 0) {  // C3
    read_for_shutdown(s);
    if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) == 0) return -1;
  }
  // The final check: exact equality (R15).
  return s->shutdown == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN) && !alert_pending(s) ? 1 : 0;
}

}  // namespace
}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

static int SSL_shutdown_body(SSL* s) {
  if (s == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    return -1;
  }
  begin_call(s);
  if (quic::is_quic(s)) return quic::shutdown(s, 0, nullptr);  // R47
  if (!s->role_set) {                                          // R6
    COMPAT_RAISE(s, SSL_R_UNINITIALIZED);
    return -1;
  }
  if (in_init(s)) {  // R7: before/during the handshake, after a fatal error, KeyUpdate pending
    COMPAT_RAISE(s, SSL_R_SHUTDOWN_WHILE_IN_INIT);
    return -1;
  }
  return shutdown_steps(s);
}
int SSL_shutdown(SSL* s) {
  return guard<int>(s, -1, [&] { return SSL_shutdown_body(s); });
}

void SSL_CTX_set_quiet_shutdown(SSL_CTX* ctx, int mode) {
  if (ctx != nullptr) ctx->quiet_shutdown = mode;
}
int SSL_CTX_get_quiet_shutdown(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->quiet_shutdown : 0;
}

// OpenSSL 3.0's order of checks (R29), except that the error queue is not
// read: the error this SSL's last call raised is used instead (documented
// correction, as OpenSSL 4.0 and BoringSSL).
int SSL_get_error(const SSL* s, int ret_code) {
  if (quic::is_quic(s)) return quic::get_error(s, ret_code);  // R50
  if (ret_code > 0) return SSL_ERROR_NONE;
  if (s == nullptr) return SSL_ERROR_SSL;
  if (s->call_error == CallError::ssl) return SSL_ERROR_SSL;
  if (s->call_error == CallError::syscall) return SSL_ERROR_SYSCALL;
  if (s->rwstate == SSL_READING) {
    BIO* bio = s->rbio;
    if (bio == nullptr) return SSL_ERROR_SYSCALL;
    if (BIO_should_read(bio)) return SSL_ERROR_WANT_READ;
    if (BIO_should_write(bio)) return SSL_ERROR_WANT_WRITE;
    if (BIO_should_io_special(bio)) {
      int reason = BIO_get_retry_reason(bio);
      if (reason == BIO_RR_CONNECT) return SSL_ERROR_WANT_CONNECT;
      if (reason == BIO_RR_ACCEPT) return SSL_ERROR_WANT_ACCEPT;
      return SSL_ERROR_SYSCALL;
    }
  }
  if (s->rwstate == SSL_WRITING) {
    BIO* bio = s->wbio;
    if (bio == nullptr) return SSL_ERROR_SYSCALL;
    if (BIO_should_write(bio)) return SSL_ERROR_WANT_WRITE;
    if (BIO_should_read(bio)) return SSL_ERROR_WANT_READ;
    if (BIO_should_io_special(bio)) {
      int reason = BIO_get_retry_reason(bio);
      if (reason == BIO_RR_CONNECT) return SSL_ERROR_WANT_CONNECT;
      if (reason == BIO_RR_ACCEPT) return SSL_ERROR_WANT_ACCEPT;
      return SSL_ERROR_SYSCALL;
    }
  }
  if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0 && s->warn_alert == SSL_AD_CLOSE_NOTIFY) {
    return SSL_ERROR_ZERO_RETURN;
  }
  return SSL_ERROR_SYSCALL;
}

}  // extern "C"
