// adieu-server -quic: HTTP/3 over adieu's QUIC on one UDP socket, one
// connection at a time. The first Initial from a client makes its
// connection (quic::Connection::server) and the socket is connected to that
// client until the connection ends; datagrams from anyone else wait in the
// kernel or are dropped meanwhile.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

#include "crypto/random.h"
#include "engine/quic/packet_header.h"
#include "engine/quic/stateless_reset.h"
#include "h3_quic_transport.h"
#include "h3_session.h"
#include "quic_common.h"
#include "quic_udp_loop.h"

namespace adieu::tools {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
}

// SIGTERM and SIGINT interrupt poll() (no SA_RESTART) and ask for the end.
void catch_signals() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

// A client's first datagram that may start a connection: an Initial of
// QUIC version 1 in a datagram of at least 1200 bytes (RFC 9000 section
// 14.1); what the endpoint decides about it.
// The stateless reset token of our connection ID comes from the endpoint's
// key (RFC 9000 section 10.3.2).
std::optional<quic::AcceptedInitial> accept_initial(std::span<const uint8_t> datagram,
                                                    const quic::StatelessResetKey& reset_key,
                                                    std::string* why) {
  quic::PacketHeader header;
  if (quic::parse_packet_header(datagram, 0, header) != quic::HeaderStatus::ok ||
      header.type != quic::PacketType::initial) {
    *why = "not a QUIC v1 Initial";
    return std::nullopt;
  }
  if (datagram.size() < 1200) {
    *why = "an Initial in a datagram under 1200 bytes";
    return std::nullopt;
  }
  quic::AcceptedInitial accepted;
  accepted.original_destination_cid.assign(header.dcid.begin(), header.dcid.end());
  accepted.local_cid.resize(quic::Settings{}.connection_id_length);
  if (!crypto::system_random().fill(accepted.local_cid)) {
    *why = "no randomness";
    return std::nullopt;
  }
  accepted.stateless_reset_token = reset_key.token(accepted.local_cid);
  std::copy(reset_key.bytes().begin(), reset_key.bytes().end(),
            accepted.stateless_reset_key.begin());
  return accepted;
}

// Forgets the peer of a connected UDP socket (connect with AF_UNSPEC).
void disconnect(int fd) {
  sockaddr unspecified{};
  unspecified.sa_family = AF_UNSPEC;
  ::connect(fd, &unspecified, sizeof unspecified);
}

}  // namespace

int run_quic_server(const char* program, const Options& options) {
  if (!options.has("cert") || !options.has("key")) {
    fail(program, "-quic needs -cert and -key", kExitUsage);
  }
  if (options.has("www") && options.has("WWW")) fail(program, "-www or -WWW, not both", kExitUsage);
  auto config = std::make_shared<Config>(Role::server);
  apply_quic_options(program, options, *config);
  long naccept = -1;
  if (options.has("naccept")) {
    naccept = parse_number(program, "naccept", options.get("naccept"), 1, 1L << 30);
  }
  std::string host;
  std::string port;
  const std::string where = options.get("accept", "4433");
  if (!split_host_port(where, true, &host, &port)) {
    fail(program, "-accept: '" + where + "' is not [host:]port", kExitUsage);
  }
  std::string error;
  UdpAddress bound;
  const int fd = udp_bind(host, port, &bound, &error);
  if (fd < 0) fail(program, "cannot listen on " + where + ": " + error);
  quic::StatelessResetKey reset_key;
  if (!quic::StatelessResetKey::generate(crypto::system_random(), reset_key)) {
    fail(program, "no randomness for the stateless reset key");
  }
  catch_signals();
  const bool quiet = options.has("quiet");
  if (!quiet) std::fprintf(stderr, "%s: listening on %s (QUIC)\n", program, bound.text().c_str());

  auto stop_requested = [] { return g_stop != 0; };
  std::array<uint8_t, 65536> buffer;
  long served = 0;
  while (g_stop == 0 && (naccept < 0 || served < naccept)) {
    UdpAddress peer;
    const long n = udp_receive_from(fd, buffer, &peer, stop_requested);
    if (n < 0) fail(program, std::string("receive: ") + std::strerror(errno));
    if (g_stop != 0) break;
    const std::span<const uint8_t> datagram(buffer.data(), static_cast<size_t>(n));
    std::string why;
    const std::optional<quic::AcceptedInitial> accepted = accept_initial(datagram, reset_key, &why);
    if (!accepted) {
      if (options.has("verbose")) {
        std::fprintf(stderr, "dropped a datagram from %s: %s\n", peer.text().c_str(), why.c_str());
      }
      continue;
    }
    ++served;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&peer.storage), peer.length) != 0) {
      fail(program, std::string("connect: ") + std::strerror(errno));
    }
    std::unique_ptr<quic::Connection> connection =
        quic::Connection::server(config, quic::Settings{}, *accepted, datagram, quic_now());
    quic::Connection& c = *connection;
    H3QuicTransport transport(c);
    H3ServerOptions answer;
    answer.files = options.has("WWW");
    answer.status_text = [&c] { return describe_quic_parameters(c); };
    H3Server h3(transport, answer);
    bool started = false;
    size_t reported = 0;
    UdpLoopHooks hooks;
    hooks.interrupted = [] { return false; };  // the step closes the connection
    hooks.step = [&] {
      const quic::ConnectionState state = c.state();
      if (state != quic::ConnectionState::handshaking &&
          state != quic::ConnectionState::established) {
        return true;
      }
      if (g_stop != 0) {
        c.close(kH3NoError, "server stopping");
        return true;
      }
      if (!c.handshake_complete()) return true;
      if (!started) {
        started = true;
        if (!quiet) {
          std::fprintf(stderr, "peer=%s %s\n", peer.text().c_str(),
                       describe_quic_parameters(c).c_str());
        }
        h3.start();
      } else {
        h3.pump();
      }
      if (!quiet) {
        for (size_t i = reported; i < h3.answered().size(); ++i) {
          const H3Request& r = h3.answered()[i];
          std::fprintf(stderr, "request: %s %s -> %d (%llu bytes)\n", r.method.c_str(),
                       r.path.c_str(), r.status, static_cast<unsigned long long>(r.body_bytes));
        }
      }
      reported = h3.answered().size();
      if (h3.failed()) {
        std::fprintf(stderr, "HTTP/3 failed: %s\n", h3.error_text().c_str());
        c.close(h3.error_code(), h3.error_text());
      }
      return true;
    };
    const UdpLoopResult result = run_udp_loop(fd, c, hooks);
    if (result.end == UdpLoopEnd::socket_error) {
      std::fprintf(stderr, "socket error: %s\n", std::strerror(result.os_error));
    }
    if (!quiet) {
      std::fprintf(stderr, "peer=%s %s\n", peer.text().c_str(), describe_quic_stats(c).c_str());
      std::fprintf(stderr, "peer=%s %s\n", peer.text().c_str(), describe_quic_end(c).c_str());
    }
    disconnect(fd);
  }
  ::close(fd);
  return 0;
}

}  // namespace adieu::tools
