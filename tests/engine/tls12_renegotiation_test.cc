// After a TLS 1.2 handshake: adieu never renegotiates (RFC 5246 section
// 7.4.1.1, RFC 5746). A HelloRequest (client) or a ClientHello (server) is
// answered with a warning no_renegotiation and the connection goes on, as
// OpenSSL with SSL_OP_NO_RENEGOTIATION; nothing is answered after our
// close_notify. Other handshake messages and a ChangeCipherSpec are
// unexpected; key_update() does not exist in TLS 1.2. The peer's records
// here are sealed by the test with the connection's keys (the ghost).
#include <gtest/gtest.h>

#include "tls12_support.h"

namespace adieu::test {
namespace {

const std::vector<uint8_t> kHelloRequest = {0, 0, 0, 0};
const std::vector<uint8_t> kNoRenegotiation = {1, 100};  // warning

// A ClientHello message as a TLS 1.2 client sends it.
std::vector<uint8_t> fresh_client_hello() {
  auto client = Connection::client(client_config12(), "localhost");
  const std::vector<HandshakeMessage> msgs = plaintext_messages(take_output(*client));
  EXPECT_EQ(msgs.size(), 1u);
  return msgs.empty() ? std::vector<uint8_t>{} : msgs[0].bytes;
}

TEST(Tls12Renegotiation, HelloRequestIsAnsweredAndTheConnectionGoesOn) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.client().receive(w.ghost->seal(Role::server, kHandshakeRecord, kHelloRequest)),
            Error::none);
  const std::vector<uint8_t> answer = take_output(w.client());
  EXPECT_EQ(w.open_all(Role::client, answer), std::vector<std::vector<uint8_t>>{kNoRenegotiation});
  EXPECT_EQ(w.client().read_state(), ReadState::open);
  EXPECT_EQ(w.client().write_state(), WriteState::open);
  EXPECT_FALSE(w.client().alert_sent().has_value());  // a warning, not an end
  // Data still flows both ways.
  ASSERT_EQ(w.client().receive(w.ghost->seal(Role::server, kApplicationData, bytes("more"))),
            Error::none);
  EXPECT_EQ(w.pair.read_all(w.client()), "more");
  ASSERT_EQ(w.client().write(bytes("reply")), Error::none);
  EXPECT_EQ(w.open_all(Role::client, take_output(w.client())),
            std::vector<std::vector<uint8_t>>{bytes("reply")});
  EXPECT_EQ(w.client().error(), Error::none);
}

// Several HelloRequests: each is answered; the answers are records we send,
// not warnings we receive, so no count applies.
TEST(Tls12Renegotiation, EveryHelloRequestIsAnswered) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  for (int i = 0; i < 7; ++i) {
    ASSERT_EQ(w.client().receive(w.ghost->seal(Role::server, kHandshakeRecord, kHelloRequest)),
              Error::none)
        << i;
  }
  const std::vector<std::vector<uint8_t>> answers =
      w.open_all(Role::client, take_output(w.client()));
  EXPECT_EQ(answers, std::vector<std::vector<uint8_t>>(7, kNoRenegotiation));
}

// Two HelloRequests in one record: each handshake message is answered.
TEST(Tls12Renegotiation, TwoHelloRequestsInOneRecord) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> two = concat({kHelloRequest, kHelloRequest});
  ASSERT_EQ(w.client().receive(w.ghost->seal(Role::server, kHandshakeRecord, two)), Error::none);
  EXPECT_EQ(w.open_all(Role::client, take_output(w.client())),
            std::vector<std::vector<uint8_t>>(2, kNoRenegotiation));
}

TEST(Tls12Renegotiation, HelloRequestAfterOurCloseNotifyIsNotAnswered) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.client().close(), Error::none);
  take_output(w.client());
  ASSERT_EQ(w.client().receive(w.ghost->seal(Role::server, kHandshakeRecord, kHelloRequest)),
            Error::none);
  EXPECT_TRUE(w.client().pending_output().empty());  // nothing after our close_notify
  EXPECT_EQ(w.client().error(), Error::none);
  EXPECT_EQ(w.client().write_state(), WriteState::close_notify_sent);
  // The read side still waits for the server's data and close_notify.
  ASSERT_EQ(w.client().receive(
                concat({w.ghost->seal(Role::server, kApplicationData, bytes("bye")),
                        w.ghost->seal(Role::server, kAlertRecord, std::vector<uint8_t>{1, 0})})),
            Error::none);
  EXPECT_EQ(w.pair.read_all(w.client()), "bye");
  EXPECT_EQ(w.client().read_state(), ReadState::close_notify_received);
}

