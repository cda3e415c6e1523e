// QUIC listeners: SSL_new_listener, SSL_listen, SSL_accept_connection. A
// listener is one adieu::quic::Server over the UDP socket given with
// SSL_set_fd (or SSL_set_bio); the connections it accepts share that socket
// and are driven through it. See compat/quic.h.
#include "compat/quic.h"

using namespace adieu::compat;
using namespace adieu::compat::quic;

namespace {

bool is_listener(SSL* s) {
  return is_quic(s) && object(s)->kind == Kind::listener;
}

// SSL_listen's work: the endpoint, with the context's certificate, ALPN
// callback and settings.
bool start_listening(SSL* l) {
  ListenerObject& lo = object(l)->listener;
  if (lo.endpoint != nullptr) return true;
  std::shared_ptr<const adieu::Config> config = quic_config(l);
  if (config == nullptr) return false;
  lo.endpoint = adieu::quic::Server::create(std::move(config), object(l)->connection.settings);
  if (lo.endpoint == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR);
    return false;
  }
  return true;
}

}  // namespace

extern "C" {

SSL* SSL_new_listener(SSL_CTX* ctx, uint64_t flags) {
  return guard<SSL*>(nullptr, nullptr, [&]() -> SSL* {
    if (ctx == nullptr || !ctx->method->quic || !ctx->method->can_accept) {
      ERR_raise(ERR_LIB_SSL, SSL_R_CONN_USE_ONLY);
      return nullptr;
    }
    SSL* l = new_object(ctx, Kind::listener);
    if (l == nullptr) return nullptr;
    l->server = true;
    object(l)->listener.no_accept = (flags & SSL_LISTENER_FLAG_NO_ACCEPT) != 0;
    return l;
  });
}

int SSL_is_listener(SSL* s) {
  return is_listener(s) ? 1 : 0;
}

SSL* SSL_get0_listener(SSL* s) {
  if (is_listener(s)) return s;
  SSL* c = connection_of(s);
  return c != nullptr ? object(c)->connection.listener : nullptr;
}

int SSL_listen(SSL* s) {
  return guard<int>(s, 0, [&] {
    if (!is_listener(s)) {
      COMPAT_RAISE(s, SSL_R_CONN_USE_ONLY);
      return 0;
    }
    if (!start_listening(s)) return 0;
    handle_events(s);
    return 1;
  });
}

SSL* SSL_accept_connection(SSL* s, uint64_t flags) {
  return guard<SSL*>(s, nullptr, [&]() -> SSL* {
    if (!is_listener(s) || object(s)->listener.no_accept) {
      COMPAT_RAISE(s, SSL_R_CONN_USE_ONLY);
      return nullptr;
    }
    if (!start_listening(s)) return nullptr;
    adieu::quic::Server& endpoint = *object(s)->listener.endpoint;
    std::shared_ptr<adieu::quic::Connection> accepted;
    const auto take = [&] { return (accepted = endpoint.accept()) != nullptr; };
    if ((flags & SSL_ACCEPT_CONNECTION_NO_BLOCK) != 0) {
      handle_events(s);
      take();
    } else {
      wait_until(s, take);
    }
    if (accepted == nullptr) return nullptr;
    SSL* c = new_object(s->ctx, Kind::connection);
    if (c == nullptr) return nullptr;
    c->server = true;
    SSL_up_ref(s);
    ConnectionObject& co = object(c)->connection;
    co.listener = s;
    co.engine = std::move(accepted);
    object(c)->blocking = object(s)->blocking;
    return c;
  });
}

size_t SSL_get_accept_connection_queue_len(SSL* s) {
  (void)s;
  return 0;  // connections are taken from the endpoint one by one (documented)
}

}  // extern "C"
