// QUIC connection objects: the methods, SSL_new on them, the I/O loop that
// moves datagrams between the engine and the socket, blocking and event
// handling, and the handshake. See compat/quic.h.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstring>

#include "compat/quic.h"

namespace adieu::compat::quic {
namespace {

constexpr SSL_METHOD kQuicClient = {TLS1_3_VERSION, true, false, true};
constexpr SSL_METHOD kQuicServer = {TLS1_3_VERSION, false, true, true};

// The largest UDP payload we take (RFC 9000 section 18.2's
// max_udp_payload_size default).
constexpr size_t kMaxDatagram = 65527;
// Datagrams read per round, so that a busy socket cannot starve timers.
constexpr int kDatagramsPerRound = 64;

std::vector<uint8_t>& scratch() {
  thread_local std::vector<uint8_t> buffer(kMaxDatagram);
  return buffer;
}

// The UDP socket behind `s`'s read BIO, or -1 (a BIO without one, such as a
// datagram pair, is read and written through BIO_read / BIO_write).
int socket_of(const SSL* s) {
  if (s == nullptr || s->rbio == nullptr) return -1;
  int fd = -1;
  if (BIO_get_fd(s->rbio, &fd) <= 0) return -1;
  return fd;
}

// A BIO_ADDR as a sockaddr, for sendto().
bool to_sockaddr(const BIO_ADDR* address, sockaddr_storage& out, socklen_t& length) {
  std::memset(&out, 0, sizeof out);
  size_t raw_length = 0;
  if (BIO_ADDR_rawaddress(address, nullptr, &raw_length) != 1) return false;
  const int family = BIO_ADDR_family(address);
  if (family == AF_INET && raw_length == sizeof(in_addr)) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);
    sin->sin_family = AF_INET;
    sin->sin_port = BIO_ADDR_rawport(address);
    BIO_ADDR_rawaddress(address, &sin->sin_addr, &raw_length);
    length = sizeof(sockaddr_in);
    return true;
  }
  if (family == AF_INET6 && raw_length == sizeof(in6_addr)) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = BIO_ADDR_rawport(address);
    BIO_ADDR_rawaddress(address, &sin6->sin6_addr, &raw_length);
    length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// One datagram from `s`'s socket or read BIO into `buffer`: its size, or
// -1 when none is waiting (or the socket failed: `failed` is set).
ssize_t receive_datagram(SSL* s, std::vector<uint8_t>& buffer, adieu::quic::PeerAddress* from,
                         bool& failed) {
  const int fd = socket_of(s);
  if (fd >= 0) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    const ssize_t n = recvfrom(fd, buffer.data(), buffer.size(), MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&address), &length);
    if (n < 0) {
      failed = errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
      return -1;
    }
    if (from != nullptr) {
      *from = adieu::quic::PeerAddress::from(
          {reinterpret_cast<const uint8_t*>(&address), static_cast<size_t>(length)});
    }
    return n;
  }
  if (s->rbio == nullptr) return -1;
  const int n = BIO_read(s->rbio, buffer.data(), static_cast<int>(buffer.size()));
  if (n <= 0) {
    failed = !BIO_should_retry(s->rbio) && n < 0;
    return -1;
  }
  if (from != nullptr) *from = adieu::quic::PeerAddress{};
  return n;
}

// Sends one datagram to `to` (a sockaddr's bytes; empty: the socket's
// connected peer or the initial peer address). A datagram the socket cannot
// take now is dropped: QUIC's loss recovery sends its content again.
void send_datagram(SSL* s, std::span<const uint8_t> datagram, const adieu::quic::PeerAddress& to) {
  const int fd = socket_of(s);
  if (fd >= 0) {
    if (to.size != 0) {
      sendto(fd, datagram.data(), datagram.size(), MSG_DONTWAIT,
             reinterpret_cast<const sockaddr*>(to.bytes.data()), to.size);
      return;
    }
    Object* o = object(s);
    sockaddr_storage address{};
    socklen_t length = 0;
    if (o != nullptr && o->connection.initial_peer != nullptr &&
        to_sockaddr(o->connection.initial_peer, address, length)) {
      sendto(fd, datagram.data(), datagram.size(), MSG_DONTWAIT,
             reinterpret_cast<const sockaddr*>(&address), length);
    } else {
      send(fd, datagram.data(), datagram.size(), MSG_DONTWAIT);
    }
    return;
  }
  if (s->wbio != nullptr) BIO_write(s->wbio, datagram.data(), static_cast<int>(datagram.size()));
}

