#include "engine/quic/recovery.h"

#include <algorithm>
#include <utility>

namespace adieu::quic {

namespace {

// Backoff doubles the PTO period per consecutive PTO; past 2^30 the period
// is far beyond any idle timeout, so the exponent stops growing there and
// the arithmetic cannot overflow.
constexpr std::uint32_t kMaxBackoffExponent = 30;

Duration backed_off(Duration period, std::uint32_t pto_count) {
  return period * (std::int64_t{1} << std::min(pto_count, kMaxBackoffExponent));
}

// ACK ranges as RFC 9000 §19.3.1 lays them out: largest first, each range
// well formed, a gap of at least one packet number between two ranges.
bool ranges_well_formed(std::span<const AckRange> ranges) {
  if (ranges.empty()) return false;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].smallest > ranges[i].largest) return false;
    if (i > 0 && ranges[i].largest + 1 >= ranges[i - 1].smallest) return false;
  }
  return true;
}

}  // namespace

Recovery::Recovery(const RecoveryConfig& config)
    : is_server_(config.is_server),
      rtt_(config.initial_rtt),
      congestion_(config.max_datagram_size) {}

void Recovery::on_handshake_keys_available(Instant now) {
  has_handshake_keys_ = true;
  set_timer(now);
}

void Recovery::on_handshake_confirmed(Instant now) {
  handshake_confirmed_ = true;
  set_timer(now);
}

void Recovery::set_amplification_limited(bool limited, Instant now) {
  amplification_limited_ = limited;
  set_timer(now);
}

bool Recovery::peer_completed_address_validation() const {
  // RFC 9002 Appendix A.6: servers assume clients validated their address
  // implicitly; a client knows the server validated its address once a
  // Handshake packet was acknowledged or the handshake is confirmed.
  return is_server_ || handshake_acked_ || handshake_confirmed_;
}

bool Recovery::any_ack_eliciting_in_flight() const {
  return std::any_of(spaces_.begin(), spaces_.end(),
                     [](const Space& sp) { return sp.ack_eliciting_in_flight > 0; });
}

void Recovery::on_packet_sent(PacketNumberSpace s, const SentPacket& packet) {
  Space& sp = space(s);
  if (sp.discarded) return;
  sp.sent[packet.packet_number] = packet;
  sp.largest_sent = std::max(sp.largest_sent.value_or(0), packet.packet_number);
  if (packet.in_flight) {
    if (packet.ack_eliciting) {
      sp.last_ack_eliciting_sent = packet.time_sent;
      ++sp.ack_eliciting_in_flight;
    }
    congestion_.on_packet_sent(packet.size);
    set_timer(packet.time_sent);
  }
}

AckOutcome Recovery::on_ack_received(PacketNumberSpace s, std::span<const AckRange> ranges,
                                     Duration ack_delay, Instant now) {
  AckOutcome out;
  Space& sp = space(s);
  if (!ranges_well_formed(ranges)) {
    out.error = TransportError::frame_encoding_error;
    return out;
  }
  const std::uint64_t largest = ranges.front().largest;
  if (!sp.largest_sent || largest > *sp.largest_sent) {
    out.error = TransportError::protocol_violation;
    return out;
  }
  if (sp.discarded) return out;
  sp.largest_acked = std::max(sp.largest_acked.value_or(0), largest);

  // Ranges come largest first; collect from the smallest so `acked` is in
  // increasing packet-number order.
  for (auto r = ranges.rbegin(); r != ranges.rend(); ++r) {
    sp.acked.insert(r->smallest, r->largest + 1);
    auto it = sp.sent.lower_bound(r->smallest);
    while (it != sp.sent.end() && it->first <= r->largest) {
      out.acked.push_back(it->second);
      it = sp.sent.erase(it);
    }
  }
  if (out.acked.empty()) {
    forget_acked_below_outstanding(sp);
    return out;
  }

  bool any_ack_eliciting = false;
  for (const SentPacket& p : out.acked) {
    if (p.ack_eliciting && p.in_flight) --sp.ack_eliciting_in_flight;
    any_ack_eliciting = any_ack_eliciting || p.ack_eliciting;
  }
  // RFC 9002 §5.1: a sample only when the largest acknowledged is newly
  // acknowledged and at least one newly acknowledged packet is ack-eliciting.
  const SentPacket& newest = out.acked.back();
  if (newest.packet_number == largest && any_ack_eliciting) {
    Duration latest_rtt = now > newest.time_sent ? now - newest.time_sent : Duration{0};
    // RFC 9002 §5.3: Initial acknowledgments are not delayed by the peer.
    Duration delay = s == PacketNumberSpace::initial ? Duration{0} : ack_delay;
    rtt_.on_sample(latest_rtt, delay, peer_max_ack_delay_, handshake_confirmed_);
    if (!first_rtt_sample_) first_rtt_sample_ = now;
    out.rtt_sampled = true;
  }
  if (s == PacketNumberSpace::handshake) handshake_acked_ = true;

  // RFC 9002 Appendix A.7: losses are processed before acknowledgments, so
  // packets sent before a new recovery period do not grow the window.
  out.lost = detect_lost(s, now);
  out.persistent_congestion = on_packets_lost(s, out.lost, now);
  for (const SentPacket& p : out.acked) {
    if (p.in_flight) congestion_.on_packet_acked(p.size, p.time_sent);
  }
  forget_acked_below_outstanding(sp);

  // RFC 9002 §6.2.1: the backoff restarts on an acknowledgment, except on a
  // client not yet sure the server validated its address.
  if (peer_completed_address_validation()) pto_count_ = 0;
  set_timer(now);
  return out;
}

