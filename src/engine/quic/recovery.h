// Recovery: loss detection and congestion control for one connection path,
// RFC 9002 §6 and Appendix A, with the NewReno controller of Appendix B.
//
// It records the packets sent in each packet number space, processes ACK
// frames (newly acknowledged packets, RTT samples), declares packets lost by
// packet threshold (kPacketThreshold = 3) and time threshold (9/8 of the
// RTT), runs the one loss-detection timer (loss time or PTO, with exponential
// backoff and the client's anti-deadlock probes) and detects persistent
// congestion. Time is always the caller's `now`; the caller arms one timer at
// `timer()` and calls on_timeout() when it fires.
//
// Recovery never sees frames: each SentPacket carries an opaque `content`
// handle that comes back in the lists of acknowledged and lost packets.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "engine/quic/ack_range.h"
#include "engine/quic/new_reno.h"
#include "engine/quic/packet_number_space.h"
#include "engine/quic/range_set.h"
#include "engine/quic/rtt_estimator.h"
#include "engine/quic/sent_packet.h"
#include "engine/quic/time.h"
#include "engine/quic/transport_error.h"

namespace adieu::quic {

struct RecoveryConfig {
  bool is_server = false;
  Duration initial_rtt = RttEstimator::kDefaultInitialRtt;
  std::uint64_t max_datagram_size = NewReno::kDefaultMaxDatagramSize;
};

// What an ACK frame did.
struct AckOutcome {
  // protocol_violation if the frame acknowledges a packet number never sent
  // in that space (RFC 9000 §13.1), frame_encoding_error if its ranges are
  // not in decreasing, disjoint order; nothing else was changed then.
  TransportError error = TransportError::no_error;
  // Newly acknowledged packets, increasing packet numbers.
  std::vector<SentPacket> acked;
  // Packets this acknowledgment lets us declare lost, increasing packet numbers.
  std::vector<SentPacket> lost;
  bool rtt_sampled = false;
  bool persistent_congestion = false;
};

// What the loss-detection timer asks for when it fires.
struct TimeoutOutcome {
  enum class Kind {
    none,  // the timer was not due
    loss,  // the loss time passed: `lost` are lost (RFC 9002 §6.1.2)
    probe  // PTO: send `probes` ack-eliciting packets in `space`, ignoring the
           // congestion window (RFC 9002 §6.2.4)
  };
  Kind kind = Kind::none;
  PacketNumberSpace space = PacketNumberSpace::initial;
  std::vector<SentPacket> lost;
  int probes = 0;
  // The probe is a client's anti-deadlock packet (RFC 9002 §6.2.2.1): nothing
  // is in flight; a padded Initial or, with Handshake keys, a Handshake packet.
  bool anti_deadlock = false;
  bool persistent_congestion = false;
};

class Recovery {
 public:
  static constexpr std::uint64_t kPacketThreshold = 3;                // RFC 9002 §6.1.1
  static constexpr std::uint64_t kPersistentCongestionThreshold = 3;  // RFC 9002 §7.6.1
  static constexpr Duration kDefaultMaxAckDelay = std::chrono::milliseconds(25);  // RFC 9000 §18.2

  explicit Recovery(const RecoveryConfig& config = {});

  // --- facts from the connection
  // The peer's max_ack_delay transport parameter.
  void set_peer_max_ack_delay(Duration delay) { peer_max_ack_delay_ = delay; }
  // Client: Handshake keys are installed (RFC 9002 §6.2.2.1 picks the probe's
  // space by this).
  void on_handshake_keys_available(Instant now);
  // RFC 9001 §4.1.2: from now on the application space has a PTO and ack
  // delays are capped at max_ack_delay.
  void on_handshake_confirmed(Instant now);
  // Server: whether the anti-amplification limit (RFC 9000 §8.1) blocks
  // sending; while it does, no PTO is armed (RFC 9002 §6.2.2.1).
  void set_amplification_limited(bool limited, Instant now);

