// Application data: SSL_read/SSL_peek/SSL_write and friends, with OpenSSL's
// rules around shutdown (R21-R25) and its retry contract (a write retried
// after SSL_ERROR_WANT_WRITE continues the same buffer).
#include <climits>
#include <cstring>

#include "compat/internal.h"
#include "compat/quic.h"

namespace adieu::compat {
namespace {

constexpr size_t kMaxFragment = 16384;  // SSL3_RT_MAX_PLAIN_LENGTH

// Application data decrypted and not yet read. It stays in the engine, where
// the record was opened, until SSL_read takes it: one copy, into the caller's
// buffer.
size_t plain_left(const SSL* s) {
  return s->conn != nullptr ? s->conn->pending_plaintext() : 0;
}

// OpenSSL's ssl3_read_bytes(SSL3_RT_APPLICATION_DATA).
int read_bytes(SSL* s, uint8_t* buf, size_t len, bool peek, size_t* readbytes) {
  if (in_init(s)) {
    int i = do_handshake(s);
    if (i < 0) return i;
    if (i == 0) return -1;
  }
  for (;;) {
    s->rwstate = SSL_NOTHING;
    if (plain_left(s) > 0) {
      if (len == 0) return 0;
      const std::span<const uint8_t> plain = s->conn->readable();
      const size_t n = std::min(len, plain.size());
      std::memcpy(buf, plain.data(), n);
      if (!peek) s->conn->consume_readable(n);
      *readbytes = n;
      return 1;
    }
    if (s->owed_messages > 0) {
      if (yield_for_owed_message(s)) return -1;
      continue;
    }
    int r = read_record(s);
    if (r <= 0) return r;
    bool alive = absorb_engine_events(s);
    if (!alive) return (s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0 ? 0 : -1;
    if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0) {
      s->rwstate = SSL_NOTHING;
      return 0;
    }
    // A KeyUpdate(update_requested) is answered at once.
    if (flush_output(s) <= 0) return -1;
  }
}

int read_internal(SSL* s, void* buf, size_t num, size_t* readbytes, bool peek) {
  begin_call(s);
  if (quic::is_quic(s)) return quic::read(s, buf, num, readbytes, peek);
  if (!peek && early_data_blocks(s, false)) return 0;
  if (!s->role_set) {
    COMPAT_RAISE(s, SSL_R_UNINITIALIZED);
    return -1;
  }
  // R23: nothing more once RECEIVED is set, no I/O.
  if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0) {
    s->rwstate = SSL_NOTHING;
    return 0;
  }
  if (buf == nullptr && num > 0) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    s->call_error = CallError::ssl;
    return -1;
  }
  return read_bytes(s, static_cast<uint8_t*>(buf), num, peek, readbytes);
}

// OpenSSL's ssl3_write_bytes for application data.
int write_internal(SSL* s, const void* buf, size_t num, size_t* written) {
  begin_call(s);
  if (quic::is_quic(s)) return quic::write(s, buf, num, written);
  if (early_data_blocks(s, true)) return 0;
  if (!s->role_set) {
    COMPAT_RAISE(s, SSL_R_UNINITIALIZED);
    return -1;
  }
  // R24: refused once SENT is set, however it was set.
  if ((s->shutdown & SSL_SENT_SHUTDOWN) != 0) {
    s->rwstate = SSL_NOTHING;
    COMPAT_RAISE(s, SSL_R_PROTOCOL_IS_SHUTDOWN);
    return -1;
  }
  s->rwstate = SSL_NOTHING;
  if (num < s->write_done) {
    COMPAT_FATAL(s, SSL_R_BAD_LENGTH, SSL_AD_INTERNAL_ERROR);
    return -1;
  }
  if (buf == nullptr && num > 0) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    s->call_error = CallError::ssl;
    return -1;
  }
  if (in_init(s)) {
    int i = do_handshake(s);
    if (i < 0) return i;
    if (i == 0) return -1;
  }
  // Output left from an earlier call goes first, from the same buffer unless
  // SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER.
  if (!s->conn->pending_output().empty()) {
    if (s->write_done > 0 && s->write_buffer != buf &&
        (s->mode & SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER) == 0) {
      COMPAT_FATAL(s, SSL_R_BAD_WRITE_RETRY, SSL_AD_INTERNAL_ERROR);
      return -1;
    }
    int i = flush_output(s);
    if (i <= 0) return i;
    // OpenSSL goes on with the rest of the buffer even with partial writes:
    // a partial write is reported only for a record written whole in one call.
  }
  const uint8_t* data = static_cast<const uint8_t*>(buf);
  while (s->write_done < num) {
    size_t n = std::min(num - s->write_done, kMaxFragment);
    if (s->conn->write(std::span<const uint8_t>(data + s->write_done, n)) != adieu::Error::none) {
      COMPAT_FATAL(s, ERR_R_INTERNAL_ERROR, SSL_AD_INTERNAL_ERROR);
      return -1;
    }
    s->write_done += n;
    s->write_buffer = buf;
    int i = flush_output(s);
    if (i <= 0) return i;
    if ((s->mode & SSL_MODE_ENABLE_PARTIAL_WRITE) != 0) break;
  }
  *written = s->write_done;
  s->write_done = 0;
  return 1;  // SSL_write gives 0 for 0 bytes, SSL_write_ex 1 (ssl3_write_bytes)
}

}  // namespace
}  // namespace adieu::compat

