// The end of a TLS 1.2 connection in the native API (RFC 5246 section 7.2):
// close_notify answered at once, behind what is already sealed, and nothing
// written after (section 7.2.1, the default Tls12CloseNotify::answer) or
// half-close (Tls12CloseNotify::half_close);
// truncation; fatal alerts both ways; what warning alerts do (section 7.2:
// ignored, but five in a row end the connection and no_renegotiation is
// refused, as OpenSSL); close() during the handshake. Every alert on the
// wire is opened with the connection's keys (tls12_support.h's ghost).
#include <gtest/gtest.h>

#include "engine/testing.h"
#include "tls12_support.h"

namespace adieu::test {
namespace {

const std::vector<uint8_t> kCloseNotify = {1, 0};  // warning, close_notify

// A whole protected alert record of the watched connection's suite.
size_t alert_size(const Watched& w) {
  return 5 + w.ghost->suite().explicit_nonce_size + 2 + 16;
}

std::shared_ptr<Config> half_closing(std::shared_ptr<Config> cfg) {
  cfg->set_tls12_close_notify(Tls12CloseNotify::half_close);
  return cfg;
}

// --- RFC 5246 section 7.2.1: close_notify answered at once --------------------

TEST(Tls12Shutdown, ClientCloseIsAnsweredAtOnce) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.client().close(), Error::none);
  EXPECT_EQ(w.client().write_state(), WriteState::close_notify_queued);
  const std::vector<uint8_t> alert = take_output(w.client());
  ASSERT_EQ(alert.size(), alert_size(w));
  EXPECT_EQ(alert[0], kAlertRecord);  // TLS 1.2 shows the record type
  EXPECT_EQ(w.open_all(Role::client, alert), std::vector<std::vector<uint8_t>>{kCloseNotify});
  EXPECT_EQ(w.client().write_state(), WriteState::close_notify_sent);
  EXPECT_EQ(w.client().read_state(), ReadState::open);

  ASSERT_EQ(w.server().receive(alert), Error::none);
  // The answer is in pending_output() right after receive().
  EXPECT_EQ(w.server().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(w.server().write_state(), WriteState::close_notify_queued);
  EXPECT_EQ(w.server().alert_received(), Alert::close_notify);
  const std::vector<uint8_t> answer = take_output(w.server());
  ASSERT_EQ(answer.size(), alert_size(w));
  EXPECT_EQ(w.open_all(Role::server, answer), std::vector<std::vector<uint8_t>>{kCloseNotify});
  EXPECT_EQ(w.server().write_state(), WriteState::close_notify_sent);
  uint8_t buf[8];
  EXPECT_EQ(w.server().read(buf).status, ReadStatus::closed);
  EXPECT_EQ(w.server().write(bytes("late")), Error::write_after_close);
  EXPECT_FALSE(testing::ConnectionProbe::write_keys_installed(w.server()));

  ASSERT_EQ(w.client().receive(answer), Error::none);
  EXPECT_EQ(w.client().read_state(), ReadState::close_notify_received);
  EXPECT_TRUE(w.client().pending_output().empty());  // never answered twice
  EXPECT_EQ(w.client().read(buf).status, ReadStatus::closed);
  EXPECT_EQ(w.client().error(), Error::none);
  EXPECT_EQ(w.server().error(), Error::none);
}

TEST(Tls12Shutdown, ServerCloseIsAnsweredByTheClient) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.server().close(), Error::none);
  w.pair.server_to_client();
  EXPECT_EQ(w.client().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(w.client().write_state(), WriteState::close_notify_queued);
  const std::vector<uint8_t> answer = w.pair.client_to_server();
  EXPECT_EQ(w.open_all(Role::client, answer), std::vector<std::vector<uint8_t>>{kCloseNotify});
  EXPECT_EQ(w.client().write_state(), WriteState::close_notify_sent);
  EXPECT_EQ(w.server().read_state(), ReadState::close_notify_received);
  EXPECT_TRUE(w.server().pending_output().empty());
}