  // --- events
  // A packet was sent at packet.time_sent in `space`. Packet numbers increase.
  void on_packet_sent(PacketNumberSpace space, const SentPacket& packet);
  // An ACK frame arrived in `space`: `ranges` largest first, `ack_delay`
  // already scaled by the peer's ack_delay_exponent.
  AckOutcome on_ack_received(PacketNumberSpace space, std::span<const AckRange> ranges,
                             Duration ack_delay, Instant now);
  // The loss-detection timer fired (RFC 9002 Appendix A.9).
  TimeoutOutcome on_timeout(Instant now);
  // RFC 9002 §6.4: the space's keys were discarded; its packets leave bytes in
  // flight without a congestion event, the PTO backoff restarts. Returns the
  // packets that were outstanding (their content will not be retransmitted in
  // this space).
  std::vector<SentPacket> discard_space(PacketNumberSpace space, Instant now);
  // RFC 9002 section 6.3: a client that accepted a Retry forgets its Initial
  // packets (they leave bytes in flight, no loss is declared) and restarts
  // the PTO backoff; later Initials keep increasing packet numbers (RFC 9000
  // section 17.2.5.3). Returns the packets that were outstanding, whose
  // content is to be sent again.
  std::vector<SentPacket> on_retry(Instant now);

  // --- state
  // When on_timeout() is to be called; kNever if nothing is armed.
  Instant timer() const { return timer_; }
  std::uint32_t pto_count() const { return pto_count_; }
  // The PTO period of `space` with the current backoff (RFC 9002 §6.2.1):
  // (smoothed_rtt + max(4*rttvar, kGranularity) [+ max_ack_delay for the
  // application space]) * 2^pto_count.
  Duration pto_period(PacketNumberSpace space) const;
  // RFC 9002 §7.6.1: (smoothed_rtt + max(4*rttvar, kGranularity) + max_ack_delay) * 3.
  Duration persistent_congestion_duration() const;
  bool peer_completed_address_validation() const;
  std::optional<std::uint64_t> largest_acked(PacketNumberSpace space) const;
  // Ack-eliciting packets of `space` neither acknowledged nor declared lost.
  std::size_t ack_eliciting_in_flight(PacketNumberSpace space) const;
  // Packets of `space` neither acknowledged nor declared lost.
  std::size_t outstanding(PacketNumberSpace space) const;
  // The loss time of `space` (RFC 9002 §6.1.2), kNever if none.
  Instant loss_time(PacketNumberSpace space) const;

  const RttEstimator& rtt() const { return rtt_; }
  const NewReno& congestion() const { return congestion_; }
  NewReno& congestion() { return congestion_; }

 private:
  struct Space {
    std::map<std::uint64_t, SentPacket> sent;
    std::optional<std::uint64_t> largest_sent;
    std::optional<std::uint64_t> largest_acked;
    Instant loss_time = kNever;
    Instant last_ack_eliciting_sent{};
    std::size_t ack_eliciting_in_flight = 0;
    // Acknowledged packet numbers from the oldest outstanding one up: the
    // persistent-congestion check asks whether a packet between two lost ones
    // was acknowledged.
    RangeSet acked;
    bool discarded = false;
  };

  Space& space(PacketNumberSpace s) { return spaces_[index_of(s)]; }
  const Space& space(PacketNumberSpace s) const { return spaces_[index_of(s)]; }
  bool any_ack_eliciting_in_flight() const;
  std::vector<SentPacket> detect_lost(PacketNumberSpace s, Instant now);
  // Takes lost packets out of flight, reacts as the controller says; returns
  // whether they establish persistent congestion.
  bool on_packets_lost(PacketNumberSpace s, const std::vector<SentPacket>& lost, Instant now);
  bool in_persistent_congestion(const Space& sp, const std::vector<SentPacket>& lost) const;
  void forget_acked_below_outstanding(Space& sp);
  // Takes `sp`'s sent packets out of flight and returns them (its keys are
  // gone, or a Retry made them moot); the timer is set again.
  std::vector<SentPacket> forget_space(Space& sp, Instant now);
  // RFC 9002 Appendix A.8, GetPtoTimeAndSpace.
  std::pair<Instant, PacketNumberSpace> pto_time_and_space(Instant now) const;
  std::pair<Instant, PacketNumberSpace> earliest_loss_time() const;
  void set_timer(Instant now);

  bool is_server_;
  RttEstimator rtt_;
  NewReno congestion_;
  Duration peer_max_ack_delay_ = kDefaultMaxAckDelay;
  std::array<Space, kPacketNumberSpaceCount> spaces_;
  std::uint32_t pto_count_ = 0;
  Instant timer_ = kNever;
  std::optional<Instant> first_rtt_sample_;
  bool has_handshake_keys_ = false;
  bool handshake_confirmed_ = false;
  bool handshake_acked_ = false;
  bool amplification_limited_ = false;
};

}  // namespace adieu::quic
