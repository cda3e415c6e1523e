// Moving bytes between the engine and the BIOs, with OpenSSL's retry rules:
// records are read one at a time (a 5-byte header, then exactly the body),
// as OpenSSL does without read-ahead, so nothing past the current record is
// taken from the rbio; output is written until the BIO would block.
#include <openssl/proverr.h>

#include <climits>
#include <cstring>

#include "compat/internal.h"

namespace adieu::compat {
namespace {

constexpr size_t kHeaderSize = 5;
// RFC 8446 section 5.2: TLSCiphertext.length is at most 2^14 + 256.
constexpr size_t kMaxCiphertext = 16384 + 256;

// Notices whether a BIO call pushed an entry on the thread's error queue, so
// that SSL_get_error() reports what this call did and nothing older.
class QueueWatch {
 public:
  QueueWatch() { code_ = ERR_peek_last_error_all(&file_, &line_, &func_, &data_, &flags_); }
  void attribute(SSL* s) const {
    const char* file = nullptr;
    const char* func = nullptr;
    const char* data = nullptr;
    int line = 0, flags = 0;
    unsigned long code = ERR_peek_last_error_all(&file, &line, &func, &data, &flags);
    if (code == 0) return;
    if (code == code_ && file == file_ && line == line_ && func == func_ && data == data_ &&
        flags == flags_) {
      return;
    }
    s->call_error = ERR_GET_LIB(code) == ERR_LIB_SYS ? CallError::syscall : CallError::ssl;
  }

