// TLS 1.3 0-RTT data as OpenSSL 3.0 presents it (SSL_read_early_data(3)):
// SSL_write_early_data starts a client's handshake, returns once its
// ClientHello is written, and sends the data as early data; a server's
// SSL_read_early_data runs the handshake to its flight after the ClientHello,
// then hands out the client's early data until it ends (FINISH), after which
// SSL_accept or SSL_read completes the handshake.
//
// The engine has one early data limit per connection (Config::
// set_max_early_data), both the value its tickets carry and the most it
// takes. OpenSSL has two: max_early_data (in tickets; early data is taken
// only when it is not 0) and recv_max_early_data (the most taken). The
// engine gets min(max_early_data, recv_max_early_data) when max_early_data
// is not 0, which is what OpenSSL takes (early_data_count_ok); its tickets
// then carry that value rather than max_early_data (docs/compat.md).
// Anti-replay: as OpenSSL's, a server whose tickets allow early data makes
// them stateful and single-use unless SSL_OP_NO_ANTI_REPLAY
// (stateful_tickets()); the engine's own check of ClientHellos (RFC 8446
// section 8) stays on whatever the option, with one record shared by every
// server engine configuration of a context.
#include <algorithm>
#include <cstring>

#include "compat/internal.h"
#include "engine/session/early_data_replay.h"
#include "engine/session/session_data.h"

