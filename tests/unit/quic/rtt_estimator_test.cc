#include "engine/quic/rtt_estimator.h"

#include <gtest/gtest.h>

#include <chrono>

namespace adieu::quic {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr Duration kMaxAckDelay = milliseconds(25);

TEST(RttEstimator, BeforeAnySampleUsesTheInitialRtt) {
  RttEstimator rtt;
  EXPECT_FALSE(rtt.has_sample());
  EXPECT_EQ(rtt.smoothed_rtt(), milliseconds(333));
  EXPECT_EQ(rtt.rttvar(), microseconds(166500));
  EXPECT_EQ(rtt.min_rtt(), Duration{0});
  // 333 ms + 4 * 166.5 ms (RFC 9002 §6.2.2: the first PTO is about 1 s).
  EXPECT_EQ(rtt.pto_base(), milliseconds(999));
  EXPECT_EQ(rtt.loss_delay(), microseconds(374625));  // 333 ms * 9/8
}

TEST(RttEstimator, ConfiguredInitialRtt) {
  RttEstimator rtt(milliseconds(100));
  EXPECT_EQ(rtt.smoothed_rtt(), milliseconds(100));
  EXPECT_EQ(rtt.rttvar(), milliseconds(50));
}

TEST(RttEstimator, FirstSampleInitialisesAndIgnoresAckDelay) {
  RttEstimator rtt;
  rtt.on_sample(milliseconds(100), milliseconds(10), kMaxAckDelay, true);
  EXPECT_TRUE(rtt.has_sample());
  EXPECT_EQ(rtt.latest_rtt(), milliseconds(100));
  EXPECT_EQ(rtt.min_rtt(), milliseconds(100));
  EXPECT_EQ(rtt.smoothed_rtt(), milliseconds(100));
  EXPECT_EQ(rtt.rttvar(), milliseconds(50));
  EXPECT_EQ(rtt.pto_base(), milliseconds(300));
}

TEST(RttEstimator, SecondSampleSubtractsAckDelay) {
  RttEstimator rtt;
  rtt.on_sample(milliseconds(100), Duration{0}, kMaxAckDelay, true);
  rtt.on_sample(milliseconds(120), milliseconds(10), kMaxAckDelay, true);
  // adjusted = 110; rttvar = 3/4*50 + 1/4*|100-110| = 40; srtt = 7/8*100 + 1/8*110.
  EXPECT_EQ(rtt.min_rtt(), milliseconds(100));
  EXPECT_EQ(rtt.rttvar(), milliseconds(40));
  EXPECT_EQ(rtt.smoothed_rtt(), microseconds(101250));
  EXPECT_EQ(rtt.latest_rtt(), milliseconds(120));
}

TEST(RttEstimator, AckDelayCappedAtMaxAckDelayOnceConfirmed) {
  RttEstimator confirmed;
  confirmed.on_sample(milliseconds(100), Duration{0}, kMaxAckDelay, true);
  confirmed.on_sample(milliseconds(200), milliseconds(50), kMaxAckDelay, true);
  // adjusted = 200 - 25 = 175: srtt = (700 + 175) / 8, rttvar = (150 + 75) / 4.
  EXPECT_EQ(confirmed.smoothed_rtt(), microseconds(109375));
  EXPECT_EQ(confirmed.rttvar(), microseconds(56250));

  RttEstimator unconfirmed;
  unconfirmed.on_sample(milliseconds(100), Duration{0}, kMaxAckDelay, false);
  unconfirmed.on_sample(milliseconds(200), milliseconds(50), kMaxAckDelay, false);
  // Not capped before confirmation: adjusted = 150.
  EXPECT_EQ(unconfirmed.smoothed_rtt(), microseconds(106250));
  EXPECT_EQ(unconfirmed.rttvar(), microseconds(50000));
}

TEST(RttEstimator, AckDelayNeverBringsTheSampleBelowMinRtt) {
  RttEstimator rtt;
  rtt.on_sample(milliseconds(100), Duration{0}, kMaxAckDelay, true);
  // 105 < min_rtt 100 + ack_delay 10: the sample is used as is.
  rtt.on_sample(milliseconds(105), milliseconds(10), kMaxAckDelay, true);
  EXPECT_EQ(rtt.smoothed_rtt(), microseconds(100625));  // (700 + 105) / 8
  EXPECT_EQ(rtt.rttvar(), microseconds(38750));         // (150 + 5) / 4
}

TEST(RttEstimator, MinRttIgnoresAckDelay) {
  RttEstimator rtt;
  rtt.on_sample(milliseconds(100), Duration{0}, kMaxAckDelay, true);
  rtt.on_sample(milliseconds(90), milliseconds(20), kMaxAckDelay, true);
  EXPECT_EQ(rtt.min_rtt(), milliseconds(90));
  EXPECT_EQ(rtt.smoothed_rtt(), microseconds(98750));  // adjusted stays 90
}

TEST(RttEstimator, LossDelayUsesTheLargerOfSmoothedAndLatest) {
  RttEstimator rtt;
  rtt.on_sample(milliseconds(100), Duration{0}, kMaxAckDelay, true);
  EXPECT_EQ(rtt.loss_delay(), microseconds(112500));
  rtt.on_sample(milliseconds(180), Duration{0}, kMaxAckDelay, true);
  // latest 180 > smoothed 110: 180 * 9/8.
  EXPECT_EQ(rtt.smoothed_rtt(), milliseconds(110));
  EXPECT_EQ(rtt.loss_delay(), microseconds(202500));
}

TEST(RttEstimator, GranularityFloorsLossDelayAndPto) {
  RttEstimator rtt;
  rtt.on_sample(Duration{0}, Duration{0}, kMaxAckDelay, true);
  EXPECT_EQ(rtt.loss_delay(), milliseconds(1));
  EXPECT_EQ(rtt.pto_base(), milliseconds(1));
}

TEST(RttEstimator, PersistentCongestionRestartsMinRttFromLatest) {
  RttEstimator rtt;
  rtt.on_sample(milliseconds(50), Duration{0}, kMaxAckDelay, true);
  rtt.on_sample(milliseconds(200), Duration{0}, kMaxAckDelay, true);
  EXPECT_EQ(rtt.min_rtt(), milliseconds(50));
  rtt.on_persistent_congestion();
  EXPECT_EQ(rtt.min_rtt(), milliseconds(200));
}

}  // namespace
}  // namespace adieu::quic