 private:
  unsigned long code_ = 0;
  const char* file_ = nullptr;
  const char* func_ = nullptr;
  const char* data_ = nullptr;
  int line_ = 0;
  int flags_ = 0;
};

// OpenSSL's reason code for an engine failure.
int reason_for(adieu::Error e) {
  using adieu::Error;
  switch (e) {
    case Error::decode_error:
      return SSL_R_LENGTH_MISMATCH;
    case Error::unexpected_message:
      return SSL_R_UNEXPECTED_MESSAGE;
    case Error::bad_record_mac:
      return SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC;
    case Error::record_overflow:
      return SSL_R_ENCRYPTED_LENGTH_TOO_LONG;
    case Error::illegal_parameter:
      return SSL_R_BAD_EXTENSION;
    case Error::handshake_failure:
      return SSL_R_NO_SHARED_CIPHER;
    case Error::protocol_version:
      return SSL_R_UNSUPPORTED_PROTOCOL;
    case Error::missing_extension:
      return SSL_R_MISSING_SUPPORTED_GROUPS_EXTENSION;
    case Error::unsupported_extension:
      return SSL_R_UNSOLICITED_EXTENSION;
    case Error::decrypt_error:
      return SSL_R_BAD_SIGNATURE;
    case Error::bad_certificate:
    case Error::unknown_ca:
    case Error::certificate_expired:
    case Error::certificate_unknown:
      return SSL_R_CERTIFICATE_VERIFY_FAILED;
    case Error::certificate_required:
      return SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE;
    case Error::unrecognized_name:
      return SSL_R_CALLBACK_FAILED;
    case Error::no_application_protocol:
      return SSL_R_NO_APPLICATION_PROTOCOL;
    case Error::insufficient_security:
      return SSL_R_INSUFFICIENT_SECURITY;
    case Error::truncated:
      return SSL_R_UNEXPECTED_EOF_WHILE_READING;
    default:
      return ERR_R_INTERNAL_ERROR;
  }
}

// The message callback hears of each record header as its first byte
// leaves (OpenSSL: write_p 1, version 0, SSL3_RT_HEADER); `out` holds whole
// records, `consumed` bytes of it were written.
void report_sent_headers(SSL* s, std::span<const uint8_t> out, size_t consumed) {
  size_t pos = s->out_header_at;
  while (pos < consumed && pos + kHeaderSize <= out.size()) {
    if (s->msg_cb != nullptr)
      s->msg_cb(1, 0, SSL3_RT_HEADER, out.data() + pos, kHeaderSize, s, s->msg_cb_arg);
    pos += kHeaderSize + ((size_t{out[pos + 3]} << 8) | out[pos + 4]);
  }
  s->out_header_at = pos > consumed ? pos - consumed : 0;
}

}  // namespace

void fatal(SSL* s, int reason, int alert, const char* file, int line, const char* func,
           const char* data) {
  raise(s, reason, file, line, func, data);
  if (s->fatal) return;  // already in the error state: only the error is added
  s->fatal = true;
  if (alert < 0) return;  // SSL_AD_NO_ALERT
  // R45: nothing but close_notify after our close_notify, and then the
  // session is not removed either.
  if ((s->shutdown & SSL_SENT_SHUTDOWN) != 0) return;
  if (s->session != nullptr) ctx_remove_session(s->session_ctx, s->session);
  if (s->conn != nullptr && s->conn->write_state() == adieu::WriteState::open) {
    // Behind a record still being written the alert waits (ssl3_send_alert).
    bool write_pending = !s->conn->pending_output().empty();
    s->conn->abort(static_cast<adieu::Alert>(alert));
    info_alert(s, true, SSL3_AL_FATAL, alert);
    if (!write_pending) flush_output(s);
  }
}

int flush_output(SSL* s) {
  if (s->conn == nullptr) return 1;
  for (;;) {
    std::span<const uint8_t> out = s->conn->pending_output();
    if (out.empty()) {
      s->rwstate = SSL_NOTHING;
      return 1;
    }
    if (s->wbio == nullptr) {
      COMPAT_RAISE(s, SSL_R_BIO_NOT_SET);
      return -1;
    }
    s->rwstate = SSL_WRITING;
    QueueWatch watch;
    int n = BIO_write(s->wbio, out.data(), static_cast<int>(std::min<size_t>(out.size(), INT_MAX)));
    if (n <= 0) {
      watch.attribute(s);
      return n;
    }
    report_sent_headers(s, out, static_cast<size_t>(n));
    s->conn->consume_output(static_cast<size_t>(n));
  }
}

bool alert_pending(const SSL* s) {
  return s->conn != nullptr && s->conn->write_state() == adieu::WriteState::close_notify_queued &&
         !s->conn->pending_output().empty();
}

// Reads until s->record holds one whole record. 1 when it does.
static int read_record_bytes(SSL* s) {
  if (s->rbio == nullptr) {
    COMPAT_FATAL(s, SSL_R_READ_BIO_NOT_SET, SSL_AD_INTERNAL_ERROR);
    return -1;
  }
  for (;;) {
    size_t have = s->record.size();
    size_t want = kHeaderSize;
    if (have >= kHeaderSize) {
      size_t length = (size_t{s->record[3]} << 8) | s->record[4];
      // An oversized record is refused by the engine from its header alone.
      want = length > kMaxCiphertext ? kHeaderSize : kHeaderSize + length;
    }
    if (have >= want) break;
    s->rwstate = SSL_READING;
    s->record.resize(want);
    QueueWatch watch;
    int n = BIO_read(s->rbio, s->record.data() + have, static_cast<int>(want - have));
    if (n <= 0) {
      s->record.resize(have);
      watch.attribute(s);
      // OpenSSL 3.0's ssl3_read_n: an EOF is "no retry and BIO_eof()".
      if (!BIO_should_retry(s->rbio) && BIO_eof(s->rbio)) {
        if ((s->options & SSL_OP_IGNORE_UNEXPECTED_EOF) != 0) {
          // Documented correction: OR, where OpenSSL 3.0 assigns (R27 (a)).
          s->shutdown |= SSL_RECEIVED_SHUTDOWN;
          s->warn_alert = SSL_AD_CLOSE_NOTIFY;
        } else {
          COMPAT_FATAL(s, SSL_R_UNEXPECTED_EOF_WHILE_READING, SSL_AD_DECODE_ERROR);
        }
      }
      return n;
    }
    s->record.resize(have + static_cast<size_t>(n));
  }
  s->rwstate = SSL_NOTHING;
  return 1;
}

static void feed_record(SSL* s) {
  if (s->msg_cb != nullptr && s->record.size() >= kHeaderSize) {
    s->msg_cb(0, 0, SSL3_RT_HEADER, s->record.data(), kHeaderSize, s, s->msg_cb_arg);
  }
  s->last_record_type = s->record.empty() ? 0 : s->record[0];
  s->last_handshake_type =
      s->last_record_type == SSL3_RT_HANDSHAKE && s->record.size() > kHeaderSize
          ? s->record[kHeaderSize]
          : 0;
  EngineCallScope scope(s);  // the engine may verify the peer's chain (verify.cc)
  s->conn->receive(s->record);
  std::vector<uint8_t>().swap(s->record);  // an idle connection holds no record buffer
}

int read_record(SSL* s) {
  int r = read_record_bytes(s);
  if (r <= 0) return r;
  feed_record(s);
  return 1;
}

int read_first_record(SSL* s) {
  return read_record_bytes(s);
}
void feed_first_record(SSL* s) {
  feed_record(s);
}

bool absorb_engine_events(SSL* s) {
  adieu::Connection& c = *s->conn;
  if (s->hello_refusal_reason != 0) {
    // A callback on the ClientHello refused it (on_client_hello): SSLfatal,
    // whose alert the engine has queued.
    const int reason = s->hello_refusal_reason;
    s->hello_refusal_reason = 0;
    COMPAT_RAISE(s, reason);
    s->fatal = true;
    if (s->session != nullptr) ctx_remove_session(s->session_ctx, s->session);
    info_alert(s, true, SSL3_AL_FATAL, s->hello_refusal_alert);
    flush_output(s);
    return false;
  }
  adieu::Error err = c.error();
  if (err != adieu::Error::none) {
    if (err == adieu::Error::peer_alert) {
      // A fatal alert (or, in TLS 1.3, any alert but close_notify and
      // user_canceled): RECEIVED, the error, the session removed (R5, R20, R33).
      int alert = static_cast<int>(c.alert_received().value_or(adieu::Alert::internal_error));
      info_alert(s, false, SSL3_AL_FATAL, alert);
      s->rwstate = SSL_NOTHING;
      raise_alert_received(s, alert);
      s->fatal = true;
      s->shutdown |= SSL_RECEIVED_SHUTDOWN;
      if (s->session != nullptr) ctx_remove_session(s->session_ctx, s->session);
      return false;
    }
    int reason = reason_for(err);
    // TLS 1.2 (R44): an alert record the engine finds unexpected is the
    // fifth warning in a row; a warning no_renegotiation ends the handshake.
    const SSL_CIPHER* negotiated = cipher_by_id(c.cipher_suite());
    if (err == adieu::Error::unexpected_message && s->last_record_type == SSL3_RT_ALERT &&
        negotiated != nullptr && negotiated->version == TLS1_2_VERSION) {
      reason = SSL_R_TOO_MANY_WARN_ALERTS;
    }
    if (err == adieu::Error::handshake_failure &&
        c.alert_received() == adieu::Alert::no_renegotiation) {
      reason = SSL_R_NO_RENEGOTIATION;
    }
    // A TLS 1.2 server's handshake_failure on the client's Certificate
    // message: an empty one, with SSL_VERIFY_FAIL_IF_NO_PEER_CERT.
    if (err == adieu::Error::handshake_failure && s->server &&
        s->last_handshake_type == SSL3_MT_CERTIFICATE) {
      reason = SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE;
    }
    if (err == adieu::Error::bad_record_mac) {
      // OpenSSL opens TLS 1.2 AES-GCM records with EVP_Cipher, whose
      // provider queues its own error first when the tag does not match.
      const SSL_CIPHER* suite = cipher_by_id(c.cipher_suite());
      if (suite != nullptr && suite->version == TLS1_2_VERSION &&
          (suite->aead_nid == NID_aes_128_gcm || suite->aead_nid == NID_aes_256_gcm)) {
        ERR_raise(ERR_LIB_PROV, PROV_R_CIPHER_OPERATION_FAILED);
      }
    }
    raise(s, reason, __FILE__, __LINE__, "ssl3_read_bytes");
    // A server that found no common version takes the client's
    // legacy_version as its own (tls_early_post_process_client_hello).
    if (err == adieu::Error::protocol_version && s->server && c.cipher_suite() == 0) {
      s->version_override = s->client_hello_version;
    }
    if (!s->fatal) {
      s->fatal = true;
      // The engine queued its fatal alert unless our write side was closed.
      if (c.alert_sent().has_value())
        info_alert(s, true, SSL3_AL_FATAL, static_cast<int>(*c.alert_sent()));
      if (c.alert_sent().has_value() && (s->shutdown & SSL_SENT_SHUTDOWN) == 0) {
        if (s->session != nullptr) ctx_remove_session(s->session_ctx, s->session);
      }
      flush_output(s);
    }
    return false;
  }
  if (!peer_chain_checked(s)) return false;
  if (c.read_state() == adieu::ReadState::close_notify_received && !s->close_notify_seen) {
    s->close_notify_seen = true;
    info_alert(s, false, SSL3_AL_WARNING, SSL_AD_CLOSE_NOTIFY);
    s->shutdown |= SSL_RECEIVED_SHUTDOWN;
    s->warn_alert = SSL_AD_CLOSE_NOTIFY;
  }
  if (s->handshake_finished) {
    uint64_t tickets = c.tickets_received();
    uint64_t updates = c.key_updates_received();
    if (tickets > s->tickets_seen) {
      for (const adieu::ReceivedTicket& t : c.take_tickets()) session_ticket_received(s, t);
    }
    const uint64_t messages = (tickets - s->tickets_seen) + (updates - s->key_updates_seen);
    s->owed_messages += static_cast<unsigned>(messages);
    // OpenSSL's state machine runs once per TLS 1.3 post-handshake message.
    for (uint64_t i = 0; i < messages; ++i) {
      info_event(s, s->server ? SSL_CB_ACCEPT_EXIT : SSL_CB_CONNECT_EXIT, 1);
    }
    s->tickets_seen = tickets;
    s->key_updates_seen = updates;
    return absorb_post_handshake_auth(s);
  }
  return true;
}

bool yield_for_owed_message(SSL* s) {
  --s->owed_messages;
  if ((s->mode & SSL_MODE_AUTO_RETRY) != 0) return false;
  s->rwstate = SSL_READING;
  if (s->rbio != nullptr) {
    BIO_clear_retry_flags(s->rbio);
    BIO_set_retry_read(s->rbio);
  }
  return true;
}

}  // namespace adieu::compat