// Records already sealed (in pending_output(), not yet taken) go before
// the answer: they have their sequence numbers (config.h); after the
// answer nothing more can be written (RFC 5246 section 7.2.1's pending
// writes are discarded).
TEST(Tls12Shutdown, SealedDataGoesBeforeTheAnswer) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.server().write(bytes("sealed ")), Error::none);
  ASSERT_EQ(w.server().write(bytes("before")), Error::none);
  ASSERT_EQ(w.client().close(), Error::none);
  w.pair.client_to_server();
  EXPECT_EQ(w.server().write_state(), WriteState::close_notify_queued);
  EXPECT_EQ(w.server().write(bytes("after")), Error::write_after_close);
  const std::vector<uint8_t> out = take_output(w.server());
  EXPECT_EQ(w.open_all(Role::server, out),
            (std::vector<std::vector<uint8_t>>{bytes("sealed "), bytes("before"), kCloseNotify}));
  EXPECT_EQ(w.server().write_state(), WriteState::close_notify_sent);
  ASSERT_EQ(w.client().receive(out), Error::none);
  EXPECT_EQ(w.pair.read_all(w.client()), "sealed before");
  uint8_t buf[32];
  EXPECT_EQ(w.client().read(buf).status, ReadStatus::closed);
  EXPECT_EQ(w.client().error(), Error::none);
}

// A record the transport has started to take is completed before the answer.
TEST(Tls12Shutdown, RecordTheTransportStartedIsCompleted) {
  for (size_t taken : {size_t{1}, size_t{3}, size_t{5}, size_t{20}, size_t{40}}) {
    Watched w = watched12();
    ASSERT_TRUE(w.ghost);
    ASSERT_EQ(w.server().write(bytes("first record")), Error::none);
    const size_t first_size = w.server().pending_output().size();
    ASSERT_LT(taken, first_size);
    const std::vector<uint8_t> start = take_output(w.server(), taken);
    ASSERT_EQ(w.client().close(), Error::none);
    ASSERT_EQ(w.server().receive(take_output(w.client())), Error::none);
    EXPECT_EQ(w.server().write_state(), WriteState::close_notify_queued);
    const std::vector<uint8_t> rest = take_output(w.server());
    EXPECT_EQ(rest.size(), first_size - taken + alert_size(w)) << taken;
    const std::vector<uint8_t> wire = concat({start, rest});
    const std::vector<std::vector<uint8_t>> opened = w.open_all(Role::server, wire);
    ASSERT_EQ(opened.size(), 2u);
    EXPECT_EQ(text(opened[0]), "first record");
    EXPECT_EQ(opened[1], kCloseNotify);
    ASSERT_EQ(w.client().receive(wire), Error::none);
    EXPECT_EQ(w.pair.read_all(w.client()), "first record");
    EXPECT_EQ(w.client().read_state(), ReadState::close_notify_received);
  }
}

// ...and the records behind it follow, then the answer.
TEST(Tls12Shutdown, RecordsBehindTheStartedOneFollow) {
  for (size_t taken : {size_t{1}, size_t{5}, size_t{40}}) {
    Watched w = watched12();
    ASSERT_TRUE(w.ghost);
    ASSERT_EQ(w.server().write(bytes("first record")), Error::none);
    ASSERT_EQ(w.server().write(bytes("second record")), Error::none);
    const size_t both = w.server().pending_output().size();
    const std::vector<uint8_t> start = take_output(w.server(), taken);
    ASSERT_EQ(w.client().close(), Error::none);
    ASSERT_EQ(w.server().receive(take_output(w.client())), Error::none);
    const std::vector<uint8_t> rest = take_output(w.server());
    EXPECT_EQ(rest.size(), both - taken + alert_size(w)) << taken;
    const std::vector<uint8_t> wire = concat({start, rest});
    EXPECT_EQ(w.open_all(Role::server, wire),
              (std::vector<std::vector<uint8_t>>{bytes("first record"), bytes("second record"),
                                                 kCloseNotify}));
    ASSERT_EQ(w.client().receive(wire), Error::none);
    EXPECT_EQ(w.pair.read_all(w.client()), "first recordsecond record");
    EXPECT_EQ(w.client().read_state(), ReadState::close_notify_received);
  }
}

