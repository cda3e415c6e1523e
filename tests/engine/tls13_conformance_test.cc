// TLS 1.3 MUSTs an independent test suite probes: legacy_version, the
// middlebox change_cipher_spec, Finished lengths, HelloRetryRequest and
// key_share rules, CertificateVerify schemes that do not fit the key. Records
// under the handshake keys are crafted by a "ghost" holding the client's
// handshake traffic secret (from the server's key log), built on the
// engine's own TLS 1.3 record protection.
#include <gtest/gtest.h>

#include "engine/record/protection.h"
#include "engine/record/record_buffer.h"
#include "tls12_support.h"

namespace adieu::test {
namespace {

// Seals and opens records as the client would under one traffic secret.
struct ClientHandshakeKeys {
  record::Tls13Protection seal_side;
  record::Tls13Protection open_side;
  explicit ClientHandshakeKeys(const KeyLog& server_log) {
    const crypto::Secret secret = server_log.secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET");
    EXPECT_TRUE(seal_side.install(crypto::CipherSuite::aes_128_gcm_sha256, secret));
    EXPECT_TRUE(open_side.install(crypto::CipherSuite::aes_128_gcm_sha256, secret));
  }
  std::vector<uint8_t> seal(std::span<const uint8_t> handshake_bytes) {
    std::vector<uint8_t> rec(5 + handshake_bytes.size() + seal_side.overhead());
    EXPECT_TRUE(seal_side.seal(record::ContentType::handshake, handshake_bytes, rec));
    return rec;
  }
  // The handshake bytes of every protected record of `wire`.
  std::vector<uint8_t> open_all(std::span<const uint8_t> wire) {
    std::vector<uint8_t> out;
    for (const WireRecord& r : split_records(wire)) {
      if (r.type != kApplicationData) continue;
      const std::vector<uint8_t> whole = make_record(r.type, r.version, r.body);
      record::RecordBuffer plain;
      record::Record rec;
      EXPECT_EQ(open_side.open(whole, plain, rec), Error::none);
      out.insert(out.end(), rec.fragment.begin(), rec.fragment.end());
    }
    return out;
  }
};

std::shared_ptr<Config> aes128_only(std::shared_ptr<Config> cfg) {
  EXPECT_TRUE(cfg->set_cipher_suites("TLS_AES_128_GCM_SHA256", nullptr));
  return cfg;
}

// A pair whose server has sent its flight (not delivered) and logs its keys.
struct AfterServerFlight {
  KeyLog log;
  Pair pair;
  std::vector<uint8_t> server_flight;
  explicit AfterServerFlight(std::shared_ptr<Config> ccfg = client_config(),
                             std::shared_ptr<Config> scfg = server_config())
      : pair(aes128_only(ccfg), attach(scfg)) {
    pair.client_to_server();
    server_flight = take_output(*pair.server);
  }
  std::shared_ptr<Config> attach(std::shared_ptr<Config> cfg) {
    log.attach(*cfg);
    return aes128_only(cfg);
  }
  Connection& server() { return *pair.server; }
};

const std::vector<uint8_t> kChangeCipherSpecRecord = {20, 3, 3, 0, 1, 1};

// --- 1. legacy_version ----------------------------------------------------------

TEST(Tls13Conformance, LegacyVersionSsl3IsProtocolVersion) {
  Pair p;
  const std::vector<uint8_t> hello = rewrite_client_hello(
      take_output(*p.client), [](messages::ClientHello& ch) { ch.legacy_version = 0x0300; });
  EXPECT_EQ(p.server->receive(hello), Error::protocol_version);
  EXPECT_EQ(p.server->alert_sent(), Alert::protocol_version);
}

TEST(Tls13Conformance, LegacyVersionTls10WithSupportedVersionsIsTls13) {
  Pair p;
  const std::vector<uint8_t> hello = rewrite_client_hello(
      take_output(*p.client), [](messages::ClientHello& ch) { ch.legacy_version = 0x0301; });
  ASSERT_EQ(p.server->receive(hello), Error::none);
  EXPECT_EQ(parse_server_hello(take_output(*p.server)).supported_version, kTls13);
}

// --- 3. change_cipher_spec ---------------------------------------------------------

TEST(Tls13Conformance, OneChangeCipherSpecIsDropped) {
  AfterServerFlight f;
  EXPECT_EQ(f.server().receive(kChangeCipherSpecRecord), Error::none);
  EXPECT_TRUE(f.server().pending_output().empty());
}

TEST(Tls13Conformance, SecondChangeCipherSpecIsUnexpected) {
  AfterServerFlight f;
  ASSERT_EQ(f.server().receive(kChangeCipherSpecRecord), Error::none);
  EXPECT_EQ(f.server().receive(kChangeCipherSpecRecord), Error::unexpected_message);
  EXPECT_EQ(f.server().alert_sent(), Alert::unexpected_message);
}

TEST(Tls13Conformance, ChangeCipherSpecWithAnotherBodyIsUnexpected) {
  for (const std::vector<uint8_t>& rec :
       {std::vector<uint8_t>{20, 3, 3, 0, 1, 2}, std::vector<uint8_t>{20, 3, 3, 0, 2, 1, 1},
        std::vector<uint8_t>{20, 3, 3, 0, 0}}) {
    AfterServerFlight f;
    EXPECT_EQ(f.server().receive(rec), Error::unexpected_message) << rec.size();
  }
}

TEST(Tls13Conformance, ChangeCipherSpecAfterFinishedIsUnexpected) {
  Pair p = connected();
  EXPECT_EQ(p.server->receive(kChangeCipherSpecRecord), Error::unexpected_message);
  EXPECT_EQ(p.client->receive(kChangeCipherSpecRecord), Error::unexpected_message);
}

// --- 5. Finished length --------------------------------------------------------------

TEST(Tls13Conformance, FinishedOfTheWrongLengthIsDecodeError) {
  for (const size_t length : {size_t{0}, size_t{1}, size_t{31}, size_t{33}, size_t{64}}) {
    AfterServerFlight f;
    ClientHandshakeKeys keys(f.log);
    std::vector<uint8_t> finished = {20, 0, 0, static_cast<uint8_t>(length)};
    finished.resize(4 + length, 0x5a);
    EXPECT_EQ(f.server().receive(keys.seal(finished)), Error::decode_error) << length;
    EXPECT_EQ(f.server().alert_sent(), Alert::decode_error);
  }
}

// Megabytes announced: refused from the header, nothing more gathered.
TEST(Tls13Conformance, HugeFinishedIsRefusedFromItsHeader) {
  AfterServerFlight f;
  ClientHandshakeKeys keys(f.log);
  const std::vector<uint8_t> header = {20, 0x20, 0, 0};  // 2 MiB
  EXPECT_EQ(f.server().receive(keys.seal(header)), Error::decode_error);
}

TEST(Tls13Conformance, WrongFinishedOfTheRightLengthIsDecryptError) {
  AfterServerFlight f;
  ClientHandshakeKeys keys(f.log);
  std::vector<uint8_t> finished = {20, 0, 0, 32};
  finished.resize(36, 0x5a);
  EXPECT_EQ(f.server().receive(keys.seal(finished)), Error::decrypt_error);
}

// --- 6. HelloRetryRequest and key_share ------------------------------------------------

TEST(Tls13Conformance, HelloRetryRequestHasNoCookie) {
  auto scfg = server_config();
  ASSERT_TRUE(scfg->set_groups("P-256", nullptr));
  Pair p(client_config(), scfg);
  p.client_to_server();
  const messages::ServerHello hrr = parse_server_hello(take_output(*p.server));
  ASSERT_TRUE(hrr.is_hello_retry_request());
  EXPECT_FALSE(hrr.cookie);
}

TEST(Tls13Conformance, RetryCompletesAndACookieNobodySentIsRefused) {
  auto scfg = server_config();
  ASSERT_TRUE(scfg->set_groups("P-256", nullptr));
  {
    Pair p(client_config(), scfg);
    p.pump();
    EXPECT_TRUE(p.server->handshake_done());
    EXPECT_TRUE(p.client->handshake_done());
  }
  Pair p(client_config(), scfg);
  p.client_to_server();
  ASSERT_EQ(p.client->receive(take_output(*p.server)), Error::none);
  std::vector<uint8_t> second = take_output(*p.client);
  // The client's second flight: change_cipher_spec, then the ClientHello.
  const std::vector<WireRecord> records = split_records(second);
  ASSERT_EQ(records.back().type, kHandshakeRecord);
  const std::vector<uint8_t> hello =
      make_record(records.back().type, records.back().version, records.back().body);
  const std::vector<uint8_t> with_cookie =
      rewrite_client_hello(hello, [](messages::ClientHello& ch) {
        ch.cookie = std::vector<uint8_t>{1, 2, 3};
      });
  EXPECT_EQ(p.server->receive(with_cookie), Error::illegal_parameter);
}

TEST(Tls13Conformance, KeyShareOfAnUnsupportedGroupIsIllegal) {
  Pair p;
  const std::vector<uint8_t> hello =
      rewrite_client_hello(take_output(*p.client), [](messages::ClientHello& ch) {
        ch.supported_groups = std::vector<uint16_t>{0x0017};  // P-256 only; the share is x25519
      });
  EXPECT_EQ(p.server->receive(hello), Error::illegal_parameter);
}

TEST(Tls13Conformance, TwoKeySharesOfOneGroupAreIllegal) {
  Pair p;
  const std::vector<uint8_t> hello = rewrite_client_hello(
      take_output(*p.client),
      [](messages::ClientHello& ch) { ch.key_shares->push_back(ch.key_shares->front()); });
  EXPECT_EQ(p.server->receive(hello), Error::illegal_parameter);
}

// --- 7. CertificateVerify scheme against the key ----------------------------------------

// The client's second flight (Certificate, CertificateVerify, Finished under
// its handshake keys) with the CertificateVerify's scheme replaced.
Error client_certificate_verify_with_scheme(uint16_t scheme) {
  auto scfg = server_config();
  scfg->set_verify(VerifyMode::required);
  EXPECT_TRUE(scfg->load_ca_file(data_path("ca-bundle.pem"), nullptr));
  auto ccfg = client_config();
  EXPECT_TRUE(ccfg->add_certificate(data_path("client-fullchain.pem"), data_path("client-leaf.key"),
                                    "", nullptr));
  AfterServerFlight f(ccfg, scfg);
  EXPECT_EQ(f.pair.client->receive(f.server_flight), Error::none);
  ClientHandshakeKeys keys(f.log);
  const std::vector<uint8_t> flight = keys.open_all(take_output(*f.pair.client));
  std::vector<HandshakeMessage> msgs = split_messages(flight);
  EXPECT_EQ(msgs.size(), 3u);
  if (msgs.size() != 3) return Error::none;
  EXPECT_EQ(msgs[1].type, 15);  // CertificateVerify: scheme, then signature
  msgs[1].bytes[4] = static_cast<uint8_t>(scheme >> 8);
  msgs[1].bytes[5] = static_cast<uint8_t>(scheme);
  const std::vector<uint8_t> changed = concat({msgs[0].bytes, msgs[1].bytes, msgs[2].bytes});
  return f.server().receive(keys.seal(changed));
}

TEST(Tls13Conformance, CertificateVerifySchemeThatDoesNotFitTheKey) {
  // The client's key is ECDSA P-256.
  EXPECT_EQ(client_certificate_verify_with_scheme(0x0503), Error::illegal_parameter);  // P-384
  EXPECT_EQ(client_certificate_verify_with_scheme(0x0603), Error::illegal_parameter);  // P-521
  EXPECT_EQ(client_certificate_verify_with_scheme(0x0809), Error::illegal_parameter);  // pss_pss
  EXPECT_EQ(client_certificate_verify_with_scheme(0x0804), Error::illegal_parameter);  // pss_rsae
}

TEST(Tls13Conformance, CertificateVerifyUnchangedIsAccepted) {
  EXPECT_EQ(client_certificate_verify_with_scheme(0x0403), Error::none);
}

// --- 2. rejected 0-RTT ----------------------------------------------------------------

// A record under keys nobody here has: what 0-RTT data looks like to a
// server that did not accept it.
std::vector<uint8_t> early_record(size_t body_size, uint8_t fill) {
  std::vector<uint8_t> body(body_size, fill);
  return make_record(kApplicationData, 0x0303, body);
}

std::vector<uint8_t> hello_with_early_data(Connection& client) {
  return rewrite_client_hello(take_output(client),
                              [](messages::ClientHello& ch) { ch.early_data = true; });
}

TEST(Tls13Conformance, RejectedEarlyDataIsSkipped) {
  KeyLog log;
  auto scfg = aes128_only(server_config());
  log.attach(*scfg);
  Pair p(aes128_only(client_config()), scfg);
  ASSERT_EQ(p.server->receive(hello_with_early_data(*p.client)), Error::none);
  const messages::ServerHello sh = parse_server_hello(take_output(*p.server));
  EXPECT_FALSE(sh.is_hello_retry_request());
  // Two 0-RTT records and the start of the client's second flight: the
  // skipped records spent no sequence number, so the crafted Finished opens
  // (and is then refused for its content).
  ClientHandshakeKeys keys(log);
  std::vector<uint8_t> finished = {20, 0, 0, 32};
  finished.resize(36, 0x5a);
  const std::vector<uint8_t> wire =
      concat({early_record(100, 1), early_record(5000, 2), keys.seal(finished)});
  EXPECT_EQ(p.server->receive(wire), Error::decrypt_error);
}

TEST(Tls13Conformance, EarlyDataIsSkippedOnlyWithinTheLimit) {
  Pair p;
  ASSERT_EQ(p.server->receive(hello_with_early_data(*p.client)), Error::none);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(p.server->receive(early_record(5000, 3)), Error::none);
  EXPECT_EQ(p.server->receive(early_record(5000, 3)), Error::bad_record_mac);
}

TEST(Tls13Conformance, WithoutEarlyDataAnUnreadableRecordIsBadRecordMac) {
  Pair p;
  p.client_to_server();
  EXPECT_EQ(p.server->receive(early_record(100, 1)), Error::bad_record_mac);
}

// After a HelloRetryRequest the early records come before the second
// ClientHello, in the clear era: skipped; the handshake then completes.
TEST(Tls13Conformance, EarlyDataBeforeTheSecondClientHelloIsSkipped) {
  auto scfg = server_config();
  ASSERT_TRUE(scfg->set_groups("P-256", nullptr));
  Pair p(client_config(), scfg);
  ASSERT_EQ(p.server->receive(hello_with_early_data(*p.client)), Error::none);
  const std::vector<uint8_t> hrr = take_output(*p.server);
  ASSERT_TRUE(parse_server_hello(hrr).is_hello_retry_request());
  ASSERT_EQ(p.server->receive(concat({early_record(300, 4), early_record(300, 5)})), Error::none);
  // The real client never saw its first hello changed: its second one is
  // answered, but the transcripts differ from there (the server hashed the
  // first hello it received), so only the second hello's acceptance is shown.
  ASSERT_EQ(p.client->receive(hrr), Error::none);
  ASSERT_EQ(p.server->receive(take_output(*p.client)), Error::none);
  EXPECT_FALSE(parse_server_hello(take_output(*p.server)).is_hello_retry_request());
  // Skipping ended with the second hello.
  EXPECT_EQ(p.server->receive(early_record(100, 6)), Error::bad_record_mac);
}

TEST(Tls13Conformance, SecondClientHelloOfferingEarlyDataIsIllegal) {
  auto scfg = server_config();
  ASSERT_TRUE(scfg->set_groups("P-256", nullptr));
  Pair p(client_config(), scfg);
  p.client_to_server();
  ASSERT_EQ(p.client->receive(take_output(*p.server)), Error::none);
  const std::vector<WireRecord> records = split_records(take_output(*p.client));
  const std::vector<uint8_t> hello =
      make_record(records.back().type, records.back().version, records.back().body);
  EXPECT_EQ(p.server->receive(rewrite_client_hello(
                hello, [](messages::ClientHello& ch) { ch.early_data = true; })),
            Error::illegal_parameter);
}

}  // namespace
}  // namespace adieu::test