using namespace adieu::compat;

namespace {

// SSL_read / SSL_peek: an int length, the byte count or <= 0.
int read_int(SSL* s, void* buf, int num, bool peek) {
  if (s == nullptr) return -1;
  if (num < 0) {
    begin_call(s);
    COMPAT_RAISE(s, SSL_R_BAD_LENGTH);
    return -1;
  }
  size_t readbytes = 0;
  int ret = read_internal(s, buf, static_cast<size_t>(num), &readbytes, peek);
  return ret > 0 ? static_cast<int>(readbytes) : ret;
}

// SSL_read_ex / SSL_peek_ex: 1 on success with *readbytes set, else 0.
int read_ex(SSL* s, void* buf, size_t num, size_t* readbytes, bool peek) {
  if (s == nullptr) return 0;
  size_t n = 0;
  int ret = read_internal(s, buf, num, &n, peek);
  if (ret > 0 && readbytes != nullptr) *readbytes = n;
  return ret > 0 ? 1 : 0;
}

}  // namespace

extern "C" {

static int SSL_read_body(SSL* s, void* buf, int num) {
  return read_int(s, buf, num, false);
}
int SSL_read(SSL* s, void* buf, int num) {
  return guard<int>(s, -1, [&] { return SSL_read_body(s, buf, num); });
}

static int SSL_read_ex_body(SSL* s, void* buf, size_t num, size_t* readbytes) {
  return read_ex(s, buf, num, readbytes, false);
}
int SSL_read_ex(SSL* s, void* buf, size_t num, size_t* readbytes) {
  return guard<int>(s, 0, [&] { return SSL_read_ex_body(s, buf, num, readbytes); });
}

static int SSL_peek_body(SSL* s, void* buf, int num) {
  return read_int(s, buf, num, true);
}
int SSL_peek(SSL* s, void* buf, int num) {
  return guard<int>(s, -1, [&] { return SSL_peek_body(s, buf, num); });
}

static int SSL_peek_ex_body(SSL* s, void* buf, size_t num, size_t* readbytes) {
  return read_ex(s, buf, num, readbytes, true);
}
int SSL_peek_ex(SSL* s, void* buf, size_t num, size_t* readbytes) {
  return guard<int>(s, 0, [&] { return SSL_peek_ex_body(s, buf, num, readbytes); });
}

static int SSL_write_body(SSL* s, const void* buf, int num) {
  if (s == nullptr) return -1;
  if (num < 0) {
    begin_call(s);
    COMPAT_RAISE(s, SSL_R_BAD_LENGTH);
    return -1;
  }
  size_t written = 0;
  int ret = write_internal(s, buf, static_cast<size_t>(num), &written);
  return ret > 0 ? static_cast<int>(written) : ret;
}
int SSL_write(SSL* s, const void* buf, int num) {
  return guard<int>(s, -1, [&] { return SSL_write_body(s, buf, num); });
}

static int SSL_write_ex_body(SSL* s, const void* buf, size_t num, size_t* written) {
  if (s == nullptr) return 0;
  size_t n = 0;
  int ret = write_internal(s, buf, num, &n);
  if (ret > 0 && written != nullptr) *written = n;
  return ret > 0 ? 1 : 0;
}
int SSL_write_ex(SSL* s, const void* buf, size_t num, size_t* written) {
  return guard<int>(s, 0, [&] { return SSL_write_ex_body(s, buf, num, written); });
}

int SSL_pending(const SSL* s) {
  if (s == nullptr) return 0;
  if (quic::is_quic(s)) {
    const size_t n = quic::pending(const_cast<SSL*>(s));
    return n > INT_MAX ? INT_MAX : static_cast<int>(n);
  }
  size_t n = plain_left(s);
  return n > INT_MAX ? INT_MAX : static_cast<int>(n);
}

int SSL_has_pending(const SSL* s) {
  if (s == nullptr) return 0;
  return SSL_pending(s) > 0 || !s->record.empty() ? 1 : 0;
}

}  // extern "C"
