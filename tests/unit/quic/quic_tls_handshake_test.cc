// The TLS 1.3 handshake over QUIC (RFC 9001 sections 4 and 8): two
// TlsHandshakes exchanging CRYPTO data in memory.
#include <gtest/gtest.h>

#include <algorithm>

#include "messages/messages.h"
#include "quic_tls_support.h"
#include "wire/writer.h"

namespace adieu::quic {
namespace {

using messages::HandshakeType;
using test::QuicTlsPair;

constexpr TransportError kMissingExtension = static_cast<TransportError>(0x16d);
constexpr TransportError kNoApplicationProtocol = static_cast<TransportError>(0x178);
constexpr TransportError kUnexpectedMessage = static_cast<TransportError>(0x10a);
constexpr TransportError kProtocolVersion = static_cast<TransportError>(0x146);
constexpr TransportError kIllegalParameter = static_cast<TransportError>(0x12f);

std::vector<uint8_t> as_vector(std::span<const uint8_t> s) {
  return {s.begin(), s.end()};
}

bool same_secret(const crypto::Secret* a, const crypto::Secret* b) {
  return a && b && !a->empty() && std::ranges::equal(a->span(), b->span());
}

// Seals a short-header packet with `sender` and opens it with `receiver`.
bool packet_round_trip(PacketProtection* sender, PacketProtection* receiver) {
  if (!sender || !receiver) return false;
  const std::vector<uint8_t> payload(24, 0x5a);
  std::vector<uint8_t> packet = {0x40, 0x07};  // 1-byte packet number 7
  packet.insert(packet.end(), payload.begin(), payload.end());
  packet.resize(packet.size() + crypto::kAeadTagSize);
  if (!sender->protect(packet, 1, 7)) return false;
  UnprotectedPacket opened;
  if (receiver->unprotect(packet, 1, std::nullopt, opened) != UnprotectStatus::ok) return false;
  return opened.packet_number == 7 &&
         std::ranges::equal(std::span<const uint8_t>(opened.payload), payload);
}

// The client's first ClientHello, parsed (it is all of its Initial data).
messages::ClientHello client_hello_of(TlsHandshake& client) {
  const std::vector<uint8_t> msg = as_vector(client.pending_crypto(Level::initial));
  messages::ClientHello ch;
  EXPECT_EQ(ch.parse(std::span<const uint8_t>(msg).subspan(4)), Error::none);
  return ch;
}

std::vector<uint8_t> serialize(const messages::ClientHello& ch) {
  std::vector<uint8_t> out;
  wire::Writer w(out);
  ch.serialize(w);
  return out;
}

TEST(QuicTlsHandshake, CompletesWithTheSameKeysAtEachLevel) {
  QuicTlsPair pair;
  pair.pump();
  ASSERT_EQ(pair.client->error(), TransportError::no_error);
  ASSERT_EQ(pair.server->error(), TransportError::no_error);
  EXPECT_TRUE(pair.client->handshake_complete());
  EXPECT_TRUE(pair.server->handshake_complete());
  EXPECT_EQ(pair.client->context().alpn, "h3");
  EXPECT_EQ(pair.server->context().alpn, "h3");
  EXPECT_EQ(pair.client->context().version, 0x0304);
  for (Level level : {Level::handshake, Level::application}) {
    SCOPED_TRACE(static_cast<int>(level));
    EXPECT_TRUE(same_secret(pair.client->write_secret(level), pair.server->read_secret(level)));
    EXPECT_TRUE(same_secret(pair.server->write_secret(level), pair.client->read_secret(level)));
    EXPECT_FALSE(same_secret(pair.client->write_secret(level), pair.client->read_secret(level)));
    EXPECT_TRUE(packet_round_trip(pair.client->write_protection(level),
                                  pair.server->read_protection(level)));
    EXPECT_TRUE(packet_round_trip(pair.server->write_protection(level),
                                  pair.client->read_protection(level)));
  }
  // A packet sealed at one level does not open at another.
  EXPECT_FALSE(packet_round_trip(pair.client->write_protection(Level::handshake),
                                 pair.server->read_protection(Level::application)));
  EXPECT_EQ(pair.client->read_level(), Level::application);
  EXPECT_EQ(pair.server->write_level(), Level::application);
  // Keys for 0-RTT never exist (0-RTT is refused over QUIC).
  EXPECT_EQ(pair.client->write_protection(Level::early_data), nullptr);
  EXPECT_EQ(pair.server->read_protection(Level::early_data), nullptr);
}

TEST(QuicTlsHandshake, MessagesGoAtTheirLevels) {
  QuicTlsPair pair;
  pair.pump();
  ASSERT_TRUE(pair.server->handshake_complete());
  using V = std::vector<HandshakeType>;
  const auto at = [](const test::SentCrypto& sent, Level level) {
    return test::message_types(sent[test::index_of(level)]);
  };
  EXPECT_EQ(at(pair.client_sent, Level::initial), V{HandshakeType::client_hello});
  EXPECT_EQ(at(pair.server_sent, Level::initial), V{HandshakeType::server_hello});
  EXPECT_EQ(at(pair.server_sent, Level::handshake),
            (V{HandshakeType::encrypted_extensions, HandshakeType::certificate,
               HandshakeType::certificate_verify, HandshakeType::finished}));
  EXPECT_EQ(at(pair.client_sent, Level::handshake), V{HandshakeType::finished});
  EXPECT_EQ(at(pair.server_sent, Level::application),
            (V{HandshakeType::new_session_ticket, HandshakeType::new_session_ticket}));
  EXPECT_TRUE(pair.client_sent[test::index_of(Level::application)].empty());
  EXPECT_TRUE(pair.client_sent[test::index_of(Level::early_data)].empty());
  // The client took the tickets.
  EXPECT_EQ(pair.client->context().tickets_received, 2u);
}

TEST(QuicTlsHandshake, NoMiddleboxCompatibility) {
  QuicTlsPair pair;
  const messages::ClientHello ch = client_hello_of(*pair.client);
  // RFC 9001 section 8.4: no legacy_session_id; section 4.2: TLS 1.3 only.
  EXPECT_TRUE(ch.legacy_session_id.empty());
  ASSERT_TRUE(ch.supported_versions.has_value());
  EXPECT_EQ(*ch.supported_versions, std::vector<uint16_t>{0x0304});
  for (uint16_t suite : ch.cipher_suites) EXPECT_EQ(suite >> 8, 0x13);
  EXPECT_FALSE(ch.early_data);
  EXPECT_FALSE(ch.record_size_limit);
  pair.pump();
  ASSERT_TRUE(pair.client->handshake_complete());
  EXPECT_EQ(pair.client->change_cipher_spec_requests(), 0u);
  EXPECT_EQ(pair.server->change_cipher_spec_requests(), 0u);
}

TEST(QuicTlsHandshake, TransportParametersArriveAsSent) {
  QuicTlsPair pair;
  const messages::ClientHello ch = client_hello_of(*pair.client);
  ASSERT_TRUE(ch.quic_transport_parameters.has_value());
  TransportParameterError error;
  EXPECT_EQ(decode_transport_parameters(*ch.quic_transport_parameters, Role::client, error),
            test::client_parameters());
  pair.pump();
  ASSERT_TRUE(pair.server->peer_transport_parameters().has_value());
  ASSERT_TRUE(pair.client->peer_transport_parameters().has_value());
  EXPECT_EQ(*pair.server->peer_transport_parameters(), test::client_parameters());
  EXPECT_EQ(*pair.client->peer_transport_parameters(), test::server_parameters());
}

TEST(QuicTlsHandshake, ConfirmedForTheClientOnHandshakeDone) {
  QuicTlsPair pair;
  EXPECT_FALSE(pair.client->handshake_complete());
  EXPECT_FALSE(pair.server->handshake_confirmed());
  pair.pump();
  EXPECT_TRUE(pair.server->handshake_confirmed());  // complete = confirmed (RFC 9001 4.1.2)
  EXPECT_TRUE(pair.client->handshake_complete());
  EXPECT_FALSE(pair.client->handshake_confirmed());
  pair.client->on_handshake_done();
  EXPECT_TRUE(pair.client->handshake_confirmed());
}

TEST(QuicTlsHandshake, MessagesSplitAcrossOneByteChunks) {
  QuicTlsPair pair;
  pair.pump(1);
  EXPECT_EQ(pair.client->error(), TransportError::no_error);
  EXPECT_TRUE(pair.client->handshake_complete());
  EXPECT_TRUE(pair.server->handshake_complete());
  EXPECT_EQ(pair.client->context().tickets_received, 2u);
}

TEST(QuicTlsHandshake, CryptoFramesOutOfOrderAreReassembled) {
  QuicTlsPair pair;
  const std::vector<uint8_t> hello = as_vector(pair.client->pending_crypto(Level::initial));
  pair.client->consume_crypto(Level::initial, hello.size());
  // The second half first, then the first half, then a duplicate.
  const size_t half = hello.size() / 2;
  const std::span<const uint8_t> all(hello);
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, half, all.subspan(half)),
            TransportError::no_error);
  EXPECT_TRUE(pair.server->pending_crypto(Level::initial).empty());
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, 0, all.first(half)),
            TransportError::no_error);
  EXPECT_EQ(test::message_types(as_vector(pair.server->pending_crypto(Level::initial))),
            std::vector<HandshakeType>{HandshakeType::server_hello});
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, 0, all.first(10)),
            TransportError::no_error);
  pair.pump();
  EXPECT_TRUE(pair.client->handshake_complete());
  EXPECT_TRUE(pair.server->handshake_complete());
}

