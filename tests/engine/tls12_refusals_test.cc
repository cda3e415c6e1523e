// What a TLS 1.2 handshake refuses, and with which alert: a peer without
// the extended master secret (RFC 7627 section 5.3), the downgrade sentinel
// (RFC 8446 section 4.1.3), TLS_FALLBACK_SCSV (RFC 7507), a Finished that
// does not verify (RFC 5246 section 7.4.9), a ChangeCipherSpec out of place
// (section 7.1), a ServerKeyExchange whose signature fails (section 7.4.3),
// hellos with a forbidden value (sections 7.4.1.2-7.4.1.4, RFC 5746, RFC
// 8422). The hellos are edited in flight with their lengths made again.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/config_impl.h"
#include "messages/handshake_types.h"
#include "messages/tls12_messages.h"
#include "tls12_support.h"

namespace adieu::test {
namespace {

// A plaintext fatal alert record.
std::vector<uint8_t> fatal_alert(Alert alert) {
  return {21, 3, 3, 0, 2, 2, static_cast<uint8_t>(alert)};
}

// `side` refused with `error`, sending its fatal alert in the clear; the
// other side received it.
void expect_refused(Connection& side, Connection& peer, Error error) {
  EXPECT_EQ(side.error(), error) << error_string(side.error());
  const Alert alert = error_alert(error);
  EXPECT_EQ(side.alert_sent(), alert);
  EXPECT_EQ(side.write_state(), WriteState::fatal_alert_sent);
  EXPECT_FALSE(side.handshake_done());
  const std::vector<uint8_t> out = take_output(side);
  ASSERT_GE(out.size(), 7u);
  EXPECT_EQ(std::vector<uint8_t>(out.end() - 7, out.end()), fatal_alert(alert));
  peer.receive(out);
  EXPECT_EQ(peer.error(), Error::peer_alert);
  EXPECT_EQ(peer.alert_received(), alert);
  EXPECT_EQ(peer.read_state(), ReadState::fatal_alert_received);
}

// Delivers the client's ClientHello to the server after `edit`.
void send_edited_hello(Pair& p, const std::function<void(messages::ClientHello&)>& edit) {
  p.server->receive(rewrite_client_hello(take_output(*p.client), edit));
}

// Delivers the ClientHello, then the server's flight after `edit`.
void send_edited_server_hello(Pair& p, const std::function<void(messages::ServerHello&)>& edit) {
  p.client_to_server();
  p.client->receive(rewrite_server_hello(take_output(*p.server), edit));
}

// --- the extended master secret (RFC 7627 section 5.3) -----------------------

TEST(Tls12Refusals, ServerRequiringEmsRefusesAClientWithout) {
  Pair p(client_config12(), server_config12());
  send_edited_hello(p, [](messages::ClientHello& ch) { ch.extended_master_secret = false; });
  expect_refused(*p.server, *p.client, Error::handshake_failure);
}

TEST(Tls12Refusals, ClientRequiringEmsRefusesAServerWithout) {
  auto scfg = server_config12();
  scfg->set_require_extended_master_secret(false);
  Pair p(client_config12(), scfg);
  send_edited_hello(p, [](messages::ClientHello& ch) { ch.extended_master_secret = false; });
  ASSERT_EQ(p.server->error(), Error::none);
  const std::vector<uint8_t> flight = take_output(*p.server);
  EXPECT_FALSE(parse_server_hello(flight).extended_master_secret);  // not echoed: not offered
  p.client->receive(flight);
  expect_refused(*p.client, *p.server, Error::handshake_failure);
}

// A server answering EMS to a client that offered it, even when neither
// requires it (RFC 7627 section 5.2).
TEST(Tls12Refusals, EmsIsUsedWheneverBothOfferIt) {
  auto ccfg = client_config12();
  auto scfg = server_config12();
  ccfg->set_require_extended_master_secret(false);
  scfg->set_require_extended_master_secret(false);
  Pair p(ccfg, scfg);
  p.client_to_server();
  EXPECT_TRUE(parse_server_hello(p.server_to_client()).extended_master_secret);
  p.pump();
  EXPECT_TRUE(p.client->handshake_done());
}

// --- the downgrade sentinel (RFC 8446 section 4.1.3) ---------------------------

// A TLS 1.2-only server whose random happens to end with a sentinel (its
// first draw is the server random): a client that offered TLS 1.3 must
// refuse it with illegal_parameter, whichever sentinel it is.
TEST(Tls12Refusals, DualClientRefusesTheDowngradeSentinel) {
  for (const uint8_t* sentinel : {messages::kDowngradeTls12, messages::kDowngradeTls11}) {
    TailedRandom random(std::vector<uint8_t>(sentinel, sentinel + 8));
    auto scfg = server_config12();
    scfg->impl().random = &random;
    Pair p(client_config(), scfg);
    p.client_to_server();
    const std::vector<uint8_t> flight = take_output(*p.server);
    const messages::ServerHello sh = parse_server_hello(flight);
    ASSERT_EQ(std::memcmp(sh.random.data() + 24, sentinel, 8), 0);
    EXPECT_FALSE(sh.supported_version.has_value());
    p.client->receive(flight);
    expect_refused(*p.client, *p.server, Error::illegal_parameter);
  }
}

// The same server random is fine for a client that offered TLS 1.2 only:
// it did not offer more.
TEST(Tls12Refusals, Tls12OnlyClientAcceptsTheTls12Sentinel) {
  TailedRandom random(
      std::vector<uint8_t>(messages::kDowngradeTls12, messages::kDowngradeTls12 + 8));
  auto scfg = server_config12();
  scfg->impl().random = &random;
  Pair p(client_config12(), scfg);
  p.pump();
  EXPECT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
}

// Without injected randomness the TLS 1.2-only server's random carries no
// sentinel, and a TLS 1.2+1.3 server's answer to a TLS 1.2 client does.
TEST(Tls12Refusals, OnlyATls13CapableServerSetsTheSentinel) {
  for (int i = 0; i < 8; ++i) {
    Pair only12(client_config12(), server_config12());
    only12.client_to_server();
    const messages::ServerHello sh12 = parse_server_hello(take_output(*only12.server));
    EXPECT_NE(std::memcmp(sh12.random.data() + 24, messages::kDowngradeTls12, 8), 0);
    Pair dual(client_config12(), server_config());
    dual.client_to_server();
    const messages::ServerHello sh = parse_server_hello(take_output(*dual.server));
    EXPECT_EQ(std::memcmp(sh.random.data() + 24, messages::kDowngradeTls12, 8), 0);
    // The other 24 bytes are random.
    EXPECT_NE(std::memcmp(sh.random.data(), sh12.random.data(), 24), 0);
  }
}

// --- TLS_FALLBACK_SCSV (RFC 7507 section 3) --------------------------------------

void add_fallback_scsv(messages::ClientHello& ch) {
  ch.cipher_suites.push_back(messages::kFallbackScsv);
}

// A TLS 1.2 ClientHello with the SCSV to a server that speaks TLS 1.3:
// the client fell back below what both can do.
TEST(Tls12Refusals, FallbackScsvToATls13ServerIsInappropriateFallback) {
  Pair p(client_config12(), server_config());
  send_edited_hello(p, add_fallback_scsv);
  expect_refused(*p.server, *p.client, Error::inappropriate_fallback);
}

// To a server whose best is TLS 1.2 it is no fallback: the handshake goes on.
TEST(Tls12Refusals, FallbackScsvToATls12ServerIsAccepted) {
  Pair p(client_config12(), server_config12());
  send_edited_hello(p, add_fallback_scsv);
  EXPECT_EQ(p.server->error(), Error::none);
  const std::vector<uint8_t> flight = take_output(*p.server);
  EXPECT_EQ(plaintext_messages(flight).size(), 4u);  // ServerHello ... ServerHelloDone
}

// A ClientHello offering TLS 1.3 with the SCSV gets TLS 1.3: no fallback.
TEST(Tls12Refusals, FallbackScsvOfferingTls13IsNoFallback) {
  Pair p(client_config(), server_config());
  send_edited_hello(p, add_fallback_scsv);
  EXPECT_EQ(p.server->error(), Error::none);
  EXPECT_TRUE(parse_server_hello(take_output(*p.server)).supported_version.has_value());
}

// --- Finished (RFC 5246 section 7.4.9) ----------------------------------------------

TEST(Tls12Refusals, CorruptEncryptedFinishedIsBadRecordMac) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  p.server_to_client();
  std::vector<uint8_t> flight = take_output(*p.client);
  flight[flight.size() - 1] ^= 0x01;  // the last byte of the Finished record's tag
  p.server->receive(flight);
  EXPECT_EQ(p.server->error(), Error::bad_record_mac);
  EXPECT_EQ(p.server->alert_sent(), Alert::bad_record_mac);
  EXPECT_FALSE(p.server->handshake_done());
}

// A Finished sealed with the right keys but the wrong verify_data.
TEST(Tls12Refusals, WrongClientVerifyDataIsDecryptError) {
  KeyLog log;
  auto ccfg = client_config12();
  log.attach(*ccfg);
  Pair p(ccfg, server_config12());
  p.client_to_server();
  const std::vector<uint8_t> server_flight = p.server_to_client();
  const std::vector<uint8_t> flight = take_output(*p.client);
  const std::vector<WireRecord> records = split_records(flight);
  ASSERT_EQ(records.size(), 3u);
  Ghost ghost = Ghost::from(log, server_flight, p.client->cipher_suite());
  const std::vector<uint8_t> wrong =
      ghost.seal(Role::client, kHandshakeRecord, make_message(20, std::vector<uint8_t>(12, 0xab)));
  const std::span<const uint8_t> before(flight.data(), records[2].offset);
  p.server->receive(concat({before, wrong}));
  EXPECT_EQ(p.server->error(), Error::decrypt_error);
  EXPECT_EQ(p.server->alert_sent(), Alert::decrypt_error);
  // The server has not sent its ChangeCipherSpec: the alert is in the clear.
  EXPECT_EQ(take_output(*p.server), fatal_alert(Alert::decrypt_error));
}

TEST(Tls12Refusals, WrongServerVerifyDataIsDecryptError) {
  KeyLog log;
  auto ccfg = client_config12();
  log.attach(*ccfg);
  Pair p(ccfg, server_config12());
  p.client_to_server();
  const std::vector<uint8_t> server_flight = p.server_to_client();
  p.client_to_server();
  ASSERT_TRUE(p.server->handshake_done());
  const std::vector<uint8_t> finish = take_output(*p.server);
  const std::vector<WireRecord> records = split_records(finish);
  Ghost ghost = Ghost::from(log, server_flight, p.client->cipher_suite());
  const std::vector<uint8_t> wrong =
      ghost.seal(Role::server, kHandshakeRecord, make_message(20, std::vector<uint8_t>(12, 0xcd)));
  const std::span<const uint8_t> before(finish.data(), records.back().offset);
  p.client->receive(concat({before, wrong}));
  EXPECT_EQ(p.client->error(), Error::decrypt_error);
  EXPECT_EQ(p.client->alert_sent(), Alert::decrypt_error);
  EXPECT_FALSE(p.client->handshake_done());
  // Under the client's keys this time (its ChangeCipherSpec went out).
  const std::vector<uint8_t> alert = take_output(*p.client);
  ghost.seq[static_cast<int>(Role::client)] = 1;
  const std::vector<WireRecord> alert_records = split_records(alert);
  ASSERT_EQ(alert_records.size(), 1u);
  EXPECT_EQ(ghost.open(Role::client, alert_records[0]), (std::vector<uint8_t>{2, 51}));
}

// verify_data is 12 bytes in every suite here (RFC 5246 section 7.4.9).
TEST(Tls12Refusals, FinishedOfTheWrongLengthIsDecodeError) {
  KeyLog log;
  auto ccfg = client_config12();
  log.attach(*ccfg);
  Pair p(ccfg, server_config12());
  p.client_to_server();
  const std::vector<uint8_t> server_flight = p.server_to_client();
  const std::vector<uint8_t> flight = take_output(*p.client);
  const std::vector<WireRecord> records = split_records(flight);
  Ghost ghost = Ghost::from(log, server_flight, p.client->cipher_suite());
  const std::vector<uint8_t> longer =
      ghost.seal(Role::client, kHandshakeRecord, make_message(20, std::vector<uint8_t>(32, 0)));
  p.server->receive(concat({std::span<const uint8_t>(flight.data(), records[2].offset), longer}));
  EXPECT_EQ(p.server->error(), Error::decode_error);
}

// --- ChangeCipherSpec out of place (RFC 5246 section 7.1) ---------------------------

const std::vector<uint8_t> kCcsRecord = {20, 3, 3, 0, 1, 1};

// Before the ClientKeyExchange there are no keys to change to.
TEST(Tls12Refusals, ChangeCipherSpecBeforeClientKeyExchange) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  p.server->receive(kCcsRecord);
  EXPECT_EQ(p.server->error(), Error::unexpected_message);
  EXPECT_EQ(take_output(*p.server).back(), 10);  // after its flight, the alert
}

