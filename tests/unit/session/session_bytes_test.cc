// Session::to_bytes / from_bytes: round trip and hostile input.
#include <adieu/session.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/secret.h"
#include "engine/session/session_data.h"
#include "session_helpers.h"

namespace adieu {
namespace {

using testing::make_session;

void expect_equal(const Session& a, const Session& b) {
  EXPECT_EQ(a.cipher_suite(), b.cipher_suite());
  EXPECT_TRUE(crypto::constant_time_equal(a.data().psk.span(), b.data().psk.span()));
  EXPECT_TRUE(std::ranges::equal(a.id(), b.id()));
  EXPECT_EQ(a.server_name(), b.server_name());
  EXPECT_EQ(a.alpn(), b.alpn());
  EXPECT_EQ(a.issued_at_ms(), b.issued_at_ms());
  EXPECT_EQ(a.lifetime_seconds(), b.lifetime_seconds());
  EXPECT_EQ(a.data().age_add, b.data().age_add);
}

TEST(SessionBytes, RoundTripKeepsEveryField) {
  auto d = std::make_unique<Session::Data>();
  d->cipher_suite = 0x1303;
  std::vector<uint8_t> psk(48);
  for (size_t i = 0; i < psk.size(); ++i) psk[i] = static_cast<uint8_t>(i * 7);
  d->psk = crypto::Secret(psk);
  d->id = {1, 2, 3, 4, 5};
  d->server_name = "resume.example";
  d->alpn = "http/1.1";
  d->issued_at_ms = 0x0102030405060708;
  d->lifetime_seconds = 604800;
  d->age_add = 0xdeadbeef;
  Session original(std::move(d));

  const std::vector<uint8_t> bytes = original.to_bytes();
  ASSERT_FALSE(bytes.empty());
  auto back = Session::from_bytes(bytes);
  ASSERT_NE(back, nullptr);
  expect_equal(original, *back);
  EXPECT_EQ(back->to_bytes(), bytes);
  EXPECT_EQ(back->data().psk.size(), 48u);
}

TEST(SessionBytes, ResumableFlagIsNotStored) {
  auto s = make_session("id", 1000, 10);
  s->set_not_resumable();
  auto back = Session::from_bytes(s->to_bytes());
  ASSERT_NE(back, nullptr);
  EXPECT_TRUE(back->resumable(1000));
}

TEST(SessionBytes, EveryTruncationIsRejected) {
  const std::vector<uint8_t> bytes = make_session("ticket-bytes")->to_bytes();
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(Session::from_bytes(std::span(bytes).first(n)), nullptr) << "length " << n;
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(Session::from_bytes(longer), nullptr);
}

TEST(SessionBytes, BitFlipsNeverCrash) {
  const std::vector<uint8_t> bytes = make_session("ticket-bytes")->to_bytes();
  size_t parsed = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> flipped = bytes;
      flipped[i] ^= static_cast<uint8_t>(1u << bit);
      auto s = Session::from_bytes(flipped);
      if (s) {
        ++parsed;
        // Whatever parses writes back to exactly what was read.
        EXPECT_EQ(s->to_bytes(), flipped) << "byte " << i << " bit " << bit;
      }
    }
  }
  // Flips in fixed-width fields (suite, psk bytes, times) still parse.
  EXPECT_GT(parsed, 0u);
}

TEST(SessionBytes, RejectsWrongVersionEmptyPskAndOversizedPsk) {
  std::vector<uint8_t> bytes = make_session("x")->to_bytes();
  std::vector<uint8_t> wrong_version = bytes;
  wrong_version[1] = 3;
  EXPECT_EQ(Session::from_bytes(wrong_version), nullptr);

  // version, suite, psk length 0, then the rest empty.
  const std::vector<uint8_t> empty_psk = {0, 1, 0x13, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                          0, 0, 0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(Session::from_bytes(empty_psk), nullptr);

  // One byte over what a Secret holds, then exactly that.
  constexpr uint8_t kOver = crypto::Secret::kCapacity + 1;
  std::vector<uint8_t> big_psk = {0, 1, 0x13, 0x01, kOver};
  big_psk.insert(big_psk.end(), kOver, 0xaa);
  big_psk.insert(big_psk.end(), 2 + 2 + 1 + 8 + 4 + 4, 0);
  EXPECT_EQ(Session::from_bytes(big_psk), nullptr);
  big_psk[4] = kOver - 1;
  big_psk.erase(big_psk.begin() + 5);
  EXPECT_NE(Session::from_bytes(big_psk), nullptr);
}

TEST(SessionBytes, Tls12TicketFlagRoundTripsAndVersion1IsRead) {
  auto d = std::make_unique<Session::Data>();
  d->cipher_suite = 0xc02b;
  d->psk = crypto::Secret(std::vector<uint8_t>(48, 0x11));
  d->id = {1, 2, 3};
  d->tls12_ticket = true;
  const std::vector<uint8_t> bytes = Session(std::move(d)).to_bytes();
  ASSERT_EQ(bytes[2], 1);  // the flags byte after the version
  std::shared_ptr<Session> back = Session::from_bytes(bytes);
  ASSERT_NE(back, nullptr);
  EXPECT_TRUE(back->data().tls12_ticket);
  EXPECT_EQ(back->cipher_suite(), 0xc02b);
  // Version 1 had no flags byte: read as a TLS 1.3 session id.
  std::vector<uint8_t> v1 = bytes;
  v1.erase(v1.begin() + 2);
  v1[1] = 1;
  back = Session::from_bytes(v1);
  ASSERT_NE(back, nullptr);
  EXPECT_FALSE(back->data().tls12_ticket);
  // An unknown flag is refused.
  std::vector<uint8_t> unknown_flag = bytes;
  unknown_flag[2] = 2;
  EXPECT_EQ(Session::from_bytes(unknown_flag), nullptr);
}

TEST(SessionBytes, SessionWithoutPskHasNoByteForm) {
  auto d = std::make_unique<Session::Data>();
  d->id = {1};
  Session s(std::move(d));
  EXPECT_TRUE(s.to_bytes().empty());
}

TEST(Session, ResumableUntilLifetimeEnds) {
  auto s = make_session("id", 10'000, 5);
  EXPECT_TRUE(s->resumable(10'000));
  EXPECT_TRUE(s->resumable(14'999));
  EXPECT_FALSE(s->resumable(15'000));
  auto t = make_session("id", 10'000, 5);
  t->set_not_resumable();
  EXPECT_FALSE(t->resumable(10'000));
}

TEST(Session, HugeIssueTimeDoesNotWrap) {
  auto s = make_session("id", UINT64_MAX - 10, 3600);
  EXPECT_TRUE(s->resumable(UINT64_MAX - 1));
  EXPECT_TRUE(s->resumable(0));  // the deadline saturates instead of wrapping
}

TEST(Session, NullDataIsAnEmptyUnresumableSession) {
  Session s(nullptr);
  EXPECT_FALSE(s.resumable(0));
  EXPECT_TRUE(s.id().empty());
  EXPECT_TRUE(s.to_bytes().empty());
}

}  // namespace
}  // namespace adieu