TEST(QuicTlsHandshake, MissingTransportParametersIsMissingExtension) {
  QuicTlsPair pair;
  messages::ClientHello ch = client_hello_of(*pair.client);
  ch.quic_transport_parameters.reset();
  const std::vector<uint8_t> msg = serialize(ch);
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, 0, msg), kMissingExtension);
  EXPECT_EQ(pair.server->error(), kMissingExtension);
  EXPECT_EQ(pair.server->tls_error(), Error::missing_extension);
  // No alert and no flight go out: only the CONNECTION_CLOSE will.
  for (Level level : test::kCryptoLevels) EXPECT_TRUE(pair.server->pending_crypto(level).empty());
}

TEST(QuicTlsHandshake, InvalidTransportParametersAreATransportParameterError) {
  QuicTlsPair pair;
  messages::ClientHello ch = client_hello_of(*pair.client);
  ch.quic_transport_parameters = std::vector<uint8_t>{0x03, 0x02, 0x43, 0xe7};  // 999 < 1200
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, 0, serialize(ch)),
            TransportError::transport_parameter_error);
}

// Runs the handshake up to the server's first flight, then hands the client
// the server's Handshake-level data with its EncryptedExtensions changed by
// `edit`; returns the client's error.
template <class Edit>
TransportError client_error_after_edited_encrypted_extensions(Edit edit) {
  QuicTlsPair pair;
  test::SentCrypto sent;
  EXPECT_EQ(test::transfer(*pair.client, *pair.server, sent), TransportError::no_error);
  const std::vector<uint8_t> server_hello = as_vector(pair.server->pending_crypto(Level::initial));
  EXPECT_EQ(pair.client->receive_crypto(Level::initial, 0, server_hello), TransportError::no_error);
  const std::vector<uint8_t> flight = as_vector(pair.server->pending_crypto(Level::handshake));
  const size_t ee_size = 4 + ((size_t{flight[1]} << 16) | (size_t{flight[2]} << 8) | flight[3]);
  messages::EncryptedExtensions ee;
  EXPECT_EQ(ee.parse(std::span<const uint8_t>(flight).subspan(4, ee_size - 4)), Error::none);
  edit(ee);
  std::vector<uint8_t> edited;
  wire::Writer w(edited);
  ee.serialize(w);
  edited.insert(edited.end(), flight.begin() + static_cast<ptrdiff_t>(ee_size), flight.end());
  return pair.client->receive_crypto(Level::handshake, 0, edited);
}

