// adieu::quic::Server: the server side of one UDP socket, sans-I/O. It
// routes each datagram to its connection by Destination Connection ID,
// accepts new connections from clients' Initial packets, and answers what
// belongs to no connection (RFC 9000 sections 5.2.2, 6, 8.1, 10.3):
//  - a long header of a version other than 1: Version Negotiation;
//  - a client Initial without a token when Retry is on: Retry, with an
//    authenticated address validation token;
//  - a short header packet for no known connection: a stateless reset
//    (smaller than what triggered it, so two endpoints cannot loop).
//
//   socket -> receive(datagram, from, now)
//   accept() -> new connections (already answering their client)
//   send(now, out) -> socket (out.to), until it returns false
//   next_timeout() -> the application's timer -> on_timeout(now)
//
// The server keeps each connection until it is closed; the application may
// hold the shared_ptr longer.
#pragma once

#include <adieu/config.h>
#include <adieu/quic.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace adieu::quic {

// A peer's address as the application's socket gives it (e.g. the bytes of
// a sockaddr_in or sockaddr_in6): opaque to the engine, which only compares
// it, binds Retry tokens to it and hands it back with datagrams to send.
struct PeerAddress {
  std::array<std::uint8_t, 28> bytes{};  // sizeof(sockaddr_in6)
  std::uint8_t size = 0;

  // The address from a sockaddr's bytes (at most 28 are kept).
  static PeerAddress from(std::span<const std::uint8_t> raw);
  std::span<const std::uint8_t> span() const { return {bytes.data(), size}; }
  friend bool operator==(const PeerAddress& a, const PeerAddress& b);
};

struct ServerOptions {
  // Validate every client's address with a Retry before accepting it
  // (RFC 9000 section 8.1.2).
  bool retry = false;
  // How long a Retry token stays valid.
  Duration retry_token_lifetime = std::chrono::seconds(10);
  // Connections held at most; Initials beyond it are dropped.
  std::size_t max_connections = 100000;
  // The key stateless reset tokens are computed from (RFC 9000 section
  // 10.3.2). Servers that share it (a fleet, or one process restarted) can
  // reset each other's lost connections. Unset: a random key.
  std::optional<std::array<std::uint8_t, 32>> stateless_reset_key;
};

struct OutgoingDatagram {
  PeerAddress to;
  std::vector<std::uint8_t> bytes;
};

// Counters of what the endpoint itself did, for tools and tests.
struct ServerStats {
  std::uint64_t accepted = 0;
  std::uint64_t retries_sent = 0;
  std::uint64_t version_negotiations_sent = 0;
  std::uint64_t stateless_resets_sent = 0;
  std::uint64_t invalid_tokens = 0;     // Initials with a token that did not open
  std::uint64_t datagrams_dropped = 0;  // for no connection, and not answered
};

class Server {
 public:
  // Returns nullptr if the endpoint's keys could not be made (randomness or
  // libcrypto failed).
  static std::unique_ptr<Server> create(std::shared_ptr<const Config> config,
                                        const Settings& settings,
                                        const ServerOptions& options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // A datagram from `from`.
  void receive(std::span<const std::uint8_t> datagram, const PeerAddress& from, Instant now);
  // The next connection accepted since the last call (oldest first), or
  // nullptr.
  std::shared_ptr<Connection> accept();
  // The next datagram to send: the endpoint's own answers first, then each
  // connection's in turn. False when nothing is to be sent now.
  bool send(Instant now, OutgoingDatagram& out);
  // The earliest timer of any connection (kNever if none).
  Instant next_timeout() const;
  // Runs the connections' timers and forgets the connections that closed.
  void on_timeout(Instant now);

  std::size_t connection_count() const;
  ServerStats stats() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace adieu::quic
