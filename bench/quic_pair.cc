// The QUIC pair: one adieu::quic::Connection client and its connection in a
// quic::Server, datagrams moved by the harness. Every call on the client
// runs in the client's SideScope, every call on the server endpoint or its
// connection in the server's; copying datagrams between the two queues is the
// harness's (it counts for neither side, like the TLS pairs' queues).
//
// Time is simulated: each pass of the transport (both directions once)
// advances the engines' clock by kPassTime, a loopback-like round trip of two
// passes; when nothing is in flight and the pair still waits, the clock jumps
// to the earliest timer and the ends due run on_timeout(). The figures
// themselves are timed by the bench's own clock (meter.h).
#include "quic_pair.h"

#include <adieu/config.h>
#include <adieu/quic.h>
#include <adieu/quic_server.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "meter.h"

namespace adieu::bench {
namespace {

using meter::SideScope;
using namespace std::chrono_literals;

constexpr quic::Duration kPassTime = 50us;
// A handshake takes a handful of passes; a 64 KiB batch a few dozen.
constexpr int kMaxPasses = 100000;

using Datagrams = std::vector<std::vector<uint8_t>>;

// An IPv4 sockaddr-like address unique to the `n`th client of a factory.
quic::PeerAddress client_address(uint32_t n) {
  const std::vector<uint8_t> raw{2,
                                 0,
                                 static_cast<uint8_t>(n >> 8),
                                 static_cast<uint8_t>(n),
                                 127,
                                 static_cast<uint8_t>(n >> 24),
                                 static_cast<uint8_t>(n >> 16),
                                 1};
  return quic::PeerAddress::from(raw);
}

// What the factory's pairs share: the configurations, the server endpoint,
// the clock, and a counter for the clients' addresses.
struct QuicShared {
  std::shared_ptr<const Config> client_config;
  std::shared_ptr<const Config> server_config;
  quic::Settings settings;
  std::unique_ptr<quic::Server> server;
  quic::Instant now = quic::Instant{} + 1000s;
  uint32_t clients = 0;
};

class QuicPair final : public TlsPair {
 public:
  explicit QuicPair(QuicShared& shared)
      : shared_(shared), address_(client_address(++shared.clients)) {}
  ~QuicPair() override { teardown(); }

  bool handshake() override {
    {
      SideScope scope(Side::client);
      client_ = quic::Connection::client(shared_.client_config, shared_.settings, kServerName,
                                         shared_.now);
    }
    if (!client_) return fail("quic::Connection::client failed");
    if (!pump([&] {
          return accepted_ && client_->handshake_confirmed() && accepted_->handshake_confirmed() &&
                 client_->session() != nullptr;
        })) {
      return fail(std::string("handshake did not complete: ") + why_not());
    }
    // Nothing in flight: the last acknowledgements delivered.
    for (int i = 0; i < 16 && pass(); ++i) {
    }
    if (!to_server_.empty() || !to_client_.empty()) return fail("datagrams still in flight");
    if (client_->alpn() != kQuicAlpn || accepted_->alpn() != kQuicAlpn) {
      return fail(std::string("ALPN ") + kQuicAlpn + " not negotiated");
    }
    return true;
  }

  bool resumed() override { return client_ && client_->resumed(); }

  bool send(Side from, std::span<const uint8_t> data, size_t times) override {
    if (!client_ || !accepted_ || from != Side::client) return false;
    if (!stream_) {
      SideScope scope(Side::client);
      stream_ = client_->open_stream(true);
      if (!stream_) return false;
    }
    for (size_t i = 0; i < times; ++i) {
      {
        SideScope scope(Side::client);
        if (client_->write(*stream_, data) != data.size()) return false;
      }
      flush_client();
      unread_ += data.size();
    }
    return true;
  }

  int64_t receive_all(Side to, std::span<uint8_t> scratch, const Consumer& consume) override {
    if (to != Side::server || !accepted_) return -1;
    int64_t total = 0;
    auto read_all = [&] {
      if (!server_stream_) server_stream_ = accepted_->accept_stream();
      if (!server_stream_) return;
      for (;;) {
        const size_t n = accepted_->read(*server_stream_, scratch);
        if (n == 0) return;
        total += static_cast<int64_t>(n);
        unread_ -= n;
        if (consume) consume(scratch.first(n));
      }
    };
    if (!pump([&] { return unread_ == 0; }, read_all)) return -1;
    return total;
  }

  bool close() override {
    if (!client_ || closed_) return false;
    closed_ = true;
    {
      SideScope scope(Side::client);
      client_->close(0, "");
    }
    flush_client();
    pass();
    return accepted_ && accepted_->state() == quic::ConnectionState::draining;
  }

  // Closes the client (unless done), lets the server see it and forget the
  // connection once its draining period is over, then frees the client.
  void teardown() override {
    if (client_ && !closed_) close();
    client_.reset();
    accepted_.reset();
    shared_.now += 10s;  // past any draining period (3 PTO)
    SideScope scope(Side::server);
    shared_.server->on_timeout(shared_.now);
    quic::OutgoingDatagram out;
    while (shared_.server->send(shared_.now, out)) {
    }
  }

  std::string describe() override {
    if (!client_) return "";
    return std::string("QUIC v1 ") + client_->cipher_suite_name() + " x25519, ALPN " +
           client_->alpn() + ", " + std::to_string(client_->stats().datagrams_sent) +
           " client datagrams, " + std::to_string(client_->stats().datagrams_received) +
           " server datagrams";
  }