TEST(QuicTlsHandshake, ServerWithoutTransportParametersIsMissingExtension) {
  EXPECT_EQ(client_error_after_edited_encrypted_extensions(
                [](messages::EncryptedExtensions& ee) { ee.quic_transport_parameters.reset(); }),
            kMissingExtension);
}

TEST(QuicTlsHandshake, ServerWithoutAlpnIsNoApplicationProtocol) {
  EXPECT_EQ(client_error_after_edited_encrypted_extensions(
                [](messages::EncryptedExtensions& ee) { ee.alpn.reset(); }),
            kNoApplicationProtocol);
}

TEST(QuicTlsHandshake, UneditedEncryptedExtensionsComplete) {
  // The control for the two tests above: the same path without an edit.
  EXPECT_EQ(client_error_after_edited_encrypted_extensions([](messages::EncryptedExtensions&) {}),
            TransportError::no_error);
}

TEST(QuicTlsHandshake, ResumesWithATicket) {
  auto client_cfg = test::quic_client_config();
  auto server_cfg = test::quic_server_config();
  QuicTlsPair first(client_cfg, server_cfg);
  first.pump();
  ASSERT_FALSE(first.client->context().new_sessions.empty());
  QuicTlsPair second(client_cfg, server_cfg);
  second.client = TlsHandshake::client(client_cfg, "localhost", test::client_parameters(),
                                       first.client->context().new_sessions.front());
  second.pump();
  ASSERT_EQ(second.server->error(), TransportError::no_error);
  EXPECT_TRUE(second.client->handshake_complete());
  EXPECT_TRUE(second.client->context().resumed);
  EXPECT_TRUE(second.server->context().resumed);
  EXPECT_EQ(*second.client->peer_transport_parameters(), test::server_parameters());
  // Resumed: no certificates in the server's flight.
  EXPECT_EQ(
      test::message_types(second.server_sent[test::index_of(Level::handshake)]),
      (std::vector<HandshakeType>{HandshakeType::encrypted_extensions, HandshakeType::finished}));
}

