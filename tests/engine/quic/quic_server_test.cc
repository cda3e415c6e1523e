// quic::Server: clients connect through it (with and without Retry), and it
// answers what belongs to no connection (Version Negotiation, stateless
// reset) or drops it, on a simulated clock with datagrams moved by hand.
#include <adieu/quic_server.h>
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "engine/quic/packet_header.h"
#include "engine/quic/stateless_reset.h"
#include "unit/quic/quic_tls_support.h"
#include "wire/writer.h"

namespace adieu::quic {
namespace {

using namespace std::chrono_literals;
using test::quic_client_config;
using test::quic_server_config;

const PeerAddress kClientAddress =
    PeerAddress::from(std::vector<uint8_t>{2, 0, 0x30, 0x39, 127, 0, 0, 1});

// One client and a Server, exchanging datagrams with no loss, 5 ms apart.
class ServerPair {
 public:
  explicit ServerPair(const ServerOptions& options = {}) {
    server = Server::create(quic_server_config(), Settings{}, options);
    EXPECT_NE(server, nullptr);
  }

  void connect() {
    client = Connection::client(quic_client_config(), Settings{}, "localhost", now);
  }

  // Moves every datagram each way once, then runs the timers due.
  void round() {
    std::vector<uint8_t> datagram;
    while (client && client->send(now, datagram)) to_server.push_back(datagram);
    client_datagrams += to_server.size();
    OutgoingDatagram out;
    while (server->send(now, out)) {
      EXPECT_EQ(out.to, kClientAddress);
      to_client.push_back(out.bytes);
    }
    now += 5ms;
    for (auto& d : to_server) server->receive(d, kClientAddress, now);
    to_server.clear();
    for (auto& d : to_client) {
      received_by_client.push_back(d);
      if (client) client->receive(d, now);
    }
    to_client.clear();
    if (client && client->next_timeout() <= now) client->on_timeout(now);
    if (server->next_timeout() <= now) server->on_timeout(now);
  }

  // Runs rounds until `done` (called once per round: it may take
  // something, as accept() does).
  bool run_until(const std::function<bool()>& done, int rounds = 400) {
    for (int i = 0; i < rounds; ++i) {
      if (done()) return true;
      round();
    }
    return done();
  }

