// The connection's end, direction by direction (ARCHITECTURE.md, RFC 8446
// section 6.1): every path asserts the bytes on the wire and both states.
#include <gtest/gtest.h>

#include "engine/testing.h"
#include "pair.h"

namespace adieu::test {
namespace {

// TLS 1.3 close_notify: 5-byte header + alert (2) + inner type (1) + tag (16).
constexpr size_t kCloseNotifySize = 24;  // also the size of any TLS 1.3 alert

TEST(Shutdown, ClientFirstBidirectional) {
  Pair p = connected();
  EXPECT_EQ(p.client->write_state(), WriteState::open);
  ASSERT_EQ(p.client->close(), Error::none);
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_queued);
  ASSERT_EQ(p.client->pending_output().size(), kCloseNotifySize);
  std::vector<uint8_t> alert = take_output(*p.client);
  EXPECT_EQ(alert[0], 23);  // the alert hides inside application_data
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_sent);
  EXPECT_EQ(p.client->read_state(), ReadState::open);

  p.server->receive(alert);
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.server->write_state(), WriteState::open);  // never answered automatically
  EXPECT_TRUE(p.server->pending_output().empty());
  uint8_t buf[16];
  EXPECT_EQ(p.server->read(buf).status, ReadStatus::closed);
  EXPECT_EQ(p.server->read(buf).status, ReadStatus::closed);  // repeatable

  // Half-close: the server still writes, the client still reads.
  ASSERT_EQ(p.server->write(bytes("last words")), Error::none);
  ASSERT_EQ(p.server->close(), Error::none);
  p.server_to_client();
  EXPECT_EQ(p.read_all(*p.client), "last words");
  EXPECT_EQ(p.client->read(buf).status, ReadStatus::closed);
  EXPECT_EQ(p.client->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_sent);
  EXPECT_EQ(p.server->write_state(), WriteState::close_notify_sent);
  EXPECT_EQ(p.client->error(), Error::none);
  EXPECT_EQ(p.server->error(), Error::none);
}

TEST(Shutdown, ServerFirstBidirectional) {
  Pair p = connected();
  ASSERT_EQ(p.server->close(), Error::none);
  EXPECT_EQ(p.server_to_client().size(), kCloseNotifySize);
  EXPECT_EQ(p.client->read_state(), ReadState::close_notify_received);
  ASSERT_EQ(p.client->write(bytes("after server close")), Error::none);
  ASSERT_EQ(p.client->close(), Error::none);
  p.client_to_server();
  EXPECT_EQ(p.read_all(*p.server), "after server close");
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
}

TEST(Shutdown, CloseIsIdempotent) {
  Pair p = connected();
  ASSERT_EQ(p.client->close(), Error::none);
  ASSERT_EQ(p.client->close(), Error::none);
  EXPECT_EQ(p.client->pending_output().size(), kCloseNotifySize);
  take_output(*p.client);
  ASSERT_EQ(p.client->close(), Error::none);
  EXPECT_TRUE(p.client->pending_output().empty());
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_sent);
}

TEST(Shutdown, WriteAfterCloseIsMisuseAndSendsNothing) {
  Pair p = connected();
  ASSERT_EQ(p.client->close(), Error::none);
  take_output(*p.client);
  EXPECT_EQ(p.client->write(bytes("late")), Error::write_after_close);
  EXPECT_EQ(p.client->key_update(false), Error::write_after_close);
  EXPECT_TRUE(p.client->pending_output().empty());
  EXPECT_EQ(p.client->error(), Error::none);  // misuse is not a connection failure
}

TEST(Shutdown, WriteKeysWipedWhenTheDirectionCloses) {
  Pair p = connected();
  EXPECT_TRUE(testing::ConnectionProbe::write_keys_installed(*p.client));
  ASSERT_EQ(p.client->close(), Error::none);
  EXPECT_FALSE(testing::ConnectionProbe::write_keys_installed(*p.client));
  EXPECT_TRUE(testing::ConnectionProbe::read_keys_installed(*p.client));  // still reading
  p.client_to_server();
  EXPECT_FALSE(testing::ConnectionProbe::read_keys_installed(*p.server));
}

TEST(Shutdown, EofWithoutCloseNotifyIsTruncationAfterBufferedData) {
  Pair p = connected();
  ASSERT_EQ(p.server->write(bytes("partial answer")), Error::none);
  p.server_to_client();
  p.client->receive_eof();
  // The data decrypted before the end is delivered first...
  EXPECT_EQ(p.client->read_state(), ReadState::open);
  EXPECT_EQ(p.read_all(*p.client), "partial answer");
  // ...then the end is reported as what it is.
  uint8_t buf[8];
  EXPECT_EQ(p.client->read(buf).status, ReadStatus::truncated);
  EXPECT_EQ(p.client->read_state(), ReadState::truncated);
  EXPECT_NE(p.client->read(buf).status, ReadStatus::closed);
}

