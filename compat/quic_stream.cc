// QUIC streams as SSL objects: SSL_new_stream, SSL_accept_stream, the
// connection's default stream, SSL_read / SSL_write on either, conclusion,
// reset and the stream states. See compat/quic.h.
#include <algorithm>

#include "compat/quic.h"

namespace adieu::compat::quic {
namespace {

using adieu::quic::StreamPartState;

// How much an SSL_write may queue on one stream beyond what the peer has
// acknowledged before it waits (blocking) or takes only part (non-blocking).
constexpr size_t kStreamWriteBuffer = size_t{1} << 20;

adieu::quic::Connection* engine_of(SSL* c) {
  return c != nullptr ? object(c)->connection.engine.get() : nullptr;
}

bool ended(const adieu::quic::Connection& engine) {
  const auto state = engine.state();
  return state == adieu::quic::ConnectionState::closing ||
         state == adieu::quic::ConnectionState::draining ||
         state == adieu::quic::ConnectionState::closed;
}

bool local_stream(const SSL* c, uint64_t id) {
  const bool client_initiated = (id & 1) == 0;
  return client_initiated != c->server;
}

// The stream a data call on `s` uses: a stream object's own, or the
// connection's default stream, made on first use as its default stream mode
// says (OpenSSL: a write opens it; a read takes the peer's first stream).
std::optional<uint64_t> data_stream(SSL* s, bool for_write) {
  Object* o = object(s);
  if (o->kind == Kind::stream) return o->stream.id;
  ConnectionObject& co = o->connection;
  if (co.default_stream) return co.default_stream;
  if (co.default_stream_gone || co.default_stream_mode == SSL_DEFAULT_STREAM_MODE_NONE) {
    return std::nullopt;
  }
  adieu::quic::Connection& engine = *co.engine;
  if (for_write) {
    co.default_stream =
        engine.open_stream(co.default_stream_mode == SSL_DEFAULT_STREAM_MODE_AUTO_BIDI);
  } else {
    co.default_stream = engine.accept_stream();
  }
  return co.default_stream;
}

// The handshake before data, as OpenSSL's implicit connect/accept.
bool ensure_handshake(SSL* s) {
  SSL* c = connection_of(s);
  adieu::quic::Connection* engine = engine_of(c);
  if (engine != nullptr && engine->handshake_complete()) return true;
  return do_handshake(c) == 1;
}

// Why a stream refuses data, as OpenSSL says it.
int refuse(SSL* s, StreamPartState state, bool reading) {
  switch (state) {
    case StreamPartState::wrong_direction:
      return fail(s, SSL_ERROR_SSL, reading ? SSL_R_STREAM_SEND_ONLY : SSL_R_STREAM_RECV_ONLY, -1);
    case StreamPartState::finished:
      if (reading) return fail(s, SSL_ERROR_ZERO_RETURN, 0, -1);  // R50: the peer's FIN
      return fail(s, SSL_ERROR_SSL, SSL_R_STREAM_FINISHED, -1);
    case StreamPartState::reset_local:
    case StreamPartState::reset_remote:
      return fail(s, SSL_ERROR_SSL, SSL_R_STREAM_RESET, -1);
    case StreamPartState::connection_closed:
      return fail(s, SSL_ERROR_SSL, SSL_R_PROTOCOL_IS_SHUTDOWN, -1);
    default:
      return fail(s, SSL_ERROR_SSL, SSL_R_NO_STREAM, -1);
  }
}

SSL* stream_object(SSL* c, uint64_t id) {
  SSL* s = new_object(c->ctx, Kind::stream);
  if (s == nullptr) return nullptr;
  SSL_up_ref(c);
  s->server = c->server;
  Object* o = object(s);
  o->stream.connection = c;
  o->stream.id = id;
  o->blocking = object(c)->blocking;
  return s;
}

}  // namespace

int read(SSL* s, void* buf, size_t num, size_t* readbytes, bool peek) {
  Object* o = object(s);
  if (o->kind == Kind::listener) return fail(s, SSL_ERROR_SSL, SSL_R_CONN_USE_ONLY, -1);
  if (!ensure_handshake(s)) return -1;
  SSL* c = connection_of(s);
  adieu::quic::Connection& engine = *engine_of(c);
  std::optional<uint64_t> id = data_stream(s, false);
  if (!id) {
    // No default stream yet: wait for the peer to open one.
    wait_until(s, [&] { return (id = data_stream(s, false)).has_value() || ended(engine); });
    if (!id) {
      if (ended(engine)) return fail(s, SSL_ERROR_ZERO_RETURN, 0, -1);
      if (object(c)->connection.default_stream_gone ||
          object(c)->connection.default_stream_mode == SSL_DEFAULT_STREAM_MODE_NONE) {
        return fail(s, SSL_ERROR_SSL, SSL_R_NO_STREAM, -1);
      }
      return fail(s, SSL_ERROR_WANT_READ, 0, -1);
    }
  }
  const auto readable_or_over = [&] {
    return engine.readable(*id) > 0 || engine.read_state(*id) != StreamPartState::ok ||
           engine.read_finished(*id);
  };
  wait_until(s, readable_or_over);
  if (engine.readable(*id) == 0) {
    // The peer's FIN was read: a clean end of the stream, also when the
    // connection ended after it (never mistaken for a cut stream).
    if (engine.read_finished(*id)) return fail(s, SSL_ERROR_ZERO_RETURN, 0, -1);
    const StreamPartState state = engine.read_state(*id);
    if (state == StreamPartState::ok) {
      if (object(c)->connection.network_error) return fail(s, SSL_ERROR_SYSCALL, 0, -1);
      return fail(s, SSL_ERROR_WANT_READ, 0, -1);
    }
    return refuse(s, state, true);
  }
  if (num == 0) return fail(s, SSL_ERROR_NONE, 0, 1);
  size_t n = 0;
  if (peek) {
    // The engine has no peek: read, then keep the bytes for the next read.
    std::vector<uint8_t>& held = o->peeked;
    if (held.empty()) {
      held.resize(engine.readable(*id));
      held.resize(engine.read(*id, held));
    }
    n = std::min(num, held.size());
    std::copy_n(held.begin(), n, static_cast<uint8_t*>(buf));
  } else if (!o->peeked.empty()) {
    n = std::min(num, o->peeked.size());
    std::copy_n(o->peeked.begin(), n, static_cast<uint8_t*>(buf));
    o->peeked.erase(o->peeked.begin(), o->peeked.begin() + static_cast<ptrdiff_t>(n));
  } else {
    n = engine.read(*id, {static_cast<uint8_t*>(buf), num});
  }
  handle_events(s);  // window updates go out
  *readbytes = n;
  return fail(s, SSL_ERROR_NONE, 0, 1);
}

int write(SSL* s, const void* buf, size_t num, size_t* written) {
  Object* o = object(s);
  if (o->kind == Kind::listener) return fail(s, SSL_ERROR_SSL, SSL_R_CONN_USE_ONLY, -1);
  SSL* c = connection_of(s);
  if (object(c)->connection.shutting_down) {
    return fail(s, SSL_ERROR_SSL, SSL_R_PROTOCOL_IS_SHUTDOWN, -1);
  }
  if (!ensure_handshake(s)) return -1;
  adieu::quic::Connection& engine = *engine_of(c);
  const std::optional<uint64_t> id = data_stream(s, true);
  if (!id) {
    if (object(c)->connection.default_stream_gone ||
        object(c)->connection.default_stream_mode == SSL_DEFAULT_STREAM_MODE_NONE) {
      return fail(s, SSL_ERROR_SSL, SSL_R_NO_STREAM, -1);
    }
    return fail(s, SSL_ERROR_SSL, SSL_R_STREAM_COUNT_LIMITED, -1);
  }
  const StreamPartState state = engine.write_state(*id);
  if (state != StreamPartState::ok) return refuse(s, state, false);
  const auto* bytes = static_cast<const uint8_t*>(buf);
  size_t done = 0;
  while (done < num) {
    const size_t room =
        kStreamWriteBuffer - std::min(kStreamWriteBuffer, engine.send_buffered(*id));
    if (room > 0) {
      const size_t chunk = std::min(room, num - done);
      if (engine.write(*id, {bytes + done, chunk}) != chunk) {
        return refuse(s, engine.write_state(*id), false);
      }
      done += chunk;
      handle_events(s);
      continue;
    }
    // The buffer is full: wait for acknowledgments (blocking), or report
    // what was taken.
    const bool moved = wait_until(s, [&] {
      return engine.send_buffered(*id) < kStreamWriteBuffer || ended(engine) ||
             engine.write_state(*id) != StreamPartState::ok;
    });
    if (!moved || engine.write_state(*id) != StreamPartState::ok) break;
  }
  if (done == 0 && num > 0) {
    if (engine.write_state(*id) != StreamPartState::ok) {
      return refuse(s, engine.write_state(*id), false);
    }
    return fail(s, SSL_ERROR_WANT_WRITE, 0, -1);
  }
  *written = done;
  return fail(s, SSL_ERROR_NONE, 0, 1);
}

size_t pending(SSL* s) {
  Object* o = object(s);
  SSL* c = connection_of(s);
  adieu::quic::Connection* engine = engine_of(c);
  if (engine == nullptr) return 0;
  std::optional<uint64_t> id = o->kind == Kind::stream ? std::optional<uint64_t>(o->stream.id)
                                                       : object(c)->connection.default_stream;
  if (!id) return 0;
  return o->peeked.size() + engine->readable(*id);
}

}  // namespace adieu::compat::quic

