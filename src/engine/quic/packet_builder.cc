// Datagrams out (RFC 9000 sections 12.2, 13, 14; RFC 9002 section 7): one
// packet per space that has something to send, coalesced Initial, Handshake
// then 1-RTT. ACK frames ride with whatever else a space sends and go alone
// when due; CRYPTO data is taken from each space's send buffer (lost ranges
// first); the 1-RTT packet carries HANDSHAKE_DONE, connection ID frames,
// PATH_RESPONSE and the stream layer's frames. A datagram with a client's
// Initial (or a server's ack-eliciting Initial) is padded to 1200 bytes
// (section 14.1). The congestion window bounds ack-eliciting packets except
// PTO probes (RFC 9002 section 7.5), and the anti-amplification limit bounds
// a server's bytes until the client's address is validated (section 8.1).
#include <algorithm>

#include "engine/quic/connection_impl.h"
#include "engine/quic/flow_control.h"
#include "engine/quic/packet_number.h"
#include "wire/writer.h"

namespace adieu::quic {

namespace {

// RFC 9000 section 14.1.
constexpr size_t kMinInitialDatagram = 1200;
// How many ACK ranges one frame reports at most (RFC 9000 section 13.2.4
// lets older ones be left out).
constexpr size_t kMaxAckRanges = 32;
// Our ack_delay_exponent: the default, which we do not send (RFC 9000 section 18.2).
constexpr uint64_t kAckDelayExponent = 3;
// RFC 9000 section 8.1.
constexpr uint64_t kAmplificationFactor = 3;
// A packet smaller than this carries nothing worth the header.
constexpr size_t kMinPacketRoom = 48;
// The most a CRYPTO frame's header takes: type, an 8-byte offset, a 2-byte length.
constexpr size_t kCryptoFrameOverhead = 11;

struct PacketPlan {
  PacketNumberSpace space = PacketNumberSpace::initial;
  uint64_t packet_number = 0;
  size_t pn_length = 4;
  std::vector<uint8_t> payload;
  SentContent content;
  bool ack_eliciting = false;
  bool has_ack = false;
  bool padded = false;
  std::vector<uint64_t> new_ids;
  std::vector<uint64_t> retirements;
  size_t path_responses = 0;
};

}  // namespace

namespace {

size_t header_size(const Connection::Impl& c, PacketNumberSpace s, size_t pn_length,
                   size_t payload_size, std::span<const uint8_t> token) {
  const size_t dcid = c.cids.peer().size();
  if (s == PacketNumberSpace::application) return 1 + dcid + pn_length;
  size_t n = 1 + 4 + 1 + dcid + 1 + c.local_cid.size();
  if (s == PacketNumberSpace::initial) n += wire::varint_size(token.size()) + token.size();
  return n + wire::varint_size(pn_length + payload_size + crypto::kAeadTagSize) + pn_length;
}

std::span<const uint8_t> token_of(const Connection::Impl& c, PacketNumberSpace s) {
  if (s != PacketNumberSpace::initial || c.role != Role::client) return {};
  return c.retry_token;
}

size_t packet_size(const Connection::Impl& c, const PacketPlan& p) {
  return header_size(c, p.space, p.pn_length, p.payload.size(), token_of(c, p.space)) +
         p.payload.size() + crypto::kAeadTagSize;
}

void pad_front(PacketPlan& p, size_t n) {
  p.payload.insert(p.payload.begin(), n, 0x00);  // PADDING frames
  if (n > 0) p.padded = true;
}

}  // namespace

bool Connection::Impl::build_datagram(Instant now, std::vector<uint8_t>& out) {
  if (state == ConnectionState::closed || state == ConnectionState::draining) return false;
  const bool closing = state == ConnectionState::closing;
  if (!closing) pull_crypto();

  size_t budget = settings.max_datagram_size;
  if (role == Role::server && !address_validated) {
    const uint64_t allowance = kAmplificationFactor * stats.bytes_received;
    budget = allowance > stats.bytes_sent
                 ? static_cast<size_t>(std::min<uint64_t>(budget, allowance - stats.bytes_sent))
                 : 0;
  }
  // Ack-eliciting bytes the congestion window lets out (probes ignore it).
  uint64_t eliciting_left = recovery.congestion().available();

  std::vector<PacketPlan> plans;
  size_t used = 0;
  for (PacketNumberSpace s : kAllPacketNumberSpaces) {
    PacketSpace& sp = space(s);
    if (write_keys(s) == nullptr) continue;
    if (closing && !sp.close_owed) continue;
    if (budget < used + kMinPacketRoom) break;
    PacketPlan plan;
    plan.space = s;
    plan.content.space = s;
    plan.packet_number = sp.next_packet_number;
    plan.content.packet_number = plan.packet_number;
    plan.pn_length = packet_number_length(plan.packet_number, recovery.largest_acked(s));
    if (plan.pn_length == 0) plan.pn_length = 4;
    const size_t room = budget - used;
    const size_t overhead =
        header_size(*this, s, plan.pn_length, room, token_of(*this, s)) + crypto::kAeadTagSize;
    if (room <= overhead) continue;
    const size_t payload_room = room - overhead;
    wire::Writer w(plan.payload);

    if (closing) {
      ConnectionCloseFrame f = close_frame(s);
      f.reason_phrase = f.reason_phrase.first(
          std::min(f.reason_phrase.size(), payload_room > 32 ? payload_room - 32 : 0));
      write_frame(w, f);
      sp.close_owed = false;
      plans.push_back(std::move(plan));
      used += packet_size(*this, plans.back());
      continue;
    }

    // ACK first: it goes when due, or with anything else this space sends.
    const bool ack_due = sp.acks.has_ranges_to_send() && sp.acks.ack_due(now);
    if (sp.acks.has_ranges_to_send()) {
      AckFrame ack;
      ack.ranges = sp.acks.ack_ranges(kMaxAckRanges);
      ack.ack_delay = static_cast<uint64_t>(sp.acks.ack_delay(now).count()) >> kAckDelayExponent;
      std::vector<uint8_t> bytes;
      wire::Writer aw(bytes);
      write_frame(aw, ack);
      if (aw.ok() && bytes.size() <= payload_room) {
        w.bytes(bytes);
        plan.has_ack = true;
        plan.content.ack_largest = ack.ranges.front().largest;
      }
    }
    const size_t ack_size = plan.payload.size();
    size_t limit = payload_room;
    if (sp.probes == 0) {
      const uint64_t allowed = eliciting_left > overhead + ack_size ? eliciting_left - overhead : 0;
      limit = static_cast<size_t>(std::min<uint64_t>(limit, allowed));
    }
    auto room_left = [&]() {
      return limit > plan.payload.size() ? limit - plan.payload.size() : 0;
    };

    // CRYPTO data, lost ranges first.
    while (room_left() > kCryptoFrameOverhead + 1) {
      const std::optional<StreamSendBuffer::Chunk> chunk =
          sp.crypto.emit(room_left() - kCryptoFrameOverhead, kMaxStreamLength);
      if (!chunk || chunk->data.empty()) break;
      write_frame(w, CryptoFrame{chunk->offset, chunk->data});
      plan.content.crypto.push_back({chunk->offset, chunk->data.size()});
    }
    if (s == PacketNumberSpace::application) {
      if (handshake_done_owed && room_left() >= 1) {
        write_frame(w, HandshakeDoneFrame{});
        plan.content.handshake_done = true;
      }
      for (const auto& data : path_responses_owed) {
        if (room_left() < 9) break;
        write_frame(w, PathResponseFrame{data});
        ++plan.path_responses;
      }
      for (const NewConnectionIdFrame& f : cids.owed_new_ids()) {
        if (room_left() < 1 + 8 + 8 + 1 + f.connection_id.size() + kStatelessResetTokenSize) break;
        write_frame(w, f);
        plan.new_ids.push_back(f.sequence_number);
        plan.content.new_connection_ids.push_back(f.sequence_number);
      }
      for (uint64_t seq : cids.owed_retirements()) {
        if (room_left() < 9) break;
        write_frame(w, RetireConnectionIdFrame{seq});
        plan.retirements.push_back(seq);
        plan.content.retire_connection_ids.push_back(seq);
      }
      if (tls && tls->handshake_complete() && streams.wants_to_send() && room_left() > 0) {
        streams.write_frames(w, room_left(), plan.content.streams);
      }
    }
    plan.ack_eliciting = plan.payload.size() > ack_size;
    if (!plan.ack_eliciting && sp.probes > 0 && payload_room > plan.payload.size()) {
      write_frame(w, PingFrame{});
      plan.ack_eliciting = true;
    }
    if (!plan.ack_eliciting && !ack_due) continue;
    if (plan.ack_eliciting) {
      const size_t size = packet_size(*this, plan);
      eliciting_left = eliciting_left > size ? eliciting_left - size : 0;
    }
    used += packet_size(*this, plan);
    plans.push_back(std::move(plan));
  }
  if (plans.empty()) {
    // RFC 9002 section 7.8: nothing to send while the window has room for
    // a full datagram: application-limited, the window does not grow.
    if (!closing) {
      recovery.congestion().set_app_limited(recovery.congestion().available() >=
                                            settings.max_datagram_size);
    }
    if (role == Role::server && !address_validated) {
      recovery.set_amplification_limited(budget < kMinPacketRoom, now);
    }
    return false;
  }

  // Padding: the header protection sample needs 4 bytes of packet number
  // and payload (RFC 9001 section 5.4.2); Initials need full datagrams.
  for (PacketPlan& p : plans) {
    if (p.pn_length + p.payload.size() < 4) pad_front(p, 4 - p.pn_length - p.payload.size());
  }
  bool pad_datagram = false;
  for (const PacketPlan& p : plans) {
    if (p.space == PacketNumberSpace::initial && (role == Role::client || p.ack_eliciting)) {
      pad_datagram = true;
    }
  }
  if (pad_datagram) {
    const size_t target = std::min(kMinInitialDatagram, budget);
    size_t total = 0;
    for (const PacketPlan& p : plans) total += packet_size(*this, p);
    if (total < target) {
      PacketPlan& last = plans.back();
      pad_front(last, target - total);
      // The Length field may have grown by a byte: take it back.
      total = 0;
      for (const PacketPlan& p : plans) total += packet_size(*this, p);
      if (total > target)
        last.payload.erase(last.payload.begin(),
                           last.payload.begin() + static_cast<std::ptrdiff_t>(total - target));
    }
  }

  // Serialize and protect each packet.
  std::vector<size_t> sizes;
  for (PacketPlan& p : plans) {
    const size_t start = out.size();
    wire::Writer w(out);
    size_t pn_offset = 0;
    if (p.space == PacketNumberSpace::application) {
      pn_offset = write_short_header(w, cids.peer().span(), false, one_rtt.write_phase(),
                                     p.packet_number, p.pn_length);
    } else {
      LongHeader h;
      h.type = packet_type_of(p.space);
      h.dcid = cids.peer().span();
      h.scid = local_cid.span();
      h.token = token_of(*this, p.space);
      pn_offset = write_long_header(w, h, p.packet_number, p.pn_length, p.payload.size());
    }
    w.bytes(p.payload);
    out.resize(out.size() + crypto::kAeadTagSize);
    PacketProtection* keys = write_keys(p.space);
    if (!w.ok() || !keys ||
        !keys->protect(std::span<uint8_t>(out).subspan(start), pn_offset, p.packet_number)) {
      out.resize(start);
      close_transport(TransportError::internal_error, 0, "packet protection", now);
      return false;
    }
    sizes.push_back(out.size() - start);
  }

  // Record what was sent.
  bool any_eliciting = false;
  bool handshake_sent = false;
  for (size_t i = 0; i < plans.size(); ++i) {
    PacketPlan& p = plans[i];
    PacketSpace& sp = space(p.space);
    ++sp.next_packet_number;
    ++stats.packets_sent;
    if (closing) continue;
    if (p.has_ack) sp.acks.on_ack_sent();
    if (p.space == PacketNumberSpace::application) one_rtt.on_packet_sent(p.packet_number);
    if (p.ack_eliciting && sp.probes > 0) --sp.probes;
    for (uint64_t seq : p.new_ids) cids.on_new_id_sent(seq);
    for (uint64_t seq : p.retirements) cids.on_retirement_sent(seq);
    path_responses_owed.erase(
        path_responses_owed.begin(),
        path_responses_owed.begin() + static_cast<std::ptrdiff_t>(p.path_responses));
    if (p.content.handshake_done) handshake_done_owed = false;
    SentPacket packet;
    packet.packet_number = p.packet_number;
    packet.time_sent = now;
    packet.size = sizes[i];
    packet.ack_eliciting = p.ack_eliciting;
    packet.in_flight = p.ack_eliciting || p.padded;
    packet.content = next_content++;
    sent.emplace(packet.content, std::move(p.content));
    recovery.on_packet_sent(p.space, packet);
    any_eliciting = any_eliciting || p.ack_eliciting;
    handshake_sent = handshake_sent || p.space == PacketNumberSpace::handshake;
  }
  ++stats.datagrams_sent;
  stats.bytes_sent += out.size();
  if (closing) {
    // The closing period runs from the first CONNECTION_CLOSE sent.
    if (!close_sent) close_deadline = now + 3 * pto();
    close_sent = true;
    return true;
  }
  // RFC 9001 section 4.9.1: the client's Initial keys go with its first
  // Handshake packet.
  if (role == Role::client && handshake_sent) discard_space(PacketNumberSpace::initial, now);
  // RFC 9000 section 10.1: the first ack-eliciting packet after one was
  // received restarts the idle timer.
  if (any_eliciting && !ack_eliciting_sent_since_receive) {
    ack_eliciting_sent_since_receive = true;
    restart_idle_timer(now);
  }
  if (role == Role::server && !address_validated) {
    const uint64_t allowance = kAmplificationFactor * stats.bytes_received;
    recovery.set_amplification_limited(allowance < stats.bytes_sent + kMinPacketRoom, now);
  }
  return true;
}

}  // namespace adieu::quic