void pump_listener(SSL* l) {
  adieu::quic::Server* endpoint = object(l)->listener.endpoint.get();
  if (endpoint == nullptr) return;
  // A client's certificate is verified with the listener's settings.
  EngineCallScope scope(l);
  std::vector<uint8_t>& buffer = scratch();
  adieu::quic::PeerAddress from;
  bool failed = false;
  for (int i = 0; i < kDatagramsPerRound; ++i) {
    const ssize_t n = receive_datagram(l, buffer, &from, failed);
    if (n < 0) break;
    endpoint->receive({buffer.data(), static_cast<size_t>(n)}, from, now());
  }
  const adieu::quic::Instant t = now();
  if (endpoint->next_timeout() <= t) endpoint->on_timeout(t);
  adieu::quic::OutgoingDatagram out;
  while (endpoint->send(t, out)) send_datagram(l, out.bytes, out.to);
}

void pump_connection(SSL* c) {
  ConnectionObject& co = object(c)->connection;
  if (co.listener != nullptr) {
    pump_listener(co.listener);
    return;
  }
  if (co.engine == nullptr) return;
  adieu::quic::Connection& engine = *co.engine;
  EngineCallScope scope(c);  // the engine may verify the peer's chain (verify.cc)
  std::vector<uint8_t>& buffer = scratch();
  bool failed = false;
  for (int i = 0; i < kDatagramsPerRound; ++i) {
    const ssize_t n = receive_datagram(c, buffer, nullptr, failed);
    if (n < 0) break;
    engine.receive({buffer.data(), static_cast<size_t>(n)}, now());
  }
  if (failed) co.network_error = true;
  const adieu::quic::Instant t = now();
  if (engine.next_timeout() <= t) engine.on_timeout(t);
  std::vector<uint8_t> out;
  while (engine.send(t, out)) send_datagram(c, out, adieu::quic::PeerAddress{});
}

// The SSL whose socket a call on `s` waits on.
SSL* io_owner(SSL* s) {
  Object* o = object(s);
  if (o == nullptr) return nullptr;
  if (o->kind == Kind::listener) return s;
  SSL* c = connection_of(s);
  if (c == nullptr) return nullptr;
  SSL* l = object(c)->connection.listener;
  return l != nullptr ? l : c;
}

adieu::quic::Instant next_deadline(SSL* owner) {
  Object* o = object(owner);
  if (o->kind == Kind::listener) {
    return o->listener.endpoint ? o->listener.endpoint->next_timeout() : adieu::quic::kNever;
  }
  return o->connection.engine ? o->connection.engine->next_timeout() : adieu::quic::kNever;
}

// Nothing more can happen on `s`'s connection: closed, or its socket failed.
bool stalled(SSL* s) {
  SSL* c = connection_of(s);
  if (c == nullptr) return false;
  const ConnectionObject& co = object(c)->connection;
  if (co.network_error) return true;
  return co.engine != nullptr && co.engine->state() == adieu::quic::ConnectionState::closed;
}

std::string alpn_wire(const std::vector<std::string>& protocols) {
  std::string wire;
  for (const std::string& p : protocols) {
    wire.push_back(static_cast<char>(p.size()));
    wire += p;
  }
  return wire;
}

}  // namespace

void ObjectDeleter::operator()(Object* o) const {
  delete o;
}

adieu::quic::Instant now() {
  const auto since = std::chrono::steady_clock::now().time_since_epoch();
  return adieu::quic::Instant(std::chrono::duration_cast<adieu::quic::Duration>(since));
}