// Data that went out through write_into() was taken at once: the answer
// follows it.
TEST(Tls12Shutdown, WriteIntoDataIsAlreadySent) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> data = bytes("zero-copy");
  std::vector<uint8_t> sealed(w.server().write_into_size(data.size()));
  size_t written = 0;
  ASSERT_EQ(w.server().write_into(data, sealed, written), Error::none);
  ASSERT_EQ(w.client().close(), Error::none);
  ASSERT_EQ(w.server().receive(take_output(w.client())), Error::none);
  ASSERT_EQ(w.client().receive(concat({sealed, take_output(w.server())})), Error::none);
  EXPECT_EQ(w.pair.read_all(w.client()), "zero-copy");
  EXPECT_EQ(w.client().read_state(), ReadState::close_notify_received);
}

// Both sides close at once: each close_notify crosses the other and neither
// is answered again.
TEST(Tls12Shutdown, CrossingCloseNotifies) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.client().close(), Error::none);
  ASSERT_EQ(w.server().close(), Error::none);
  const std::vector<uint8_t> from_client = take_output(w.client());
  const std::vector<uint8_t> from_server = take_output(w.server());
  ASSERT_EQ(w.server().receive(from_client), Error::none);
  ASSERT_EQ(w.client().receive(from_server), Error::none);
  EXPECT_TRUE(w.client().pending_output().empty());
  EXPECT_TRUE(w.server().pending_output().empty());
  for (Connection* side : {&w.client(), &w.server()}) {
    EXPECT_EQ(side->read_state(), ReadState::close_notify_received);
    EXPECT_EQ(side->write_state(), WriteState::close_notify_sent);
    EXPECT_EQ(side->error(), Error::none);
  }
}

// Data before the peer's close_notify is read before the end.
TEST(Tls12Shutdown, DataBeforeCloseNotifyIsReadFirst) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.client().write(bytes("last words")), Error::none);
  ASSERT_EQ(w.client().close(), Error::none);
  w.pair.client_to_server();
  EXPECT_EQ(w.server().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(w.server().write_state(), WriteState::close_notify_queued);
  EXPECT_EQ(w.pair.read_all(w.server()), "last words");
  uint8_t buf[4];
  EXPECT_EQ(w.server().read(buf).status, ReadStatus::closed);
}

// Anything after the peer's close_notify is never delivered.
TEST(Tls12Shutdown, RecordsAfterCloseNotifyAreIgnored) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> wire =
      concat({w.ghost->seal(Role::client, kAlertRecord, kCloseNotify),
              w.ghost->seal(Role::client, kApplicationData, bytes("after the end"))});
  ASSERT_EQ(w.server().receive(wire), Error::none);
  EXPECT_EQ(w.server().pending_plaintext(), 0u);
  EXPECT_EQ(w.server().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(w.server().error(), Error::none);
}

// --- Tls12CloseNotify::half_close: only the read side closes -------------------

