// A QUIC connection on a UDP socket, with poll() and the connection's own
// timer: the I/O half the sans-I/O engine leaves to its user
// (adieu/quic.h). Used by adieu-client -quic and adieu-server -quic; a
// blocking-mode driver needs the same loop.
#pragma once

#include <adieu/quic.h>
#include <sys/socket.h>

#include <functional>
#include <span>
#include <string>

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

// How run_udp_loop() ended.
enum class UdpLoopEnd {
  closed,        // the connection's state() became closed
  stopped,       // `step` returned false
  deadline,      // `deadline` passed first
  interrupted,   // `interrupted` returned true (a signal)
  socket_error,  // send or receive failed (os_error says why)
};

struct UdpLoopResult {
  UdpLoopEnd end = UdpLoopEnd::closed;
  int os_error = 0;
};

struct UdpLoopHooks {
  // Runs after every round of I/O (the application's turn: streams); false
  // stops the loop.
  std::function<bool()> step;
  // Checked after poll() is interrupted by a signal; true stops the loop.
  std::function<bool()> interrupted;
  // Stops the loop when it passes; quic::kNever: no limit.
  quic::Instant deadline = quic::kNever;
};

// Drives `connection` over `fd`, a non-blocking UDP socket connected to the
// peer: sends every datagram the connection has (Connection::send until
// false), waits in poll() for a datagram or the connection's next timeout,
// hands each datagram received to Connection::receive, runs
// Connection::on_timeout when its time has come, then `hooks.step`. Ends
// once the connection is closed (its closing or draining period over), or
// as the hooks say. ICMP errors on the socket (ECONNREFUSED) are ignored:
// the connection's own timers decide when the peer is gone.
UdpLoopResult run_udp_loop(int fd, quic::Connection& connection, const UdpLoopHooks& hooks);

// Waits for one datagram on `fd` (not connected) and returns its size and
// sender; 0 when `interrupted` says so after a signal, -1 on an error
// (errno set).
long udp_receive_from(int fd, std::span<uint8_t> buffer, UdpAddress* from,
                      const std::function<bool()>& interrupted);

}  // namespace adieu::tools