TEST(Tls12Refusals, ChangeCipherSpecBeforeTheServerFlight) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  p.client->receive(concat({kCcsRecord, take_output(*p.server)}));
  expect_refused(*p.client, *p.server, Error::unexpected_message);
}

// A Finished without the ChangeCipherSpec before it.
TEST(Tls12Refusals, FinishedWithoutChangeCipherSpec) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  p.server_to_client();
  const std::vector<uint8_t> flight = take_output(*p.client);
  const std::vector<WireRecord> records = split_records(flight);
  const std::vector<uint8_t> plain_finished =
      make_record(kHandshakeRecord, kTls12, make_message(20, std::vector<uint8_t>(12, 0)));
  p.server->receive(
      concat({std::span<const uint8_t>(flight.data(), records[1].offset), plain_finished}));
  EXPECT_EQ(p.server->error(), Error::unexpected_message);
}

// The body is one byte of value 1; anything else does not decode.
TEST(Tls12Refusals, ChangeCipherSpecWithAnotherBodyIsDecodeError) {
  for (const std::vector<uint8_t>& body : {std::vector<uint8_t>{2}, std::vector<uint8_t>{0},
                                           std::vector<uint8_t>{1, 1}, std::vector<uint8_t>{}}) {
    Pair p(client_config12(), server_config12());
    p.client_to_server();
    p.server_to_client();
    const std::vector<uint8_t> flight = take_output(*p.client);
    const std::vector<WireRecord> records = split_records(flight);
    ASSERT_EQ(records[1].type, kChangeCipherSpec);
    const std::vector<uint8_t> ccs = make_record(kChangeCipherSpec, kTls12, body);
    const std::span<const uint8_t> all(flight);
    p.server->receive(concat({all.first(records[1].offset), ccs, all.subspan(records[2].offset)}));
    EXPECT_EQ(p.server->error(), Error::decode_error) << body.size();
    EXPECT_EQ(p.server->alert_sent(), Alert::decode_error);
    EXPECT_FALSE(p.server->handshake_done());
  }
}