TEST(Shutdown, EofInsideARecordIsTruncation) {
  Pair p = connected();
  ASSERT_EQ(p.server->write(bytes("0123456789")), Error::none);
  std::vector<uint8_t> rec = take_output(*p.server);
  p.client->receive(std::span<const uint8_t>(rec.data(), rec.size() - 1));
  p.client->receive_eof();
  uint8_t buf[16];
  EXPECT_EQ(p.client->read(buf).status, ReadStatus::truncated);
}

TEST(Shutdown, EofAfterCloseNotifyIsACleanEnd) {
  Pair p = connected();
  ASSERT_EQ(p.server->close(), Error::none);
  p.server_to_client();
  p.client->receive_eof();
  EXPECT_EQ(p.client->read_state(), ReadState::close_notify_received);
  uint8_t buf[8];
  EXPECT_EQ(p.client->read(buf).status, ReadStatus::closed);
}

TEST(Shutdown, BytesAfterCloseNotifyAreNeverDelivered) {
  Pair p = connected();
  ASSERT_EQ(p.server->write(bytes("before")), Error::none);
  ASSERT_EQ(p.server->close(), Error::none);
  std::vector<uint8_t> wire = take_output(*p.server);
  // Anything after the close_notify, even garbage, is ignored.
  const uint8_t junk[] = {23, 3, 3, 0, 5, 1, 2, 3, 4, 5, 0xff, 0xff};
  wire.insert(wire.end(), std::begin(junk), std::end(junk));
  p.client->receive(wire);
  EXPECT_EQ(p.read_all(*p.client), "before");
  EXPECT_EQ(p.client->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.client->error(), Error::none);
  EXPECT_EQ(p.client->receive(junk), Error::none);
  EXPECT_EQ(p.read_all(*p.client), "");
}

TEST(Shutdown, TicketsAndKeyUpdateWhileWaitingForCloseNotify) {
  Pair p;
  p.client_to_server();
  p.server_to_client();
  p.client_to_server();  // server done; its tickets are pending
  ASSERT_TRUE(p.client->handshake_done());
  ASSERT_EQ(p.client->close(), Error::none);  // close before reading the tickets
  p.client_to_server();
  ASSERT_EQ(p.server->key_update(true), Error::none);
  ASSERT_EQ(p.server->close(), Error::none);
  p.server_to_client();
  EXPECT_EQ(p.client->error(), Error::none);
  EXPECT_EQ(p.client->tickets_received(), 2u);
  EXPECT_EQ(p.client->key_updates_received(), 1u);
  EXPECT_EQ(p.client->key_updates_sent(), 0u);  // our write side is closed: no answer
  EXPECT_TRUE(p.client->pending_output().empty());
  EXPECT_EQ(p.client->read_state(), ReadState::close_notify_received);
}

