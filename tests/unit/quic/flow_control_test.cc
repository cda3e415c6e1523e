#include "engine/quic/flow_control.h"

#include <gtest/gtest.h>

namespace adieu::quic {
namespace {

TEST(SendCredit, ConsumesUpToTheLimitThenWantsABlockedFrame) {
  SendCredit c(100);
  EXPECT_EQ(c.available(), 100u);
  EXPECT_FALSE(c.blocked_frame_wanted());
  c.consume(60);
  EXPECT_EQ(c.available(), 40u);
  EXPECT_FALSE(c.blocked_frame_wanted());
  c.consume(40);
  EXPECT_EQ(c.available(), 0u);
  EXPECT_TRUE(c.blocked_frame_wanted());
  c.on_blocked_frame_sent();
  EXPECT_FALSE(c.blocked_frame_wanted());
}

TEST(SendCredit, OnlyIncreasingLimitsCount) {
  SendCredit c(100);
  c.consume(100);
  c.on_blocked_frame_sent();
  EXPECT_FALSE(c.on_limit(90));
  EXPECT_FALSE(c.on_limit(100));
  EXPECT_EQ(c.limit(), 100u);
  EXPECT_TRUE(c.on_limit(150));
  EXPECT_EQ(c.available(), 50u);
  c.consume(50);
  // Blocked again at a new limit: a new blocked frame is wanted.
  EXPECT_TRUE(c.blocked_frame_wanted());
}

TEST(ReceiveCredit, FlowControlErrorOneBytePastTheLimit) {
  ReceiveCredit c(100);
  EXPECT_EQ(c.on_received(100), TransportError::no_error);
  EXPECT_EQ(c.on_received(101), TransportError::flow_control_error);
  EXPECT_EQ(c.received(), 100u);
  EXPECT_EQ(c.on_received(50), TransportError::no_error);  // a retransmission
  EXPECT_EQ(c.received(), 100u);
}

TEST(ReceiveCredit, ConnectionLevelSumsNewBytes) {
  ReceiveCredit c(100);
  EXPECT_EQ(c.on_received_more(60), TransportError::no_error);
  EXPECT_EQ(c.on_received_more(41), TransportError::flow_control_error);
  EXPECT_EQ(c.on_received_more(40), TransportError::no_error);
  EXPECT_EQ(c.received(), 100u);
  EXPECT_EQ(c.on_received_more(1), TransportError::flow_control_error);
}

TEST(ReceiveCredit, UpdateWhenHalfTheWindowIsConsumed) {
  ReceiveCredit c(100);
  ASSERT_EQ(c.on_received(100), TransportError::no_error);
  c.on_consumed(49);
  EXPECT_FALSE(c.update_wanted());
  c.on_consumed(1);
  EXPECT_TRUE(c.update_wanted());
  EXPECT_EQ(c.next_limit(), 150u);
  c.on_update_sent();
  EXPECT_EQ(c.limit(), 150u);
  EXPECT_FALSE(c.update_wanted());
  EXPECT_EQ(c.on_received(150), TransportError::no_error);
  EXPECT_EQ(c.on_received(151), TransportError::flow_control_error);
}

TEST(SendCredit, LostBlockedFrameWantedAgainOnlyWhileBlockedAtItsLimit) {
  SendCredit c(10);
  c.consume(10);
  c.on_blocked_frame_sent();
  c.on_blocked_frame_lost(10);
  EXPECT_TRUE(c.blocked_frame_wanted());
  c.on_blocked_frame_sent();
  EXPECT_TRUE(c.on_limit(20));
  c.on_blocked_frame_lost(10);
  EXPECT_FALSE(c.blocked_frame_wanted());  // no longer blocked
  c.consume(10);
  EXPECT_TRUE(c.blocked_frame_wanted());
}

}  // namespace
}  // namespace adieu::quic