// --- ServerKeyExchange (RFC 5246 section 7.4.3, RFC 8422 section 5.4) ----------------

// The server's flight with the ServerKeyExchange message changed by `edit`.
std::vector<uint8_t> edit_server_key_exchange(
    std::span<const uint8_t> flight, const std::function<void(std::vector<uint8_t>&)>& edit) {
  std::vector<HandshakeMessage> msgs = plaintext_messages(flight);
  std::vector<uint8_t> body;
  bool found = false;
  for (HandshakeMessage& m : msgs) {
    if (m.type == 12) {
      edit(m.bytes);
      found = true;
    }
    body.insert(body.end(), m.bytes.begin(), m.bytes.end());
  }
  EXPECT_TRUE(found);
  return make_record(kHandshakeRecord, kTls12, body);
}

// The signature is plaintext in TLS 1.2: one bit changed in flight, and it
// does not verify, for every kind of key.
TEST(Tls12Refusals, CorruptServerKeyExchangeSignatureIsDecryptError) {
  for (const char* cert : {"ecdsa", "p384", "ed25519", "rsa", "rsa-pss"}) {
    Pair p(client_config12(), server_config12(cert));
    p.client_to_server();
    p.client->receive(edit_server_key_exchange(take_output(*p.server),
                                               [](std::vector<uint8_t>& m) { m.back() ^= 0x01; }));
    expect_refused(*p.client, *p.server, Error::decrypt_error);
  }
}