std::vector<SentPacket> Recovery::detect_lost(PacketNumberSpace s, Instant now) {
  Space& sp = space(s);
  std::vector<SentPacket> lost;
  sp.loss_time = kNever;
  if (!sp.largest_acked) return lost;
  const std::uint64_t largest_acked = *sp.largest_acked;
  const Duration loss_delay = rtt_.loss_delay();
  const Instant lost_send_time = now - loss_delay;
  auto it = sp.sent.begin();
  while (it != sp.sent.end() && it->first <= largest_acked) {
    const SentPacket& p = it->second;
    if (p.time_sent <= lost_send_time || largest_acked >= p.packet_number + kPacketThreshold) {
      lost.push_back(p);
      it = sp.sent.erase(it);
      continue;
    }
    sp.loss_time = std::min(sp.loss_time, p.time_sent + loss_delay);
    ++it;
  }
  return lost;
}

bool Recovery::on_packets_lost(PacketNumberSpace s, const std::vector<SentPacket>& lost,
                               Instant now) {
  Space& sp = space(s);
  std::optional<Instant> newest_lost_sent;
  for (const SentPacket& p : lost) {
    if (!p.in_flight) continue;
    if (p.ack_eliciting) --sp.ack_eliciting_in_flight;
    congestion_.remove_from_flight(p.size);
    newest_lost_sent = std::max(newest_lost_sent.value_or(p.time_sent), p.time_sent);
  }
  if (newest_lost_sent) congestion_.on_congestion_event(*newest_lost_sent, now);
  if (!in_persistent_congestion(sp, lost)) return false;
  congestion_.on_persistent_congestion();
  rtt_.on_persistent_congestion();
  return true;
}

Duration Recovery::persistent_congestion_duration() const {
  return (rtt_.pto_base() + peer_max_ack_delay_) *
         static_cast<std::int64_t>(kPersistentCongestionThreshold);
}

bool Recovery::in_persistent_congestion(const Space& sp,
                                        const std::vector<SentPacket>& lost) const {
  // RFC 9002 §7.6.2: two lost ack-eliciting packets, both sent after the
  // first RTT sample, more than the persistent congestion duration apart,
  // with no packet sent between them acknowledged. This looks at the space
  // that was acknowledged only, which §7.6.2 allows.
  if (!first_rtt_sample_) return false;
  const Duration duration = persistent_congestion_duration();
  std::optional<Instant> run_start;
  std::optional<std::uint64_t> previous;
  for (const SentPacket& p : lost) {
    if (p.time_sent <= *first_rtt_sample_) continue;
    if (previous && sp.acked.intersects(*previous + 1, p.packet_number)) run_start.reset();
    previous = p.packet_number;
    if (!p.ack_eliciting) continue;
    if (!run_start) {
      run_start = p.time_sent;
    } else if (p.time_sent - *run_start > duration) {
      return true;
    }
  }
  return false;
}

void Recovery::forget_acked_below_outstanding(Space& sp) {
  if (sp.sent.empty()) {
    sp.acked.clear();
  } else {
    sp.acked.erase_below(sp.sent.begin()->first);
  }
}

std::pair<Instant, PacketNumberSpace> Recovery::earliest_loss_time() const {
  Instant earliest = kNever;
  PacketNumberSpace which = PacketNumberSpace::initial;
  for (PacketNumberSpace s : kAllPacketNumberSpaces) {
    if (space(s).loss_time < earliest) {
      earliest = space(s).loss_time;
      which = s;
    }
  }
  return {earliest, which};
}

