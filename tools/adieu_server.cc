// adieu-server: a TLS server for tests and load, in the manner of
// `openssl s_server`, event-driven on the Asio adapter (adieu/asio.h).
//
// Serves many connections at once, on -threads io_contexts: each echoes the
// client's data back until its close_notify, then sends ours (or, with -www,
// answers one GET with a small HTTP/1.0 page sealed in one write with our
// close_notify, and waits for the client's). With -verbose it prints one line
// per connection (the negotiated parameters and how the connection ended);
// by default only the totals, on exit. All connections share one
// configuration, so one ticket key set (stateless tickets) or one session
// cache (-no_ticket).
//
// SIGTERM or SIGINT stops accepting, sends close_notify on every established
// connection (the pending read then sees the client's answer), waits for
// them to end for at most -drain seconds, cancels what is left, prints the
// totals and exits 0. -naccept N stops accepting after N connections and
// exits once they have ended.
//
// -control (for adieu-load) gives the echo two control bytes: 0xFF asks the
// server to close first (everything before it is echoed, then our
// close_notify), 0xFD asks for the totals so far (one line, then our
// close_notify); these connections are not counted.
//
// A fleet: -session_store redis://HOST:PORT shares stateful sessions (TLS 1.3
// tickets, TLS 1.2 session ids) between servers through Redis;
// -ticket_keys redis://HOST:PORT or -ticket_keys FILE shares the keys of
// stateless tickets (src/store/). Session store calls run on a worker thread
// of their own (store::AsyncSessionStore): the session a ClientHello names is
// fetched before the handshake starts, while the connection's thread serves
// its other connections, and new sessions are stored without waiting. Each
// Redis call waits at most -store_timeout; a Redis that fails is left alone
// for a second, and the handshakes meanwhile are full ones.
#include <adieu/asio.h>
#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/socket.h>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "quic_common.h"
#include "store/async_session_store.h"
#include "store/redis.h"
#include "store/redis_session_store.h"
#include "store/resumption_keys.h"
#include "store/ticket_key_source.h"
#include "tool_common.h"