TEST(Tls12Renegotiation, ClientHelloIsAnsweredAndTheConnectionGoesOn) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> hello = fresh_client_hello();
  ASSERT_FALSE(hello.empty());
  ASSERT_EQ(w.server().receive(w.ghost->seal(Role::client, kHandshakeRecord, hello)), Error::none);
  const std::vector<uint8_t> answer = take_output(w.server());
  EXPECT_EQ(w.open_all(Role::server, answer), std::vector<std::vector<uint8_t>>{kNoRenegotiation});
  EXPECT_EQ(w.server().read_state(), ReadState::open);
  EXPECT_EQ(w.server().write_state(), WriteState::open);
  ASSERT_EQ(w.server().receive(w.ghost->seal(Role::client, kApplicationData, bytes("go on"))),
            Error::none);
  EXPECT_EQ(w.pair.read_all(w.server()), "go on");
  ASSERT_EQ(w.server().write(bytes("going")), Error::none);
  EXPECT_EQ(w.open_all(Role::server, take_output(w.server())),
            std::vector<std::vector<uint8_t>>{bytes("going")});
  EXPECT_EQ(w.server().error(), Error::none);
}

TEST(Tls12Renegotiation, ClientHelloAfterOurCloseNotifyIsNotAnswered) {
  Watched w = watched12(nullptr, [] {
    auto cfg = server_config12();
    cfg->set_tls12_close_notify(Tls12CloseNotify::half_close);
    return cfg;
  }());
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.server().close(), Error::none);
  take_output(w.server());
  ASSERT_EQ(w.server().receive(w.ghost->seal(Role::client, kHandshakeRecord, fresh_client_hello())),
            Error::none);
  EXPECT_TRUE(w.server().pending_output().empty());
  EXPECT_EQ(w.server().error(), Error::none);
}

// A malformed ClientHello is still a decode_error, renegotiation or not.
TEST(Tls12Renegotiation, MalformedClientHelloIsDecodeError) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> broken = {1, 0, 0, 3, 3, 3, 0};
  EXPECT_EQ(w.server().receive(w.ghost->seal(Role::client, kHandshakeRecord, broken)),
            Error::decode_error);
  EXPECT_EQ(w.server().alert_sent(), Alert::decode_error);
}

TEST(Tls12Renegotiation, HelloRequestWithABodyIsDecodeError) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> with_body = {0, 0, 0, 1, 0};
  EXPECT_EQ(w.client().receive(w.ghost->seal(Role::server, kHandshakeRecord, with_body)),
            Error::decode_error);
  EXPECT_EQ(w.open_all(Role::client, take_output(w.client())),
            (std::vector<std::vector<uint8_t>>{{2, 50}}));
}

// Any other handshake message after the handshake is unexpected: a
// HelloRequest sent to a server, a Finished or ServerHelloDone to a client.
TEST(Tls12Renegotiation, OtherHandshakeMessagesAreUnexpected) {
  {
    Watched w = watched12();
    ASSERT_TRUE(w.ghost);
    EXPECT_EQ(w.server().receive(w.ghost->seal(Role::client, kHandshakeRecord, kHelloRequest)),
              Error::unexpected_message);
    EXPECT_EQ(w.server().alert_sent(), Alert::unexpected_message);
  }
  for (const std::vector<uint8_t>& msg :
       {std::vector<uint8_t>{14, 0, 0, 0}, make_message(20, std::vector<uint8_t>(12, 7))}) {
    Watched w = watched12();
    ASSERT_TRUE(w.ghost);
    EXPECT_EQ(w.client().receive(w.ghost->seal(Role::server, kHandshakeRecord, msg)),
              Error::unexpected_message)
        << int{msg[0]};
    EXPECT_EQ(w.open_all(Role::client, take_output(w.client())),
              (std::vector<std::vector<uint8_t>>{{2, 10}}));
  }
}

// RFC 5246 section 7.4.1.1: a HelloRequest that arrives while the client is
// negotiating is ignored, and it is not part of the handshake's messages
// (so Finished still verifies). `where`: before the server's first flight
// (0) or before its ChangeCipherSpec (1).
void hello_request_during_handshake(int where) {
  const std::vector<uint8_t> hello_request = make_record(kHandshakeRecord, kTls12, kHelloRequest);
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  std::vector<uint8_t> flight = take_output(*p.server);
  if (where == 0) flight = concat({hello_request, flight});
  ASSERT_EQ(p.client->receive(flight), Error::none);
  p.client_to_server();
  flight = take_output(*p.server);
  if (where == 1) flight = concat({hello_request, flight});
  ASSERT_EQ(p.client->receive(flight), Error::none);
  EXPECT_TRUE(p.client->handshake_done());
  EXPECT_TRUE(p.client->pending_output().empty());  // not answered
  ASSERT_EQ(p.client->write(bytes("done")), Error::none);
  p.client_to_server();
  EXPECT_EQ(p.read_all(*p.server), "done");
}