using namespace adieu::compat;
using namespace adieu::compat::quic;

namespace {

// The stream id a stream call on `s` names: the stream's, or the
// connection's default stream's. nullopt (SSL_R_NO_STREAM raised) otherwise.
std::optional<uint64_t> stream_id_of(SSL* s, bool raise) {
  Object* o = object(s);
  if (o == nullptr || o->kind == Kind::listener) return std::nullopt;
  if (o->kind == Kind::stream) return o->stream.id;
  if (!o->connection.default_stream && raise) COMPAT_RAISE(s, SSL_R_NO_STREAM);
  return o->connection.default_stream;
}

adieu::quic::Connection* engine_for(SSL* s) {
  SSL* c = connection_of(s);
  return c != nullptr ? object(c)->connection.engine.get() : nullptr;
}

// The engine of connection object `s` once its handshake is done (run here
// if need be), for the calls that make stream objects; nullptr (an error
// raised) for another kind of object or a handshake that did not complete.
adieu::quic::Connection* connected(SSL* s) {
  Object* o = object(s);
  if (o == nullptr || o->kind != Kind::connection) {
    COMPAT_RAISE(s, SSL_R_CONN_USE_ONLY);
    return nullptr;
  }
  if (quic::do_handshake(s) != 1) return nullptr;
  return o->connection.engine.get();
}

// OpenSSL: once the application makes or accepts streams itself, the
// connection has no default stream to make (unless it already has one).
SSL* take_over_streams(SSL* c, uint64_t id) {
  ConnectionObject& co = object(c)->connection;
  if (!co.default_stream) co.default_stream_gone = true;
  return stream_object(c, id);
}

}  // namespace