namespace adieu::tools {
namespace {

using tcp = ::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using TlsStream = adieu::asio::stream<tcp::socket>;
constexpr auto kTuple = ::asio::experimental::as_tuple(::asio::use_awaitable);

constexpr const char* kProgram = "adieu-server";
constexpr uint8_t kCloseFirst = 0xFF;  // -control: close first
constexpr uint8_t kTotals = 0xFD;      // -control: report the totals
constexpr size_t kEchoChunk = 16384;   // echoed in one write at most

const std::vector<OptionSpec> kOptions = {
    {"accept", "[host:]port", "address to listen on (default 4433; port 0 picks a free one)"},
    {"cert", "file", "PEM certificate chain, leaf first (required unless -psk)"},
    {"key", "file", "PEM private key of -cert (required unless -psk)"},
    {"psk", "hex", "an external TLS 1.3 PSK (SHA-256), as s_server -psk; no certificate needed"},
    {"psk_identity", "id", "the -psk's identity (default Client_identity, as s_client's)"},
    {"allow_no_dhe_kex", "", "accept psk_ke: resumption or -psk without (EC)DHE (s_server's)"},
    {"early_data", "",
     "accept 0-RTT data (16384 bytes, as s_server -early_data) and say so in tickets; it is"
     " echoed like the rest"},
    {"max_early_data", "n", "accept up to n bytes of 0-RTT data (0 to 2^32-1)"},
    {"cert_chain", "file", "PEM intermediates sent after -cert"},
    {"cert2", "file", "a second certificate, chosen when the client's SNI matches it"},
    {"key2", "file", "PEM private key of -cert2"},
    {"cert_chain2", "file", "PEM intermediates sent after -cert2"},
    {"CAfile", "file", "PEM trust anchors for client certificates"},
    {"verify", "depth", "ask for a client certificate; verify it if sent"},
    {"Verify", "depth", "require a client certificate (certificate_required if none)"},
    {"verify_post_handshake", "",
     "TLS 1.3: ask for the client certificate after the handshake (post-handshake auth),"
     " not in it, and print the result; with -verify (default) or -Verify's rules"},
    {"post_handshake_auth", "", "same as -verify_post_handshake"},
    {"www", "",
     "answer a GET with a small HTTP/1.0 page and our close_notify (one write); with -quic,"
     " an HTTP/3 status page"},
    {"WWW", "",
     "with -quic: serve files relative to the working directory (no '..', no absolute"
     " paths; 404 for a missing file)"},
    {"quic", "", "QUIC (RFC 9000) and HTTP/3 on UDP instead of TLS over TCP; -alpn defaults to h3"},
    {"retry", "", "with -quic: validate each client's address with a Retry first (RFC 9000 8.1.2)"},
    {"alpn", "list", "ALPN protocols, comma-separated, in preference order"},
    {"naccept", "n", "accept n connections, then exit once they have ended (default: forever)"},
    {"ciphersuites", "list", "TLS 1.3 cipher suites, colon-separated"},
    {"cipher", "list", "TLS 1.2 cipher suites (OpenSSL names), colon-separated"},
    {"tls1_2", "", "TLS 1.2 only"},
    {"tls1_3", "", "TLS 1.3 only"},
    {"no_tls1_2", "", "no TLS 1.2"},
    {"no_tls1_3", "", "no TLS 1.3"},
    {"groups", "list", "key exchange groups, colon-separated (X25519:P-256)"},
    {"sigalgs", "list",
     "signature schemes signed with, asked for and accepted (ECDSA+SHA256,"
     " rsa_pss_rsae_sha256, ...), colon-separated"},
    {"num_tickets", "n", "NewSessionTickets sent after each handshake (default 2)"},
    {"no_ticket", "",
     "stateful resumption: each ticket is an id into this server's session cache (as"
     " s_server -no_ticket does in TLS 1.3); default: stateless tickets sealed under"
     " rotating keys"},
    {"session_store", "redis://host:port",
     "stateful resumption shared by a fleet: sessions (TLS 1.3 tickets, single use; TLS 1.2"
     " session ids) kept in Redis with their lifetime as TTL"},
    {"ticket_keys", "redis://host:port|file",
     "stateless tickets under keys shared by a fleet: per epoch from Redis, or derived from"
     " a key file of at least 32 secret bytes"},
    {"ticket_rotate", "seconds", "with -ticket_keys: the key rotation interval (default 3600)"},
    {"store_timeout", "ms",
     "Redis command timeout (default 50; connecting: twice that); a failed Redis is retried"
     " after a second, full handshakes meanwhile"},
    {"timeout", "seconds", "drop a connection idle this long (default 30; 0: never)"},
    {"threads", "n", "threads, each with its own io_context (default 1)"},
    {"accept_mode", "mode",
     "with -threads > 1: 'reuseport' (default: one SO_REUSEPORT listener per thread) or"
     " 'shared' (one listener, connections handed to the threads in turn)"},
    {"drain", "seconds",
     "on SIGTERM/SIGINT, wait this long for connections to end after our close_notify"
     " (default 3)"},
    {"control", "", "echo with adieu-load's control bytes (0xFF: close first; 0xFD: totals)"},
    {"keylogfile", "file", "append NSS key log lines (SSLKEYLOGFILE format)"},
    {"keymatexport", "label", "print exported keying material for label (RFC 5705/8446 7.5)"},
    {"keymatexportlen", "n", "bytes of -keymatexport (default 20)"},
    {"verbose", "", "print one line per connection (parameters and how it ended)"},
    {"quiet", "", "print nothing but errors (not even the totals)"},
    {"help", "", "print this help"},
};

constexpr const char* kUsage =
    "A TLS 1.3 / 1.2 server for tests and load. Echoes what each client sends until\n"
    "the client's close_notify, then sends its own. Prints the totals on exit (stdout)\n"
    "and, with -verbose, one line per connection with the negotiated parameters and\n"
    "how the connection ended.\n"
    "\n"
    "With -quic: HTTP/3 over QUIC on a UDP port (-accept, -cert, -key, -cert_chain,\n"
    "-alpn, -naccept, -retry); every GET gets a status page (-www, the default) or,\n"
    "with -WWW, the file its path names. Prints each connection's parameters, its\n"
    "requests and how it ended (who sent CONNECTION_CLOSE, its code and reason, the\n"
    "SSL_get_shutdown value) on stderr; SIGTERM closes the open connections and exits\n"
    "0 once they have ended.";

// How connections ended, counted by kind for the totals line. A connection
// whose handshake did not complete counts under "handshake_<kind>".
enum EndKind : int {
  kClean,
  kTruncated,
  kAlertSent,
  kAlertReceived,
  kTimedOut,
  kSocketError,
  kError,
  kIncomplete,
  kEndKinds
};
constexpr const char* kEndNames[kEndKinds] = {"clean",          "truncated", "alert_sent",
                                              "alert_received", "timed_out", "socket_error",
                                              "error",          "incomplete"};

struct Totals {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> handshakes{0};
  std::atomic<uint64_t> resumed{0};
  std::atomic<uint64_t> ended{0};
  std::atomic<uint64_t> drained{0};  // closed first by the drain
  std::atomic<uint64_t> bytes_echoed{0};
  std::atomic<uint64_t> established_ends[kEndKinds] = {};
  std::atomic<uint64_t> handshake_ends[kEndKinds] = {};

