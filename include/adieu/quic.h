// adieu::quic::Connection: one QUIC version 1 connection (RFC 9000, 9001,
// 9002) as a sans-I/O state machine, carrying adieu's TLS 1.3 handshake.
//
// The connection never touches a socket and never reads a clock. The
// application (or an adapter) moves datagrams and tells the time:
//
//   UDP socket -> receive(datagram, now)
//   send(now, out) -> UDP socket, until it returns false
//   next_timeout() -> the application's timer -> on_timeout(now)
//   open_stream / accept_stream / write / conclude / read  <-> application
//
// A client is made with Connection::client(); a server's connections are
// made by quic::Server (adieu/quic_server.h), which routes a socket's
// datagrams to them, or with Connection::server() from a client's first
// Initial.
//
// The end of a connection (RFC 9000 section 10) is told by state() and
// close_info():
//  - close() sends CONNECTION_CLOSE and enters `closing` for three PTOs
//    (section 10.2.1): packets received then are answered with
//    CONNECTION_CLOSE again, at a bounded rate; nothing else is sent.
//  - A CONNECTION_CLOSE received enters `draining` for three PTOs (section
//    10.2.2): nothing is sent at all.
//  - The idle timeout (section 10.1) and a stateless reset (section 10.3)
//    end it at once, with no packet sent.
//  - After the closing or draining period, state() is `closed`.
// OpenSSL's SSL_get_shutdown on a QUIC connection object reads this (its
// code, spec rule R48): SSL_SENT_SHUTDOWN once the connection is ending at
// all (state() closing, draining or closed; close_sent() tells whether a
// CONNECTION_CLOSE actually went), SSL_RECEIVED_SHUTDOWN once one was
// received or the connection ended any other way (terminated()): 1 while
// we are closing, 3 once draining or closed.
//
// Errors are values, never exceptions. The first error that ends the
// connection is kept in close_info().
#pragma once

#include <adieu/config.h>
#include <adieu/error.h>
#include <adieu/quic_time.h>
#include <adieu/session.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace adieu::quic {

// --- Transport settings: our transport parameters (RFC 9000 section 18.2)
// and the engine's own limits.
struct Settings {
  // max_idle_timeout (section 10.1); zero: none from our side.
  Duration max_idle_timeout = std::chrono::seconds(30);
  // Connection-level and per-stream receive windows (section 4).
  std::uint64_t initial_max_data = std::uint64_t{1} << 20;
  std::uint64_t initial_max_stream_data = std::uint64_t{256} << 10;  // all three kinds
  // Streams the peer may open (section 4.6).
  std::uint64_t initial_max_streams_bidi = 100;
  std::uint64_t initial_max_streams_uni = 100;
  // The size of the UDP payloads we send (section 14: at least 1200; 1200
  // fits every path).
  std::size_t max_datagram_size = 1200;
  // The length of the connection IDs we choose (0 to 20; section 5.1).
  std::size_t connection_id_length = 8;
  // max_ack_delay (section 18.2).
  Duration max_ack_delay = std::chrono::milliseconds(25);
  // The endpoint's static key for the stateless reset tokens of the
  // connection IDs a connection issues (RFC 9000 section 10.3.2: the first
  // 16 bytes of HMAC-SHA256(key, connection ID)), so that an endpoint that
  // lost a connection's state can still reset it. quic::Server sets its own.
  // Unset: a random key for this connection alone.
  std::optional<std::array<std::uint8_t, 32>> stateless_reset_key;
};

enum class ConnectionState : std::uint8_t {
  handshaking,  // the TLS handshake is not complete
  established,  // complete (client: confirmed once HANDSHAKE_DONE arrives)
  closing,      // we sent CONNECTION_CLOSE (section 10.2.1)
  draining,     // we received CONNECTION_CLOSE (section 10.2.2)
  closed,       // over: nothing more is sent or received
};

// How a connection ended, as OpenSSL's SSL_get_conn_close_info reports it.
struct CloseInfo {
  enum class Cause : std::uint8_t {
    local,            // we sent CONNECTION_CLOSE (close(), or an error we found)
    peer,             // the peer's CONNECTION_CLOSE
    idle_timeout,     // section 10.1
    stateless_reset,  // section 10.3
    // The client got a Version Negotiation packet without QUIC version 1
    // (RFC 9000 section 6.2): nothing in common, nothing sent.
    version_negotiation,
  };
  Cause cause = Cause::local;
  // The CONNECTION_CLOSE's fields (0, 0, "" for an idle timeout or reset):
  // a transport error code (frame 0x1c, e.g. 0x0100 + a TLS alert for a
  // handshake failure) or an application error code (frame 0x1d).
  bool transport = false;
  std::uint64_t error_code = 0;
  std::uint64_t frame_type = 0;  // transport only: the frame that caused it
  std::string reason;
  // For a TLS failure (CRYPTO_ERROR), what adieu found, else Error::none.
  Error tls_error = Error::none;
};