TEST(Tls12Shutdown, HalfCloseKeepsWriting) {
  Watched w = watched12(nullptr, half_closing(server_config12()));
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.server().write(bytes("pending ")), Error::none);  // not taken yet
  ASSERT_EQ(w.client().close(), Error::none);
  ASSERT_EQ(w.server().receive(take_output(w.client())), Error::none);
  EXPECT_EQ(w.server().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(w.server().write_state(), WriteState::open);  // not answered
  ASSERT_EQ(w.server().write(bytes("and more")), Error::none);
  ASSERT_EQ(w.server().close(), Error::none);
  const std::vector<uint8_t> out = take_output(w.server());
  const std::vector<std::vector<uint8_t>> opened = w.open_all(Role::server, out);
  ASSERT_EQ(opened.size(), 3u);  // nothing was dropped
  EXPECT_EQ(opened[2], kCloseNotify);
  ASSERT_EQ(w.client().receive(out), Error::none);
  EXPECT_EQ(w.pair.read_all(w.client()), "pending and more");
  EXPECT_EQ(w.client().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(w.server().write_state(), WriteState::close_notify_sent);
  EXPECT_EQ(w.server().error(), Error::none);
}

TEST(Tls12Shutdown, HalfCloseOnTheClient) {
  Watched w = watched12(half_closing(client_config12()), nullptr);
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.server().close(), Error::none);
  w.pair.server_to_client();
  EXPECT_EQ(w.client().read_state(), ReadState::close_notify_received);
  EXPECT_EQ(w.client().write_state(), WriteState::open);
  EXPECT_TRUE(w.client().pending_output().empty());
  ASSERT_EQ(w.client().write(bytes("request body")), Error::none);
  w.pair.client_to_server();
  EXPECT_EQ(w.pair.read_all(w.server()), "request body");
}

// --- truncation -------------------------------------------------------------------

TEST(Tls12Shutdown, EofWithoutCloseNotifyIsTruncationAfterTheData) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.server().write(bytes("partial")), Error::none);
  w.pair.server_to_client();
  w.client().receive_eof();
  EXPECT_EQ(w.client().read_state(), ReadState::open);  // data still waits
  EXPECT_EQ(w.pair.read_all(w.client()), "partial");
  uint8_t buf[8];
  EXPECT_EQ(w.client().read(buf).status, ReadStatus::truncated);
  EXPECT_EQ(w.client().read_state(), ReadState::truncated);
  EXPECT_TRUE(w.client().pending_output().empty());  // a truncation is not answered
  EXPECT_EQ(w.client().write_state(), WriteState::open);
}

TEST(Tls12Shutdown, EofInsideARecordIsTruncation) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.server().write(bytes("cut short")), Error::none);
  const std::vector<uint8_t> rec = take_output(w.server());
  w.client().receive(std::span<const uint8_t>(rec).first(rec.size() - 1));
  w.client().receive_eof();
  uint8_t buf[16];
  EXPECT_EQ(w.client().read(buf).status, ReadStatus::truncated);
}

TEST(Tls12Shutdown, EofInTheHandshakeIsTruncated) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  const std::vector<uint8_t> flight = take_output(*p.server);
  p.client->receive(std::span<const uint8_t>(flight).first(flight.size() / 2));
  p.client->receive_eof();
  EXPECT_EQ(p.client->error(), Error::truncated);
  EXPECT_EQ(p.client->read_state(), ReadState::truncated);
  EXPECT_FALSE(p.client->handshake_done());
}

// --- fatal alerts ------------------------------------------------------------------

TEST(Tls12Shutdown, FatalAlertFromTheClient) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  w.client().abort(Alert::internal_error);
  EXPECT_EQ(w.client().write_state(), WriteState::fatal_alert_sent);
  EXPECT_EQ(w.client().error(), Error::aborted);
  const std::vector<uint8_t> alert = take_output(w.client());
  EXPECT_EQ(w.open_all(Role::client, alert), (std::vector<std::vector<uint8_t>>{{2, 80}}));
  ASSERT_EQ(w.server().receive(alert), Error::peer_alert);
  EXPECT_EQ(w.server().read_state(), ReadState::fatal_alert_received);
  EXPECT_EQ(w.server().alert_received(), Alert::internal_error);
  EXPECT_FALSE(w.server().alert_sent().has_value());
  EXPECT_TRUE(w.server().pending_output().empty());  // a fatal alert is not answered
  EXPECT_EQ(w.server().write(bytes("x")), Error::peer_alert);
  uint8_t buf[4];
  EXPECT_EQ(w.server().read(buf).status, ReadStatus::error);
}