  std::string line() const {
    std::string out = "totals connections=" + std::to_string(ended.load()) +
                      " accepted=" + std::to_string(accepted.load()) +
                      " handshakes=" + std::to_string(handshakes.load()) +
                      " resumed=" + std::to_string(resumed.load()) +
                      " drained=" + std::to_string(drained.load()) +
                      " bytes_echoed=" + std::to_string(bytes_echoed.load());
    for (int k = 0; k < kEndKinds; ++k) {
      out += std::string(" ") + kEndNames[k] + "=" + std::to_string(established_ends[k].load());
    }
    for (int k = 0; k < kEndKinds; ++k) {
      out += std::string(" handshake_") + kEndNames[k] + "=" +
             std::to_string(handshake_ends[k].load());
    }
    return out;
  }
};

struct ServerSettings {
  std::shared_ptr<const Config> config;
  bool www = false;
  bool quiet = false;
  bool verbose = false;
  bool control = false;
  bool verify_post_handshake = false;
  int timeout_ms = 30000;
  int drain_ms = 3000;
  const Options* options = nullptr;  // for -keymatexport
  // -session_store: lookups fetched before the handshake (prefetch_sessions).
  std::shared_ptr<store::AsyncSessionStore> session_store;
  bool tls13 = true;  // TLS 1.3 may be negotiated (no -tls1_2, -no_tls1_3)
};

class Server;

// One connection, owned by its coroutine; listed in its worker for the idle
// sweep and the drain.
struct Session : std::enable_shared_from_this<Session> {
  explicit Session(tcp::socket socket, std::shared_ptr<const Config> config)
      : tls(std::move(socket), Connection::server(std::move(config))) {
    tls.set_release_memory_when_idle(true);
  }
  TlsStream tls;
  Clock::time_point last_activity = Clock::now();
  bool reading = false;    // an async_read_some (or the handshake) is pending
  bool writing = false;    // a write of ours is in progress
  bool closing = false;    // our close_notify was (or is being) sent
  bool timed_out = false;  // cancelled by the idle sweep
  bool cancelled = false;  // cancelled by the drain's deadline
  bool drain_close = false;
  uint64_t post_handshake_auths_reported = 0;
  std::list<Session*>::iterator where;
};

// One thread and its io_context: its connections, its listener (reuseport
// mode), its idle sweep.
struct Worker {
  ::asio::io_context io{1};
  std::unique_ptr<tcp::acceptor> acceptor;
  std::list<Session*> sessions;
  std::unique_ptr<::asio::steady_timer> sweep;
  std::thread thread;
};

// Classifies an end from the last operation's error, as describe_end() words
// it, through the IoResult the blocking tools use.
IoResult io_result_of(const Session& s, const std::error_code& ec) {
  IoResult r;
  if (!ec) {
    r.status = IoStatus::done;
  } else if (ec == ::asio::error::eof) {
    r.status = IoStatus::closed;
  } else if (ec == Error::truncated) {
    r.status = IoStatus::truncated;
    r.error = Error::truncated;
    if (s.tls.transport_error()) r.os_error = s.tls.transport_error().value();
  } else if (ec.category() == adieu::error_category()) {
    r.status = IoStatus::error;
    r.error = static_cast<Error>(ec.value());
  } else if (s.timed_out || s.cancelled) {
    r.status = IoStatus::timed_out;  // the socket was closed under the operation
  } else {
    r.status = IoStatus::error;
    r.os_error = ec.value();
  }
  return r;
}

// The kind of describe_end()'s "ended: read=X write=Y: <verdict>".
EndKind end_kind(const std::string& end) {
  const size_t colon = end.find(": ", end.find(" write="));
  const std::string verdict = colon == std::string::npos ? end : end.substr(colon + 2);
  if (verdict == "clean") return kClean;
  if (verdict.rfind("truncated", 0) == 0) return kTruncated;
  if (verdict.rfind("fatal alert sent", 0) == 0) return kAlertSent;
  if (verdict.rfind("fatal alert received", 0) == 0) return kAlertReceived;
  if (verdict.rfind("timed out", 0) == 0) return kTimedOut;
  if (verdict.rfind("socket error", 0) == 0) return kSocketError;
  if (verdict.rfind("error", 0) == 0) return kError;
  return kIncomplete;
}

class Server {
 public:
  Server(ServerSettings settings, int threads, bool shared_accept, long naccept)
      : settings_(std::move(settings)),
        workers_(static_cast<size_t>(threads)),
        shared_accept_(shared_accept),
        remaining_(naccept) {
    for (auto& w : workers_) w = std::make_unique<Worker>();
  }

  // Opens the listeners; returns the address of the first.
  std::string listen(const std::string& accept);
  // Runs until the end (signal, or -naccept served); returns the exit status.
  int run();

 private:
  ::asio::awaitable<void> accept_loop(Worker& w);
  ::asio::awaitable<void> serve(Worker& w, std::shared_ptr<Session> s);
  // -session_store: fetches the sessions the ClientHello names; returns
  // their keys (to forget after the handshake).
  ::asio::awaitable<std::vector<std::vector<uint8_t>>> prefetch_sessions(Worker& w, Session& s);
  ::asio::awaitable<std::error_code> echo(Session& s, bool* control_query);
  ::asio::awaitable<std::error_code> www(Session& s);
  ::asio::awaitable<std::error_code> wait_readable(Session& s);
  ::asio::awaitable<std::error_code> read_to_end(Session& s);
  ::asio::awaitable<std::error_code> close_write(Session& s);
  void start_sweep(Worker& w);
  ::asio::awaitable<void> sweep(Worker& w);
  // Stops accepting; with `drain`, also closes every connection (any thread).
  void request_stop(bool drain);
  void drain(Worker& w);
  void cancel_all(Worker& w);
  void session_ended(Worker& w);
  void stop_if_done();
  void print(const std::string& line);
  // -verify_post_handshake: the request, and a line once it is answered.
  void request_client_certificate(Session& s);
  void report_post_handshake_auth(Session& s);

  ServerSettings settings_;
  std::vector<std::unique_ptr<Worker>> workers_;
  bool shared_accept_;
  std::atomic<long> remaining_;  // -naccept left; < 0: forever
  std::atomic<size_t> next_worker_{0};
  std::atomic<long> open_{0};
  std::atomic<bool> stopping_{false};  // no more accepting
  std::atomic<bool> draining_{false};  // a signal: close every connection
  std::atomic<bool> finished_{false};
  Totals totals_;
  std::mutex print_mutex_;
};

// A listening socket on `address` (the first of getaddrinfo's that works).
int open_listener(const std::string& host, const std::string& port, bool reuseport,
                  std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    *error = gai_strerror(rc);
    return -1;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);
  int last_errno = 0;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuseport) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) return fd;
    last_errno = errno;
    ::close(fd);
  }
  *error = std::strerror(last_errno);
  return -1;
}