// The signature covers the client random: a ServerKeyExchange from another
// handshake does not verify here.
TEST(Tls12Refusals, ServerKeyExchangeFromAnotherHandshakeIsDecryptError) {
  Pair other(client_config12(), server_config12("ed25519"));
  other.client_to_server();
  const std::vector<HandshakeMessage> other_msgs = plaintext_messages(take_output(*other.server));
  Pair p(client_config12(), server_config12("ed25519"));
  p.client_to_server();
  p.client->receive(edit_server_key_exchange(
      take_output(*p.server), [&](std::vector<uint8_t>& m) { m = other_msgs.at(2).bytes; }));
  expect_refused(*p.client, *p.server, Error::decrypt_error);
}

// The ServerECDHParams are signed too: a changed public key does not verify.
TEST(Tls12Refusals, ChangedServerPublicKeyIsDecryptError) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  p.client->receive(edit_server_key_exchange(take_output(*p.server), [](std::vector<uint8_t>& m) {
    m[4 + 4 + 5] ^= 0x01;  // inside the point: type, curve, point length first
  }));
  expect_refused(*p.client, *p.server, Error::decrypt_error);
}

// A scheme that does not fit the suite (RSA-PSS on an ECDHE_ECDSA suite),
// or a curve the client did not offer: illegal_parameter.
TEST(Tls12Refusals, ServerKeyExchangeParametersNotOffered) {
  {
    Pair p(client_config12(), server_config12());
    p.client_to_server();
    p.client->receive(edit_server_key_exchange(take_output(*p.server), [](std::vector<uint8_t>& m) {
      messages::ServerKeyExchange ske;
      ASSERT_EQ(ske.parse(std::span<const uint8_t>(m).subspan(4)), Error::none);
      ske.scheme = 0x0804;
      m.clear();
      wire::Writer w(m);
      ske.serialize(w);
    }));
    expect_refused(*p.client, *p.server, Error::illegal_parameter);
  }
  {
    auto ccfg = client_config12();
    std::string error;
    ASSERT_TRUE(ccfg->set_groups("X25519", &error));
    Pair p(ccfg, server_config12("ed25519"));  // a certificate on no curve
    p.client_to_server();
    p.client->receive(edit_server_key_exchange(take_output(*p.server), [](std::vector<uint8_t>& m) {
      m[6] = 0x17;  // named_curve: secp256r1, not offered
    }));
    expect_refused(*p.client, *p.server, Error::illegal_parameter);
  }
}