SSL* connection_of(SSL* s) {
  Object* o = object(s);
  if (o == nullptr) return nullptr;
  switch (o->kind) {
    case Kind::connection:
      return s;
    case Kind::stream:
      return o->stream.connection;
    case Kind::listener:
      return nullptr;
  }
  return nullptr;
}

void attach_connection(SSL* s) {
  s->quic.reset(new Object(Kind::connection));
  s->role_set = true;  // the method names the role; SSL_connect keeps the object
}

SSL* new_object(SSL_CTX* ctx, Kind kind) {
  SSL* s = SSL_new(ctx);
  if (s == nullptr) return nullptr;
  s->quic.reset(new Object(kind));
  s->role_set = true;
  return s;
}

void release(SSL* s) {
  Object* o = object(s);
  if (o == nullptr) return;
  if (o->kind == Kind::stream && o->stream.connection != nullptr) {
    SSL* c = o->stream.connection;
    const std::shared_ptr<adieu::quic::Connection>& engine = object(c)->connection.engine;
    if (engine != nullptr) {
      const uint64_t id = o->stream.id;
      if (engine->write_state(id) == adieu::quic::StreamPartState::ok) engine->reset_stream(id, 0);
      if (engine->read_state(id) == adieu::quic::StreamPartState::ok) engine->stop_sending(id, 0);
      pump_connection(c);
    }
    o->stream.connection = nullptr;
    SSL_free(c);
  }
  if (o->kind == Kind::connection) {
    BIO_ADDR_free(o->connection.initial_peer);
    o->connection.initial_peer = nullptr;
    o->connection.engine.reset();
    if (o->connection.listener != nullptr) SSL_free(o->connection.listener);
    o->connection.listener = nullptr;
  }
}

// SSL_INCOMING_STREAM_POLICY_REJECT: each stream the peer opens is refused
// at once: STOP_SENDING, and RESET_STREAM on a bidirectional one, with the
// policy's application error code. True if one was.
bool reject_incoming(SSL* c) {
  ConnectionObject& co = object(c)->connection;
  if (co.incoming_policy != SSL_INCOMING_STREAM_POLICY_REJECT || co.engine == nullptr) {
    return false;
  }
  bool rejected = false;
  while (const std::optional<uint64_t> id = co.engine->accept_stream()) {
    co.engine->stop_sending(*id, co.incoming_aec);
    if ((*id & 2) == 0) co.engine->reset_stream(*id, co.incoming_aec);
    rejected = true;
  }
  return rejected;
}

void pump(SSL* owner) {
  if (object(owner)->kind == Kind::listener) {
    pump_listener(owner);
  } else {
    pump_connection(owner);
  }
}

void handle_events(SSL* s) {
  SSL* owner = io_owner(s);
  if (owner == nullptr) return;
  pump(owner);
  SSL* c = connection_of(s);
  if (c != nullptr && reject_incoming(c)) pump(owner);  // the refusals go out at once
}

bool can_block(SSL* s) {
  Object* o = object(s);
  return o != nullptr && o->blocking && socket_of(io_owner(s)) >= 0;
}

bool wait_until(SSL* s, const std::function<bool()>& done) {
  for (;;) {
    handle_events(s);
    if (done()) return true;
    if (!can_block(s) || stalled(s)) return done();
    SSL* owner = io_owner(s);
    const adieu::quic::Instant deadline = next_deadline(owner);
    int timeout_ms = -1;
    if (deadline != adieu::quic::kNever) {
      const auto left = deadline - now();
      timeout_ms =
          left.count() <= 0
              ? 0
              : static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
    }
    pollfd p{socket_of(owner), POLLIN, 0};
    poll(&p, 1, timeout_ms);
  }
}

int fail(SSL* s, int ssl_error, int reason, int ret) {
  if (reason != 0) COMPAT_RAISE(s, reason);
  if (Object* o = object(s)) o->last_error = ssl_error;
  return ret;
}