// A stream's send or receive part as OpenSSL's SSL_get_stream_read_state /
// SSL_get_stream_write_state report it (same values as SSL_STREAM_STATE_*).
enum class StreamPartState : int {
  none = 0,               // no such stream
  ok = 1,                 // open
  wrong_direction = 2,    // a unidirectional stream's missing part
  finished = 3,           // the FIN was sent (write) / read (read)
  reset_local = 4,        // we reset it (write) / sent STOP_SENDING (read)
  reset_remote = 5,       // the peer sent STOP_SENDING (write) / RESET_STREAM (read)
  connection_closed = 6,  // the connection ended first
};

// Counters, for tools and tests.
struct ConnectionStats {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_received = 0;
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_received = 0;
  std::uint64_t packets_lost = 0;
  std::uint64_t packets_dropped = 0;  // undecryptable, malformed or unexpected
  std::uint64_t bytes_sent = 0;       // UDP payload bytes
  std::uint64_t bytes_received = 0;
  std::uint64_t key_updates = 0;  // key phases started, either side
  Duration smoothed_rtt{};
  Duration min_rtt{};
};

// What a server knows of a client's first Initial when it accepts it; made
// by quic::Server (which also checks Retry tokens).
struct AcceptedInitial {
  // The Destination Connection ID of the client's first Initial (its
  // original_destination_connection_id, RFC 9000 section 7.3).
  std::vector<std::uint8_t> original_destination_cid;
  // When the client came back after a Retry: the Retry's Source Connection
  // ID (retry_source_connection_id) and the DCID of this Initial.
  std::optional<std::vector<std::uint8_t>> retry_source_cid;
  // The connection ID the server chooses for itself (section 7.2), of
  // Settings::connection_id_length bytes: short headers sent to it are
  // parsed with that length.
  std::vector<std::uint8_t> local_cid;
  // The token the server sends with it for stateless reset (section 10.3).
  std::array<std::uint8_t, 16> stateless_reset_token{};
  // The client's address was validated (by a Retry token): no
  // anti-amplification limit (section 8.1).
  bool address_validated = false;
};

class Connection {
 public:
  // A client connecting to `server_name` (SNI and the certificate check),
  // offering `session` for resumption when given. `config` must offer TLS
  // 1.3 and ALPN protocols (RFC 9001 section 8.1); otherwise the connection
  // is made closed, with close_info() telling why. The first datagram is
  // ready at send().
  static std::unique_ptr<Connection> client(std::shared_ptr<const Config> config,
                                            const Settings& settings,
                                            const std::string& server_name, Instant now,
                                            std::shared_ptr<Session> session = nullptr);
  // A server connection for the client whose first Initial is `datagram`
  // (which it processes at once), with what the endpoint decided about it.
  // A datagram that does not start with an Initial, or an `accepted` with an
  // ID over 20 bytes, gives a connection made closed (PROTOCOL_VIOLATION in
  // close_info(), nothing sent).
  static std::unique_ptr<Connection> server(std::shared_ptr<const Config> config,
                                            const Settings& settings,
                                            const AcceptedInitial& accepted,
                                            std::span<const std::uint8_t> datagram, Instant now);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // --- Datagrams and time
  // A UDP datagram from the peer. Packets that cannot be used are dropped
  // (RFC 9000 section 12.2; counted in stats()); a protocol error closes the
  // connection (state() becomes closing, close_info() says why).
  void receive(std::span<const std::uint8_t> datagram, Instant now);
  // Writes the next datagram to send into `out` (replacing its contents; at
  // most Settings::max_datagram_size bytes) and returns true, or returns
  // false when nothing may be sent now (nothing owed, or the congestion
  // window or the anti-amplification limit stops it). Call until false.
  bool send(Instant now, std::vector<std::uint8_t>& out);
  // When on_timeout() must be called next; kNever when no timer is armed
  // (closed).
  Instant next_timeout() const;
  // Runs the timers that are due: loss detection and PTO probes (RFC 9002
  // section 6), the ACK delay, the idle timeout, the end of the closing or
  // draining period. What they owe (probes, an ACK) is then at send().
  void on_timeout(Instant now);