TEST(Shutdown, KeyUpdateRequestIsAnsweredWhileOpen) {
  Pair p = connected();
  ASSERT_EQ(p.client->key_update(true), Error::none);
  p.pump();
  EXPECT_EQ(p.server->key_updates_received(), 1u);
  EXPECT_EQ(p.server->key_updates_sent(), 1u);
  EXPECT_EQ(p.client->key_updates_received(), 1u);
  ASSERT_EQ(p.client->write(bytes("new keys")), Error::none);
  ASSERT_EQ(p.server->write(bytes("both ways")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "new keys");
  EXPECT_EQ(p.read_all(*p.client), "both ways");
}

TEST(Shutdown, ServerCloseDuringHandshakeAbandonsIt) {
  Pair p;
  p.client_to_server();  // ClientHello; the server's whole flight is queued
  ASSERT_EQ(p.server->close(), Error::none);
  EXPECT_EQ(p.server->write_state(), WriteState::close_notify_queued);
  EXPECT_FALSE(p.server->handshake_done());
  // The flight, then user_canceled and close_notify under the handshake keys.
  p.server_to_client();
  EXPECT_TRUE(p.client->handshake_done());  // the flight itself was complete
  EXPECT_EQ(p.client->alert_received(), Alert::close_notify);
  EXPECT_EQ(p.client->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.client->error(), Error::none);
  // The client's Finished is verified and followed (its keys lead to what
  // comes next) but answered with nothing: no tickets, and the server's
  // handshake never counts as done.
  ASSERT_EQ(p.client->write(bytes("dropped")), Error::none);
  ASSERT_EQ(p.client->close(), Error::none);
  p.client_to_server();
  EXPECT_FALSE(p.server->handshake_done());
  EXPECT_EQ(p.server->error(), Error::none);
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
  EXPECT_TRUE(p.server->pending_output().empty());
  uint8_t buf[16];
  EXPECT_EQ(p.server->read(buf).status, ReadStatus::closed);  // the data was dropped
  EXPECT_EQ(p.server->write(bytes("x")), Error::write_after_close);
}

TEST(Shutdown, ServerCloseDuringHandshakeStillChecksTheClientFinished) {
  Pair p;
  p.client_to_server();
  ASSERT_EQ(p.server->close(), Error::none);
  p.server_to_client();
  std::vector<uint8_t> finished = take_output(*p.client);
  ASSERT_GT(finished.size(), 6u);
  finished.back() ^= 1;  // the record's tag
  EXPECT_EQ(p.server->receive(finished), Error::bad_record_mac);
  EXPECT_TRUE(p.server->pending_output().empty());  // no alert after close_notify
}

TEST(Shutdown, ClientCloseBeforeAnyAnswerIsPlaintext) {
  Pair p;
  std::vector<uint8_t> hello = take_output(*p.client);
  ASSERT_EQ(p.client->close(), Error::none);
  std::vector<uint8_t> alerts = take_output(*p.client);
  // user_canceled (warning) then close_notify (warning), unprotected.
  const std::vector<uint8_t> expected = {21, 3, 3, 0, 2, 1, 90, 21, 3, 3, 0, 2, 1, 0};
  EXPECT_EQ(alerts, expected);
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_sent);
}

// A client that leaves before the server's flight arrives has no keys: its
// alerts come in plaintext, and the server, which already reads under the
// handshake keys, takes them as the client's.
TEST(Shutdown, PlaintextCloseFromAClientWithoutKeys) {
  Pair p;
  p.client_to_server();  // ClientHello; the server now reads under handshake keys
  ASSERT_EQ(p.client->close(), Error::none);
  ASSERT_EQ(p.server->receive(take_output(*p.client)), Error::none);
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.server->alert_received(), Alert::close_notify);
  EXPECT_EQ(p.server->error(), Error::none);
}

TEST(Shutdown, PlaintextFatalAlertDuringTheHandshakeIsThePeers) {
  Pair p;
  p.client_to_server();
  take_output(*p.server);  // the server's flight, never delivered
  const std::vector<uint8_t> alert = {21, 3, 3, 0, 2, 2, 40};  // handshake_failure
  EXPECT_EQ(p.server->receive(alert), Error::peer_alert);
  EXPECT_EQ(p.server->read_state(), ReadState::fatal_alert_received);
  EXPECT_EQ(p.server->alert_received(), Alert::handshake_failure);
  EXPECT_TRUE(p.server->pending_output().empty());  // nothing answers a fatal alert
}

TEST(Shutdown, PlaintextAlertAfterAProtectedRecordIsRefused) {
  Pair p;
  p.pump();
  ASSERT_TRUE(p.server->handshake_done());
  const std::vector<uint8_t> alert = {21, 3, 3, 0, 2, 1, 0};
  EXPECT_EQ(p.server->receive(alert), Error::unexpected_message);
}

TEST(Shutdown, FatalAlertEndsBothDirectionsAndCloseSendsNothing) {
  Pair p = connected();
  ASSERT_EQ(p.server->write(bytes("data")), Error::none);
  std::vector<uint8_t> rec = take_output(*p.server);
  rec.back() ^= 1;  // break the tag
  EXPECT_EQ(p.client->receive(rec), Error::bad_record_mac);
  EXPECT_EQ(p.client->write_state(), WriteState::fatal_alert_sent);
  EXPECT_EQ(p.client->read_state(), ReadState::error);
  EXPECT_EQ(p.client->alert_sent(), Alert::bad_record_mac);
  p.client_to_server();
  EXPECT_EQ(p.server->read_state(), ReadState::fatal_alert_received);
  EXPECT_EQ(p.server->alert_received(), Alert::bad_record_mac);
  EXPECT_EQ(p.server->error(), Error::peer_alert);
  // Sticky: every later call reports the same error, nothing more is sent.
  EXPECT_EQ(p.client->close(), Error::bad_record_mac);
  EXPECT_EQ(p.client->write(bytes("x")), Error::bad_record_mac);
  EXPECT_TRUE(p.client->pending_output().empty());
  uint8_t buf[4];
  EXPECT_EQ(p.client->read(buf).status, ReadStatus::error);
  EXPECT_EQ(p.server->write(bytes("x")), Error::peer_alert);
}