// RFC 8422 section 5.3: the server's ECDSA certificate must be on a curve
// the client listed in supported_groups.
TEST(Tls12Refusals, EcdsaCertificateOnACurveNotListedIsHandshakeFailure) {
  auto ccfg = client_config12();
  std::string error;
  ASSERT_TRUE(ccfg->set_groups("X25519:P-384", &error));
  Pair p(ccfg, server_config12("ecdsa"));  // P-256
  p.client_to_server();
  expect_refused(*p.server, *p.client, Error::handshake_failure);
  // Listed, it is fine; and an Ed25519 certificate needs no curve.
  ASSERT_TRUE(ccfg->set_groups("X25519:P-256", &error));
  Pair q(ccfg, server_config12("ecdsa"));
  q.pump();
  EXPECT_TRUE(q.client->handshake_done()) << error_string(q.client->error());
  ASSERT_TRUE(ccfg->set_groups("X25519", &error));
  Pair r(ccfg, server_config12("ed25519"));
  r.pump();
  EXPECT_TRUE(r.client->handshake_done()) << error_string(r.client->error());
}

// --- ServerHello (RFC 5246 section 7.4.1.3, RFC 5746 section 3.4) ---------------------

TEST(Tls12Refusals, ServerHelloWithoutRenegotiationInfoIsHandshakeFailure) {
  Pair p(client_config12(), server_config12());
  send_edited_server_hello(p, [](messages::ServerHello& sh) { sh.renegotiation_info.reset(); });
  expect_refused(*p.client, *p.server, Error::handshake_failure);
}