extern "C" {

SSL* SSL_new_stream(SSL* s, uint64_t flags) {
  return guard<SSL*>(s, nullptr, [&]() -> SSL* {
    adieu::quic::Connection* connection = connected(s);
    if (connection == nullptr) return nullptr;
    adieu::quic::Connection& engine = *connection;
    const bool bidi = (flags & SSL_STREAM_FLAG_UNI) == 0;
    std::optional<uint64_t> id = engine.open_stream(bidi);
    if (!id && (flags & SSL_STREAM_FLAG_NO_BLOCK) == 0) {
      wait_until(s, [&] { return (id = engine.open_stream(bidi)).has_value() || ended(engine); });
    }
    if (!id) {
      COMPAT_RAISE(s, SSL_R_STREAM_COUNT_LIMITED);
      return nullptr;
    }
    return take_over_streams(s, *id);
  });
}

SSL* SSL_accept_stream(SSL* s, uint64_t flags) {
  return guard<SSL*>(s, nullptr, [&]() -> SSL* {
    adieu::quic::Connection* connection = connected(s);
    if (connection == nullptr) return nullptr;
    adieu::quic::Connection& engine = *connection;
    std::optional<uint64_t> id;
    const auto take = [&] { return (id = engine.accept_stream()).has_value() || ended(engine); };
    if ((flags & SSL_ACCEPT_STREAM_NO_BLOCK) != 0) {
      handle_events(s);
      take();
    } else {
      wait_until(s, take);
    }
    if (!id) return nullptr;
    return take_over_streams(s, *id);
  });
}

size_t SSL_get_accept_stream_queue_len(SSL* s) {
  (void)s;
  return 0;  // streams are taken from the engine one by one (documented)
}

int SSL_set_default_stream_mode(SSL* s, uint32_t mode) {
  Object* o = object(s);
  if (o == nullptr || o->kind != Kind::connection || mode > SSL_DEFAULT_STREAM_MODE_AUTO_UNI) {
    COMPAT_RAISE(s, SSL_R_CONN_USE_ONLY);
    return 0;
  }
  o->connection.default_stream_mode = mode;
  return 1;
}

int SSL_set_incoming_stream_policy(SSL* s, int policy, uint64_t aec) {
  Object* o = object(s);
  if (o == nullptr || o->kind != Kind::connection || policy < SSL_INCOMING_STREAM_POLICY_AUTO ||
      policy > SSL_INCOMING_STREAM_POLICY_REJECT) {
    COMPAT_RAISE(s, SSL_R_CONN_USE_ONLY);
    return 0;
  }
  o->connection.incoming_policy = policy;
  o->connection.incoming_aec = aec;
  return 1;
}

uint64_t SSL_get_stream_id(SSL* s) {
  const std::optional<uint64_t> id = stream_id_of(s, false);
  return id ? *id : UINT64_MAX;
}

int SSL_get_stream_type(SSL* s) {
  const std::optional<uint64_t> id = stream_id_of(s, false);
  if (!id) return SSL_STREAM_TYPE_NONE;
  if ((*id & 2) == 0) return SSL_STREAM_TYPE_BIDI;
  return local_stream(connection_of(s), *id) ? SSL_STREAM_TYPE_WRITE : SSL_STREAM_TYPE_READ;
}

int SSL_is_stream_local(SSL* s) {
  const std::optional<uint64_t> id = stream_id_of(s, false);
  if (!id) return -1;
  return local_stream(connection_of(s), *id) ? 1 : 0;
}

int SSL_stream_conclude(SSL* s, uint64_t flags) {
  (void)flags;
  return guard<int>(s, 0, [&] {
    const std::optional<uint64_t> id = stream_id_of(s, true);
    adieu::quic::Connection* engine = engine_for(s);
    if (!id || engine == nullptr) return 0;
    const StreamPartState state = engine->write_state(*id);
    if (state == StreamPartState::finished) return 1;  // already concluded
    if (state != StreamPartState::ok || !engine->conclude(*id)) {
      refuse(s, state, false);
      return 0;
    }
    handle_events(s);
    return 1;
  });
}

int SSL_stream_reset(SSL* s, const SSL_STREAM_RESET_ARGS* args, size_t args_len) {
  return guard<int>(s, 0, [&] {
    const std::optional<uint64_t> id = stream_id_of(s, true);
    adieu::quic::Connection* engine = engine_for(s);
    if (!id || engine == nullptr) return 0;
    const uint64_t code =
        args != nullptr && args_len >= sizeof(SSL_STREAM_RESET_ARGS) ? args->quic_error_code : 0;
    if (!engine->reset_stream(*id, code)) {
      refuse(s, engine->write_state(*id), false);
      return 0;
    }
    handle_events(s);
    return 1;
  });
}

int SSL_get_stream_read_state(SSL* s) {
  const std::optional<uint64_t> id = stream_id_of(s, false);
  adieu::quic::Connection* engine = engine_for(s);
  if (!id || engine == nullptr) return SSL_STREAM_STATE_NONE;
  return static_cast<int>(engine->read_state(*id));
}

int SSL_get_stream_write_state(SSL* s) {
  const std::optional<uint64_t> id = stream_id_of(s, false);
  adieu::quic::Connection* engine = engine_for(s);
  if (!id || engine == nullptr) return SSL_STREAM_STATE_NONE;
  return static_cast<int>(engine->write_state(*id));
}

// SSL_get_stream_read_error_code(3): 0 while the part is open or ended
// normally, 1 with the code after a reset, -1 on a connection that ended.
static int error_code(SSL* s, uint64_t* app_error_code, bool reading) {
  const std::optional<uint64_t> id = stream_id_of(s, true);
  adieu::quic::Connection* engine = engine_for(s);
  if (!id || engine == nullptr) return -1;
  const StreamPartState state = reading ? engine->read_state(*id) : engine->write_state(*id);
  if (state == StreamPartState::connection_closed) return -1;
  const std::optional<uint64_t> code =
      reading ? engine->read_error_code(*id) : engine->write_error_code(*id);
  if (!code) return 0;
  if (app_error_code != nullptr) *app_error_code = *code;
  return 1;
}
int SSL_get_stream_read_error_code(SSL* s, uint64_t* app_error_code) {
  return error_code(s, app_error_code, true);
}
int SSL_get_stream_write_error_code(SSL* s, uint64_t* app_error_code) {
  return error_code(s, app_error_code, false);
}

}  // extern "C"