TEST(Tls12Renegotiation, HelloRequestBeforeTheServerFlightIsIgnored) {
  hello_request_during_handshake(0);
}

TEST(Tls12Renegotiation, HelloRequestBeforeTheServerChangeCipherSpecIsIgnored) {
  hello_request_during_handshake(1);
}

// A client offering TLS 1.2 and 1.3 does the same before the ServerHello
// (the version is not chosen yet, and TLS 1.2 may be).
TEST(Tls12Renegotiation, DualClientIgnoresAHelloRequestBeforeTheServerHello) {
  Pair p(client_config(), server_config12());
  p.client_to_server();
  const std::vector<uint8_t> hello_request = make_record(kHandshakeRecord, kTls12, kHelloRequest);
  ASSERT_EQ(p.client->receive(concat({hello_request, take_output(*p.server)})), Error::none);
  p.pump();
  EXPECT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->version(), kTls12);
}

// A HelloRequest between two messages of the server's flight, in its record.
TEST(Tls12Renegotiation, HelloRequestInsideTheServerFlightIsIgnored) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  const std::vector<uint8_t> flight = take_output(*p.server);
  const std::vector<HandshakeMessage> msgs = plaintext_messages(flight);
  ASSERT_GE(msgs.size(), 2u);
  std::vector<uint8_t> body = msgs[0].bytes;
  body.insert(body.end(), kHelloRequest.begin(), kHelloRequest.end());
  for (size_t i = 1; i < msgs.size(); ++i) {
    body.insert(body.end(), msgs[i].bytes.begin(), msgs[i].bytes.end());
  }
  ASSERT_EQ(p.client->receive(make_record(kHandshakeRecord, kTls12, body)), Error::none);
  p.pump();
  EXPECT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
}

// --- ChangeCipherSpec after the handshake -----------------------------------------

// A protected ChangeCipherSpec after the handshake: no handshake precedes
// it (RFC 5246 section 7.1), unexpected_message.
TEST(Tls12Renegotiation, ChangeCipherSpecAfterTheHandshakeIsUnexpected) {
  for (Role receiver : {Role::server, Role::client}) {
    Watched w = watched12();
    ASSERT_TRUE(w.ghost);
    const Role sender = receiver == Role::server ? Role::client : Role::server;
    Connection& side = receiver == Role::server ? w.server() : w.client();
    const std::vector<uint8_t> ccs = {1};
    EXPECT_EQ(side.receive(w.ghost->seal(sender, kChangeCipherSpec, ccs)),
              Error::unexpected_message);
    EXPECT_EQ(side.alert_sent(), Alert::unexpected_message);
    EXPECT_EQ(side.read_state(), ReadState::error);
    EXPECT_EQ(w.open_all(receiver, take_output(side)),
              (std::vector<std::vector<uint8_t>>{{2, 10}}));
  }
}

// One in the clear: once the keys are in use, every record must
// authenticate (RFC 5246 section 6.2.3), so it cannot.
TEST(Tls12Renegotiation, PlaintextChangeCipherSpecAfterTheHandshakeIsBadRecordMac) {
  Pair p = connected12();
  const std::vector<uint8_t> ccs = {20, 3, 3, 0, 1, 1};
  EXPECT_EQ(p.server->receive(ccs), Error::bad_record_mac);
  EXPECT_EQ(p.server->alert_sent(), Alert::bad_record_mac);
}

// --- key_update() does not exist in TLS 1.2 ------------------------------------------

TEST(Tls12Renegotiation, KeyUpdateIsRefusedAndTheConnectionGoesOn) {
  Pair p = connected12();
  for (bool request_peer : {false, true}) {
    const Error err = p.client->key_update(request_peer);
    EXPECT_NE(err, Error::none);
    EXPECT_FALSE(error_is_fatal(err)) << error_string(err);
    EXPECT_EQ(p.client->error(), Error::none);
    EXPECT_TRUE(p.client->pending_output().empty());  // nothing was sent
    EXPECT_EQ(p.client->key_updates_sent(), 0u);
  }
  EXPECT_FALSE(error_is_fatal(p.server->key_update(false)));
  ASSERT_EQ(p.client->write(bytes("same keys")), Error::none);
  ASSERT_EQ(p.server->write(bytes("both ways")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "same keys");
  EXPECT_EQ(p.read_all(*p.client), "both ways");
  EXPECT_EQ(p.client->write_state(), WriteState::open);
}

}  // namespace
}  // namespace adieu::test