std::shared_ptr<const adieu::Config> quic_config(SSL* s) {
  std::string error;
  std::shared_ptr<const adieu::Config> built = engine_config(s, &error, nullptr);
  if (built == nullptr) {
    ERR_raise_data(ERR_LIB_SSL, SSL_R_QUIC_HANDSHAKE_LAYER_ERROR, "%s", error.c_str());
  }
  return built;
}

// The server's ALPN choice through the context's alpn_select_cb (OpenSSL
// calls it with the connection; before a connection exists here, with the
// listener).
void install_alpn_selector(SSL* l, adieu::Config& config) {
  SSL_CTX* ctx = l->ctx;
  if (ctx->alpn_select_cb == nullptr) return;
  config.set_alpn_selector(
      [l, ctx](const std::vector<std::string>& offered) -> std::optional<std::string> {
        const std::string wire = alpn_wire(offered);
        const unsigned char* out = nullptr;
        unsigned char out_length = 0;
        const int r = ctx->alpn_select_cb(l, &out, &out_length,
                                          reinterpret_cast<const unsigned char*>(wire.data()),
                                          static_cast<unsigned>(wire.size()), ctx->alpn_select_arg);
        if (r == SSL_TLSEXT_ERR_OK && out != nullptr) {
          return std::string(reinterpret_cast<const char*>(out), out_length);
        }
        if (r == SSL_TLSEXT_ERR_NOACK) return std::string();
        return std::nullopt;
      });
}

int do_handshake(SSL* s) {
  Object* o = object(s);
  if (o->kind == Kind::listener) return fail(s, SSL_ERROR_SSL, SSL_R_CONN_USE_ONLY, -1);
  SSL* c = connection_of(s);
  ConnectionObject& co = object(c)->connection;
  if (co.engine == nullptr) {
    if (c->server) return fail(s, SSL_ERROR_SSL, SSL_R_CONN_USE_ONLY, -1);
    std::shared_ptr<const adieu::Config> config = quic_config(c);
    if (config == nullptr) return fail(s, SSL_ERROR_SSL, 0, -1);
    co.engine = adieu::quic::Connection::client(std::move(config), co.settings, c->hostname, now());
  }
  adieu::quic::Connection& engine = *co.engine;
  const auto over = [&engine] {
    return engine.state() == adieu::quic::ConnectionState::closing ||
           engine.state() == adieu::quic::ConnectionState::draining ||
           engine.state() == adieu::quic::ConnectionState::closed;
  };
  wait_until(s, [&] { return engine.handshake_complete() || over(); });
  if (engine.handshake_complete()) return fail(s, SSL_ERROR_NONE, 0, 1);
  if (over()) {
    const auto& info = engine.close_info();
    const bool tls = info && info->tls_error != adieu::Error::none;
    return fail(s, SSL_ERROR_SSL,
                tls ? SSL_R_QUIC_HANDSHAKE_LAYER_ERROR : SSL_R_QUIC_PROTOCOL_ERROR, -1);
  }
  if (co.network_error) return fail(s, SSL_ERROR_SYSCALL, 0, -1);
  return fail(s, SSL_ERROR_WANT_READ, 0, -1);
}

}  // namespace adieu::compat::quic

using namespace adieu::compat;
using namespace adieu::compat::quic;

