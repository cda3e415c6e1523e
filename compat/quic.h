// OpenSSL's QUIC objects (3.2-3.5) on adieu's QUIC engine: what an SSL
// holds when its method is one of OSSL_QUIC_*_method().
//
// Three kinds of SSL object, as OpenSSL has them:
//  - a connection (QCSO): one adieu::quic::Connection, with its default
//    stream, which SSL_read / SSL_write on the connection use;
//  - a stream (QSSO): a stream id of a connection it keeps a reference to;
//  - a listener: one adieu::quic::Server over a UDP socket, whose
//    connections SSL_accept_connection hands out.
// The engine is sans-I/O; the code here moves datagrams between it and the
// socket (or datagram BIO) the application gave, and tells it the time
// (steady_clock). In blocking mode a call waits with poll() on the socket
// until the engine's next timer or a datagram.
#pragma once

#include <adieu/openssl_quic.h>
#include <adieu/quic.h>
#include <adieu/quic_server.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compat/internal.h"

namespace adieu::compat::quic {

enum class Kind : uint8_t { connection, stream, listener };

struct ConnectionObject {
  std::shared_ptr<adieu::quic::Connection> engine;  // made by the first handshake call
  SSL* listener = nullptr;           // a server connection's listener (a reference is held)
  BIO_ADDR* initial_peer = nullptr;  // SSL_set1_initial_peer_addr (owned)
  adieu::quic::Settings settings;
  uint32_t default_stream_mode = SSL_DEFAULT_STREAM_MODE_AUTO_BIDI;
  std::optional<uint64_t> default_stream;  // its id, once it exists
  bool default_stream_gone = false;        // SSL_new_stream / SSL_accept_stream took over
  int incoming_policy = SSL_INCOMING_STREAM_POLICY_AUTO;
  uint64_t incoming_aec = 0;
  // SSL_shutdown_ex started: no more writes (SSL_R_PROTOCOL_IS_SHUTDOWN).
  bool shutting_down = false;
  bool close_args_taken = false;
  uint64_t close_code = 0;
  std::string close_reason;
  std::string close_info_reason;  // what SSL_get_conn_close_info points to
  bool network_error = false;     // the socket failed (SSL_ERROR_SYSCALL)
};

struct StreamObject {
  SSL* connection = nullptr;  // a reference is held
  uint64_t id = 0;
};

struct ListenerObject {
  std::unique_ptr<adieu::quic::Server> endpoint;  // made by SSL_listen
  bool no_accept = false;                         // SSL_LISTENER_FLAG_NO_ACCEPT
};

struct Object {
  explicit Object(Kind k) : kind(k) {}
  Kind kind;
  bool blocking = true;             // SSL_set_blocking_mode
  int last_error = SSL_ERROR_NONE;  // what SSL_get_error reports for the last call
  std::vector<uint8_t> peeked;      // SSL_peek's bytes, read from the engine, not yet taken
  ConnectionObject connection;
  StreamObject stream;
  ListenerObject listener;
};

// --- kinds
inline Object* object(const SSL* s) {
  return s != nullptr ? s->quic.get() : nullptr;
}
inline bool is_quic(const SSL* s) {
  return s != nullptr && s->quic != nullptr;
}
// The connection SSL behind `s` (itself, or a stream's), nullptr for a
// listener or a TLS object.
SSL* connection_of(SSL* s);

// Makes `s` (just made by SSL_new on a QUIC method's context) a connection.
void attach_connection(SSL* s);
// A new SSL object of `kind` sharing `parent`'s context (streams, accepted
// connections).
SSL* new_object(SSL_CTX* ctx, Kind kind);
// Frees what the QUIC object holds (SSL_free): a stream resets its unfinished
// send part and stops its unfinished receive part (SSL_free(3)).
void release(SSL* s);

// --- time and I/O
adieu::quic::Instant now();
// Moves datagrams both ways and runs the timers due, once, without waiting
// (SSL_handle_events). For a connection of a listener, the listener does it.
void handle_events(SSL* s);
// Until `done()` or the connection (or listener) can make no progress:
// handles events, then waits on the socket for the next datagram or timer.
// In non-blocking mode (or when the BIO has no descriptor), handles events
// once. Returns done().
bool wait_until(SSL* s, const std::function<bool()>& done);
// Whether `s` blocks: its mode, and a socket to poll.
bool can_block(SSL* s);

// --- per call error state (SSL_get_error)
int fail(SSL* s, int ssl_error, int reason, int ret);

// --- the handshake (SSL_connect / SSL_accept / SSL_do_handshake)
int do_handshake(SSL* s);

// --- data on streams (SSL_read / SSL_peek / SSL_write and the _ex forms)
int read(SSL* s, void* buf, size_t num, size_t* readbytes, bool peek);
int write(SSL* s, const void* buf, size_t num, size_t* written);
size_t pending(SSL* s);

// --- the end (SSL_shutdown, SSL_get_shutdown, SSL_get_error)
int shutdown(SSL* s, uint64_t flags, const SSL_SHUTDOWN_EX_ARGS* args);
int get_shutdown(const SSL* s);
int get_error(const SSL* s, int ret_code);

// The engine's Config for a QUIC connection or listener of `s`'s context
// (TLS 1.3 only; a server's ALPN chosen by the context's alpn_select_cb).
std::shared_ptr<const adieu::Config> quic_config(SSL* s);

}  // namespace adieu::compat::quic