std::string local_address(int fd, std::string* port_out = nullptr) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  char host[NI_MAXHOST] = "?";
  char port[NI_MAXSERV] = "?";
  getnameinfo(reinterpret_cast<sockaddr*>(&address), length, host, sizeof host, port, sizeof port,
              NI_NUMERICHOST | NI_NUMERICSERV);
  if (port_out != nullptr) *port_out = port;
  std::string out;
  if (address.ss_family == AF_INET6) {
    out.append("[").append(host).append("]:").append(port);
  } else {
    out.append(host).append(":").append(port);
  }
  return out;
}

std::string Server::listen(const std::string& accept) {
  std::string host;
  std::string port;
  if (!split_host_port(accept, true, &host, &port)) {
    fail(kProgram, "-accept: '" + accept + "' is not [host:]port", kExitUsage);
  }
  const bool reuseport = workers_.size() > 1 && !shared_accept_;
  const size_t listeners = reuseport ? workers_.size() : 1;
  std::string first;
  for (size_t i = 0; i < listeners; ++i) {
    std::string error;
    int fd = open_listener(host, port, reuseport, &error);
    if (fd < 0) fail(kProgram, "cannot listen on " + accept + ": " + error);
    if (i == 0) first = local_address(fd, &port);  // port 0: the others take the same
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    const tcp protocol = address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4();
    workers_[i]->acceptor = std::make_unique<tcp::acceptor>(workers_[i]->io, protocol, fd);
  }
  return first;
}