  // --- State
  ConnectionState state() const;
  bool handshake_complete() const;   // RFC 9001 section 4.1.1
  bool handshake_confirmed() const;  // section 4.1.2
  // CONNECTION_CLOSE sent (SSL_SENT_SHUTDOWN).
  bool close_sent() const;
  // CONNECTION_CLOSE received, or ended by idle timeout, stateless reset or
  // the end of the closing period (SSL_RECEIVED_SHUTDOWN).
  bool terminated() const;
  // Set once the connection started to end.
  const std::optional<CloseInfo>& close_info() const;
  Role role() const;
  // What the handshake negotiated (valid once handshake_complete()).
  const std::string& alpn() const;
  const std::string& server_name() const;
  std::uint16_t cipher_suite() const;
  const char* cipher_suite_name() const;
  std::uint16_t group() const;
  bool resumed() const;
  // The X.509 verification result (0 = X509_V_OK) of the peer's chain.
  int verify_result() const;
  const std::vector<std::vector<std::uint8_t>>& peer_certificates() const;
  // The session to resume with later (client), once a ticket arrived.
  std::shared_ptr<Session> session() const;
  // The token of the last NEW_TOKEN frame the server sent (client; RFC 9000
  // section 8.1.3), empty if none: for the Initial of a later connection.
  const std::vector<std::uint8_t>& new_token() const;
  ConnectionStats stats() const;

  // --- Streams (RFC 9000 sections 2-4). A stream is named by its id.
  // Opens our next stream; nullopt when the peer's MAX_STREAMS stops it
  // (STREAMS_BLOCKED is sent), or before the handshake completes.
  std::optional<std::uint64_t> open_stream(bool bidirectional);
  // The next stream the peer opened that the application has not taken yet.
  std::optional<std::uint64_t> accept_stream();
  // Queues bytes on a stream (all of them, or 0 when the stream cannot take
  // data: wrong direction, concluded, reset, connection ending). Flow
  // control bounds what is sent, not what is queued: bound your own queue
  // with send_buffered().
  std::size_t write(std::uint64_t stream, std::span<const std::uint8_t> data);
  std::size_t send_buffered(std::uint64_t stream) const;
  // Concludes our send part: a FIN after the queued data.
  bool conclude(std::uint64_t stream);
  // RESET_STREAM / STOP_SENDING with an application error code.
  bool reset_stream(std::uint64_t stream, std::uint64_t app_error_code);
  bool stop_sending(std::uint64_t stream, std::uint64_t app_error_code);
  // Reads in-order data; 0 when none is available now (read_state() tells
  // whether more may come).
  std::size_t read(std::uint64_t stream, std::span<std::uint8_t> out);
  std::size_t readable(std::uint64_t stream) const;
  StreamPartState read_state(std::uint64_t stream) const;
  StreamPartState write_state(std::uint64_t stream) const;
  // How many more streams of a kind can be opened now: by us (`local`: the
  // peer's MAX_STREAMS less the streams we opened) or by the peer (our limit
  // less the streams it opened). OpenSSL's SSL_VALUE_QUIC_STREAM_*_AVAIL.
  std::uint64_t streams_available(bool bidirectional, bool local) const;
  // The peer's FIN arrived and every byte before it was read: the stream
  // ended cleanly, even if the connection ended afterwards (read_state()
  // then says connection_closed, as OpenSSL's order of precedence has it).
  bool read_finished(std::uint64_t stream) const;
  // The peer's RESET_STREAM / STOP_SENDING code, once received.
  std::optional<std::uint64_t> read_error_code(std::uint64_t stream) const;
  std::optional<std::uint64_t> write_error_code(std::uint64_t stream) const;

  // --- Ending
  // Immediate close (RFC 9000 section 10.2) with an application error code
  // and a reason phrase: CONNECTION_CLOSE (0x1d once the handshake is
  // complete; before it, a transport CONNECTION_CLOSE with
  // APPLICATION_ERROR, section 10.2.3). Enters closing. No-op once closing,
  // draining or closed. The CONNECTION_CLOSE goes at the next send(); the
  // closing period (three PTOs) runs from then. close_info() keeps the
  // application's code and reason even where the wire carries
  // APPLICATION_ERROR.
  void close(std::uint64_t app_error_code, std::string_view reason);
  // Every stream's queued data and FIN have been acknowledged (what OpenSSL's
  // SSL_shutdown waits for before CONNECTION_CLOSE, unless
  // SSL_SHUTDOWN_FLAG_NO_STREAM_FLUSH).
  bool streams_flushed() const;
  // Starts a key update (RFC 9001 section 6); false before the handshake is
  // confirmed, while no packet sent with the current keys was acknowledged,
  // or while the peer has not followed the previous update. The peer's
  // updates are followed without being asked.
  bool update_keys();

  struct Impl;

 private:
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace adieu::quic
