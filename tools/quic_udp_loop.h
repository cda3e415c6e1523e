// QUIC on a UDP socket, with poll() and the engine's own timer: the I/O
// half the sans-I/O engine leaves to its user (adieu/quic.h,
// adieu/quic_server.h). Used by adieu-client -quic (one connection) and
// adieu-server -quic (a quic::Server); a blocking-mode driver needs the same
// loop.
#pragma once

#include <adieu/quic.h>
#include <sys/socket.h>

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace adieu::tools {

// The engine's time for the tools: steady_clock, in microseconds.
quic::Instant quic_now();

// A UDP socket address, with its "host:port" text.
struct UdpAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text() const;
};

// A non-blocking UDP socket connected to host:port (the first address
// getaddrinfo gives that works), or -1 with `error` set.
int udp_connect(const std::string& host, const std::string& port, std::string* error);
// A non-blocking UDP socket bound to host:port (any address when `host` is
// empty; port 0 picks one), or -1 with `error` set. `bound` gets the
// address it got.
int udp_bind(const std::string& host, const std::string& port, UdpAddress* bound,
             std::string* error);

// What the loop drives: one connection on a connected socket, or a
// quic::Server's endpoint on an unconnected one.
class UdpEndpoint {
 public:
  virtual ~UdpEndpoint() = default;
  // The next datagram to send, into `out`; for an unconnected socket `to`
  // gets its destination (left empty: the connected peer). False when
  // nothing is to be sent now.
  virtual bool send(quic::Instant now, std::vector<uint8_t>& out, UdpAddress& to) = 0;
  virtual void receive(std::span<const uint8_t> datagram, const UdpAddress& from,
                       quic::Instant now) = 0;
  virtual quic::Instant next_timeout() const = 0;
  virtual void on_timeout(quic::Instant now) = 0;
  // The loop's work is done (a connection closed, a server with nothing
  // left to serve).
  virtual bool finished() const = 0;
};

// A quic::Connection as a UdpEndpoint: finished once closed (its closing or
// draining period over).
class ConnectionEndpoint : public UdpEndpoint {
 public:
  explicit ConnectionEndpoint(quic::Connection& connection) : connection_(connection) {}
  bool send(quic::Instant now, std::vector<uint8_t>& out, UdpAddress&) override {
    return connection_.send(now, out);
  }
  void receive(std::span<const uint8_t> datagram, const UdpAddress&, quic::Instant now) override {
    connection_.receive(datagram, now);
  }
  quic::Instant next_timeout() const override { return connection_.next_timeout(); }
  void on_timeout(quic::Instant now) override { connection_.on_timeout(now); }
  bool finished() const override { return connection_.state() == quic::ConnectionState::closed; }

 private:
  quic::Connection& connection_;
};

// How run_udp_loop() ended.
enum class UdpLoopEnd {
  finished,      // the endpoint's finished() became true
  stopped,       // `step` returned false
  deadline,      // `deadline` passed first
  interrupted,   // `interrupted` returned true (a signal)
  socket_error,  // send or receive failed (os_error says why)
};

struct UdpLoopResult {
  UdpLoopEnd end = UdpLoopEnd::finished;
  int os_error = 0;
};

struct UdpLoopHooks {
  // Runs before every round of I/O (the application's turn: streams); false
  // stops the loop.
  std::function<bool()> step;
  // Checked after poll() is interrupted by a signal; true stops the loop.
  std::function<bool()> interrupted;
  // Stops the loop when it passes; quic::kNever: no limit.
  quic::Instant deadline = quic::kNever;
};

// Drives `endpoint` over `fd`, a non-blocking UDP socket: runs `hooks.step`,
// sends every datagram the endpoint has (send() until false), waits in
// poll() for a datagram or the endpoint's next timeout, hands each datagram
// received to receive(), runs on_timeout() when its time has come; until
// finished() or as the hooks say. ICMP errors on the socket (ECONNREFUSED)
// are ignored: the connections' own timers decide when a peer is gone. A
// full socket send buffer drops the datagram, as a full network queue
// would (loss recovery sends it again).
UdpLoopResult run_udp_loop(int fd, UdpEndpoint& endpoint, const UdpLoopHooks& hooks);

}  // namespace adieu::tools