void Server::print(const std::string& line) {
  std::lock_guard<std::mutex> lock(print_mutex_);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void Server::request_client_certificate(Session& s) {
  // Sent with whatever goes out next (the echo's first read flushes it).
  const Error error = s.tls.connection().request_client_certificate();
  if (error != Error::none && !settings_.quiet) {
    print(std::string("post-handshake auth: not requested: ") + error_string(error));
  }
}

void Server::report_post_handshake_auth(Session& s) {
  const Connection& c = s.tls.connection();
  if (settings_.quiet || c.post_handshake_auths() == s.post_handshake_auths_reported) return;
  s.post_handshake_auths_reported = c.post_handshake_auths();
  print(c.peer_certificates().empty()
            ? std::string("post-handshake auth: no client certificate (accepted)")
            : "post-handshake auth: client certificate verified peer_certs=" +
                  std::to_string(c.peer_certificates().size()) +
                  " peer_sig=" + signature_scheme_name(c.peer_signature_scheme()));
}

::asio::awaitable<void> Server::accept_loop(Worker& w) {
  while (!stopping_) {
    auto [ec, socket] = co_await w.acceptor->async_accept(kTuple);
    if (stopping_) break;
    if (ec) {
      if (ec == ::asio::error::operation_aborted) break;
      if (ec == ::asio::error::connection_aborted || ec == ::asio::error::interrupted) continue;
      if (ec == ::asio::error::no_descriptors || ec == ::asio::error::no_buffer_space) {
        // Out of descriptors: wait a little for connections to end.
        ::asio::steady_timer pause(w.io, std::chrono::milliseconds(50));
        co_await pause.async_wait(kTuple);
        continue;
      }
      fail(kProgram, "accept failed: " + ec.message());
    }
    bool last = false;
    if (remaining_ >= 0) {
      const long left = remaining_.fetch_sub(1);
      if (left <= 0) continue;  // another listener took the last one; the socket closes
      last = left == 1;
    }
    totals_.accepted++;
    ++open_;
    if (last) request_stop(false);
    std::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    Worker* target = &w;
    if (shared_accept_ && workers_.size() > 1) {
      target = workers_[next_worker_++ % workers_.size()].get();
    }
    if (target == &w) {
      auto s = std::make_shared<Session>(std::move(socket), settings_.config);
      ::asio::co_spawn(w.io, serve(w, std::move(s)), ::asio::detached);
    } else {
      // The descriptor moves to the other thread's io_context.
      const tcp protocol = socket.local_endpoint(ignored).protocol();
      const int fd = socket.release(ignored);
      ::asio::post(target->io, [this, target, protocol, fd] {
        tcp::socket moved(target->io, protocol, fd);
        auto s = std::make_shared<Session>(std::move(moved), settings_.config);
        ::asio::co_spawn(target->io, serve(*target, std::move(s)), ::asio::detached);
      });
    }
  }
}

::asio::awaitable<std::error_code> Server::close_write(Session& s) {
  s.closing = true;
  s.writing = true;
  auto [ec] = co_await s.tls.async_close_write(kTuple);
  s.writing = false;
  s.last_activity = Clock::now();
  co_return ec;
}

// Waits for application data (s.tls.connection().readable()), holding no
// buffer while the connection is idle.
::asio::awaitable<std::error_code> Server::wait_readable(Session& s) {
  s.reading = true;
  auto [ec] = co_await s.tls.async_wait_readable(kTuple);
  s.reading = false;
  s.last_activity = Clock::now();
  co_return ec;
}

// Reads (and drops) until the peer's end: its close_notify (eof), a
// truncation, an error.
::asio::awaitable<std::error_code> Server::read_to_end(Session& s) {
  for (;;) {
    if (auto ec = co_await wait_readable(s)) co_return ec;
    Connection& c = s.tls.connection();
    c.consume_readable(c.readable().size());
  }
}

// Echo: every byte read is written back; the client's close_notify is
// answered with ours. Returns the error that ended the reading (eof for the
// client's close_notify).
::asio::awaitable<std::error_code> Server::echo(Session& s, bool* control_query) {
  // What is being echoed: taken from the connection when it arrives, empty
  // (no heap) while the connection waits.
  std::vector<uint8_t> buffer;
  for (;;) {
    if (s.drain_close && !s.closing) {
      if (auto ec = co_await close_write(s)) co_return co_await read_to_end(s);
    }
    s.reading = true;
    auto [ec] = co_await s.tls.async_wait_readable(kTuple);  // see www()
    s.reading = false;
    s.last_activity = Clock::now();
    size_t n = 0;
    if (!ec) {
      Connection& c = s.tls.connection();
      const std::span<const uint8_t> data = c.readable();
      n = std::min(data.size(), kEchoChunk);
      buffer.assign(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
      c.consume_readable(n);
    }
    report_post_handshake_auth(s);
    if (ec == ::asio::error::eof) {
      if (!s.closing) {
        auto closed = co_await close_write(s);
        if (closed && closed != ::asio::error::eof) co_return closed;
      }
      co_return ec;
    }
    if (ec) co_return ec;
    size_t echo_bytes = n;
    bool close_first = false;
    if (settings_.control) {
      for (size_t i = 0; i < n; ++i) {
        if (buffer[i] == kCloseFirst || buffer[i] == kTotals) {
          echo_bytes = i;
          close_first = true;
          if (buffer[i] == kTotals) *control_query = true;
          break;
        }
      }
    }
    if (echo_bytes > 0 && !s.closing) {
      s.writing = true;
      auto [wec, wn] =
          co_await ::asio::async_write(s.tls, ::asio::buffer(buffer.data(), echo_bytes), kTuple);
      s.writing = false;
      s.last_activity = Clock::now();
      if (wec) {
        if (s.timed_out || s.cancelled) co_return wec;
        // The peer's end (a reset, a truncation) says more than the failed
        // write: read on until it shows.
        auto end = co_await read_to_end(s);
        co_return end == ::asio::error::operation_aborted ? wec : end;
      }
      totals_.bytes_echoed += echo_bytes;
    }
    if (*control_query && !s.closing) {
      const std::string line = totals_.line() + "\n";
      s.writing = true;
      co_await ::asio::async_write(s.tls, ::asio::buffer(line), kTuple);
      s.writing = false;
    }
    std::vector<uint8_t>().swap(buffer);
    if (close_first && !s.closing) {
      if (auto cec = co_await close_write(s)) co_return co_await read_to_end(s);
      co_return co_await read_to_end(s);  // the client's close_notify, or its end
    }
  }
}

// -www: reads one request, answers a GET with a page naming the connection's
// parameters, sealed with our close_notify into one write, then waits for the
// client's close_notify.
::asio::awaitable<std::error_code> Server::www(Session& s) {
  std::string request;
  while (request.find("\r\n\r\n") == std::string::npos &&
         request.find("\n\n") == std::string::npos && request.size() < 16384) {
    // Awaited here, not through wait_readable(): one coroutine frame less
    // in each idle connection.
    s.reading = true;
    auto [rec] = co_await s.tls.async_wait_readable(kTuple);
    s.reading = false;
    s.last_activity = Clock::now();
    if (rec == ::asio::error::eof) break;  // answer what we have, then close
    if (rec) co_return rec;
    Connection& c = s.tls.connection();
    const std::span<const uint8_t> data = c.readable();
    request.append(reinterpret_cast<const char*>(data.data()), data.size());
    c.consume_readable(data.size());
  }
  std::string response;
  if (request.rfind("GET ", 0) == 0) {
    const std::string body = "<html><body><pre>\nadieu-server\n" +
                             describe_parameters(s.tls.connection()) + "\n</pre></body></html>\n";
    response = "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
  } else {
    response = "HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  }
  if (!s.closing) {
    // The response's records and our close_notify go out in one write.
    const Error error = s.tls.connection().write(std::span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(response.data()), response.size()));
    if (error != Error::none && error_is_fatal(error)) co_return make_error_code(error);
    if (auto cec = co_await close_write(s); cec) {
      if (s.timed_out || s.cancelled) co_return cec;
      auto end = co_await read_to_end(s);
      co_return end == ::asio::error::operation_aborted ? cec : end;
    }
  }
  if (s.tls.read_state() != ReadState::open) {
    co_return s.tls.read_state() == ReadState::close_notify_received
        ? std::error_code(::asio::error::eof)
        : std::error_code(Error::truncated);
  }
  co_return co_await read_to_end(s);
}

::asio::awaitable<std::vector<std::vector<uint8_t>>> Server::prefetch_sessions(Worker& w,
                                                                               Session& s) {
  tcp::socket& socket = s.tls.next_layer();
  s.reading = true;
  auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, kTuple);
  s.reading = false;
  if (ec) co_return std::vector<std::vector<uint8_t>>();
  // One record's worth, left in the socket for the handshake.
  std::vector<uint8_t> peeked(16384 + 5);
  const ssize_t n =
      ::recv(socket.native_handle(), peeked.data(), peeked.size(), MSG_PEEK | MSG_DONTWAIT);
  std::vector<std::vector<uint8_t>> keys;
  if (n > 0) {
    keys = store::resumption_keys(std::span<const uint8_t>(peeked.data(), static_cast<size_t>(n)),
                                  settings_.tls13);
  }
  std::vector<uint8_t>().swap(peeked);
  if (keys.empty()) co_return keys;
  // The worker's answer wakes this coroutine through its own thread.
  auto fetched = std::make_shared<::asio::steady_timer>(w.io);
  fetched->expires_at(::asio::steady_timer::time_point::max());
  settings_.session_store->prefetch(
      keys, [fetched, &w] { ::asio::post(w.io, [fetched] { fetched->cancel(); }); });
  s.reading = true;
  co_await fetched->async_wait(kTuple);
  s.reading = false;
  co_return keys;
}

::asio::awaitable<void> Server::serve(Worker& w, std::shared_ptr<Session> owned) {
  Session& s = *owned;
  w.sessions.push_front(&s);
  s.where = w.sessions.begin();
  std::error_code ignored;
  // The -verbose line; empty otherwise (nothing held while the connection is
  // idle).
  std::string line;
  if (settings_.verbose) line = "peer=" + peer_address(s.tls.next_layer().native_handle()) + " ";
  if (draining_) s.drain_close = true;
  std::vector<std::vector<uint8_t>> prefetched;
  if (settings_.session_store) prefetched = co_await prefetch_sessions(w, s);
  s.reading = true;
  auto [ec] = co_await s.tls.async_handshake(kTuple);
  s.reading = false;
  if (!prefetched.empty()) {
    settings_.session_store->forget(prefetched);  // what the handshake did not take
    std::vector<std::vector<uint8_t>>().swap(prefetched);
  }
  s.last_activity = Clock::now();
  bool control_query = false;
  const bool established = !ec;
  if (established) {
    totals_.handshakes++;
    if (s.tls.connection().resumed()) totals_.resumed++;
    if (settings_.verbose) line += describe_parameters(s.tls.connection()) + " ";
    if (const std::string keymat =
            keying_material(kProgram, *settings_.options, s.tls.connection());
        !keymat.empty() && settings_.verbose) {
      print(keymat);
    }
    if (settings_.verify_post_handshake) request_client_certificate(s);
    // (Not a conditional expression: GCC 12 miscompiles co_await in one.)
    if (settings_.www) {
      ec = co_await www(s);
    } else {
      ec = co_await echo(s, &control_query);
    }
    const Connection& c = s.tls.connection();
    line += "key_updates_sent=" + std::to_string(c.key_updates_sent()) +
            " key_updates_received=" + std::to_string(c.key_updates_received()) + " ";
    if (settings_.verify_post_handshake) {
      report_post_handshake_auth(s);
      line += "post_handshake_auths=" + std::to_string(c.post_handshake_auths()) +
              " pending=" + std::to_string(c.client_certificate_requests_pending()) + " ";
    }
  } else {
    line += "handshake failed ";
  }
  const std::string end = describe_end(s.tls.connection(), io_result_of(s, ec));
  line += end;
  if (!control_query) {
    const EndKind kind = end_kind(end);
    (established ? totals_.established_ends : totals_.handshake_ends)[kind]++;
    if (s.drain_close) totals_.drained++;
    totals_.ended++;
  }
  if (settings_.verbose) print(line);
  s.tls.next_layer().close(ignored);
  w.sessions.erase(s.where);
  owned.reset();
  session_ended(w);
}

void Server::start_sweep(Worker& w) {
  if (settings_.timeout_ms <= 0) return;
  w.sweep = std::make_unique<::asio::steady_timer>(w.io);
  ::asio::co_spawn(w.io, sweep(w), ::asio::detached);
}

// Every quarter of -timeout (10 ms to 1 s), closes the connections idle
// longer than -timeout.
::asio::awaitable<void> Server::sweep(Worker& w) {
  const auto period = std::chrono::milliseconds(std::clamp(settings_.timeout_ms / 4, 10, 1000));
  while (!finished_) {
    w.sweep->expires_after(period);
    auto [ec] = co_await w.sweep->async_wait(kTuple);
    if (ec || finished_) break;
    const Clock::time_point now = Clock::now();
    for (Session* s : w.sessions) {
      if (!s->timed_out &&
          now - s->last_activity > std::chrono::milliseconds(settings_.timeout_ms)) {
        s->timed_out = true;
        std::error_code ignored;
        s->tls.next_layer().close(ignored);  // every pending operation ends
      }
    }
  }
}

void Server::request_stop(bool drain) {
  const bool was_stopping = stopping_.exchange(true);
  const bool was_draining = drain && draining_.exchange(true);
  if (was_stopping && (!drain || was_draining)) return;
  for (auto& w : workers_) {
    Worker* worker = w.get();
    ::asio::post(worker->io, [this, worker, drain] {
      std::error_code ignored;
      if (worker->acceptor) worker->acceptor->close(ignored);
      if (drain) this->drain(*worker);
      stop_if_done();  // nothing open: the end
    });
  }
}

// Sends close_notify on every established connection of `w` whose read is
// pending (the read then sees the client's answer); a connection that is
// writing closes after its write (Session::drain_close). Handshakes in
// progress are ended. After -drain seconds, whatever is left is closed.
void Server::drain(Worker& w) {
  for (Session* s : w.sessions) {
    s->drain_close = true;
    if (!s->tls.connection().handshake_done()) {
      s->cancelled = true;
      std::error_code ignored;
      s->tls.next_layer().close(ignored);
      continue;
    }
    if (!s->closing && !s->writing && s->tls.write_state() == WriteState::open) {
      s->closing = true;
      s->writing = true;
      // The operation keeps its session alive until it completes.
      s->tls.async_close_write([keep = s->shared_from_this()](std::error_code) {
        keep->writing = false;
        keep->last_activity = Clock::now();
      });
    }
  }
  auto deadline = std::make_shared<::asio::steady_timer>(w.io);
  deadline->expires_after(std::chrono::milliseconds(settings_.drain_ms));
  deadline->async_wait([this, &w, deadline](std::error_code ec) {
    if (!ec) cancel_all(w);
  });
}

void Server::cancel_all(Worker& w) {
  for (Session* s : w.sessions) {
    s->cancelled = true;
    std::error_code ignored;
    s->tls.next_layer().close(ignored);  // every pending operation ends
  }
}

void Server::session_ended(Worker& w) {
  --open_;
  stop_if_done();
}

void Server::stop_if_done() {
  if (!stopping_ || open_ > 0) return;
  if (finished_.exchange(true)) return;
  for (auto& w : workers_) {
    Worker* worker = w.get();
    ::asio::post(worker->io, [worker] {
      if (worker->sweep) worker->sweep->cancel();
      worker->io.stop();
    });
  }
}

int Server::run() {
  // Signals are caught by the first worker's io_context; the others block
  // them (threads inherit the mask).
  ::asio::signal_set signals(workers_[0]->io, SIGTERM, SIGINT);
  signals.async_wait([this](std::error_code ec, int) {
    if (!ec) request_stop(true);
  });
  for (auto& w : workers_) {
    if (w->acceptor) ::asio::co_spawn(w->io, accept_loop(*w), ::asio::detached);
    start_sweep(*w);
  }
  sigset_t block, previous;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  pthread_sigmask(SIG_BLOCK, &block, &previous);
  for (size_t i = 1; i < workers_.size(); ++i) {
    Worker* w = workers_[i].get();
    w->thread = std::thread([w] {
      auto guard = ::asio::make_work_guard(w->io);
      w->io.run();
    });
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  {
    auto guard = ::asio::make_work_guard(workers_[0]->io);
    workers_[0]->io.run();
  }
  for (size_t i = 1; i < workers_.size(); ++i) workers_[i]->thread.join();
  signals.cancel();
  if (!settings_.quiet) print(totals_.line());
  return 0;
}

// What -session_store and -ticket_keys set up; lives as long as the server.
struct Fleet {
  std::vector<std::shared_ptr<store::RedisClient>> clients;
  std::unique_ptr<store::TicketKeyRefresher> refresher;
  std::shared_ptr<store::AsyncSessionStore> session_store;

  void print_totals() const {
    for (const auto& c : clients) {
      const store::RedisStats st = c->stats();
      std::printf("redis %s:%d calls=%llu failed=%llu skipped=%llu\n", c->options().host.c_str(),
                  c->options().port, static_cast<unsigned long long>(st.calls),
                  static_cast<unsigned long long>(st.failures),
                  static_cast<unsigned long long>(st.skipped));
    }
    if (session_store) {
      const store::AsyncStoreStats st = session_store->stats();
      std::printf("session_store queued=%llu dropped=%llu prefetched=%llu\n",
                  static_cast<unsigned long long>(st.queued),
                  static_cast<unsigned long long>(st.dropped),
                  static_cast<unsigned long long>(st.prefetched));
    }
    std::fflush(stdout);
  }
};

std::shared_ptr<store::RedisClient> redis_client(const Options& options, const std::string& option,
                                                 const std::string& url) {
  std::optional<store::RedisOptions> redis = store::parse_redis_url(url);
  if (!redis)
    fail(kProgram, "-" + option + ": '" + url + "' is not redis://host[:port]", kExitUsage);
  if (options.has("store_timeout")) {
    redis->command_timeout_ms = static_cast<int>(
        parse_number(kProgram, "store_timeout", options.get("store_timeout"), 1, 10000));
    redis->connect_timeout_ms = 2 * redis->command_timeout_ms;
  }
  return std::make_shared<store::RedisClient>(*redis);
}

Fleet setup_fleet(const Options& options, Config& config) {
  Fleet fleet;
  if (options.has("session_store")) {
    auto client = redis_client(options, "session_store", options.get("session_store"));
    auto cache = std::make_shared<SessionCache>();
    fleet.session_store = std::make_shared<store::AsyncSessionStore>(
        std::make_shared<store::RedisSessionStore>(client));
    cache->set_store(fleet.session_store);
    config.set_session_cache(std::move(cache));
    fleet.clients.push_back(std::move(client));
  }
  if (options.has("ticket_keys")) {
    const uint32_t rotate =
        options.has("ticket_rotate")
            ? static_cast<uint32_t>(
                  parse_number(kProgram, "ticket_rotate", options.get("ticket_rotate"), 1, 86400))
            : 3600;
    const std::string source = options.get("ticket_keys");
    store::TicketKeySource keys_source;
    if (source.rfind("redis://", 0) == 0) {
      auto client = redis_client(options, "ticket_keys", source);
      keys_source = store::redis_ticket_keys(client, rotate);
      fleet.clients.push_back(std::move(client));
    } else {
      std::string error;
      std::optional<store::TicketKeySource> from_file =
          store::file_ticket_keys(source, rotate, &error);
      if (!from_file) fail(kProgram, "-ticket_keys: " + error);
      keys_source = std::move(*from_file);
    }
    // A key seals for one epoch and opens for one more (the previous key).
    auto keys = std::make_shared<TicketKeys>(rotate, rotate);
    config.set_ticket_keys(keys);
    fleet.refresher =
        std::make_unique<store::TicketKeyRefresher>(keys, std::move(keys_source), rotate);
  }
  return fleet;
}

int run(int argc, char** argv) {
  Options options = parse_options(argc, argv, kProgram, kUsage, kOptions);
  if (options.has("quic")) {
    return run_quic_server(kProgram, options);
  }
  if (options.has("WWW")) fail(kProgram, "-WWW needs -quic", kExitUsage);
  if (options.has("retry")) fail(kProgram, "-retry needs -quic", kExitUsage);
  if ((!options.has("cert") || !options.has("key")) && !options.has("psk")) {
    fail(kProgram, "-cert and -key are required, or -psk (see -help)", kExitUsage);
  }
  if (options.has("cert2") != options.has("key2")) {
    fail(kProgram, "-cert2 and -key2 go together", kExitUsage);
  }
  if (options.has("cert_chain2") && !options.has("cert2")) {
    fail(kProgram, "-cert_chain2 needs -cert2 and -key2", kExitUsage);
  }
  const bool verify_post_handshake =
      options.has("verify_post_handshake") || options.has("post_handshake_auth");
  if ((options.has("verify") || options.has("Verify") || verify_post_handshake) &&
      !options.has("CAfile")) {
    fail(kProgram,
         "-verify/-Verify/-verify_post_handshake need -CAfile (the trust anchors for client"
         " certificates)",
         kExitUsage);
  }
  auto config = std::make_shared<Config>(Role::server);
  apply_common_options(kProgram, options, *config);
  std::string error;
  if (options.has("cert2") && !config->add_certificate(options.get("cert2"), options.get("key2"),
                                                       options.get("cert_chain2"), &error)) {
    fail(kProgram, error);
  }
  if (options.has("Verify")) {
    parse_number(kProgram, "Verify", options.get("Verify"), 0, 100);
    config->set_verify(VerifyMode::required);
  } else if (options.has("verify")) {
    parse_number(kProgram, "verify", options.get("verify"), 0, 100);
    config->set_verify(VerifyMode::optional);
  } else if (verify_post_handshake) {
    config->set_verify(VerifyMode::optional);
  }
  config->set_verify_post_handshake_only(verify_post_handshake);
  if (options.has("num_tickets")) {
    config->set_ticket_count(static_cast<unsigned>(
        parse_number(kProgram, "num_tickets", options.get("num_tickets"), 0, 100)));
  }
  if (options.has("no_ticket")) config->set_session_cache(std::make_shared<SessionCache>());
  if (options.has("max_early_data")) {
    config->set_max_early_data(static_cast<uint32_t>(
        parse_number(kProgram, "max_early_data", options.get("max_early_data"), 0, 0xffffffffL)));
  } else if (options.has("early_data")) {
    config->set_max_early_data(16384);
  }
  Fleet fleet = setup_fleet(options, *config);
  ServerSettings settings;
  settings.config = config;
  settings.www = options.has("www");
  settings.quiet = options.has("quiet");
  settings.verbose = options.has("verbose") && !settings.quiet;
  settings.control = options.has("control");
  settings.verify_post_handshake = verify_post_handshake;
  settings.options = &options;
  settings.session_store = fleet.session_store;
  settings.tls13 = !options.has("tls1_2") && !options.has("no_tls1_3");
  if (options.has("timeout")) {
    settings.timeout_ms =
        static_cast<int>(parse_number(kProgram, "timeout", options.get("timeout"), 0, 86400)) *
        1000;
  }
  if (options.has("drain")) {
    settings.drain_ms =
        static_cast<int>(parse_number(kProgram, "drain", options.get("drain"), 0, 3600)) * 1000;
  }
  long naccept = -1;
  if (options.has("naccept")) {
    naccept = parse_number(kProgram, "naccept", options.get("naccept"), 1, 1L << 30);
  }
  const int threads =
      options.has("threads")
          ? static_cast<int>(parse_number(kProgram, "threads", options.get("threads"), 1, 256))
          : 1;
  const std::string mode = options.get("accept_mode", "reuseport");
  if (mode != "reuseport" && mode != "shared") {
    fail(kProgram, "-accept_mode: '" + mode + "' is not reuseport or shared", kExitUsage);
  }

  // Room for many connections: the soft descriptor limit up to the hard one.
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }

  Server server(settings, threads, mode == "shared", naccept);
  const std::string address = server.listen(options.get("accept", "4433"));
  if (!settings.quiet) {
    std::fprintf(stderr, "%s: listening on %s\n", kProgram, address.c_str());
  }
  const int status = server.run();
  if (!settings.quiet) fleet.print_totals();
  return status;
}

}  // namespace
}  // namespace adieu::tools

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  return adieu::tools::run(argc, argv);
}
