// The end of a QUIC connection object as OpenSSL 3.2-3.5 presents it
// (rules R47-R50 of the shutdown rules): SSL_shutdown / SSL_shutdown_ex's
// three phases, SSL_get_shutdown read from the connection's state,
// SSL_get_conn_close_info, SSL_get_error; and SSL_get_value_uint /
// SSL_set_value_uint. See compat/quic.h.
#include <chrono>

#include "compat/quic.h"

namespace adieu::compat::quic {
namespace {

using adieu::quic::ConnectionState;

bool terminating(const adieu::quic::Connection& engine) {
  const ConnectionState state = engine.state();
  return state == ConnectionState::closing || state == ConnectionState::draining ||
         state == ConnectionState::closed;
}

}  // namespace

// R47/R49. Phase 1 waits for the streams' data to be acknowledged (unless
// RAPID, NO_STREAM_FLUSH or WAIT_PEER); phase 2 sends CONNECTION_CLOSE
// (unless WAIT_PEER: the peer is to close); phase 3 is the terminating
// period (RAPID: not waited for). Non-blocking: 0 while a phase is not done,
// 1 once terminated.
int shutdown(SSL* s, uint64_t flags, const SSL_SHUTDOWN_EX_ARGS* args) {
  Object* o = object(s);
  if (o->kind != Kind::connection) return fail(s, SSL_ERROR_SSL, SSL_R_CONN_USE_ONLY, -1);
  ConnectionObject& co = o->connection;
  if (co.engine == nullptr) {
    // Never started: nothing to close (OpenSSL: terminated at once).
    co.shutting_down = true;
    return fail(s, SSL_ERROR_NONE, 0, 1);
  }
  adieu::quic::Connection& engine = *co.engine;
  co.shutting_down = true;
  if (!co.close_args_taken && args != nullptr) {  // only the first call's arguments count
    co.close_code = args->quic_error_code;
    if (args->quic_reason != nullptr) co.close_reason = args->quic_reason;
  }
  co.close_args_taken = true;
  const bool blocking = can_block(s) && (flags & SSL_SHUTDOWN_FLAG_NO_BLOCK) == 0;
  const auto step = [&](const std::function<bool()>& done) {
    return blocking ? wait_until(s, done) : (handle_events(s), done());
  };
  const bool wait_peer = (flags & SSL_SHUTDOWN_FLAG_WAIT_PEER) != 0;
  const bool flush =
      (flags & (SSL_SHUTDOWN_FLAG_RAPID | SSL_SHUTDOWN_FLAG_NO_STREAM_FLUSH)) == 0 && !wait_peer;
  if (!terminating(engine)) {
    if (flush && !step([&] { return engine.streams_flushed() || terminating(engine); })) {
      return fail(s, SSL_ERROR_WANT_READ, 0, 0);
    }
    if (wait_peer) {
      if (!step([&] { return terminating(engine); })) return fail(s, SSL_ERROR_WANT_READ, 0, 0);
    } else if (!terminating(engine)) {
      engine.close(co.close_code, co.close_reason);
      handle_events(s);
    }
  }
  if ((flags & SSL_SHUTDOWN_FLAG_RAPID) != 0) return fail(s, SSL_ERROR_NONE, 0, 1);
  if (!step([&] { return engine.state() == ConnectionState::closed; })) {
    return fail(s, SSL_ERROR_WANT_READ, 0, 0);
  }
  return fail(s, SSL_ERROR_NONE, 0, 1);
}

// R48: a stream gives 0 with SSL_R_CONN_USE_ONLY; a connection 0 while
// active, SENT while its own close is in progress (closing), SENT|RECEIVED
// once draining or terminated for any reason.
int get_shutdown(const SSL* s) {
  Object* o = object(s);
  if (o->kind != Kind::connection) {
    COMPAT_RAISE(const_cast<SSL*>(s), SSL_R_CONN_USE_ONLY);
    return 0;
  }
  const auto& engine = o->connection.engine;
  if (engine == nullptr) return 0;
  switch (engine->state()) {
    case ConnectionState::closing:
      return SSL_SENT_SHUTDOWN;
    case ConnectionState::draining:
    case ConnectionState::closed:
      return SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN;
    default:
      return 0;
  }
}

// R50: a network error is SYSCALL; otherwise what the object's last call
// left.
int get_error(const SSL* s, int ret_code) {
  Object* o = object(s);
  SSL* c = connection_of(const_cast<SSL*>(s));
  if (c != nullptr && object(c)->connection.network_error && ret_code <= 0) {
    return SSL_ERROR_SYSCALL;
  }
  if (ret_code > 0) return SSL_ERROR_NONE;
  return o->last_error;
}

}  // namespace adieu::compat::quic

using namespace adieu::compat;
using namespace adieu::compat::quic;

