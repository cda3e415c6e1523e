// RttEstimator: the round-trip time estimate of RFC 9002 §5 for one path.
//
// It takes RTT samples (RFC 9002 §5.1: the time from sending the largest
// newly acknowledged packet to receiving its acknowledgment) and keeps
// min_rtt, smoothed_rtt and rttvar. Until the first sample, smoothed_rtt is
// the initial RTT and rttvar half of it (§5.3, §6.2.2).
#pragma once

#include <chrono>

#include "engine/quic/time.h"

namespace adieu::quic {

class RttEstimator {
 public:
  // RFC 9002 §6.2.2: 333 ms when nothing better is known.
  static constexpr Duration kDefaultInitialRtt = std::chrono::milliseconds(333);
  // RFC 9002 §6.1.2: the system timer granularity.
  static constexpr Duration kGranularity = std::chrono::milliseconds(1);

  explicit RttEstimator(Duration initial_rtt = kDefaultInitialRtt);

  // Takes one RTT sample (RFC 9002 §5.3). `ack_delay` is the peer's ACK Delay
  // field already scaled by its ack_delay_exponent; for Initial packets the
  // caller passes zero (the field is ignored there). Once the handshake is
  // confirmed the delay is capped at the peer's `max_ack_delay`; it is never
  // subtracted when that would bring the sample below min_rtt. min_rtt never
  // includes the ack delay.
  void on_sample(Duration latest_rtt, Duration ack_delay, Duration max_ack_delay,
                 bool handshake_confirmed);

  // RFC 9002 §5.2: after persistent congestion min_rtt restarts from the
  // newest sample.
  void on_persistent_congestion();

  bool has_sample() const { return has_sample_; }
  Duration latest_rtt() const { return latest_rtt_; }
  // Zero until the first sample.
  Duration min_rtt() const { return min_rtt_; }
  Duration smoothed_rtt() const { return smoothed_rtt_; }
  Duration rttvar() const { return rttvar_; }

  // smoothed_rtt + max(4 * rttvar, kGranularity): the part of the PTO period
  // (RFC 9002 §6.2.1) that does not depend on max_ack_delay or backoff.
  Duration pto_base() const;
  // RFC 9002 §6.1.2: max(kTimeThreshold * max(smoothed_rtt, latest_rtt),
  // kGranularity) with kTimeThreshold = 9/8.
  Duration loss_delay() const;

 private:
  bool has_sample_ = false;
  Duration latest_rtt_{0};
  Duration min_rtt_{0};
  Duration smoothed_rtt_;
  Duration rttvar_;
};

}  // namespace adieu::quic