extern "C" {

const SSL_METHOD* OSSL_QUIC_client_method(void) {
  return &kQuicClient;
}
const SSL_METHOD* OSSL_QUIC_client_thread_method(void) {
  return &kQuicClient;
}
const SSL_METHOD* OSSL_QUIC_server_method(void) {
  return &kQuicServer;
}

int SSL_handle_events(SSL* s) {
  return guard<int>(s, 0, [&] {
    if (!is_quic(s)) return 1;  // OpenSSL: nothing to do for TLS
    handle_events(s);
    return 1;
  });
}

int SSL_get_event_timeout(SSL* s, struct timeval* tv, int* is_infinite) {
  if (tv == nullptr) return 0;
  SSL* owner = is_quic(s) ? (object(s)->kind == Kind::listener ? s : connection_of(s)) : nullptr;
  adieu::quic::Instant deadline = adieu::quic::kNever;
  if (owner != nullptr) {
    SSL* l = object(owner)->kind == Kind::connection ? object(owner)->connection.listener : nullptr;
    Object* o = object(l != nullptr ? l : owner);
    if (o->kind == Kind::listener && o->listener.endpoint) {
      deadline = o->listener.endpoint->next_timeout();
    } else if (o->kind == Kind::connection && o->connection.engine) {
      deadline = o->connection.engine->next_timeout();
    }
  }
  if (deadline == adieu::quic::kNever) {
    tv->tv_sec = 0;
    tv->tv_usec = 0;
    if (is_infinite != nullptr) *is_infinite = 1;
    return 1;
  }
  const int64_t left = std::max<int64_t>(0, (deadline - now()).count());
  tv->tv_sec = static_cast<time_t>(left / 1000000);
  tv->tv_usec = static_cast<suseconds_t>(left % 1000000);
  if (is_infinite != nullptr) *is_infinite = 0;
  return 1;
}

static int poll_descriptor(SSL* s, BIO_POLL_DESCRIPTOR* desc) {
  if (desc == nullptr) return 0;
  const int fd = is_quic(s) ? socket_of(io_owner(s)) : socket_of(s);
  desc->type = fd >= 0 ? BIO_POLL_DESCRIPTOR_TYPE_SOCK_FD : BIO_POLL_DESCRIPTOR_TYPE_NONE;
  desc->value.fd = fd;
  return 1;
}
int SSL_get_rpoll_descriptor(SSL* s, BIO_POLL_DESCRIPTOR* desc) {
  return poll_descriptor(s, desc);
}
int SSL_get_wpoll_descriptor(SSL* s, BIO_POLL_DESCRIPTOR* desc) {
  return poll_descriptor(s, desc);
}

// The engine reads whenever it is not closed; what it has to send goes out
// at once, so there is never a write waiting for the socket.
int SSL_net_read_desired(SSL* s) {
  SSL* c = connection_of(s);
  if (c == nullptr) return is_quic(s) ? 1 : 0;
  const auto& engine = object(c)->connection.engine;
  return engine != nullptr && engine->state() != adieu::quic::ConnectionState::closed ? 1 : 0;
}
int SSL_net_write_desired(SSL*) {
  return 0;
}

int SSL_set_blocking_mode(SSL* s, int blocking) {
  if (!is_quic(s)) return 0;
  object(s)->blocking = blocking != 0;
  return 1;
}
int SSL_get_blocking_mode(SSL* s) {
  if (!is_quic(s)) return -1;
  return can_block(s) ? 1 : 0;
}

int SSL_set1_initial_peer_addr(SSL* s, const BIO_ADDR* peer_addr) {
  return guard<int>(s, 0, [&] {
    SSL* c = connection_of(s);
    if (c == nullptr || c->server || object(c)->connection.engine != nullptr) return 0;
    ConnectionObject& co = object(c)->connection;
    BIO_ADDR_free(co.initial_peer);
    co.initial_peer = nullptr;
    if (peer_addr == nullptr) return 1;
    size_t length = 0;
    std::array<unsigned char, 16> raw{};
    if (BIO_ADDR_rawaddress(peer_addr, nullptr, &length) != 1 || length > raw.size() ||
        BIO_ADDR_rawaddress(peer_addr, raw.data(), &length) != 1) {
      return 0;
    }
    BIO_ADDR* copy = BIO_ADDR_new();
    if (copy == nullptr || BIO_ADDR_rawmake(copy, BIO_ADDR_family(peer_addr), raw.data(), length,
                                            BIO_ADDR_rawport(peer_addr)) != 1) {
      BIO_ADDR_free(copy);
      return 0;
    }
    co.initial_peer = copy;
    return 1;
  });
}

SSL* SSL_get0_connection(SSL* s) {
  SSL* c = connection_of(s);
  return c != nullptr ? c : s;
}
int SSL_is_connection(SSL* s) {
  return s != nullptr && (!is_quic(s) || object(s)->kind == Kind::connection) ? 1 : 0;
}

}  // extern "C"