TEST(Tls12Refusals, ServerHelloWithNonEmptyRenegotiationInfoIsHandshakeFailure) {
  Pair p(client_config12(), server_config12());
  send_edited_server_hello(
      p, [](messages::ServerHello& sh) { sh.renegotiation_info = messages::ByteVec(12, 1); });
  expect_refused(*p.client, *p.server, Error::handshake_failure);
}

TEST(Tls12Refusals, ServerHelloWithAnExtensionNotOfferedIsUnsupportedExtension) {
  Pair p(client_config12(), server_config12());
  send_edited_server_hello(p, [](messages::ServerHello& sh) { sh.max_fragment_length = 1; });
  expect_refused(*p.client, *p.server, Error::unsupported_extension);
}

TEST(Tls12Refusals, ServerHelloWithASuiteNotOfferedIsIllegalParameter) {
  auto ccfg = client_config12();
  std::string error;
  ASSERT_TRUE(ccfg->set_tls12_cipher_suites("ECDHE-ECDSA-AES128-GCM-SHA256", &error));
  Pair p(ccfg, server_config12());
  send_edited_server_hello(p, [](messages::ServerHello& sh) { sh.cipher_suite = 0xc02c; });
  expect_refused(*p.client, *p.server, Error::illegal_parameter);
}

TEST(Tls12Refusals, ServerHelloWithATls13SuiteIsIllegalParameter) {
  Pair p(client_config12(), server_config12());
  send_edited_server_hello(p, [](messages::ServerHello& sh) { sh.cipher_suite = 0x1301; });
  expect_refused(*p.client, *p.server, Error::illegal_parameter);
}

TEST(Tls12Refusals, ServerHelloWithoutUncompressedPointsIsIllegalParameter) {
  Pair p(client_config12(), server_config12());
  send_edited_server_hello(
      p, [](messages::ServerHello& sh) { sh.ec_point_formats = messages::ByteVec{1}; });
  expect_refused(*p.client, *p.server, Error::illegal_parameter);
}

TEST(Tls12Refusals, ServerHelloWithCompressionIsIllegalParameter) {
  Pair p(client_config12(), server_config12());
  send_edited_server_hello(p, [](messages::ServerHello& sh) { sh.legacy_compression_method = 1; });
  expect_refused(*p.client, *p.server, Error::illegal_parameter);
}