Duration Recovery::pto_period(PacketNumberSpace s) const {
  Duration period = rtt_.pto_base();
  // RFC 9002 §6.2.1: max_ack_delay counts for the application space only.
  if (s == PacketNumberSpace::application) period += peer_max_ack_delay_;
  return backed_off(period, pto_count_);
}

std::pair<Instant, PacketNumberSpace> Recovery::pto_time_and_space(Instant now) const {
  if (!any_ack_eliciting_in_flight()) {
    // Anti-deadlock (RFC 9002 §6.2.2.1): the period starts now.
    PacketNumberSpace s =
        has_handshake_keys_ ? PacketNumberSpace::handshake : PacketNumberSpace::initial;
    return {now + pto_period(s), s};
  }
  Instant timeout = kNever;
  PacketNumberSpace which = PacketNumberSpace::initial;
  for (PacketNumberSpace s : kAllPacketNumberSpaces) {
    const Space& sp = space(s);
    if (sp.ack_eliciting_in_flight == 0) continue;
    // RFC 9002 §6.2.1: no application-space PTO before the handshake is
    // confirmed.
    if (s == PacketNumberSpace::application && !handshake_confirmed_) break;
    Instant t = sp.last_ack_eliciting_sent + pto_period(s);
    if (t < timeout) {
      timeout = t;
      which = s;
    }
  }
  return {timeout, which};
}

void Recovery::set_timer(Instant now) {
  auto [loss_time, loss_space] = earliest_loss_time();
  (void)loss_space;
  if (loss_time != kNever) {
    timer_ = loss_time;
    return;
  }
  if (amplification_limited_) {
    timer_ = kNever;
    return;
  }
  if (!any_ack_eliciting_in_flight() && peer_completed_address_validation()) {
    timer_ = kNever;
    return;
  }
  timer_ = pto_time_and_space(now).first;
}

TimeoutOutcome Recovery::on_timeout(Instant now) {
  TimeoutOutcome out;
  if (timer_ == kNever || now < timer_) return out;

  auto [loss_time, loss_space] = earliest_loss_time();
  if (loss_time != kNever) {
    out.kind = TimeoutOutcome::Kind::loss;
    out.space = loss_space;
    out.lost = detect_lost(loss_space, now);
    out.persistent_congestion = on_packets_lost(loss_space, out.lost, now);
    forget_acked_below_outstanding(space(loss_space));
    set_timer(now);
    return out;
  }

  out.kind = TimeoutOutcome::Kind::probe;
  if (!any_ack_eliciting_in_flight()) {
    // RFC 9002 §6.2.2.1: only a client that is not sure its address was
    // validated arms a PTO with nothing in flight.
    out.anti_deadlock = true;
    out.space = has_handshake_keys_ ? PacketNumberSpace::handshake : PacketNumberSpace::initial;
    out.probes = 1;
  } else {
    out.space = pto_time_and_space(now).second;
    // RFC 9002 §6.2.4: one or two ack-eliciting packets; two make a single
    // lost probe less costly.
    out.probes = 2;
  }
  ++pto_count_;
  set_timer(now);
  return out;
}

std::vector<SentPacket> Recovery::forget_space(Space& sp, Instant now) {
  std::vector<SentPacket> outstanding;
  outstanding.reserve(sp.sent.size());
  for (auto& [pn, p] : sp.sent) {
    if (p.in_flight) congestion_.remove_from_flight(p.size);
    outstanding.push_back(p);
  }
  sp.sent.clear();
  sp.acked.clear();
  sp.ack_eliciting_in_flight = 0;
  sp.loss_time = kNever;
  pto_count_ = 0;
  set_timer(now);
  return outstanding;
}

std::vector<SentPacket> Recovery::discard_space(PacketNumberSpace s, Instant now) {
  Space& sp = space(s);
  sp.discarded = true;
  return forget_space(sp, now);
}

std::vector<SentPacket> Recovery::on_retry(Instant now) {
  return forget_space(space(PacketNumberSpace::initial), now);
}

std::optional<std::uint64_t> Recovery::largest_acked(PacketNumberSpace s) const {
  return space(s).largest_acked;
}

std::size_t Recovery::ack_eliciting_in_flight(PacketNumberSpace s) const {
  return space(s).ack_eliciting_in_flight;
}

std::size_t Recovery::outstanding(PacketNumberSpace s) const {
  return space(s).sent.size();
}

Instant Recovery::loss_time(PacketNumberSpace s) const {
  return space(s).loss_time;
}

}  // namespace adieu::quic
