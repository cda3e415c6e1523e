// AckTracker: the packets received in one packet number space and the ACK
// frames they call for (RFC 9000 §13.2).
//
// It detects duplicates (RFC 9000 §12.3), yields the ACK ranges to send
// (largest first, at most a given number of ranges) and the ack delay, and
// says when an ACK is due:
//   - Initial and Handshake packets are acknowledged at once (§13.2.1);
//   - in the application space, every second ack-eliciting packet (§13.2.2)
//     and any ack-eliciting packet that arrives out of order (§13.2.1) is
//     acknowledged at once, any other within our max_ack_delay;
//   - packets that are not ack-eliciting never make an ACK due by themselves.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/quic/ack_range.h"
#include "engine/quic/packet_number_space.h"
#include "engine/quic/range_set.h"
#include "engine/quic/time.h"

namespace adieu::quic {

class AckTracker {
 public:
  // How many disjoint runs of received packet numbers are remembered; when a
  // new run would exceed it the oldest run is forgotten and every packet
  // number below the survivors counts as a duplicate (RFC 9000 §12.3 allows
  // dropping packets below such a floor).
  static constexpr std::size_t kMaxRememberedRanges = 64;

  // `max_ack_delay` is our own transport parameter (RFC 9000 §18.2); it is
  // not used in the Initial and Handshake spaces.
  AckTracker(PacketNumberSpace space, Duration max_ack_delay);

  // True if `packet_number` was already received (or is below the floor of
  // forgotten packet numbers): the packet is to be dropped unprocessed.
  bool is_duplicate(std::uint64_t packet_number) const;
  // A packet was received and processed at `now`. A duplicate is ignored.
  void on_packet_received(std::uint64_t packet_number, bool ack_eliciting, Instant now);

  // Whether there is anything an ACK frame could report (to bundle one with
  // other frames even when none is due).
  bool has_ranges_to_send() const;
  // Whether an ACK frame must be sent at `now`.
  bool ack_due(Instant now) const { return ack_deadline() <= now; }
  // When an ACK becomes due: the arrival time of the packet that made it
  // immediate, the first unacknowledged ack-eliciting packet's arrival plus
  // max_ack_delay, or kNever.
  Instant ack_deadline() const { return deadline_; }

  // The ranges for an ACK frame, largest first, at most `max_ranges` of them
  // (the newest ones; RFC 9000 §13.2.4 lets older ranges be left out).
  std::vector<AckRange> ack_ranges(std::size_t max_ranges) const;
  // The ACK Delay to report, before scaling by ack_delay_exponent: the time
  // since the largest packet number was received (RFC 9000 §19.3). Zero
  // outside the application space, whose packets are acknowledged at once.
  Duration ack_delay(Instant now) const;
  std::optional<std::uint64_t> largest_received() const;

  // An ACK frame built from ack_ranges() was sent: nothing is due until the
  // next ack-eliciting packet.
  void on_ack_sent();
  // A packet carrying an ACK frame whose Largest Acknowledged was `largest`
  // was itself acknowledged: ranges at or below it need not be sent again
  // (RFC 9000 §13.2.4). Duplicate detection keeps them.
  void on_ack_frame_acknowledged(std::uint64_t largest);

  PacketNumberSpace space() const { return space_; }
  // Ack-eliciting packets received since the last ACK frame was sent.
  std::size_t unacked_ack_eliciting() const { return unacked_ack_eliciting_; }

 private:
  PacketNumberSpace space_;
  Duration max_ack_delay_;
  RangeSet received_;
  // Packet numbers below this are treated as already received.
  std::uint64_t duplicate_floor_ = 0;
  // Packet numbers below this are not reported in ACK frames any more.
  std::uint64_t report_floor_ = 0;
  std::optional<std::uint64_t> largest_;
  Instant largest_received_at_{};
  std::optional<std::uint64_t> largest_ack_eliciting_;
  std::size_t unacked_ack_eliciting_ = 0;
  Instant deadline_ = kNever;
};

}  // namespace adieu::quic