TEST(QuicTlsHandshake, NoCommonApplicationProtocol) {
  QuicTlsPair pair(test::quic_client_config({"h3"}), test::quic_server_config({"hq-interop"}));
  pair.pump();
  EXPECT_EQ(pair.server->error(), kNoApplicationProtocol);
  EXPECT_FALSE(pair.client->handshake_complete());
}

TEST(QuicTlsHandshake, ServerWithoutAlpnRefusesTheClient) {
  QuicTlsPair pair(test::quic_client_config(), test::quic_server_config({}));
  pair.pump();
  EXPECT_EQ(pair.server->error(), kNoApplicationProtocol);
}

TEST(QuicTlsHandshake, ClientWithoutAlpnDoesNotStart) {
  auto client =
      TlsHandshake::client(test::quic_client_config({}), "localhost", test::client_parameters());
  EXPECT_EQ(client->error(), kNoApplicationProtocol);
  EXPECT_TRUE(client->pending_crypto(Level::initial).empty());
}

TEST(QuicTlsHandshake, ClientHelloWithoutTls13IsProtocolVersion) {
  QuicTlsPair pair;
  messages::ClientHello ch = client_hello_of(*pair.client);
  ch.supported_versions = std::vector<uint16_t>{0x0303};
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, 0, serialize(ch)), kProtocolVersion);
}

TEST(QuicTlsHandshake, ClientHelloWithSessionIdIsAProtocolViolation) {
  QuicTlsPair pair;
  messages::ClientHello ch = client_hello_of(*pair.client);
  ch.legacy_session_id.assign(32, 0x11);
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, 0, serialize(ch)),
            TransportError::protocol_violation);
}

TEST(QuicTlsHandshake, KeyUpdateMessageIsUnexpected) {
  QuicTlsPair pair;
  pair.pump();
  ASSERT_TRUE(pair.client->handshake_complete());
  // RFC 9001 section 6: KeyUpdate is forbidden over QUIC.
  const uint8_t key_update[] = {static_cast<uint8_t>(HandshakeType::key_update), 0, 0, 1, 0};
  const uint64_t offset = pair.server_sent[test::index_of(Level::application)].size();
  EXPECT_EQ(pair.client->receive_crypto(Level::application, offset, key_update),
            kUnexpectedMessage);
  EXPECT_EQ(pair.client->error(), kUnexpectedMessage);
  EXPECT_FALSE(pair.client->handshake_complete());
}