TEST(Tls12Shutdown, FatalAlertFromTheServer) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.server().write(bytes("before the end")), Error::none);
  w.server().abort(Alert::access_denied);
  const std::vector<uint8_t> wire = take_output(w.server());
  const std::vector<std::vector<uint8_t>> opened = w.open_all(Role::server, wire);
  ASSERT_EQ(opened.size(), 2u);
  EXPECT_EQ(opened[1], (std::vector<uint8_t>{2, 49}));
  EXPECT_EQ(w.client().receive(wire), Error::peer_alert);
  EXPECT_EQ(w.client().alert_received(), Alert::access_denied);
  EXPECT_EQ(w.client().read_state(), ReadState::fatal_alert_received);
  // Data decrypted before the alert is still read.
  EXPECT_EQ(w.pair.read_all(w.client()), "before the end");
}

// A protocol error found by a side: its fatal alert goes out under its keys.
TEST(Tls12Shutdown, CorruptRecordIsBadRecordMac) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_EQ(w.client().write(bytes("tampered")), Error::none);
  std::vector<uint8_t> rec = take_output(w.client());
  rec[rec.size() - 20] ^= 0x80;  // inside the ciphertext
  EXPECT_EQ(w.server().receive(rec), Error::bad_record_mac);
  EXPECT_EQ(w.server().alert_sent(), Alert::bad_record_mac);
  EXPECT_EQ(w.server().read_state(), ReadState::error);
  EXPECT_EQ(w.server().write_state(), WriteState::fatal_alert_sent);
  const std::vector<uint8_t> alert = take_output(w.server());
  EXPECT_EQ(w.open_all(Role::server, alert), (std::vector<std::vector<uint8_t>>{{2, 20}}));
  EXPECT_EQ(w.client().receive(alert), Error::peer_alert);
  EXPECT_EQ(w.client().alert_received(), Alert::bad_record_mac);
}

// A close_notify at fatal level is a fatal alert (RFC 5246 section 7.2: the
// level decides; as OpenSSL).
TEST(Tls12Shutdown, FatalLevelCloseNotifyIsFatal) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> fatal_close = {2, 0};
  EXPECT_EQ(w.server().receive(w.ghost->seal(Role::client, kAlertRecord, fatal_close)),
            Error::peer_alert);
  EXPECT_EQ(w.server().read_state(), ReadState::fatal_alert_received);
  EXPECT_EQ(w.server().alert_received(), Alert::close_notify);
  EXPECT_TRUE(w.server().pending_output().empty());  // not answered
  uint8_t buf[4];
  EXPECT_EQ(w.server().read(buf).status, ReadStatus::error);
}

// --- warnings ---------------------------------------------------------------------

// Warning alerts other than close_notify change nothing (RFC 5246 section 7.2).
TEST(Tls12Shutdown, WarningAlertsAreIgnored) {
  for (uint8_t description : {90 /* user_canceled */, 42 /* bad_certificate */,
                              45 /* certificate_expired */, 200 /* unassigned */}) {
    Watched w = watched12();
    ASSERT_TRUE(w.ghost);
    const std::vector<uint8_t> warning = {1, description};
    const std::vector<uint8_t> wire =
        concat({w.ghost->seal(Role::client, kAlertRecord, warning),
                w.ghost->seal(Role::client, kApplicationData, bytes("still here"))});
    ASSERT_EQ(w.server().receive(wire), Error::none) << int{description};
    EXPECT_EQ(w.pair.read_all(w.server()), "still here");
    EXPECT_EQ(w.server().read_state(), ReadState::open);
    EXPECT_EQ(w.server().write_state(), WriteState::open);
    EXPECT_TRUE(w.server().pending_output().empty());
    // The server's direction is untouched too.
    ASSERT_EQ(w.server().write(bytes("answer")), Error::none);
    w.pair.server_to_client();
    EXPECT_EQ(w.pair.read_all(w.client()), "answer");
  }
}

