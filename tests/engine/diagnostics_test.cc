// What a connection tells about itself beyond the negotiated parameters:
// the message observer (Config::set_message_observer), the Finished
// messages' verify_data (Connection::finished, tls-unique) and the peer's
// key share (Connection::peer_key_share), in both versions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pair.h"
#include "tls12_support.h"

namespace adieu::test {
namespace {

// "s22.1" for a handshake message of type 1 sent, "r20" for a
// ChangeCipherSpec received, "s21.1.0" for a warning close_notify sent.
struct Observed {
  std::vector<std::string> events;
  void attach(Config& cfg) {
    cfg.set_message_observer([this](const ProtocolMessage& m) {
      std::string e = std::string(m.sent ? "s" : "r") + std::to_string(m.content_type);
      if (m.content_type == 22) {
        // A whole message: its header's length is the rest.
        const size_t length = m.bytes.size() >= 4 ? (size_t{m.bytes[1]} << 16) |
                                                        (size_t{m.bytes[2]} << 8) | m.bytes[3]
                                                  : 0;
        e += "." + std::to_string(m.bytes[0]) + (length + 4 == m.bytes.size() ? "" : "!");
      } else if (m.content_type == 21 && m.bytes.size() == 2) {
        e += "." + std::to_string(m.bytes[0]) + "." + std::to_string(m.bytes[1]);
      } else if (m.content_type == 20) {
        e += m.bytes.size() == 1 && m.bytes[0] == 1 ? "" : "!";
      }
      events.push_back(e);
    });
  }
};

using Events = std::vector<std::string>;

TEST(MessageObserver, Tls13HandshakeAndClose) {
  auto ccfg = client_config();
  auto scfg = server_config();
  Observed client, server;
  client.attach(*ccfg);
  server.attach(*scfg);
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_EQ(p.client->close(), Error::none);
  p.pump();
  // ClientHello, ServerHello, the middlebox-compatibility ChangeCipherSpecs
  // (RFC 8446 Appendix D.4: the client's after the ServerHello, the
  // server's after its ServerHello), EncryptedExtensions, Certificate,
  // CertificateVerify, Finished both ways, two NewSessionTickets, then the
  // client's close_notify.
  EXPECT_EQ(client.events, (Events{"s22.1", "r22.2", "s20", "r20", "r22.8", "r22.11", "r22.15",
                                   "r22.20", "s22.20", "r22.4", "r22.4", "s21.1.0"}));
  EXPECT_EQ(server.events, (Events{"r22.1", "s22.2", "s20", "s22.8", "s22.11", "s22.15", "s22.20",
                                   "r20", "r22.20", "s22.4", "s22.4", "r21.1.0"}));
}

TEST(MessageObserver, Tls12HandshakeWithChangeCipherSpec) {
  auto ccfg = client_config12();
  auto scfg = server_config12();
  Observed client;
  client.attach(*ccfg);
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  // ClientHello; ServerHello, Certificate, ServerKeyExchange,
  // ServerHelloDone; ClientKeyExchange, ChangeCipherSpec, Finished;
  // NewSessionTicket, ChangeCipherSpec, Finished.
  EXPECT_EQ(client.events, (Events{"s22.1", "r22.2", "r22.11", "r22.12", "r22.14", "s22.16", "s20",
                                   "s22.20", "r22.4", "r20", "r22.20"}));
}

// A message split over several records is reported once, whole.
TEST(MessageObserver, MessageAcrossRecordsIsReportedWhole) {
  auto scfg = server_config();
  Observed server;
  server.attach(*scfg);
  Pair p(client_config(), scfg);
  const std::vector<uint8_t> hello = take_output(*p.client);
  ASSERT_GT(hello.size(), 5u + 40u);
  // The ClientHello's record cut in two records of the same type.
  const size_t body = hello.size() - 5;
  const size_t first = body / 2;
  std::vector<uint8_t> split = {hello[0], hello[1], hello[2], static_cast<uint8_t>(first >> 8),
                                static_cast<uint8_t>(first)};
  split.insert(split.end(), hello.begin() + 5, hello.begin() + 5 + static_cast<ptrdiff_t>(first));
  const size_t second = body - first;
  split.insert(split.end(), {hello[0], hello[1], hello[2], static_cast<uint8_t>(second >> 8),
                             static_cast<uint8_t>(second)});
  split.insert(split.end(), hello.begin() + 5 + static_cast<ptrdiff_t>(first), hello.end());
  ASSERT_EQ(p.server->receive(split), Error::none);
  ASSERT_FALSE(server.events.empty());
  EXPECT_EQ(server.events.front(), "r22.1");
  p.pump();
  EXPECT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
}

TEST(Finished, EachSideSentWhatTheOtherReceived) {
  for (const bool tls12 : {false, true}) {
    Pair p = tls12 ? connected12() : connected();
    const std::span<const uint8_t> cs = p.client->finished(true);
    const std::span<const uint8_t> sr = p.server->finished(false);
    const std::span<const uint8_t> ss = p.server->finished(true);
    const std::span<const uint8_t> cr = p.client->finished(false);
    // RFC 5246 section 7.4.9: 12 bytes; RFC 8446 section 4.4.4: the hash's
    // (TLS_AES_128_GCM_SHA256: SHA-256).
    EXPECT_EQ(cs.size(), tls12 ? 12u : 32u);
    EXPECT_TRUE(std::equal(cs.begin(), cs.end(), sr.begin(), sr.end()));
    EXPECT_TRUE(std::equal(ss.begin(), ss.end(), cr.begin(), cr.end()));
    EXPECT_FALSE(std::equal(cs.begin(), cs.end(), ss.begin(), ss.end()));
  }
  Pair fresh;
  EXPECT_TRUE(fresh.client->finished(true).empty());
  EXPECT_TRUE(fresh.server->finished(false).empty());
}

TEST(PeerKeyShare, EachSideHasTheOthersShare) {
  struct Case {
    bool tls12;
    const char* group;
    size_t size;
  };
  for (const Case c : {Case{false, "X25519", 32}, Case{false, "P-256", 65}, Case{true, "P-384", 97},
                       Case{true, "X448", 56}}) {
    auto ccfg = c.tls12 ? client_config12() : client_config();
    auto scfg = c.tls12 ? server_config12("rsa") : server_config();  // no curve of its own
    std::string error;
    ASSERT_TRUE(ccfg->set_groups(c.group, &error)) << error;
    Pair p(ccfg, scfg);
    EXPECT_TRUE(p.client->peer_key_share().empty());
    p.pump();
    ASSERT_TRUE(p.client->handshake_done()) << c.group << ": " << error_string(p.client->error());
    const std::span<const uint8_t> at_client = p.client->peer_key_share();
    const std::span<const uint8_t> at_server = p.server->peer_key_share();
    EXPECT_EQ(at_client.size(), c.size) << c.group;
    EXPECT_EQ(at_server.size(), c.size) << c.group;
    EXPECT_FALSE(
        std::equal(at_client.begin(), at_client.end(), at_server.begin(), at_server.end()));
    if (c.size == 65 || c.size == 97) {
      EXPECT_EQ(at_client[0], 0x04);  // uncompressed point (RFC 8446 section 4.2.8.2)
    }
  }
}

}  // namespace
}  // namespace adieu::test
