// The zero-copy API: readable() / consume_readable() hand plaintext over
// where receive() decrypted it; write_into() seals records straight into the
// transport's buffer, behind whatever was already pending.
#include <gtest/gtest.h>

#include <cstring>

#include "crypto/random.h"
#include "engine/config_impl.h"
#include "engine/testing.h"
#include "pair.h"

namespace adieu::test {
namespace {

std::string as_text(std::span<const uint8_t> b) {
  return {b.begin(), b.end()};
}

std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 131 + 7);
  return v;
}

// write_into() into a buffer of exactly write_into_size(); checks the size.
std::vector<uint8_t> write_into(Connection& c, std::span<const uint8_t> data) {
  std::vector<uint8_t> wire(c.write_into_size(data.size()));
  size_t written = 0;
  EXPECT_EQ(c.write_into(data, wire, written), Error::none);
  EXPECT_EQ(written, wire.size());
  wire.resize(written);
  return wire;
}

// --- readable() / consume_readable() -----------------------------------------

TEST(ZeroCopy, ReadableShowsDecryptedDataInPlace) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("hello ")), Error::none);
  ASSERT_EQ(p.client->write(bytes("world")), Error::none);
  EXPECT_TRUE(p.server->readable().empty());
  p.client_to_server();
  // Both records, contiguous, where they were opened.
  EXPECT_EQ(as_text(p.server->readable()), "hello world");
  EXPECT_EQ(p.server->readable().data(),
            testing::ConnectionProbe::plaintext_buffer(*p.server).data());
  p.server->consume_readable(6);
  EXPECT_EQ(as_text(p.server->readable()), "world");
  EXPECT_EQ(p.server->pending_plaintext(), 5u);
  p.server->consume_readable(1000);  // capped at what is readable
  EXPECT_TRUE(p.server->readable().empty());
  EXPECT_EQ(testing::ConnectionProbe::plaintext_buffer(*p.server).capacity(),
            0u);  // released once read
  uint8_t buf[8];
  EXPECT_EQ(p.server->read(buf).status, ReadStatus::want_input);
}

TEST(ZeroCopy, ReadAndConsumeReadableMix) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("abcdef")), Error::none);
  p.client_to_server();
  uint8_t buf[2];
  ReadResult r = p.server->read(buf);
  ASSERT_EQ(r.status, ReadStatus::data);
  EXPECT_EQ(std::string(buf, buf + r.bytes), "ab");
  EXPECT_EQ(as_text(p.server->readable()), "cdef");
  p.server->consume_readable(2);
  r = p.server->read(buf);
  EXPECT_EQ(std::string(buf, buf + r.bytes), "ef");
}

TEST(ZeroCopy, EmptyReadWhileDataWaitsSaysData) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("x")), Error::none);
  p.client_to_server();
  const ReadResult r = p.server->read({});
  EXPECT_EQ(r.status, ReadStatus::data);
  EXPECT_EQ(r.bytes, 0u);
  EXPECT_EQ(p.server->pending_plaintext(), 1u);  // nothing was taken
}

TEST(ZeroCopy, DataBeforeCloseNotifyIsReadableThenTheEnd) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("last words")), Error::none);
  ASSERT_EQ(p.client->close(), Error::none);
  p.client_to_server();
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(as_text(p.server->readable()), "last words");
  p.server->consume_readable(p.server->readable().size());
  EXPECT_TRUE(p.server->readable().empty());
  uint8_t buf[4];
  EXPECT_EQ(p.server->read(buf).status, ReadStatus::closed);
}

TEST(ZeroCopy, TruncationIsReportedOnlyOnceTheDataIsConsumed) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("cut")), Error::none);
  p.client_to_server();
  p.server->receive_eof();
  EXPECT_EQ(p.server->read_state(), ReadState::open);  // data still waits
  p.server->consume_readable(3);
  EXPECT_EQ(p.server->read_state(), ReadState::truncated);
  uint8_t buf[4];
  EXPECT_EQ(p.server->read(buf).status, ReadStatus::truncated);
}

TEST(ZeroCopy, ConsumeReadableWithNothingReadableChangesNothing) {
  Pair p = connected();
  p.server->consume_readable(10);
  EXPECT_TRUE(p.server->readable().empty());
  EXPECT_EQ(p.server->error(), Error::none);
  ASSERT_EQ(p.client->write(bytes("ok")), Error::none);
  p.client_to_server();
  EXPECT_EQ(as_text(p.server->readable()), "ok");
}

// --- write_into() -------------------------------------------------------------

TEST(ZeroCopy, WriteIntoSealsRecordsThePeerReads) {
  Pair p = connected();
  const std::vector<uint8_t> data = pattern(40000);  // three records
  EXPECT_EQ(p.client->write_into_size(data.size()), data.size() + 3 * (5 + 1 + 16));
  const std::vector<uint8_t> wire = write_into(*p.client, data);
  EXPECT_TRUE(p.client->pending_output().empty());
  ASSERT_EQ(p.server->receive(wire), Error::none);
  const std::span<const uint8_t> got = p.server->readable();
  ASSERT_EQ(got.size(), data.size());
  EXPECT_EQ(std::memcmp(got.data(), data.data(), data.size()), 0);
}