TEST(QuicTlsHandshake, DataAtALevelWithoutKeysIsAProtocolViolation) {
  QuicTlsPair pair;
  const uint8_t finished[] = {static_cast<uint8_t>(HandshakeType::finished), 0, 0, 0};
  EXPECT_EQ(pair.server->receive_crypto(Level::handshake, 0, finished),
            TransportError::protocol_violation);
  QuicTlsPair second;
  EXPECT_EQ(second.client->receive_crypto(Level::application, 0, finished),
            TransportError::protocol_violation);
  QuicTlsPair third;
  EXPECT_EQ(third.server->receive_crypto(Level::early_data, 0, finished),
            TransportError::protocol_violation);
}

TEST(QuicTlsHandshake, PreviousLevelMayRepeatButNotExtend) {
  QuicTlsPair pair;
  test::SentCrypto sent;
  ASSERT_EQ(test::transfer(*pair.client, *pair.server, sent), TransportError::no_error);
  const std::vector<uint8_t>& hello = sent[test::index_of(Level::initial)];
  // The server moved to the Handshake level: the ClientHello again is fine.
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, 0, hello), TransportError::no_error);
  const uint8_t more[] = {1};
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, hello.size(), more),
            TransportError::protocol_violation);
}

TEST(QuicTlsHandshake, MessageUnfinishedAtAKeyChangeIsUnexpected) {
  QuicTlsPair pair;
  test::SentCrypto sent;
  ASSERT_EQ(test::transfer(*pair.client, *pair.server, sent), TransportError::no_error);
  // The ServerHello and the start of another message in the same chunk: the
  // ServerHello changes the client's read keys.
  std::vector<uint8_t> initial = as_vector(pair.server->pending_crypto(Level::initial));
  initial.insert(initial.end(), {static_cast<uint8_t>(HandshakeType::encrypted_extensions), 0});
  EXPECT_EQ(pair.client->receive_crypto(Level::initial, 0, initial), kUnexpectedMessage);
}

TEST(QuicTlsHandshake, OversizedLengthIsRefusedFromTheHeader) {
  QuicTlsPair pair;
  // A ClientHello header announcing 2^24 - 1 bytes: refused before the body.
  const uint8_t header[] = {static_cast<uint8_t>(HandshakeType::client_hello), 0xff, 0xff, 0xff};
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, 0, header), kIllegalParameter);
}

TEST(QuicTlsHandshake, CryptoDataFarAheadExceedsTheBuffer) {
  QuicTlsPair pair;
  const uint8_t byte[] = {0};
  EXPECT_EQ(pair.server->receive_crypto(Level::initial, kMaxCryptoBuffer + 1, byte),
            TransportError::crypto_buffer_exceeded);
}

TEST(QuicTlsHandshake, HelloRetryRequestStaysAtInitial) {
  auto server_cfg = test::quic_server_config();
  std::string error;
  ASSERT_TRUE(server_cfg->set_groups("P-256", &error)) << error;
  QuicTlsPair pair(test::quic_client_config(), server_cfg);
  pair.pump();
  ASSERT_EQ(pair.server->error(), TransportError::no_error);
  EXPECT_TRUE(pair.client->handshake_complete());
  EXPECT_TRUE(pair.client->context().retried);
  using V = std::vector<HandshakeType>;
  EXPECT_EQ(test::message_types(pair.client_sent[test::index_of(Level::initial)]),
            (V{HandshakeType::client_hello, HandshakeType::client_hello}));
  EXPECT_EQ(test::message_types(pair.server_sent[test::index_of(Level::initial)]),
            (V{HandshakeType::server_hello, HandshakeType::server_hello}));
  EXPECT_EQ(pair.client->change_cipher_spec_requests(), 0u);
}

}  // namespace
}  // namespace adieu::quic
