// NewReno: the congestion controller of RFC 9002 §7 and Appendix B.
//
// It keeps the congestion window and bytes in flight for one path. Windows
// are in bytes of UDP payload. Slow start grows the window by the bytes
// acknowledged; congestion avoidance by one max_datagram_size per window of
// acknowledged bytes (§7.3.3); a congestion event halves it (kLossReductionFactor
// 0.5) once per recovery period (§7.3.2); persistent congestion drops it to
// the minimum window (§7.6.2).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

#include "engine/quic/time.h"

namespace adieu::quic {

class NewReno {
 public:
  // RFC 9000 §14: the smallest max_datagram_size a QUIC path has.
  static constexpr std::uint64_t kDefaultMaxDatagramSize = 1200;
  static constexpr std::uint64_t kNoSsthresh = std::numeric_limits<std::uint64_t>::max();

  explicit NewReno(std::uint64_t max_datagram_size = kDefaultMaxDatagramSize);

  // RFC 9002 §7.2: min(10 * max_datagram_size, max(14720, 2 * max_datagram_size)).
  static std::uint64_t initial_window(std::uint64_t max_datagram_size);
  // RFC 9002 §7.2: 2 * max_datagram_size.
  static std::uint64_t minimum_window(std::uint64_t max_datagram_size);

  std::uint64_t window() const { return window_; }
  std::uint64_t ssthresh() const { return ssthresh_; }
  std::uint64_t bytes_in_flight() const { return bytes_in_flight_; }
  std::uint64_t max_datagram_size() const { return max_datagram_size_; }
  bool in_slow_start() const { return window_ < ssthresh_; }
  // True if a packet sent at `time_sent` belongs to the current recovery
  // period (it was sent before the period began), RFC 9002 §7.3.2.
  bool in_recovery(Instant time_sent) const;

  // Whether `bytes` more in flight stay within the window. Probe packets (PTO)
  // are sent regardless (RFC 9002 §7.5); that is the caller's decision.
  bool can_send(std::uint64_t bytes) const;
  // Bytes that may still be sent before the window is full.
  std::uint64_t available() const;

  // An in-flight packet of `bytes` was sent.
  void on_packet_sent(std::uint64_t bytes);
  // An in-flight packet sent at `time_sent` was acknowledged.
  void on_packet_acked(std::uint64_t bytes, Instant time_sent);
  // An in-flight packet stopped counting without an acknowledgment: it was
  // declared lost, or its packet number space was discarded (RFC 9002 §6.4).
  void remove_from_flight(std::uint64_t bytes);
  // Loss of in-flight packets, the newest sent at `newest_lost_sent`
  // (RFC 9002 Appendix B.6, OnCongestionEvent).
  void on_congestion_event(Instant newest_lost_sent, Instant now);
  // RFC 9002 §7.6.2: the window collapses to the minimum window.
  void on_persistent_congestion();
  // RFC 9002 §7.8: while the sender is application- or flow-control-limited
  // the window does not grow.
  void set_app_limited(bool limited) { app_limited_ = limited; }

 private:
  std::uint64_t max_datagram_size_;
  std::uint64_t window_;
  std::uint64_t ssthresh_ = kNoSsthresh;
  std::uint64_t bytes_in_flight_ = 0;
  // Bytes acknowledged in congestion avoidance not yet turned into growth.
  std::uint64_t avoidance_acked_ = 0;
  std::optional<Instant> recovery_start_;
  bool app_limited_ = false;
};

}  // namespace adieu::quic