TEST(ZeroCopy, PendingOutputGoesFirst) {
  Pair p = connected();
  ASSERT_EQ(p.client->key_update(false), Error::none);  // a KeyUpdate waits
  const size_t pending = p.client->pending_output().size();
  ASSERT_GT(pending, 0u);
  EXPECT_EQ(p.client->write_into_size(5), pending + 5 + 5 + 1 + 16);
  const std::vector<uint8_t> wire = write_into(*p.client, bytes("after"));
  EXPECT_TRUE(p.client->pending_output().empty());
  // The peer can only open the data if the KeyUpdate came before it.
  ASSERT_EQ(p.server->receive(wire), Error::none);
  EXPECT_EQ(p.server->key_updates_received(), 1u);
  EXPECT_EQ(as_text(p.server->readable()), "after");
}

TEST(ZeroCopy, EmptyDataOnlyMovesWhatIsPending) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("queued")), Error::none);
  const std::vector<uint8_t> pending(p.client->pending_output().begin(),
                                     p.client->pending_output().end());
  EXPECT_EQ(p.client->write_into_size(0), pending.size());
  EXPECT_EQ(write_into(*p.client, {}), pending);
  EXPECT_TRUE(p.client->pending_output().empty());
  EXPECT_TRUE(write_into(*p.client, {}).empty());
}

TEST(ZeroCopy, TooSmallABufferTakesNothing) {
  Pair p = connected();
  ASSERT_EQ(p.client->write(bytes("first")), Error::none);
  const size_t pending = p.client->pending_output().size();
  const std::vector<uint8_t> data = bytes("second");
  std::vector<uint8_t> wire(p.client->write_into_size(data.size()) - 1, 0xee);
  size_t written = 99;
  EXPECT_EQ(p.client->write_into(data, wire, written), Error::buffer_too_small);
  EXPECT_EQ(written, 0u);
  EXPECT_EQ(p.client->pending_output().size(), pending);
  EXPECT_EQ(wire, std::vector<uint8_t>(wire.size(), 0xee));
  EXPECT_EQ(p.client->error(), Error::none);  // misuse, not a failure
  // Nothing was sealed: the next records still open in order.
  ASSERT_EQ(p.server->receive(write_into(*p.client, data)), Error::none);
  EXPECT_EQ(as_text(p.server->readable()), "firstsecond");
}

TEST(ZeroCopy, WriteIntoRefusesWhatWriteRefuses) {
  auto client = Connection::client(client_config(), "localhost");
  std::vector<uint8_t> wire(1024);
  size_t written = 1;
  EXPECT_EQ(client->write_into(bytes("early"), wire, written), Error::not_connected);
  EXPECT_EQ(written, 0u);
  EXPECT_FALSE(client->pending_output().empty());  // the ClientHello stays pending

  Pair p = connected();
  ASSERT_EQ(p.client->close(), Error::none);
  EXPECT_EQ(p.client->write_into(bytes("late"), wire, written), Error::write_after_close);
  EXPECT_EQ(written, 0u);
}

TEST(ZeroCopy, CloseAfterWriteIntoIsSentWhenTaken) {
  Pair p = connected();
  write_into(*p.client, bytes("data"));
  ASSERT_EQ(p.client->close(), Error::none);
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_queued);
  // Only the close_notify is pending, so taking it sends it: write_into's
  // bytes counted as produced and taken at once.
  take_output(*p.client);
  EXPECT_EQ(p.client->write_state(), WriteState::close_notify_sent);
}

// Bytes drawn from a counter: two pairs given the same draws and a
// deterministic signature (Ed25519) derive the same traffic keys.
class CountingRandom : public crypto::Random {
 public:
  bool fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = next_++;
    return true;
  }

 private:
  uint8_t next_ = 1;
};

struct DeterministicPair {
  CountingRandom client_random;
  CountingRandom server_random;
  std::unique_ptr<Pair> pair;

  DeterministicPair() {
    auto client_cfg = client_config();
    auto server_cfg = server_config("ed25519");
    client_cfg->impl().random = &client_random;
    server_cfg->impl().random = &server_random;
    pair = std::make_unique<Pair>(client_cfg, server_cfg);
    pair->pump();
  }
};

TEST(ZeroCopy, WriteIntoProducesTheBytesWriteDoes) {
  DeterministicPair a;
  DeterministicPair b;
  ASSERT_TRUE(a.pair->client->handshake_done());
  ASSERT_TRUE(b.pair->client->handshake_done());
  const std::vector<uint8_t> data = pattern(20000);
  ASSERT_EQ(a.pair->client->key_update(false), Error::none);
  ASSERT_EQ(b.pair->client->key_update(false), Error::none);
  ASSERT_EQ(a.pair->client->write(data), Error::none);
  const std::vector<uint8_t> written = take_output(*a.pair->client);
  EXPECT_EQ(write_into(*b.pair->client, data), written);
  ASSERT_GT(written.size(), data.size());
}

}  // namespace
}  // namespace adieu::test