  Instant now = Instant{} + 1000s;
  std::unique_ptr<Server> server;
  std::unique_ptr<Connection> client;
  std::shared_ptr<Connection> accepted;
  std::vector<std::vector<uint8_t>> to_server, to_client, received_by_client;
  size_t client_datagrams = 0;
};

TEST(QuicServer, AcceptsAClientAndCarriesAStream) {
  ServerPair p;
  p.connect();
  ASSERT_TRUE(p.run_until([&] { return (p.accepted = p.server->accept()) != nullptr; }))
      << p.server->stats().datagrams_dropped << " dropped, client state "
      << static_cast<int>(p.client->state()) << ", " << p.client_datagrams << " client datagrams, "
      << p.server->connection_count() << " connections, " << p.received_by_client.size()
      << " answers";
  EXPECT_EQ(p.server->connection_count(), 1u);
  EXPECT_EQ(p.server->stats().accepted, 1u);
  ASSERT_TRUE(p.run_until(
      [&] { return p.client->handshake_confirmed() && p.accepted->handshake_confirmed(); }));
  const auto id = p.client->open_stream(true);
  ASSERT_TRUE(id.has_value());
  const std::vector<uint8_t> hello{'h', 'e', 'l', 'l', 'o'};
  EXPECT_EQ(p.client->write(*id, hello), hello.size());
  EXPECT_TRUE(p.client->conclude(*id));
  std::optional<uint64_t> incoming;
  ASSERT_TRUE(p.run_until([&] { return (incoming = p.accepted->accept_stream()).has_value(); }));
  EXPECT_EQ(*incoming, *id);
  ASSERT_TRUE(p.run_until([&] {
    return p.accepted->read_state(*incoming) != StreamPartState::ok ||
           p.accepted->readable(*incoming) == hello.size();
  }));
  std::vector<uint8_t> got(16);
  got.resize(p.accepted->read(*incoming, got));
  EXPECT_EQ(got, hello);
  EXPECT_EQ(p.server->accept(), nullptr);  // one connection only
}

TEST(QuicServer, ForgetsAConnectionOnceItIsClosed) {
  ServerPair p;
  p.connect();
  ASSERT_TRUE(p.run_until([&] { return (p.accepted = p.server->accept()) != nullptr; }));
  ASSERT_TRUE(p.run_until([&] { return p.client->handshake_confirmed(); }));
  p.client->close(0, "done");
  ASSERT_TRUE(p.run_until([&] { return p.accepted->state() == ConnectionState::closed; }, 2000));
  p.server->on_timeout(p.now);
  EXPECT_EQ(p.server->connection_count(), 0u);
}

TEST(QuicServer, RetryValidatesTheAddressBeforeAccepting) {
  ServerOptions options;
  options.retry = true;
  ServerPair p(options);
  p.connect();
  p.round();  // the client's Initial, answered with a Retry
  EXPECT_EQ(p.server->stats().retries_sent, 1u);
  EXPECT_EQ(p.server->accept(), nullptr);
  EXPECT_EQ(p.server->connection_count(), 0u);
  ASSERT_TRUE(p.run_until([&] { return (p.accepted = p.server->accept()) != nullptr; }));
  ASSERT_TRUE(p.run_until(
      [&] { return p.client->handshake_confirmed() && p.accepted->handshake_confirmed(); }));
  EXPECT_EQ(p.server->stats().retries_sent, 1u);  // one Retry only
  EXPECT_EQ(p.server->stats().invalid_tokens, 0u);
}

// A client Initial of the right size, with `token` (a forged one here).
constexpr size_t kAeadTag = 16;

std::vector<uint8_t> client_initial(std::span<const uint8_t> token, uint32_t version = 1) {
  std::vector<uint8_t> datagram;
  wire::Writer w(datagram);
  const std::vector<uint8_t> dcid{1, 2, 3, 4, 5, 6, 7, 8}, scid{9, 9, 9, 9};
  LongHeader h;
  h.type = PacketType::initial;
  h.version = version;
  h.dcid = dcid;
  h.scid = scid;
  h.token = token;
  const size_t pn_offset = write_long_header(w, h, 0, 1, 1200);
  datagram.resize(pn_offset + 1 + 1200 + kAeadTag, 0);
  return datagram;
}

TEST(QuicServer, AForgedTokenIsDroppedWhenRetryIsOn) {
  ServerOptions options;
  options.retry = true;
  ServerPair p(options);
  const std::vector<uint8_t> forged(40, 0xab);
  p.server->receive(client_initial(forged), kClientAddress, p.now);
  EXPECT_EQ(p.server->stats().invalid_tokens, 1u);
  EXPECT_EQ(p.server->connection_count(), 0u);
  OutgoingDatagram out;
  EXPECT_FALSE(p.server->send(p.now, out));
}

TEST(QuicServer, AnotherVersionGetsVersionNegotiationWithTheIdsSwapped) {
  ServerPair p;
  p.server->receive(client_initial({}, 0x1a2a3a4a), kClientAddress, p.now);
  OutgoingDatagram out;
  ASSERT_TRUE(p.server->send(p.now, out));
  EXPECT_EQ(p.server->stats().version_negotiations_sent, 1u);
  PacketHeader h;
  ASSERT_EQ(parse_packet_header(out.bytes, 8, h), HeaderStatus::ok);
  EXPECT_EQ(h.type, PacketType::version_negotiation);
  EXPECT_EQ(std::vector<uint8_t>(h.dcid.begin(), h.dcid.end()), (std::vector<uint8_t>{9, 9, 9, 9}));
  EXPECT_EQ(std::vector<uint8_t>(h.scid.begin(), h.scid.end()),
            (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(std::vector<uint8_t>(h.supported_versions.begin(), h.supported_versions.end()),
            (std::vector<uint8_t>{0, 0, 0, 1}));
  EXPECT_EQ(p.server->connection_count(), 0u);
}

TEST(QuicServer, SmallDatagramsOfAnotherVersionOrInitialsAreDropped) {
  ServerPair p;
  std::vector<uint8_t> small = client_initial({}, 0x1a2a3a4a);
  small.resize(1199);
  p.server->receive(small, kClientAddress, p.now);
  std::vector<uint8_t> small_initial = client_initial({});
  small_initial.resize(1199);
  p.server->receive(small_initial, kClientAddress, p.now);
  OutgoingDatagram out;
  EXPECT_FALSE(p.server->send(p.now, out));
  EXPECT_EQ(p.server->stats().datagrams_dropped, 2u);
  EXPECT_EQ(p.server->connection_count(), 0u);
}

TEST(QuicServer, AShortHeaderForNoConnectionGetsASmallerStatelessReset) {
  ServerPair p;
  std::vector<uint8_t> packet(60, 0x55);
  packet[0] = 0x40;  // short header
  p.server->receive(packet, kClientAddress, p.now);
  OutgoingDatagram out;
  ASSERT_TRUE(p.server->send(p.now, out));
  EXPECT_EQ(p.server->stats().stateless_resets_sent, 1u);
  EXPECT_LT(out.bytes.size(), packet.size());
  EXPECT_GE(out.bytes.size(), kMinStatelessResetSize);
  EXPECT_EQ(out.bytes[0] & 0xc0, 0x40);
  // A reset never answers a packet too small to be answered by a smaller one.
  std::vector<uint8_t> tiny(kMinStatelessResetSize, 0x55);
  tiny[0] = 0x40;
  p.server->receive(tiny, kClientAddress, p.now);
  EXPECT_FALSE(p.server->send(p.now, out));
}

// A server that lost a connection (here: restarted) but keeps its reset
// key ends the client with a stateless reset the client recognises; one
// with another key cannot.
TEST(QuicServer, AClientWhoseConnectionTheServerForgotIsResetByItsToken) {
  ServerOptions options;
  options.stateless_reset_key.emplace();
  options.stateless_reset_key->fill(0x3c);
  ServerPair p(options);
  p.connect();
  ASSERT_TRUE(p.run_until([&] { return (p.accepted = p.server->accept()) != nullptr; }));
  ASSERT_TRUE(p.run_until(
      [&] { return p.client->handshake_confirmed() && p.accepted->handshake_confirmed(); }));
  const auto id = p.client->open_stream(true);
  ASSERT_TRUE(id.has_value());
  const std::vector<uint8_t> data(100, 7);
  p.client->write(*id, data);
  std::vector<uint8_t> datagram;
  ASSERT_TRUE(p.client->send(p.now, datagram));
  // The endpoint that knows the connection takes the packet.
  p.server->receive(datagram, kClientAddress, p.now);
  EXPECT_EQ(p.server->stats().stateless_resets_sent, 0u);

  auto stranger = Server::create(quic_server_config(), Settings{});
  stranger->receive(datagram, kClientAddress, p.now);
  OutgoingDatagram out;
  ASSERT_TRUE(stranger->send(p.now, out));
  p.client->receive(out.bytes, p.now);
  EXPECT_NE(p.client->state(), ConnectionState::closed);

  auto restarted = Server::create(quic_server_config(), Settings{}, options);
  restarted->receive(datagram, kClientAddress, p.now);
  ASSERT_TRUE(restarted->send(p.now, out));
  EXPECT_EQ(restarted->stats().stateless_resets_sent, 1u);
  p.client->receive(out.bytes, p.now);
  EXPECT_EQ(p.client->state(), ConnectionState::closed);
  ASSERT_TRUE(p.client->close_info().has_value());
  EXPECT_EQ(p.client->close_info()->cause, CloseInfo::Cause::stateless_reset);
  EXPECT_TRUE(p.client->terminated());
  EXPECT_FALSE(p.client->close_sent());
}

}  // namespace
}  // namespace adieu::quic