extern "C" {

int SSL_shutdown_ex(SSL* s, uint64_t flags, const SSL_SHUTDOWN_EX_ARGS* args, size_t args_len) {
  if (s == nullptr) return -1;
  if (!is_quic(s)) return SSL_shutdown(s);  // R49: exactly SSL_shutdown on TLS
  if (args != nullptr &&
      (args_len < sizeof(SSL_SHUTDOWN_EX_ARGS) || args->quic_error_code >= (uint64_t{1} << 62))) {
    return fail(s, SSL_ERROR_SSL, SSL_R_BAD_VALUE, -1);
  }
  return guard<int>(s, -1, [&] { return shutdown(s, flags, args); });
}

int SSL_get_conn_close_info(SSL* s, SSL_CONN_CLOSE_INFO* info, size_t info_len) {
  SSL* c = connection_of(s);
  if (c == nullptr || info == nullptr || info_len < sizeof(SSL_CONN_CLOSE_INFO)) return 0;
  ConnectionObject& co = object(c)->connection;
  if (co.engine == nullptr || !co.engine->close_info()) return 0;
  const adieu::quic::CloseInfo& close = *co.engine->close_info();
  co.close_info_reason = close.reason;
  info->error_code = close.error_code;
  info->frame_type = close.frame_type;
  info->reason = co.close_info_reason.c_str();
  info->reason_len = co.close_info_reason.size();
  info->flags = 0;
  if (close.cause == adieu::quic::CloseInfo::Cause::local) info->flags |= SSL_CONN_CLOSE_FLAG_LOCAL;
  if (close.transport) info->flags |= SSL_CONN_CLOSE_FLAG_TRANSPORT;
  return 1;
}

// The values adieu keeps: the idle timeout asked for (before the
// connection starts) and, once connected, the one in effect as asked; the
// streams each side may still open; the event handling mode is accepted and
// always behaves as implicit.
int SSL_get_value_uint(SSL* s, uint32_t class_, uint32_t id, uint64_t* v) {
  SSL* c = connection_of(s);
  if (c == nullptr || v == nullptr) {
    COMPAT_RAISE(s, SSL_R_CONN_USE_ONLY);
    return 0;
  }
  const ConnectionObject& co = object(c)->connection;
  if (id == SSL_VALUE_QUIC_IDLE_TIMEOUT &&
      (class_ == SSL_VALUE_CLASS_FEATURE_REQUEST || class_ == SSL_VALUE_CLASS_FEATURE_NEGOTIATED)) {
    *v = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(co.settings.max_idle_timeout)
            .count());
    return 1;
  }
  if (id == SSL_VALUE_EVENT_HANDLING_MODE && class_ == SSL_VALUE_CLASS_GENERIC) {
    *v = SSL_VALUE_EVENT_HANDLING_MODE_IMPLICIT;
    return 1;
  }
  if (id >= SSL_VALUE_QUIC_STREAM_BIDI_LOCAL_AVAIL &&
      id <= SSL_VALUE_QUIC_STREAM_UNI_REMOTE_AVAIL && class_ == SSL_VALUE_CLASS_GENERIC) {
    if (co.engine == nullptr) {
      ERR_raise(ERR_LIB_SSL, SSL_R_FEATURE_NEGOTIATION_NOT_COMPLETE);
      return 0;
    }
    const bool bidi = id == SSL_VALUE_QUIC_STREAM_BIDI_LOCAL_AVAIL ||
                      id == SSL_VALUE_QUIC_STREAM_BIDI_REMOTE_AVAIL;
    const bool local =
        id == SSL_VALUE_QUIC_STREAM_BIDI_LOCAL_AVAIL || id == SSL_VALUE_QUIC_STREAM_UNI_LOCAL_AVAIL;
    *v = co.engine->streams_available(bidi, local);
    return 1;
  }
  ERR_raise(ERR_LIB_SSL, SSL_R_UNSUPPORTED_CONFIG_VALUE);
  return 0;
}

int SSL_set_value_uint(SSL* s, uint32_t class_, uint32_t id, uint64_t v) {
  SSL* c = connection_of(s);
  if (c == nullptr) {
    COMPAT_RAISE(s, SSL_R_CONN_USE_ONLY);
    return 0;
  }
  ConnectionObject& co = object(c)->connection;
  if (id == SSL_VALUE_QUIC_IDLE_TIMEOUT && class_ == SSL_VALUE_CLASS_FEATURE_REQUEST) {
    if (co.engine != nullptr) {
      ERR_raise(ERR_LIB_SSL, SSL_R_FEATURE_NOT_RENEGOTIABLE);
      return 0;
    }
    co.settings.max_idle_timeout = std::chrono::milliseconds(static_cast<int64_t>(v));
    return 1;
  }
  if (id == SSL_VALUE_EVENT_HANDLING_MODE && class_ == SSL_VALUE_CLASS_GENERIC &&
      v <= SSL_VALUE_EVENT_HANDLING_MODE_EXPLICIT) {
    return 1;
  }
  ERR_raise(ERR_LIB_SSL, SSL_R_UNSUPPORTED_CONFIG_VALUE);
  return 0;
}

}  // extern "C"