// Five warnings in a row end the connection with unexpected_message (as
// OpenSSL); any other record in between starts the count again.
TEST(Tls12Shutdown, FiveConsecutiveWarningsEndTheConnection) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> warning = {1, 90};
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(w.server().receive(w.ghost->seal(Role::client, kAlertRecord, warning)), Error::none);
  }
  ASSERT_EQ(w.server().receive(w.ghost->seal(Role::client, kApplicationData, bytes("reset"))),
            Error::none);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(w.server().receive(w.ghost->seal(Role::client, kAlertRecord, warning)), Error::none)
        << i;
  }
  EXPECT_EQ(w.pair.read_all(w.server()), "reset");
  EXPECT_EQ(w.server().receive(w.ghost->seal(Role::client, kAlertRecord, warning)),
            Error::unexpected_message);
  EXPECT_EQ(w.server().alert_sent(), Alert::unexpected_message);
  EXPECT_EQ(w.server().write_state(), WriteState::fatal_alert_sent);
  EXPECT_EQ(w.open_all(Role::server, take_output(w.server())),
            (std::vector<std::vector<uint8_t>>{{2, 10}}));
}

// A warning no_renegotiation answers a renegotiation we never start: it
// ends the connection with handshake_failure (as OpenSSL).
TEST(Tls12Shutdown, WarningNoRenegotiationIsRefused) {
  for (Role receiver : {Role::server, Role::client}) {
    Watched w = watched12();
    ASSERT_TRUE(w.ghost);
    const Role sender = receiver == Role::server ? Role::client : Role::server;
    Connection& side = receiver == Role::server ? w.server() : w.client();
    const std::vector<uint8_t> no_renegotiation = {1, 100};
    EXPECT_EQ(side.receive(w.ghost->seal(sender, kAlertRecord, no_renegotiation)),
              Error::handshake_failure);
    EXPECT_EQ(side.alert_sent(), Alert::handshake_failure);
    EXPECT_EQ(side.alert_received(), Alert::no_renegotiation);
    EXPECT_EQ(w.open_all(receiver, take_output(side)),
              (std::vector<std::vector<uint8_t>>{{2, 40}}));
  }
}

// Warnings during the handshake are ignored too: a server sends
// unrecognized_name as a warning before its ServerHello when it has no
// certificate for the name (RFC 6066 section 3; OpenSSL servers do), and a
// client that offered TLS 1.2 only knows the version it speaks.
TEST(Tls12Shutdown, WarningBeforeTheServerHelloIsIgnored) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  const std::vector<uint8_t> warning = {21, 3, 3, 0, 2, 1, 112};
  ASSERT_EQ(p.client->receive(concat({warning, take_output(*p.server)})), Error::none);
  p.pump();
  EXPECT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->version(), kTls12);
}

// Once the version is TLS 1.2, a warning in the handshake changes nothing.
TEST(Tls12Shutdown, WarningDuringTheHandshakeIsIgnored) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  const std::vector<uint8_t> warning = {21, 3, 3, 0, 2, 1, 112};
  ASSERT_EQ(p.server->receive(warning), Error::none);  // the server chose TLS 1.2
  p.server_to_client();
  ASSERT_EQ(p.client->receive(warning), Error::none);  // after the ServerHello
  p.pump();
  EXPECT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
}

// --- close() during the handshake (user_canceled, then close_notify) ---------------

TEST(Tls12Shutdown, ClientCloseAfterItsHello) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  ASSERT_EQ(p.client->close(), Error::none);
  const std::vector<uint8_t> alerts = take_output(*p.client);
  // Both warnings, in the clear: no keys yet.
  const std::vector<uint8_t> expected = {21, 3, 3, 0, 2, 1, 90, 21, 3, 3, 0, 2, 1, 0};
  EXPECT_EQ(alerts, expected);
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_sent);
  EXPECT_EQ(p.client->write(bytes("x")), Error::write_after_close);
  ASSERT_EQ(p.server->receive(alerts), Error::none);
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.server->alert_received(), Alert::close_notify);
  EXPECT_FALSE(p.server->handshake_done());
  EXPECT_EQ(p.server->error(), Error::none);
  // The server's flight is then ignored by the client.
  p.server_to_client();
  EXPECT_FALSE(p.client->handshake_done());
  EXPECT_EQ(p.client->error(), Error::none);
  EXPECT_TRUE(p.client->pending_output().empty());
}