namespace adieu::compat {
namespace {

uint32_t session_max_early_data(const SSL_SESSION* sess) {
  return sess->engine != nullptr ? sess->engine->data().max_early_data : sess->max_early_data;
}

// The engine's limit for a server (see above).
uint32_t server_limit(const SSL* s) {
  return s->max_early_data == 0 ? 0 : std::min(s->max_early_data, s->recv_max_early_data);
}

// A server has written its flight after the (last) ClientHello of a TLS 1.3
// handshake: OpenSSL's TLS_ST_EARLY_DATA. After a HelloRetryRequest the
// handshake runs to its end instead (its early data is refused anyway).
bool server_flight_written(const SSL* s) {
  const uint16_t suite = s->conn->cipher_suite();
  return (suite >> 8) == 0x13 && !s->conn->hello_retry_request() &&
         s->conn->pending_output().empty();
}

int status_of(const adieu::Connection* conn) {
  if (conn == nullptr) return SSL_EARLY_DATA_NOT_SENT;
  switch (conn->early_data_status()) {
    case adieu::EarlyDataStatus::accepted:
      return SSL_EARLY_DATA_ACCEPTED;
    // OpenSSL's client counts early data as refused until the server takes it.
    case adieu::EarlyDataStatus::offered:
    case adieu::EarlyDataStatus::rejected:
      return SSL_EARLY_DATA_REJECTED;
    case adieu::EarlyDataStatus::not_sent:
      break;
  }
  return SSL_EARLY_DATA_NOT_SENT;
}

// Runs the handshake as SSL_connect / SSL_accept would, stopping where
// early_data_pause() says.
int run_handshake(SSL* s) {
  s->early_data_call = true;
  int r = s->server ? SSL_accept(s) : SSL_connect(s);
  s->early_data_call = false;
  return r;
}

// A client's early data, all of it written or none (OpenSSL turns partial
// writes off here), as ssl3_write_bytes with early_data_count_ok.
int write_data(SSL* s, const void* buf, size_t num, size_t* written) {
  if (s->early_state == EarlyState::write_flush) {
    if (flush_output(s) <= 0) return 0;
    if (written != nullptr) *written = s->write_done;
    s->write_done = 0;
    s->early_state = EarlyState::write_retry;
    return 1;
  }
  s->early_state = EarlyState::write_retry;
  if (buf == nullptr && num > 0) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    s->call_error = CallError::ssl;
    return 0;
  }
  if (num > s->conn->early_data_room()) {
    COMPAT_FATAL(s, SSL_R_TOO_MUCH_EARLY_DATA, SSL_AD_INTERNAL_ERROR);
    return 0;
  }
  constexpr size_t kMaxFragment = 16384;  // SSL3_RT_MAX_PLAIN_LENGTH
  const uint8_t* data = static_cast<const uint8_t*>(buf);
  for (size_t done = 0; done < num;) {
    const size_t n = std::min(num - done, kMaxFragment);
    if (s->conn->write(std::span<const uint8_t>(data + done, n)) != adieu::Error::none) {
      COMPAT_FATAL(s, ERR_R_INTERNAL_ERROR, SSL_AD_INTERNAL_ERROR);
      return 0;
    }
    done += n;
  }
  s->write_done = num;
  s->early_state = EarlyState::write_flush;
  if (flush_output(s) <= 0) return 0;
  if (s->wbio != nullptr) BIO_flush(s->wbio);
  if (written != nullptr) *written = num;
  s->write_done = 0;
  s->early_state = EarlyState::write_retry;
  return 1;
}

int write_early_data(SSL* s, const void* buf, size_t num, size_t* written) {
  begin_call(s);
  switch (s->early_state) {
    case EarlyState::none:
      if (s->server || !in_before(s) || s->session == nullptr ||
          session_max_early_data(s->session) == 0) {
        COMPAT_RAISE(s, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
        return 0;
      }
      s->early_data_engine = true;  // this client's ClientHello offers early data
      [[fallthrough]];
    case EarlyState::connect_retry:
      s->early_state = EarlyState::connect_retry;
      if (run_handshake(s) <= 0) return 0;
      [[fallthrough]];
    case EarlyState::write_retry:
    case EarlyState::write_flush:
      // The handshake went on without us (SSL_connect, SSL_read): no more
      // early data (OpenSSL's SSL_EARLY_DATA_FINISHED_WRITING).
      if (!s->early_data_paused || s->conn == nullptr ||
          s->conn->early_data_status() != adieu::EarlyDataStatus::offered) {
        break;
      }
      return write_data(s, buf, num, written);
    default:
      break;
  }
  COMPAT_RAISE(s, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
  return 0;
}

int read_early_data(SSL* s, void* buf, size_t num, size_t* readbytes) {
  begin_call(s);
  if (!s->server) {
    COMPAT_RAISE(s, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
    return SSL_READ_EARLY_DATA_ERROR;
  }
  switch (s->early_state) {
    case EarlyState::none:
      if (!in_before(s)) {
        COMPAT_RAISE(s, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
        return SSL_READ_EARLY_DATA_ERROR;
      }
      [[fallthrough]];
    case EarlyState::accept_retry:
      s->early_state = EarlyState::accept_retry;
      if (run_handshake(s) <= 0) return SSL_READ_EARLY_DATA_ERROR;
      [[fallthrough]];
    case EarlyState::read_retry:
      s->early_state = EarlyState::read_retry;
      if (buf == nullptr && num > 0) {
        ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
        s->call_error = CallError::ssl;
        return SSL_READ_EARLY_DATA_ERROR;
      }
      while (s->conn != nullptr &&
             s->conn->early_data_status() == adieu::EarlyDataStatus::accepted) {
        // The engine's plaintext is early data up to early_data_bytes(); what
        // follows is SSL_read's.
        const uint64_t left = s->conn->early_data_bytes() - s->early_data_read;
        const size_t ready =
            static_cast<size_t>(std::min<uint64_t>(left, s->conn->readable().size()));
        if (ready > 0 || (num == 0 && left > 0)) {
          const size_t n = std::min(num, ready);
          if (n > 0) std::memcpy(buf, s->conn->readable().data(), n);
          s->conn->consume_readable(n);
          s->early_data_read += n;
          if (readbytes != nullptr) *readbytes = n;
          return SSL_READ_EARLY_DATA_SUCCESS;
        }
        if (handshake_done(s)) break;  // the early data ended, all of it read
        if (run_handshake(s) <= 0) return SSL_READ_EARLY_DATA_ERROR;
        if (s->fatal) return SSL_READ_EARLY_DATA_ERROR;
      }
      s->early_state = EarlyState::finished_reading;
      if (readbytes != nullptr) *readbytes = 0;
      return SSL_READ_EARLY_DATA_FINISH;
    default:
      COMPAT_RAISE(s, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
      return SSL_READ_EARLY_DATA_ERROR;
  }
}

}  // namespace

bool early_data_pause(SSL* s) {
  if (!s->early_data_call || s->conn == nullptr || s->conn->handshake_done()) return false;
  // A client stops once its ClientHello is out.
  if (s->server && !server_flight_written(s)) return false;
  s->early_data_paused = true;
  // A server that took early data reads on until some of it came (OpenSSL's
  // SSL_accept returns here, then SSL_read_ex reads).
  return !s->server || s->conn->early_data_status() != adieu::EarlyDataStatus::accepted ||
         s->conn->early_data_bytes() > s->early_data_read;
}

bool stateful_tickets(const SSL* s) {
  if ((s->options & SSL_OP_NO_TICKET) != 0) return true;
  if (s->max_early_data == 0 || (s->options & SSL_OP_NO_ANTI_REPLAY) != 0) return false;
  int lo = 0, hi = 0;
  return version_range(s, &lo, &hi) && hi == TLS1_3_VERSION;
}

bool early_data_blocks(SSL* s, bool writing) {
  const EarlyState st = s->early_state;
  if (st == EarlyState::connect_retry || st == EarlyState::accept_retry ||
      (writing && st == EarlyState::read_retry)) {
    COMPAT_RAISE(s, ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED);
    return true;
  }
  return false;
}

void configure_early_data(const SSL* s, adieu::Config& cfg) {
  if (!s->server) {
    cfg.set_early_data(s->early_data_engine);
    return;
  }
  const uint32_t limit = s->early_data_engine ? server_limit(s) : 0;
  cfg.set_max_early_data(limit);
  if (limit == 0) return;
  std::lock_guard<std::recursive_mutex> guard(s->ctx->lock);
  if (!s->ctx->early_data_replay) {
    s->ctx->early_data_replay = std::make_shared<adieu::EarlyDataReplayGuard>();
  }
  cfg.set_early_data_replay_guard(s->ctx->early_data_replay);
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

// --- Limits -----------------------------------------------------------------------
int SSL_CTX_set_max_early_data(SSL_CTX* ctx, uint32_t max_early_data) {
  if (ctx == nullptr) return 0;
  ctx->max_early_data = max_early_data;
  ctx_changed(ctx);
  return 1;
}
uint32_t SSL_CTX_get_max_early_data(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->max_early_data : 0;
}
int SSL_set_max_early_data(SSL* s, uint32_t max_early_data) {
  if (s == nullptr) return 0;
  s->max_early_data = max_early_data;
  return 1;
}
uint32_t SSL_get_max_early_data(const SSL* s) {
  return s != nullptr ? s->max_early_data : 0;
}
int SSL_CTX_set_recv_max_early_data(SSL_CTX* ctx, uint32_t recv_max_early_data) {
  if (ctx == nullptr) return 0;
  ctx->recv_max_early_data = recv_max_early_data;
  ctx_changed(ctx);
  return 1;
}
uint32_t SSL_CTX_get_recv_max_early_data(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->recv_max_early_data : 0;
}
int SSL_set_recv_max_early_data(SSL* s, uint32_t recv_max_early_data) {
  if (s == nullptr) return 0;
  s->recv_max_early_data = recv_max_early_data;
  return 1;
}
uint32_t SSL_get_recv_max_early_data(const SSL* s) {
  return s != nullptr ? s->recv_max_early_data : 0;
}

// --- Sessions -----------------------------------------------------------------------
uint32_t SSL_SESSION_get_max_early_data(const SSL_SESSION* s) {
  return s != nullptr ? session_max_early_data(s) : 0;
}
static int SSL_SESSION_set_max_early_data_body(SSL_SESSION* s, uint32_t max_early_data) {
  if (s == nullptr) return 0;
  s->max_early_data = max_early_data;
  if (s->engine == nullptr) return 1;
  // The engine's session is shared (SSL_SESSION_dup, a connection): the
  // changed one is a copy.
  const adieu::Session::Data& d = s->engine->data();
  auto copy = std::make_unique<adieu::Session::Data>();
  copy->cipher_suite = d.cipher_suite;
  copy->psk = d.psk;
  copy->id = d.id;
  copy->tls12_ticket = d.tls12_ticket;
  copy->server_name = d.server_name;
  copy->alpn = d.alpn;
  copy->issued_at_ms = d.issued_at_ms;
  copy->lifetime_seconds = d.lifetime_seconds;
  copy->age_add = d.age_add;
  copy->external = d.external;
  copy->max_early_data = max_early_data;
  copy->resumable = d.resumable.load();
  s->engine = std::make_shared<adieu::Session>(std::move(copy));
  return 1;
}
int SSL_SESSION_set_max_early_data(SSL_SESSION* s, uint32_t max_early_data) {
  return guard<int>(0, [&] { return SSL_SESSION_set_max_early_data_body(s, max_early_data); });
}

// --- Data -----------------------------------------------------------------------------
int SSL_write_early_data(SSL* s, const void* buf, size_t num, size_t* written) {
  if (s == nullptr) return 0;
  return guard<int>(s, 0, [&] { return write_early_data(s, buf, num, written); });
}
int SSL_read_early_data(SSL* s, void* buf, size_t num, size_t* readbytes) {
  if (s == nullptr) return SSL_READ_EARLY_DATA_ERROR;
  return guard<int>(s, SSL_READ_EARLY_DATA_ERROR,
                    [&] { return read_early_data(s, buf, num, readbytes); });
}
int SSL_get_early_data_status(const SSL* s) {
  return s != nullptr ? status_of(s->conn.get()) : SSL_EARLY_DATA_NOT_SENT;
}

}  // extern "C"
