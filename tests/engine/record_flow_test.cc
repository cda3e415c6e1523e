// How received bytes become plaintext: every whole record is processed on
// arrival and opened straight from the transport's bytes; a record split
// across receive() calls is gathered first; application data decrypted
// before an end or a failure is still read, in order.
#include <gtest/gtest.h>

#include "engine/testing.h"
#include "pair.h"
#include "tls12_support.h"

namespace adieu::test {
namespace {

TEST(RecordFlow, RecordsBehindDataAreProcessedOnArrival) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("one")), Error::none);
  ASSERT_EQ(p.client->key_update(false), Error::none);
  ASSERT_EQ(p.client->write(bytes("two")), Error::none);
  ASSERT_EQ(p.client->close(), Error::none);
  ASSERT_EQ(p.server->receive(take_output(*p.client)), Error::none);
  // The KeyUpdate and the close_notify behind the data took effect at once...
  EXPECT_EQ(p.server->key_updates_received(), 1u);
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
  // ...and the data of both records waits, contiguous, for one read.
  EXPECT_EQ(p.server->pending_plaintext(), 6u);
  uint8_t buf[16];
  ReadResult r = p.server->read(buf);
  EXPECT_EQ(r.status, ReadStatus::data);
  EXPECT_EQ(std::string(buf, buf + r.bytes), "onetwo");
  EXPECT_EQ(p.server->read(buf).status, ReadStatus::closed);
}

TEST(RecordFlow, DataBeforeACorruptRecordIsStillRead) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("first")), Error::none);
  std::vector<uint8_t> wire = take_output(*p.client);
  ASSERT_EQ(p.client->write(bytes("second")), Error::none);
  std::vector<uint8_t> second = take_output(*p.client);
  second[8] ^= 1;  // inside the ciphertext
  wire.insert(wire.end(), second.begin(), second.end());
  EXPECT_EQ(p.server->receive(wire), Error::bad_record_mac);
  EXPECT_EQ(p.server->alert_sent(), Alert::bad_record_mac);
  uint8_t buf[16];
  ReadResult r = p.server->read(buf);
  ASSERT_EQ(r.status, ReadStatus::data);
  EXPECT_EQ(std::string(buf, buf + r.bytes), "first");
  EXPECT_EQ(p.server->read(buf).status, ReadStatus::error);
  // Nothing of the corrupt record was ever readable.
  EXPECT_EQ(p.server->pending_plaintext(), 0u);
}

TEST(RecordFlow, ByteByByteDeliveryGathersEachRecord) {
  Pair p = connected();
  std::vector<uint8_t> message(20000);
  for (size_t i = 0; i < message.size(); ++i) message[i] = static_cast<uint8_t>(i * 7);
  ASSERT_EQ(p.client->write(message), Error::none);  // two records
  const std::vector<uint8_t> wire = take_output(*p.client);
  std::vector<uint8_t> received;
  uint8_t buf[4096];
  for (uint8_t byte : wire) {
    ASSERT_EQ(p.server->receive(std::span<const uint8_t>(&byte, 1)), Error::none);
    for (ReadResult r = p.server->read(buf); r.status == ReadStatus::data;
         r = p.server->read(buf)) {
      received.insert(received.end(), buf, buf + r.bytes);
    }
  }
  EXPECT_EQ(received, message);
  EXPECT_EQ(testing::ConnectionProbe::input_buffer(*p.server).capacity(),
            0u);  // nothing left gathered
}

TEST(RecordFlow, SplitInsideAHeaderAndATag) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("alpha")), Error::none);
  ASSERT_EQ(p.client->write(bytes("beta")), Error::none);
  const std::vector<uint8_t> wire = take_output(*p.client);
  // Cut inside the first header and inside the second record's tag.
  const size_t a = 3, b = wire.size() - 7;
  ASSERT_EQ(p.server->receive(std::span<const uint8_t>(wire).first(a)), Error::none);
  EXPECT_EQ(p.server->pending_plaintext(), 0u);
  ASSERT_EQ(p.server->receive(std::span<const uint8_t>(wire).subspan(a, b - a)), Error::none);
  EXPECT_EQ(p.server->pending_plaintext(), 5u);  // the first record is whole
  ASSERT_EQ(p.server->receive(std::span<const uint8_t>(wire).subspan(b)), Error::none);
  EXPECT_EQ(p.read_all(*p.server), "alphabeta");
}

TEST(RecordFlow, OversizedHeaderIsRefusedOnceWholeEvenWhenSplit) {
  Pair p = connected();
  const uint8_t header[] = {23, 3, 3, 0xff, 0xff};  // 65535 > 2^14 + 256
  for (size_t i = 0; i + 1 < sizeof header; ++i) {
    EXPECT_EQ(p.server->receive(std::span<const uint8_t>(&header[i], 1)), Error::none);
  }
  EXPECT_EQ(p.server->receive(std::span<const uint8_t>(&header[4], 1)), Error::record_overflow);
  EXPECT_EQ(p.server->alert_sent(), Alert::record_overflow);
}

TEST(RecordFlow, AbortDropsUnreadData) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("unread")), Error::none);
  p.client_to_server();
  EXPECT_EQ(p.server->pending_plaintext(), 6u);
  p.server->abort(Alert::user_canceled);
  EXPECT_EQ(p.server->pending_plaintext(), 0u);
  uint8_t buf[8];
  EXPECT_EQ(p.server->read(buf).status, ReadStatus::error);
}

// release_idle_memory() frees both directions' AEAD contexts; the next
// records in each direction set them up again with the same keys (the data
// arrives intact, a KeyUpdate still works), TLS 1.3 and TLS 1.2.
TEST(RecordFlow, ReleaseIdleMemoryThenRecordsBothWays) {
  for (const bool tls12 : {false, true}) {
    Pair p = tls12 ? connected12() : connected();
    EXPECT_EQ(testing::ConnectionProbe::cipher_contexts(*p.server), 2) << tls12;
    p.server->release_idle_memory();
    p.client->release_idle_memory();
    EXPECT_EQ(testing::ConnectionProbe::cipher_contexts(*p.server), 0) << tls12;
    EXPECT_EQ(testing::ConnectionProbe::cipher_contexts(*p.client), 0) << tls12;
    ASSERT_EQ(p.client->write(bytes("request")), Error::none);
    p.client_to_server();
    EXPECT_EQ(p.read_all(*p.server), "request") << tls12;
    EXPECT_EQ(testing::ConnectionProbe::cipher_contexts(*p.server), 1) << tls12;  // read only
    ASSERT_EQ(p.server->write(bytes("response")), Error::none);
    p.server_to_client();
    EXPECT_EQ(p.read_all(*p.client), "response") << tls12;
    EXPECT_EQ(testing::ConnectionProbe::cipher_contexts(*p.server), 2) << tls12;
    p.server->release_idle_memory();
    p.server->release_idle_memory();  // twice: no effect
    if (!tls12) {
      ASSERT_EQ(p.server->key_update(true), Error::none);
      p.pump();
      EXPECT_EQ(p.server->key_updates_sent(), 1u);
      EXPECT_EQ(p.client->key_updates_received(), 1u);
    }
    ASSERT_EQ(p.server->write(bytes("after")), Error::none);
    ASSERT_EQ(p.client->write(bytes("more")), Error::none);
    p.pump();
    EXPECT_EQ(p.read_all(*p.client), "after") << tls12;
    EXPECT_EQ(p.read_all(*p.server), "more") << tls12;
    EXPECT_EQ(p.client->error(), Error::none);
    EXPECT_EQ(p.server->error(), Error::none);
  }
}

}  // namespace
}  // namespace adieu::test