TEST(Tls12Shutdown, ServerCloseAfterItsFlight) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  ASSERT_EQ(p.server->close(), Error::none);
  EXPECT_FALSE(p.server->handshake_done());
  const std::vector<uint8_t> wire = take_output(*p.server);
  const std::vector<WireRecord> records = split_records(wire);
  ASSERT_GE(records.size(), 3u);
  EXPECT_EQ(records[records.size() - 2].body, (std::vector<uint8_t>{1, 90}));
  EXPECT_EQ(records.back().body, kCloseNotify);
  ASSERT_EQ(p.client->receive(wire), Error::none);
  EXPECT_EQ(p.client->read_state(), ReadState::close_notify_received);
  EXPECT_FALSE(p.client->handshake_done());  // the server's Finished never comes
  EXPECT_EQ(p.client->error(), Error::none);
  uint8_t buf[4];
  EXPECT_EQ(p.client->read(buf).status, ReadStatus::closed);
  // The client's last flight (ClientKeyExchange, ChangeCipherSpec, Finished)
  // is followed by the server, which answers nothing and keeps no session;
  // the client's own close (under its new keys) is read.
  ASSERT_EQ(p.server->receive(take_output(*p.client)), Error::none);
  EXPECT_EQ(p.server->read_state(), ReadState::open);
  EXPECT_TRUE(p.server->pending_output().empty());
  ASSERT_EQ(p.client->close(), Error::none);
  ASSERT_EQ(p.server->receive(take_output(*p.client)), Error::none);
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.server->error(), Error::none);
  EXPECT_FALSE(p.server->handshake_done());
  EXPECT_TRUE(p.server->pending_output().empty());
  EXPECT_EQ(p.server->session(), nullptr);
}

// The client closes after its Finished, before the server's: the alerts go
// under its new keys; the server completes, then answers the close_notify;
// the client follows the server's ChangeCipherSpec (and skips its ticket,
// if any) to read that close_notify.
void client_close_after_its_finished(bool tickets) {
  KeyLog log;
  auto ccfg = client_config12();
  log.attach(*ccfg);
  auto scfg = server_config12();
  scfg->set_resumption(tickets);
  Pair p(ccfg, scfg);
  p.client_to_server();
  const std::vector<uint8_t> server_flight = p.server_to_client();
  ASSERT_FALSE(p.client->handshake_done());
  ASSERT_EQ(p.client->close(), Error::none);
  const std::vector<uint8_t> wire = take_output(*p.client);
  const std::vector<WireRecord> records = split_records(wire);
  ASSERT_EQ(records.size(), 5u);  // ClientKeyExchange, CCS, Finished, two alerts
  Ghost ghost = Ghost::from(log, server_flight, p.client->cipher_suite());
  ghost.seq[static_cast<int>(Role::client)] = 1;
  EXPECT_EQ(ghost.open(Role::client, records[3]), (std::vector<uint8_t>{1, 90}));
  EXPECT_EQ(ghost.open(Role::client, records[4]), kCloseNotify);

  ASSERT_EQ(p.server->receive(wire), Error::none);
  EXPECT_TRUE(p.server->handshake_done());
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.server->write_state(), WriteState::close_notify_queued);
  ASSERT_EQ(p.client->receive(take_output(*p.server)), Error::none);
  EXPECT_FALSE(p.client->handshake_done());  // abandoned for good
  EXPECT_EQ(p.client->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.client->error(), Error::none);
  EXPECT_TRUE(p.client->pending_output().empty());
  EXPECT_EQ(p.client->session(), nullptr);  // nothing kept from an abandoned handshake
}

TEST(Tls12Shutdown, ClientCloseAfterItsFinished) {
  client_close_after_its_finished(false);
}

TEST(Tls12Shutdown, ClientCloseAfterItsFinishedWithATicket) {
  client_close_after_its_finished(true);
}

}  // namespace
}  // namespace adieu::test