 private:
  std::string why_not() const {
    if (!client_) return "no client";
    if (client_->close_info()) {
      return "client closed: " + client_->close_info()->reason + " (code " +
             std::to_string(client_->close_info()->error_code) + ")";
    }
    if (!accepted_) return "the server accepted no connection";
    if (accepted_->close_info()) {
      return "server closed: " + accepted_->close_info()->reason + " (code " +
             std::to_string(accepted_->close_info()->error_code) + ")";
    }
    return "not confirmed, or no session ticket";
  }

  // Hands the client's datagrams to the transport.
  void flush_client() {
    for (;;) {
      bool more;
      {
        SideScope scope(Side::client);
        more = client_->send(shared_.now, datagram_);
      }
      if (!more) return;
      to_server_.push_back(datagram_);
    }
  }

  // Hands the server endpoint's datagrams to the transport: this client's;
  // those for earlier clients (gone) are dropped.
  void flush_server() {
    for (;;) {
      bool more;
      {
        SideScope scope(Side::server);
        more = shared_.server->send(shared_.now, outgoing_);
      }
      if (!more) return;
      if (outgoing_.to == address_) to_client_.push_back(outgoing_.bytes);
    }
  }

  // One pass of the transport: what is in flight towards the server, then
  // towards the client, each end answering in the same scope. `at_server`
  // runs in the server's scope after it received (reading a stream). True
  // when a datagram moved.
  bool pass(const std::function<void()>& at_server = {}) {
    shared_.now += kPassTime;
    const bool moved = !to_server_.empty() || !to_client_.empty();
    in_flight_.swap(to_server_);
    {
      SideScope scope(Side::server);
      for (const auto& d : in_flight_) shared_.server->receive(d, address_, shared_.now);
      if (!accepted_) accepted_ = shared_.server->accept();
      if (accepted_ && at_server) at_server();
    }
    in_flight_.clear();
    flush_server();
    in_flight_.swap(to_client_);
    {
      SideScope scope(Side::client);
      for (const auto& d : in_flight_) client_->receive(d, shared_.now);
    }
    in_flight_.clear();
    flush_client();
    return moved;
  }

  // Passes until `done`; when nothing moves, the clock jumps to the earliest
  // timer and the ends due run it.
  bool pump(const std::function<bool()>& done, const std::function<void()>& at_server = {}) {
    flush_client();
    for (int i = 0; i < kMaxPasses; ++i) {
      if (done()) return true;
      if (client_->terminated() || (accepted_ && accepted_->terminated())) return false;
      if (pass(at_server)) continue;
      if (done()) return true;
      const quic::Instant next = std::min(client_->next_timeout(), shared_.server->next_timeout());
      if (next == quic::kNever) return false;
      shared_.now = std::max(shared_.now, next);
      if (client_->next_timeout() <= shared_.now) {
        SideScope scope(Side::client);
        client_->on_timeout(shared_.now);
      }
      if (shared_.server->next_timeout() <= shared_.now) {
        SideScope scope(Side::server);
        shared_.server->on_timeout(shared_.now);
      }
      flush_client();
      flush_server();
    }
    return false;
  }

  QuicShared& shared_;
  quic::PeerAddress address_;
  std::unique_ptr<quic::Connection> client_;
  std::shared_ptr<quic::Connection> accepted_;
  std::optional<uint64_t> stream_, server_stream_;
  size_t unread_ = 0;  // written by the client, not yet read by the server
  bool closed_ = false;
  Datagrams to_server_, to_client_, in_flight_;
  std::vector<uint8_t> datagram_;
  quic::OutgoingDatagram outgoing_;
};

class QuicFactory final : public PairFactory {
 public:
  explicit QuicFactory(std::unique_ptr<QuicShared> shared) : shared_(std::move(shared)) {}
  std::unique_ptr<TlsPair> make_pair() override { return std::make_unique<QuicPair>(*shared_); }
  bool resuming() const override { return false; }

 private:
  std::unique_ptr<QuicShared> shared_;
};

bool tls13_setup(Config& config, const std::string& cipher_suites, std::string* error) {
  return config.set_versions(kTls13, kTls13, error) && config.set_groups(groups(kTls13), error) &&
         config.set_cipher_suites(cipher_suites, error) && config.set_alpn({kQuicAlpn}, error);
}

}  // namespace

std::unique_ptr<PairFactory> make_quic_factory(const CertFiles& files,
                                               const std::string& cipher_suites,
                                               std::string* error) {
  auto shared = std::make_unique<QuicShared>();
  auto client = std::make_shared<Config>(Role::client);
  auto server = std::make_shared<Config>(Role::server);
  if (!tls13_setup(*client, cipher_suites, error) || !tls13_setup(*server, cipher_suites, error) ||
      !client->load_ca_file(files.root, error) ||
      !server->add_certificate(files.leaf, files.key, files.intermediate, error)) {
    return nullptr;
  }
  client->set_verify(VerifyMode::required);
  shared->client_config = std::move(client);
  shared->server_config = server;
  {
    SideScope scope(Side::server);
    shared->server = quic::Server::create(server, shared->settings);
  }
  if (!shared->server) {
    *error = "quic::Server::create failed";
    return nullptr;
  }
  return std::make_unique<QuicFactory>(std::move(shared));
}

}  // namespace adieu::bench