// A TLS 1.2 ServerHello echoing the random session id a TLS 1.2+1.3 client
// sent for middlebox compatibility claims to resume a session never offered.
TEST(Tls12Refusals, ServerHelloEchoingAnUnofferedSessionIdIsIllegalParameter) {
  Pair p(client_config(), server_config12());
  const std::vector<uint8_t> hello = p.client_to_server();
  const messages::ClientHello ch = parse_client_hello(hello);
  ASSERT_EQ(ch.legacy_session_id.size(), 32u);
  p.client->receive(rewrite_server_hello(take_output(*p.server), [&](messages::ServerHello& sh) {
    sh.legacy_session_id_echo = ch.legacy_session_id;
  }));
  expect_refused(*p.client, *p.server, Error::illegal_parameter);
}

// A TLS 1.2-only client given a TLS 1.3 ServerHello: it did not offer it.
TEST(Tls12Refusals, Tls13ServerHelloToATls12OnlyClientIsProtocolVersion) {
  Pair p(client_config12(), server_config12());
  send_edited_server_hello(p, [](messages::ServerHello& sh) { sh.supported_version = kTls13; });
  EXPECT_NE(p.client->error(), Error::none);
  EXPECT_FALSE(p.client->handshake_done());
  EXPECT_TRUE(p.client->alert_sent().has_value());
}

// --- ClientHello (RFC 5246 section 7.4.1.2, RFC 5746 section 3.6, RFC 8422) -------------

TEST(Tls12Refusals, ClientHelloWithNonEmptyRenegotiationInfoIsHandshakeFailure) {
  Pair p(client_config12(), server_config12());
  send_edited_hello(
      p, [](messages::ClientHello& ch) { ch.renegotiation_info = messages::ByteVec(12, 1); });
  expect_refused(*p.server, *p.client, Error::handshake_failure);
}

// A client that signals secure renegotiation with the SCSV instead of the
// extension gets the extension back (RFC 5746 section 3.6); one that
// signals nothing gets nothing.
TEST(Tls12Refusals, RenegotiationIndicationByScsvOrNotAtAll) {
  {
    Pair p(client_config12(), server_config12());
    send_edited_hello(p, [](messages::ClientHello& ch) {
      ch.renegotiation_info.reset();
      ch.cipher_suites.push_back(messages::kEmptyRenegotiationInfoScsv);
    });
    ASSERT_EQ(p.server->error(), Error::none);
    const messages::ServerHello sh = parse_server_hello(take_output(*p.server));
    ASSERT_TRUE(sh.renegotiation_info.has_value());
    EXPECT_TRUE(sh.renegotiation_info->empty());
  }
  {
    Pair p(client_config12(), server_config12());
    send_edited_hello(p, [](messages::ClientHello& ch) { ch.renegotiation_info.reset(); });
    ASSERT_EQ(p.server->error(), Error::none);
    EXPECT_FALSE(parse_server_hello(take_output(*p.server)).renegotiation_info.has_value());
  }
}

// Without signature_algorithms the server would have to sign with SHA-1
// (RFC 5246 section 7.4.1.4.1), which it does not.
TEST(Tls12Refusals, ClientHelloWithoutSignatureAlgorithmsIsHandshakeFailure) {
  Pair p(client_config12(), server_config12());
  send_edited_hello(p, [](messages::ClientHello& ch) { ch.signature_algorithms.reset(); });
  expect_refused(*p.server, *p.client, Error::handshake_failure);
}

TEST(Tls12Refusals, ClientHelloWithoutUncompressedPointsIsIllegalParameter) {
  Pair p(client_config12(), server_config12());
  send_edited_hello(p,
                    [](messages::ClientHello& ch) { ch.ec_point_formats = messages::ByteVec{1}; });
  expect_refused(*p.server, *p.client, Error::illegal_parameter);
}

TEST(Tls12Refusals, ClientHelloWithoutNullCompressionIsIllegalParameter) {
  Pair p(client_config12(), server_config12());
  send_edited_hello(p, [](messages::ClientHello& ch) { ch.legacy_compression_methods = {1}; });
  expect_refused(*p.server, *p.client, Error::illegal_parameter);
}

}  // namespace
}  // namespace adieu::test
