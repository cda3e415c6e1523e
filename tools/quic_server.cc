// adieu-server -quic: HTTP/3 over adieu's QUIC on one UDP socket, through
// quic::Server (adieu/quic_server.h), which routes each datagram to its
// connection, accepts clients' Initials and answers what belongs to no
// connection. Each connection gets its own H3Server.
#include <adieu/quic_server.h>
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

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

// One client's connection and its HTTP/3 server.
struct Client {
  std::shared_ptr<quic::Connection> connection;
  std::string peer;
  std::unique_ptr<H3QuicTransport> transport;
  std::unique_ptr<H3Server> h3;
  size_t reported = 0;  // requests printed
};

// The quic::Server on the socket, and what the tool does with its
// connections.
class ServerEndpoint : public UdpEndpoint {
 public:
  ServerEndpoint(quic::Server& server, H3ServerOptions answer, long naccept, bool quiet)
      : server_(server), answer_(std::move(answer)), naccept_(naccept), quiet_(quiet) {}

  bool send(quic::Instant now, std::vector<uint8_t>& out, UdpAddress& to) override {
    if (!server_.send(now, outgoing_)) return false;
    out.swap(outgoing_.bytes);
    std::memcpy(&to.storage, outgoing_.to.bytes.data(), outgoing_.to.size);
    to.length = outgoing_.to.size;
    return true;
  }

  void receive(std::span<const uint8_t> datagram, const UdpAddress& from,
               quic::Instant now) override {
    server_.receive(datagram,
                    quic::PeerAddress::from(std::span<const uint8_t>(
                        reinterpret_cast<const uint8_t*>(&from.storage), from.length)),
                    now);
    // A connection accepted now was made by this datagram: its client is
    // `from`.
    while (std::shared_ptr<quic::Connection> accepted = server_.accept()) {
      auto client = std::make_unique<Client>();
      client->connection = std::move(accepted);
      client->peer = from.text();
      if (stopping()) {
        // Past -naccept, or stopping: not served.
        client->connection->close(kH3NoError, "server not accepting");
      }
      ++accepted_;
      clients_.push_back(std::move(client));
    }
  }

  quic::Instant next_timeout() const override { return server_.next_timeout(); }
  void on_timeout(quic::Instant now) override { server_.on_timeout(now); }
  bool finished() const override { return stopping() && clients_.empty(); }

  // The application's turn: HTTP/3 on each connection, the end of those
  // that closed.
  bool step() {
    for (auto it = clients_.begin(); it != clients_.end();) {
      serve(**it);
      const quic::Connection& c = *(*it)->connection;
      if (c.state() != quic::ConnectionState::closed) {
        ++it;
        continue;
      }
      if (!quiet_) {
        std::fprintf(stderr, "peer=%s %s\n", (*it)->peer.c_str(), describe_quic_stats(c).c_str());
        std::fprintf(stderr, "peer=%s %s\n", (*it)->peer.c_str(), describe_quic_end(c).c_str());
      }
      it = clients_.erase(it);
    }
    return true;
  }

 private:
  // -naccept connections accepted, or a signal: no more are served, and the
  // loop ends once those open have closed.
  bool stopping() const { return g_stop != 0 || (naccept_ >= 0 && accepted_ >= naccept_); }

  void serve(Client& client) {
    quic::Connection& c = *client.connection;
    const quic::ConnectionState state = c.state();
    if (state != quic::ConnectionState::handshaking &&
        state != quic::ConnectionState::established) {
      return;
    }
    if (g_stop != 0) {
      c.close(kH3NoError, "server stopping");
      return;
    }
    if (!c.handshake_complete()) return;
    if (!client.h3) {
      if (!quiet_) {
        std::fprintf(stderr, "peer=%s %s\n", client.peer.c_str(),
                     describe_quic_parameters(c).c_str());
      }
      H3ServerOptions answer = answer_;
      answer.status_text = [&c] { return describe_quic_parameters(c); };
      client.transport = std::make_unique<H3QuicTransport>(c);
      client.h3 = std::make_unique<H3Server>(*client.transport, answer);
      client.h3->start();
    } else {
      client.h3->pump();
    }
    if (!quiet_) {
      for (size_t i = client.reported; i < client.h3->answered().size(); ++i) {
        const H3Request& r = client.h3->answered()[i];
        std::fprintf(stderr, "peer=%s request: %s %s -> %d (%llu bytes)\n", client.peer.c_str(),
                     r.method.c_str(), r.path.c_str(), r.status,
                     static_cast<unsigned long long>(r.body_bytes));
      }
    }
    client.reported = client.h3->answered().size();
    if (client.h3->failed()) {
      std::fprintf(stderr, "peer=%s HTTP/3 failed: %s\n", client.peer.c_str(),
                   client.h3->error_text().c_str());
      c.close(client.h3->error_code(), client.h3->error_text());
    }
  }

  quic::Server& server_;
  H3ServerOptions answer_;
  long naccept_;
  bool quiet_;
  long accepted_ = 0;
  quic::OutgoingDatagram outgoing_;
  std::vector<std::unique_ptr<Client>> clients_;
};

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
  quic::ServerOptions endpoint_options;
  endpoint_options.retry = options.has("retry");
  std::unique_ptr<quic::Server> server =
      quic::Server::create(config, quic::Settings{}, endpoint_options);
  if (!server) fail(program, "the QUIC endpoint's keys could not be made");
  std::string error;
  UdpAddress bound;
  const int fd = udp_bind(host, port, &bound, &error);
  if (fd < 0) fail(program, "cannot listen on " + where + ": " + error);
  catch_signals();
  const bool quiet = options.has("quiet");
  if (!quiet) std::fprintf(stderr, "%s: listening on %s (QUIC)\n", program, bound.text().c_str());

  H3ServerOptions answer;
  answer.files = options.has("WWW");
  ServerEndpoint endpoint(*server, answer, naccept, quiet);
  UdpLoopHooks hooks;
  hooks.interrupted = [] { return false; };  // the step closes the connections
  hooks.step = [&endpoint] { return endpoint.step(); };
  const UdpLoopResult result = run_udp_loop(fd, endpoint, hooks);
  ::close(fd);
  if (result.end == UdpLoopEnd::socket_error) {
    fail(program, std::string("socket error: ") + std::strerror(result.os_error));
  }
  if (!quiet && options.has("verbose")) {
    const quic::ServerStats s = server->stats();
    std::fprintf(stderr,
                 "endpoint: accepted=%llu retries_sent=%llu version_negotiations_sent=%llu "
                 "stateless_resets_sent=%llu invalid_tokens=%llu datagrams_dropped=%llu\n",
                 static_cast<unsigned long long>(s.accepted),
                 static_cast<unsigned long long>(s.retries_sent),
                 static_cast<unsigned long long>(s.version_negotiations_sent),
                 static_cast<unsigned long long>(s.stateless_resets_sent),
                 static_cast<unsigned long long>(s.invalid_tokens),
                 static_cast<unsigned long long>(s.datagrams_dropped));
  }
  return 0;
}

}  // namespace adieu::tools
