// Post-handshake client authentication (RFC 8446 sections 4.2.6, 4.3.2,
// 4.4, 4.6.2): the client's offer, the server's request, the client's
// answer and its verification; misbehaving peers (crafted by a "ghost" that
// holds the application traffic secrets from the key log), interleaved
// data, several requests, requests around close_notify, TLS 1.2.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/record/protection.h"
#include "engine/record/record_buffer.h"
#include "tls12_support.h"

namespace adieu::test {
namespace {

constexpr uint8_t kCertificate = 11;
constexpr uint8_t kCertificateRequest = 13;
constexpr uint8_t kCertificateVerify = 15;
constexpr uint8_t kFinished = 20;

// Seals and opens one direction's records under its first application
// traffic secret (from the key log), in step with the engine's sequence
// numbers as long as that side sent nothing else since its Finished.
struct TrafficKeys {
  record::Tls13Protection seal_side;
  record::Tls13Protection open_side;
  TrafficKeys(const KeyLog& log, const std::string& label) {
    const crypto::Secret secret = log.secret(label);
    EXPECT_TRUE(seal_side.install(crypto::CipherSuite::aes_128_gcm_sha256, secret));
    EXPECT_TRUE(open_side.install(crypto::CipherSuite::aes_128_gcm_sha256, secret));
  }
  std::vector<uint8_t> seal(std::span<const uint8_t> content,
                            record::ContentType type = record::ContentType::handshake) {
    std::vector<uint8_t> rec(5 + content.size() + seal_side.overhead());
    EXPECT_TRUE(seal_side.seal(type, content, rec));
    return rec;
  }
  // The handshake messages of every record of `wire` (application data
  // records are skipped).
  std::vector<HandshakeMessage> open_messages(std::span<const uint8_t> wire) {
    std::vector<uint8_t> handshake;
    for (const WireRecord& r : split_records(wire)) {
      const std::vector<uint8_t> whole = make_record(r.type, r.version, r.body);
      record::RecordBuffer plain;
      record::Record rec;
      EXPECT_EQ(open_side.open(whole, plain, rec), Error::none);
      if (rec.type == record::ContentType::handshake) {
        handshake.insert(handshake.end(), rec.fragment.begin(), rec.fragment.end());
      }
    }
    return split_messages(handshake);
  }
};

std::shared_ptr<Config> aes128_only(std::shared_ptr<Config> cfg) {
  EXPECT_TRUE(cfg->set_cipher_suites("TLS_AES_128_GCM_SHA256", nullptr));
  return cfg;
}

// A server that verifies client certificates against the test CA, sends no
// tickets (its application records start with our requests) and whose
// client certificate is asked for only after the handshake.
std::shared_ptr<Config> pha_server(VerifyMode mode = VerifyMode::optional) {
  auto cfg = aes128_only(server_config());
  cfg->set_verify(mode);
  cfg->set_verify_post_handshake_only(true);
  cfg->set_ticket_count(0);
  EXPECT_TRUE(cfg->load_ca_file(data_path("ca-bundle.pem"), nullptr));
  return cfg;
}

std::shared_ptr<Config> pha_client(bool with_certificate = true, bool offer = true) {
  auto cfg = aes128_only(client_config());
  cfg->set_post_handshake_auth(offer);
  if (with_certificate) {
    std::string error;
    EXPECT_TRUE(cfg->add_certificate(data_path("client-fullchain.pem"),
                                     data_path("client-leaf.key"), "", &error))
        << error;
  }
  return cfg;
}

// A connected pair whose key logs are kept.
struct Logged {
  KeyLog client_log, server_log;
  Pair pair;
  Logged(std::shared_ptr<Config> ccfg, std::shared_ptr<Config> scfg)
      : pair(attach(client_log, ccfg), attach(server_log, scfg)) {
    pair.pump();
    EXPECT_TRUE(pair.client->handshake_done()) << error_string(pair.client->error());
    EXPECT_TRUE(pair.server->handshake_done()) << error_string(pair.server->error());
  }
  static std::shared_ptr<Config> attach(KeyLog& log, std::shared_ptr<Config> cfg) {
    log.attach(*cfg);
    return cfg;
  }
  Connection& client() { return *pair.client; }
  Connection& server() { return *pair.server; }
  TrafficKeys server_keys() { return TrafficKeys(server_log, "SERVER_TRAFFIC_SECRET_0"); }
  TrafficKeys client_keys() { return TrafficKeys(client_log, "CLIENT_TRAFFIC_SECRET_0"); }
};

messages::CertificateRequest request_with_context(std::vector<uint8_t> context) {
  messages::CertificateRequest cr;
  cr.request_context = std::move(context);
  cr.signature_algorithms = {0x0403, 0x0804};
  return cr;
}

std::vector<uint8_t> serialized(const messages::CertificateRequest& cr) {
  std::vector<uint8_t> out;
  wire::Writer w(out);
  cr.serialize(w);
  return out;
}

std::vector<uint8_t> messages_bytes(const std::vector<HandshakeMessage>& msgs) {
  std::vector<uint8_t> out;
  for (const HandshakeMessage& m : msgs) out.insert(out.end(), m.bytes.begin(), m.bytes.end());
  return out;
}

// --- the offer ------------------------------------------------------------------------

TEST(PostHandshakeAuth, OfferedOnlyWhenTheClientOptsIn) {
  Pair without(client_config(), server_config());
  EXPECT_FALSE(parse_client_hello(take_output(*without.client)).post_handshake_auth);
  Pair with(pha_client(false), server_config());
  EXPECT_TRUE(parse_client_hello(take_output(*with.client)).post_handshake_auth);
  EXPECT_TRUE(with.client->post_handshake_auth_offered());
}

TEST(PostHandshakeAuth, VerifyPostHandshakeOnlySendsNoRequestInTheHandshake) {
  // Required, yet the client without a certificate completes its handshake:
  // nothing was asked.
  Logged l(pha_client(false), pha_server(VerifyMode::required));
  EXPECT_TRUE(l.server().peer_certificates().empty());
  EXPECT_TRUE(l.server().post_handshake_auth_offered());
}

// --- success --------------------------------------------------------------------------

TEST(PostHandshakeAuth, ClientCertificateVerifiedAfterTheHandshake) {
  Logged l(pha_client(), pha_server(VerifyMode::required));
  ASSERT_TRUE(l.server().peer_certificates().empty());
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  EXPECT_EQ(l.server().client_certificate_requests_pending(), 1u);

  // The request: one CertificateRequest, a 32-byte random context, the
  // schemes we verify.
  TrafficKeys server_keys = l.server_keys();
  const std::vector<uint8_t> request_wire = l.pair.server_to_client();
  const std::vector<HandshakeMessage> request = server_keys.open_messages(request_wire);
  ASSERT_EQ(request.size(), 1u);
  ASSERT_EQ(request[0].type, kCertificateRequest);
  messages::CertificateRequest cr;
  ASSERT_EQ(cr.parse(request[0].body()), Error::none);
  EXPECT_EQ(cr.request_context.size(), 32u);
  EXPECT_FALSE(cr.signature_algorithms.empty());
  ASSERT_EQ(l.client().error(), Error::none);
  EXPECT_EQ(l.client().post_handshake_auths(), 1u);

  // The answer: Certificate (with the request's context), CertificateVerify,
  // Finished.
  TrafficKeys client_keys = l.client_keys();
  const std::vector<uint8_t> answer_wire = l.pair.client_to_server();
  const std::vector<HandshakeMessage> answer = client_keys.open_messages(answer_wire);
  ASSERT_EQ(answer.size(), 3u);
  EXPECT_EQ(answer[0].type, kCertificate);
  EXPECT_EQ(answer[1].type, kCertificateVerify);
  EXPECT_EQ(answer[2].type, kFinished);
  messages::CertificateMsg cert;
  ASSERT_EQ(cert.parse(answer[0].body()), Error::none);
  EXPECT_EQ(cert.request_context, cr.request_context);
  EXPECT_EQ(cert.entries.size(), 2u);
  EXPECT_EQ(answer[2].body().size(), 32u);  // SHA-256

  ASSERT_EQ(l.server().error(), Error::none) << error_string(l.server().error());
  EXPECT_EQ(l.server().post_handshake_auths(), 1u);
  EXPECT_EQ(l.server().client_certificate_requests_pending(), 0u);
  EXPECT_EQ(l.server().peer_certificates().size(), 2u);
  EXPECT_EQ(l.server().peer_signature_scheme(), 0x0403);
  EXPECT_EQ(l.server().verify_result(), 0);

  // The connection goes on both ways.
  ASSERT_EQ(l.client().write(bytes("after")), Error::none);
  ASSERT_EQ(l.server().write(bytes("too")), Error::none);
  l.pair.pump();
  EXPECT_EQ(l.pair.read_all(l.server()), "after");
  EXPECT_EQ(l.pair.read_all(l.client()), "too");
}

TEST(PostHandshakeAuth, NoCertificateAcceptedWhenOptional) {
  Logged l(pha_client(false), pha_server(VerifyMode::optional));
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  l.pair.server_to_client();
  TrafficKeys client_keys = l.client_keys();
  const std::vector<HandshakeMessage> answer = client_keys.open_messages(l.pair.client_to_server());
  // An empty Certificate and the Finished: no CertificateVerify.
  ASSERT_EQ(answer.size(), 2u);
  EXPECT_EQ(answer[0].type, kCertificate);
  EXPECT_EQ(answer[1].type, kFinished);
  messages::CertificateMsg cert;
  ASSERT_EQ(cert.parse(answer[0].body()), Error::none);
  EXPECT_TRUE(cert.entries.empty());
  EXPECT_EQ(cert.request_context.size(), 32u);
  ASSERT_EQ(l.server().error(), Error::none);
  EXPECT_EQ(l.server().post_handshake_auths(), 1u);
  EXPECT_TRUE(l.server().peer_certificates().empty());
}

TEST(PostHandshakeAuth, NoCertificateIsCertificateRequiredWhenRequired) {
  Logged l(pha_client(false), pha_server(VerifyMode::required));
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  l.pair.pump();
  EXPECT_EQ(l.server().error(), Error::certificate_required);
  EXPECT_EQ(l.server().alert_sent(), Alert::certificate_required);
  EXPECT_EQ(l.client().alert_received(), Alert::certificate_required);
  EXPECT_EQ(l.server().post_handshake_auths(), 0u);
}

TEST(PostHandshakeAuth, UntrustedCertificateIsRefused) {
  auto scfg = aes128_only(server_config());
  scfg->set_verify(VerifyMode::optional);
  scfg->set_verify_post_handshake_only(true);
  scfg->set_ticket_count(0);
  ASSERT_TRUE(scfg->load_ca_file(data_path("rsa-root.pem"), nullptr));  // not the client's CA
  Logged l(pha_client(), scfg);
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  l.pair.pump();
  EXPECT_EQ(l.server().error(), Error::unknown_ca);
  EXPECT_EQ(l.client().alert_received(), Alert::unknown_ca);
}

// --- the API's refusals ------------------------------------------------------------------

TEST(PostHandshakeAuth, RequestRefusedWhenNotOffered) {
  Logged l(pha_client(true, false), pha_server());
  EXPECT_FALSE(l.server().post_handshake_auth_offered());
  EXPECT_EQ(l.server().request_client_certificate(), Error::not_offered);
  EXPECT_TRUE(l.server().pending_output().empty());
  EXPECT_EQ(l.server().error(), Error::none);
}

TEST(PostHandshakeAuth, RequestRefusedOnAClientAndBeforeTheHandshake) {
  Pair p(pha_client(), pha_server());
  EXPECT_EQ(p.server->request_client_certificate(), Error::not_connected);
  p.pump();
  ASSERT_TRUE(p.server->handshake_done());
  EXPECT_EQ(p.client->request_client_certificate(), Error::wrong_role);
  EXPECT_TRUE(p.client->pending_output().empty());
  EXPECT_EQ(p.client->error(), Error::none);
}

// The application asked: with VerifyMode::none the chain is verified as
// with optional.
TEST(PostHandshakeAuth, VerifyModeNoneVerifiesAsOptional) {
  auto scfg = pha_server();
  scfg->set_verify(VerifyMode::none);
  Logged trusted(pha_client(), scfg);
  ASSERT_EQ(trusted.server().request_client_certificate(), Error::none);
  trusted.pair.pump();
  EXPECT_EQ(trusted.server().post_handshake_auths(), 1u);
  EXPECT_EQ(trusted.server().peer_certificates().size(), 2u);

  auto untrusting = aes128_only(server_config());
  untrusting->set_ticket_count(0);  // no trust anchors at all
  Logged refused(pha_client(), untrusting);
  ASSERT_EQ(refused.server().request_client_certificate(), Error::none);
  refused.pair.pump();
  EXPECT_EQ(refused.server().error(), Error::unknown_ca);
}

TEST(PostHandshakeAuth, Tls12HandshakeStillAsks) {
  // SSL_VERIFY_POST_HANDSHAKE is TLS 1.3's: a TLS 1.2 handshake asks.
  auto ccfg = pha_client();
  only_tls12(*ccfg);
  auto scfg = pha_server(VerifyMode::required);
  only_tls12(*scfg);
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_EQ(p.server->peer_certificates().size(), 2u);
}

TEST(PostHandshakeAuth, RequestRefusedInTls12) {
  auto ccfg = pha_client();
  only_tls12(*ccfg);
  auto scfg = pha_server();
  only_tls12(*scfg);
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.server->handshake_done());
  EXPECT_EQ(p.server->version(), kTls12);
  EXPECT_EQ(p.server->request_client_certificate(), Error::wrong_version);
  EXPECT_TRUE(p.server->pending_output().empty());
  EXPECT_FALSE(p.client->post_handshake_auth_offered());  // a TLS 1.2 ClientHello
}

TEST(PostHandshakeAuth, RequestRefusedAfterEitherCloseNotify) {
  Logged ours(pha_client(), pha_server());
  ASSERT_EQ(ours.server().close(), Error::none);
  EXPECT_EQ(ours.server().request_client_certificate(), Error::write_after_close);

  Logged theirs(pha_client(), pha_server());
  ASSERT_EQ(theirs.client().close(), Error::none);
  theirs.pair.client_to_server();
  ASSERT_EQ(theirs.server().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(theirs.server().request_client_certificate(), Error::peer_closed);
  EXPECT_TRUE(theirs.server().pending_output().empty());
}

// --- the client's side: requests it cannot take -----------------------------------------

TEST(PostHandshakeAuth, RequestToAClientThatDidNotOfferIsUnexpectedMessage) {
  Logged l(pha_client(true, false), pha_server());
  TrafficKeys server_keys = l.server_keys();
  const std::vector<uint8_t> cr = serialized(request_with_context({1, 2, 3, 4}));
  EXPECT_EQ(l.client().receive(server_keys.seal(cr)), Error::unexpected_message);
  EXPECT_EQ(l.client().alert_sent(), Alert::unexpected_message);
}

TEST(PostHandshakeAuth, RequestWithEmptyOrRepeatedContextIsIllegalParameter) {
  {
    Logged l(pha_client(), pha_server());
    TrafficKeys server_keys = l.server_keys();
    EXPECT_EQ(l.client().receive(server_keys.seal(serialized(request_with_context({})))),
              Error::illegal_parameter);
  }
  Logged l(pha_client(), pha_server());
  TrafficKeys server_keys = l.server_keys();
  const std::vector<uint8_t> cr = serialized(request_with_context({7, 7}));
  ASSERT_EQ(l.client().receive(server_keys.seal(cr)), Error::none);
  EXPECT_EQ(l.client().post_handshake_auths(), 1u);
  EXPECT_EQ(l.client().receive(server_keys.seal(cr)), Error::illegal_parameter);
  EXPECT_EQ(l.client().alert_sent(), Alert::illegal_parameter);
}

TEST(PostHandshakeAuth, RequestWithoutSignatureAlgorithmsIsMissingExtension) {
  Logged l(pha_client(), pha_server());
  TrafficKeys server_keys = l.server_keys();
  // Context 01, an empty extension block cannot be: one unknown extension.
  const std::vector<uint8_t> cr = {kCertificateRequest, 0, 0, 8, 1, 1, 0, 4, 0xfa, 0xfa, 0, 0};
  EXPECT_EQ(l.client().receive(server_keys.seal(cr)), Error::missing_extension);
}

// --- the server's side: answers it cannot take ------------------------------------------

// The client's answer to one request, opened: the test changes it, then
// seals it again as the client would.
struct Answer {
  Logged l;
  std::vector<HandshakeMessage> messages;
  std::unique_ptr<TrafficKeys> client_keys;
  explicit Answer(std::shared_ptr<Config> ccfg = pha_client(),
                  std::shared_ptr<Config> scfg = pha_server())
      : l(ccfg, scfg) {
    EXPECT_EQ(l.server().request_client_certificate(), Error::none);
    l.pair.server_to_client();
    client_keys = std::make_unique<TrafficKeys>(l.client_log, "CLIENT_TRAFFIC_SECRET_0");
    messages = client_keys->open_messages(take_output(l.client()));
  }
  Error deliver() { return l.server().receive(client_keys->seal(messages_bytes(messages))); }
};

TEST(PostHandshakeAuth, UnchangedAnswerIsAccepted) {
  Answer a;
  ASSERT_EQ(a.messages.size(), 3u);
  EXPECT_EQ(a.deliver(), Error::none);
  EXPECT_EQ(a.l.server().post_handshake_auths(), 1u);
}

TEST(PostHandshakeAuth, BadCertificateVerifyIsDecryptError) {
  Answer a;
  ASSERT_EQ(a.messages.size(), 3u);
  a.messages[1].bytes.back() ^= 1;  // the signature's last byte
  EXPECT_EQ(a.deliver(), Error::decrypt_error);
  EXPECT_EQ(a.l.server().alert_sent(), Alert::decrypt_error);
  EXPECT_EQ(a.l.server().post_handshake_auths(), 0u);
}

TEST(PostHandshakeAuth, BadFinishedIsDecryptError) {
  Answer a;
  ASSERT_EQ(a.messages.size(), 3u);
  a.messages[2].bytes.back() ^= 1;
  EXPECT_EQ(a.deliver(), Error::decrypt_error);
  EXPECT_EQ(a.l.server().alert_sent(), Alert::decrypt_error);
}

TEST(PostHandshakeAuth, FinishedOfTheWrongLengthIsDecodeError) {
  Answer a(pha_client(false));
  ASSERT_EQ(a.messages.size(), 2u);
  a.messages[1].bytes.push_back(0);
  a.messages[1].bytes[3] += 1;
  EXPECT_EQ(a.deliver(), Error::decode_error);
}

TEST(PostHandshakeAuth, AnotherContextIsIllegalParameter) {
  Answer a;
  ASSERT_EQ(a.messages.size(), 3u);
  ASSERT_EQ(a.messages[0].bytes[4], 32);  // the context's length
  a.messages[0].bytes[5] ^= 1;
  EXPECT_EQ(a.deliver(), Error::illegal_parameter);
  EXPECT_EQ(a.l.server().alert_sent(), Alert::illegal_parameter);
}

TEST(PostHandshakeAuth, MessagesOutOfOrderAreUnexpected) {
  Answer a;
  ASSERT_EQ(a.messages.size(), 3u);
  a.messages.erase(a.messages.begin());  // CertificateVerify first
  EXPECT_EQ(a.deliver(), Error::unexpected_message);
}

TEST(PostHandshakeAuth, CertificateNobodyAskedForIsUnexpected) {
  Logged l(pha_client(), pha_server());
  TrafficKeys client_keys = l.client_keys();
  const std::vector<uint8_t> empty_certificate = {kCertificate, 0, 0, 4, 0, 0, 0, 0};
  EXPECT_EQ(l.server().receive(client_keys.seal(empty_certificate)), Error::unexpected_message);
}

// --- interleaving, several requests, key updates ------------------------------------------

TEST(PostHandshakeAuth, ApplicationDataFlowsAroundTheExchange) {
  Logged l(pha_client(), pha_server());
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  ASSERT_EQ(l.server().write(bytes("server data")), Error::none);
  // The client's data before the request reaches it, and after its answer.
  ASSERT_EQ(l.client().write(bytes("before ")), Error::none);
  l.pair.server_to_client();
  ASSERT_EQ(l.client().write(bytes("after")), Error::none);
  EXPECT_EQ(l.pair.read_all(l.client()), "server data");
  const std::vector<uint8_t> wire = l.pair.client_to_server();
  EXPECT_EQ(split_records(wire).size(), 3u);  // data, the answer, data
  EXPECT_EQ(l.pair.read_all(l.server()), "before after");
  EXPECT_EQ(l.server().post_handshake_auths(), 1u);
}

TEST(PostHandshakeAuth, TwoRequestsAreAnsweredInOrder) {
  Logged l(pha_client(), pha_server(VerifyMode::required));
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  EXPECT_EQ(l.server().client_certificate_requests_pending(), 2u);
  TrafficKeys server_keys = l.server_keys();
  const std::vector<HandshakeMessage> requests =
      server_keys.open_messages(l.pair.server_to_client());
  ASSERT_EQ(requests.size(), 2u);
  messages::CertificateRequest first, second;
  ASSERT_EQ(first.parse(requests[0].body()), Error::none);
  ASSERT_EQ(second.parse(requests[1].body()), Error::none);
  EXPECT_NE(first.request_context, second.request_context);

  TrafficKeys client_keys = l.client_keys();
  const std::vector<HandshakeMessage> answers =
      client_keys.open_messages(l.pair.client_to_server());
  ASSERT_EQ(answers.size(), 6u);
  messages::CertificateMsg a1, a2;
  ASSERT_EQ(a1.parse(answers[0].body()), Error::none);
  ASSERT_EQ(a2.parse(answers[3].body()), Error::none);
  EXPECT_EQ(a1.request_context, first.request_context);
  EXPECT_EQ(a2.request_context, second.request_context);
  ASSERT_EQ(l.server().error(), Error::none);
  EXPECT_EQ(l.server().post_handshake_auths(), 2u);
  EXPECT_EQ(l.client().post_handshake_auths(), 2u);
  EXPECT_EQ(l.server().client_certificate_requests_pending(), 0u);
}

TEST(PostHandshakeAuth, AnswersInAnotherOrderAreTakenByContext) {
  // RFC 8446 section 4.6.2: a client may answer requests in close succession
  // in another order.
  Logged l(pha_client(), pha_server(VerifyMode::required));
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  l.pair.server_to_client();
  TrafficKeys client_keys = l.client_keys();
  std::vector<HandshakeMessage> answers = client_keys.open_messages(take_output(l.client()));
  ASSERT_EQ(answers.size(), 6u);
  std::rotate(answers.begin(), answers.begin() + 3, answers.end());  // the second answer first
  ASSERT_EQ(l.server().receive(client_keys.seal(messages_bytes(answers))), Error::none);
  EXPECT_EQ(l.server().post_handshake_auths(), 2u);
  EXPECT_EQ(l.server().client_certificate_requests_pending(), 0u);
}

TEST(PostHandshakeAuth, KeyUpdateInsideAnAnswerIsUnexpected) {
  Logged l(pha_client(), pha_server());
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  l.pair.server_to_client();
  TrafficKeys client_keys = l.client_keys();
  std::vector<HandshakeMessage> answer = client_keys.open_messages(take_output(l.client()));
  ASSERT_EQ(answer.size(), 3u);
  HandshakeMessage key_update;
  key_update.type = 24;
  key_update.bytes = {24, 0, 0, 1, 0};
  answer.insert(answer.begin() + 1, key_update);
  EXPECT_EQ(l.server().receive(client_keys.seal(messages_bytes(answer))),
            Error::unexpected_message);
}

TEST(PostHandshakeAuth, FinishedKeyFollowsTheClientsKeyUpdate) {
  // RFC 8446 section 4.4: the Finished key comes from the client's current
  // application traffic secret, here its second one.
  Logged l(pha_client(), pha_server());
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  ASSERT_EQ(l.client().key_update(false), Error::none);
  l.pair.pump();
  ASSERT_EQ(l.server().error(), Error::none) << error_string(l.server().error());
  EXPECT_EQ(l.server().key_updates_received(), 1u);
  EXPECT_EQ(l.server().post_handshake_auths(), 1u);
}

// --- around close_notify ---------------------------------------------------------------------

TEST(PostHandshakeAuth, ClientThatClosedLeavesTheRequestUnanswered) {
  Logged l(pha_client(), pha_server());
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  ASSERT_EQ(l.server().write(bytes("still read")), Error::none);
  ASSERT_EQ(l.client().close(), Error::none);
  const std::vector<uint8_t> close_notify = take_output(l.client());
  l.pair.server_to_client();
  // Processed, never an error; nothing more is sent; the data is read.
  EXPECT_EQ(l.client().error(), Error::none);
  EXPECT_EQ(l.client().read_state(), ReadState::open);
  EXPECT_TRUE(l.client().pending_output().empty());
  EXPECT_EQ(l.client().post_handshake_auths(), 0u);
  EXPECT_EQ(l.pair.read_all(l.client()), "still read");
  // The server gets the close_notify; the request stays pending.
  ASSERT_EQ(l.server().receive(close_notify), Error::none);
  EXPECT_EQ(l.server().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(l.server().client_certificate_requests_pending(), 1u);
  EXPECT_EQ(l.server().post_handshake_auths(), 0u);
  EXPECT_EQ(l.server().close(), Error::none);
  l.pair.pump();
  EXPECT_EQ(l.client().read_state(), ReadState::close_notify_received);
}

TEST(PostHandshakeAuth, ServerThatClosedStillVerifiesTheAnswer) {
  Logged l(pha_client(), pha_server(VerifyMode::required));
  ASSERT_EQ(l.server().request_client_certificate(), Error::none);
  ASSERT_EQ(l.server().close(), Error::none);
  l.pair.server_to_client();
  EXPECT_EQ(l.client().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(l.client().post_handshake_auths(), 1u);  // answered before the close_notify came
  ASSERT_EQ(l.client().close(), Error::none);
  l.pair.client_to_server();
  EXPECT_EQ(l.server().error(), Error::none);
  EXPECT_EQ(l.server().post_handshake_auths(), 1u);
  EXPECT_EQ(l.server().peer_certificates().size(), 2u);
  EXPECT_EQ(l.server().read_state(), ReadState::close_notify_received);
}

}  // namespace
}  // namespace adieu::test
