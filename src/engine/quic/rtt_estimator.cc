#include "engine/quic/rtt_estimator.h"

#include <algorithm>

namespace adieu::quic {

RttEstimator::RttEstimator(Duration initial_rtt)
    : smoothed_rtt_(initial_rtt), rttvar_(initial_rtt / 2) {}

void RttEstimator::on_sample(Duration latest_rtt, Duration ack_delay, Duration max_ack_delay,
                             bool handshake_confirmed) {
  latest_rtt_ = latest_rtt;
  if (!has_sample_) {
    // RFC 9002 §5.3: the first sample initialises the estimate; its ack delay
    // is not used.
    has_sample_ = true;
    min_rtt_ = latest_rtt;
    smoothed_rtt_ = latest_rtt;
    rttvar_ = latest_rtt / 2;
    return;
  }
  min_rtt_ = std::min(min_rtt_, latest_rtt);
  if (handshake_confirmed) ack_delay = std::min(ack_delay, max_ack_delay);
  Duration adjusted_rtt = latest_rtt;
  if (latest_rtt >= min_rtt_ + ack_delay) adjusted_rtt = latest_rtt - ack_delay;
  Duration rttvar_sample =
      smoothed_rtt_ > adjusted_rtt ? smoothed_rtt_ - adjusted_rtt : adjusted_rtt - smoothed_rtt_;
  rttvar_ = (3 * rttvar_ + rttvar_sample) / 4;
  smoothed_rtt_ = (7 * smoothed_rtt_ + adjusted_rtt) / 8;
}

void RttEstimator::on_persistent_congestion() {
  if (has_sample_) min_rtt_ = latest_rtt_;
}

Duration RttEstimator::pto_base() const {
  return smoothed_rtt_ + std::max(4 * rttvar_, kGranularity);
}

Duration RttEstimator::loss_delay() const {
  return std::max(std::max(smoothed_rtt_, latest_rtt_) * 9 / 8, kGranularity);
}

}  // namespace adieu::quic