TEST(Shutdown, NoAlertAfterOurCloseNotify) {
  Pair p = connected();
  ASSERT_EQ(p.client->close(), Error::none);
  take_output(*p.client);
  ASSERT_EQ(p.server->write(bytes("data")), Error::none);
  std::vector<uint8_t> rec = take_output(*p.server);
  rec.back() ^= 1;
  EXPECT_EQ(p.client->receive(rec), Error::bad_record_mac);
  EXPECT_TRUE(p.client->pending_output().empty());  // no alert after close_notify
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_sent);
  EXPECT_EQ(p.client->read_state(), ReadState::error);
}

TEST(Shutdown, CutAtEveryPositionOfTheLastRecords) {
  Pair ref = connected();
  ASSERT_EQ(ref.server->write(bytes("tail")), Error::none);
  ASSERT_EQ(ref.server->close(), Error::none);
  size_t total = ref.server->pending_output().size();
  for (size_t cut = 0; cut <= total; ++cut) {
    Pair p = connected();
    ASSERT_EQ(p.server->write(bytes("tail")), Error::none);
    ASSERT_EQ(p.server->close(), Error::none);
    std::vector<uint8_t> wire = take_output(*p.server);
    p.client->receive(std::span<const uint8_t>(wire.data(), cut));
    p.client->receive_eof();
    std::string got = p.read_all(*p.client);
    uint8_t buf[4];
    ReadStatus end = p.client->read(buf).status;
    if (cut == total) {
      EXPECT_EQ(end, ReadStatus::closed);
      EXPECT_EQ(got, "tail");
    } else {
      EXPECT_EQ(end, ReadStatus::truncated) << cut;
      EXPECT_TRUE(got.empty() || got == "tail") << cut;
    }
  }
}

TEST(Shutdown, IdleConnectionHoldsNoRecordBuffers) {
  Pair p = connected();
  auto expect_idle = [](Connection& c) {
    EXPECT_EQ(testing::ConnectionProbe::input_buffer(c).capacity(), 0u);
    EXPECT_EQ(testing::ConnectionProbe::plaintext_buffer(c).capacity(), 0u);
    EXPECT_EQ(testing::ConnectionProbe::output_buffer(c).capacity(), 0u);
  };
  expect_idle(*p.client);
  expect_idle(*p.server);
  // Once the data has crossed and been read, the buffers are given back.
  ASSERT_EQ(p.client->write(std::vector<uint8_t>(40000, 'x')), Error::none);
  p.client_to_server();
  EXPECT_EQ(p.read_all(*p.server).size(), 40000u);
  expect_idle(*p.client);
  expect_idle(*p.server);
}

}  // namespace
}  // namespace adieu::test

namespace adieu::test {
namespace {

TEST(Shutdown, AbortSendsTheGivenAlertOnce) {
  Pair p = connected();
  p.client->abort(Alert::decode_error);
  EXPECT_EQ(p.client->error(), Error::aborted);
  EXPECT_EQ(p.client->write_state(), WriteState::fatal_alert_sent);
  EXPECT_EQ(p.client->alert_sent(), Alert::decode_error);
  EXPECT_EQ(p.client->pending_output().size(), kCloseNotifySize);  // one alert record
  p.client_to_server();
  EXPECT_EQ(p.server->alert_received(), Alert::decode_error);
  p.client->abort(Alert::internal_error);
  EXPECT_TRUE(p.client->pending_output().empty());
}

TEST(Shutdown, AbortAfterCloseNotifySendsNothing) {
  Pair p = connected();
  ASSERT_EQ(p.client->close(), Error::none);
  take_output(*p.client);
  p.client->abort(Alert::decode_error);
  EXPECT_TRUE(p.client->pending_output().empty());
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_sent);
  EXPECT_EQ(p.client->error(), Error::aborted);
}

}  // namespace
}  // namespace adieu::test

namespace adieu::test {
namespace {

TEST(Shutdown, NegotiatedParametersSurviveAFatalError) {
  Pair p = connected();
  p.client->abort(Alert::internal_error);
  EXPECT_TRUE(p.client->handshake_done());
  EXPECT_EQ(p.client->version(), 0x0304);
  EXPECT_STREQ(p.client->cipher_suite_name(), "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(p.client->write(bytes("x")), Error::aborted);
}

}  // namespace
}  // namespace adieu::test
