// TicketKeys: sealing, tampering, rotation and grace.
#include <adieu/session.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

namespace adieu {
namespace {

const std::vector<uint8_t> kPlain = {'s', 'e', 's', 's', 'i', 'o', 'n', 0, 1, 2, 3};
constexpr size_t kOverhead = 16 + 12 + 16;

TEST(TicketKeys, SealOpenRoundTrip) {
  TicketKeys keys(3600, 7200);
  const std::vector<uint8_t> ticket = keys.seal(kPlain, 0);
  ASSERT_EQ(ticket.size(), kPlain.size() + kOverhead);
  // The plaintext does not appear in the clear.
  EXPECT_EQ(std::search(ticket.begin(), ticket.end(), kPlain.begin(), kPlain.begin() + 7),
            ticket.end());
  auto opened = keys.open(ticket, 1);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, kPlain);
}

TEST(TicketKeys, EmptyPlaintextRoundTrip) {
  TicketKeys keys;
  const std::vector<uint8_t> ticket = keys.seal({}, 0);
  ASSERT_EQ(ticket.size(), kOverhead);
  auto opened = keys.open(ticket, 0);
  ASSERT_TRUE(opened.has_value());
  EXPECT_TRUE(opened->empty());
}

TEST(TicketKeys, FreshNoncePerTicket) {
  TicketKeys keys;
  const auto a = keys.seal(kPlain, 0);
  const auto b = keys.seal(kPlain, 0);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(std::equal(a.begin(), a.begin() + 16, b.begin()));             // same key name
  EXPECT_FALSE(std::equal(a.begin() + 16, a.begin() + 28, b.begin() + 16));  // other nonce
  EXPECT_NE(a, b);
}

// Nonces come from a per-key counter: every ticket of a key has its own, and
// every ticket opens (the counter is not needed to open).
TEST(TicketKeys, ManyTicketsOpenWithDistinctNonces) {
  TicketKeys keys;
  std::set<std::vector<uint8_t>> nonces;
  for (int i = 0; i < 1000; ++i) {
    std::vector<uint8_t> plain = kPlain;
    plain.push_back(static_cast<uint8_t>(i));
    const auto ticket = keys.seal(plain, 0);
    ASSERT_EQ(ticket.size(), plain.size() + kOverhead);
    nonces.emplace(ticket.begin() + 16, ticket.begin() + 28);
    auto opened = keys.open(ticket, 0);
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(*opened, plain);
  }
  EXPECT_EQ(nonces.size(), 1000u);
}

TEST(TicketKeys, AnyTamperingFailsToOpen) {
  TicketKeys keys;
  const std::vector<uint8_t> ticket = keys.seal(kPlain, 0);
  // One flipped bit anywhere: key name, nonce, ciphertext, tag.
  for (size_t i = 0; i < ticket.size(); ++i) {
    std::vector<uint8_t> bad = ticket;
    bad[i] ^= 0x01;
    EXPECT_FALSE(keys.open(bad, 0).has_value()) << "byte " << i;
  }
  for (size_t n = 0; n < ticket.size(); ++n) {
    EXPECT_FALSE(keys.open(std::span(ticket).first(n), 0).has_value()) << "length " << n;
  }
  std::vector<uint8_t> longer = ticket;
  longer.push_back(0);
  EXPECT_FALSE(keys.open(longer, 0).has_value());
  EXPECT_TRUE(keys.open(ticket, 0).has_value());
}

TEST(TicketKeys, OldKeyOpensDuringGraceOnly) {
  TicketKeys keys(10, 20);  // rotate every 10 s, keep 20 s more
  const auto old_ticket = keys.seal(kPlain, 0);
  const auto new_ticket = keys.seal(kPlain, 10'000);  // rotation happens here
  ASSERT_FALSE(new_ticket.empty());
  EXPECT_FALSE(std::equal(old_ticket.begin(), old_ticket.begin() + 16, new_ticket.begin()));
  EXPECT_TRUE(keys.open(old_ticket, 10'000).has_value());
  EXPECT_TRUE(keys.open(old_ticket, 29'999).has_value());
  EXPECT_FALSE(keys.open(old_ticket, 30'000).has_value());  // 10 + 20 s after its key was made
  EXPECT_TRUE(keys.open(new_ticket, 30'000).has_value());
}

TEST(TicketKeys, RotationHappensInOpenToo) {
  TicketKeys keys(10, 0);
  const auto ticket = keys.seal(kPlain, 0);
  EXPECT_TRUE(keys.open(ticket, 9'999).has_value());
  EXPECT_FALSE(keys.open(ticket, 10'000).has_value());  // no grace: gone at rotation
}

TEST(TicketKeys, ExplicitRotateKeepsOldKeyInGrace) {
  TicketKeys keys(3600, 3600);
  const auto before = keys.seal(kPlain, 0);
  keys.rotate(1'000);
  const auto after = keys.seal(kPlain, 1'000);
  EXPECT_FALSE(std::equal(before.begin(), before.begin() + 16, after.begin()));
  EXPECT_TRUE(keys.open(before, 1'000).has_value());
  EXPECT_TRUE(keys.open(after, 1'000).has_value());
}

TEST(TicketKeys, AnotherInstanceCannotOpen) {
  TicketKeys ours;
  TicketKeys theirs;
  const auto ticket = theirs.seal(kPlain, 0);
  ASSERT_FALSE(ticket.empty());
  EXPECT_FALSE(ours.open(ticket, 0).has_value());
  (void)ours.seal(kPlain, 0);  // now `ours` has a key too
  EXPECT_FALSE(ours.open(ticket, 0).has_value());
}

}  // namespace
}  // namespace adieu
