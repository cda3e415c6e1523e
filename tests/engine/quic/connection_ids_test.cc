// ConnectionIds (RFC 9000 sections 5.1, 10.3.2, 19.15, 19.16): issuing our
// IDs up to the peer's limit, taking and retiring the peer's, stateless
// reset tokens.
#include <gtest/gtest.h>

#include "crypto/random.h"
#include "engine/quic/connection_ids.h"

namespace adieu::quic {
namespace {

ConnectionId cid(std::initializer_list<uint8_t> bytes) {
  const std::vector<uint8_t> v(bytes);
  return *ConnectionId::from(v);
}

const StatelessResetKey kKey = {1, 2, 3};

TEST(QuicConnectionIds, ResetTokenIsAFunctionOfKeyAndId) {
  const StatelessResetToken a = stateless_reset_token(kKey, cid({1, 2, 3, 4}));
  EXPECT_EQ(a, stateless_reset_token(kKey, cid({1, 2, 3, 4})));
  EXPECT_NE(a, stateless_reset_token(kKey, cid({1, 2, 3, 5})));
  EXPECT_NE(a, stateless_reset_token(StatelessResetKey{9}, cid({1, 2, 3, 4})));
}

TEST(QuicConnectionIds, IssuesUpToThePeersLimitAndReplacesRetiredOnes) {
  ConnectionIds ids(cid({1, 1, 1, 1, 1, 1, 1, 1}), kKey);
  crypto::Random& system = crypto::system_random();
  ASSERT_TRUE(ids.issue(3, 8, system));
  EXPECT_EQ(ids.local_count(), 3u);
  std::vector<NewConnectionIdFrame> owed = ids.owed_new_ids();
  ASSERT_EQ(owed.size(), 2u);
  EXPECT_EQ(owed[0].sequence_number, 1u);
  EXPECT_EQ(owed[1].sequence_number, 2u);
  const ConnectionId second = *ConnectionId::from(owed[0].connection_id);
  EXPECT_EQ(owed[0].stateless_reset_token, stateless_reset_token(kKey, second));
  EXPECT_TRUE(ids.is_local(second.span()));
  ids.on_new_id_sent(1);
  ids.on_new_id_sent(2);
  EXPECT_TRUE(ids.owed_new_ids().empty());
  ids.on_new_id_lost(2);
  ASSERT_EQ(ids.owed_new_ids().size(), 1u);
  ids.on_new_id_sent(2);
  // Our limit caps what we issue whatever the peer allows.
  ASSERT_TRUE(ids.issue(100, 8, system));
  EXPECT_EQ(ids.local_count(), ConnectionIds::kActiveConnectionIdLimit);
  // The peer retires sequence 1 (in a packet sent to sequence 0): gone.
  const std::vector<uint8_t> first = {1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(ids.on_retire(1, first), TransportError::no_error);
  EXPECT_FALSE(ids.is_local(second.span()));
  // Retiring the ID the packet was sent to, or one never issued: errors.
  EXPECT_EQ(ids.on_retire(0, first), TransportError::protocol_violation);
  EXPECT_EQ(ids.on_retire(99, first), TransportError::protocol_violation);
  EXPECT_EQ(ids.on_retire(1, first), TransportError::no_error);  // again: nothing
}

TEST(QuicConnectionIds, PeerIdsRetirePriorToAndLimit) {
  ConnectionIds ids(cid({1}), kKey);
  ids.set_initial_peer(cid({9, 9, 9, 9}));
  NewConnectionIdFrame f;
  const std::vector<uint8_t> c1 = {8, 8, 8, 8};
  f.sequence_number = 1;
  f.connection_id = c1;
  f.stateless_reset_token = {7};
  EXPECT_EQ(ids.on_new_id(f), TransportError::no_error);
  EXPECT_EQ(ids.on_new_id(f), TransportError::no_error);  // a repeat
  EXPECT_EQ(ids.peer(), cid({9, 9, 9, 9}));
  // Sequence 1 again with another ID: PROTOCOL_VIOLATION.
  const std::vector<uint8_t> other = {6, 6};
  NewConnectionIdFrame g = f;
  g.connection_id = other;
  EXPECT_EQ(ids.on_new_id(g), TransportError::protocol_violation);
  // Retire Prior To 2 with sequence 2: we move to it and retire 0 and 1.
  const std::vector<uint8_t> c2 = {5, 5, 5, 5};
  NewConnectionIdFrame h;
  h.sequence_number = 2;
  h.retire_prior_to = 2;
  h.connection_id = c2;
  EXPECT_EQ(ids.on_new_id(h), TransportError::no_error);
  EXPECT_EQ(ids.peer(), cid({5, 5, 5, 5}));
  EXPECT_EQ(ids.owed_retirements(), (std::vector<uint64_t>{0, 1}));
  ids.on_retirement_sent(0);
  EXPECT_EQ(ids.owed_retirements(), (std::vector<uint64_t>{1}));
  // Past our active_connection_id_limit: CONNECTION_ID_LIMIT_ERROR.
  std::vector<std::vector<uint8_t>> more = {{3, 1}, {3, 2}, {3, 3}, {3, 4}};
  TransportError last = TransportError::no_error;
  for (uint64_t i = 0; i < more.size(); ++i) {
    NewConnectionIdFrame m;
    m.sequence_number = 3 + i;
    m.connection_id = more[i];
    last = ids.on_new_id(m);
  }
  EXPECT_EQ(last, TransportError::connection_id_limit_error);
}

TEST(QuicConnectionIds, StatelessResetMatchesAnyPeerTokenInTheLast16Bytes) {
  ConnectionIds ids(cid({1}), kKey);
  ids.set_initial_peer(cid({9, 9, 9, 9}));
  const StatelessResetToken token = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  std::vector<uint8_t> datagram(30, 0x41);
  std::copy(token.begin(), token.end(), datagram.end() - 16);
  EXPECT_FALSE(ids.is_stateless_reset(datagram));  // no token known yet
  ids.set_initial_peer_token(token);
  EXPECT_TRUE(ids.is_stateless_reset(datagram));
  // Shorter than the smallest stateless reset (21 bytes): never.
  EXPECT_FALSE(ids.is_stateless_reset(std::span<const uint8_t>(datagram).last(20)));
}

}  // namespace
}  // namespace adieu::quic
