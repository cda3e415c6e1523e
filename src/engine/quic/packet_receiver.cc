// Datagrams in (RFC 9000 sections 5.2, 12.2, 17; RFC 9001 section 5): each
// coalesced packet is attributed to the connection by its Destination
// Connection ID, unprotected with its space's keys and, once authenticated
// and not a duplicate, its frames are checked (frame_rules.h) and handled.
// Packets that cannot be used are dropped and counted; a protocol error
// closes the connection.
#include <algorithm>

#include "engine/config_impl.h"
#include "engine/quic/connection_impl.h"
#include "engine/quic/frame_rules.h"
#include "engine/quic/initial_secrets.h"
#include "engine/quic/retry.h"

namespace adieu::quic {

namespace {

bool ack_eliciting(const Frame& f) {
  return !std::holds_alternative<PaddingFrame>(f) && !std::holds_alternative<AckFrame>(f) &&
         !std::holds_alternative<ConnectionCloseFrame>(f);
}

bool is_stream_layer_frame(const Frame& f) {
  return std::holds_alternative<StreamFrame>(f) || std::holds_alternative<ResetStreamFrame>(f) ||
         std::holds_alternative<StopSendingFrame>(f) || std::holds_alternative<MaxDataFrame>(f) ||
         std::holds_alternative<MaxStreamDataFrame>(f) ||
         std::holds_alternative<MaxStreamsFrame>(f) ||
         std::holds_alternative<DataBlockedFrame>(f) ||
         std::holds_alternative<StreamDataBlockedFrame>(f) ||
         std::holds_alternative<StreamsBlockedFrame>(f);
}

}  // namespace

void Connection::Impl::receive(std::span<const uint8_t> datagram, Instant now) {
  if (state == ConnectionState::closed) return;
  ++stats.datagrams_received;
  stats.bytes_received += datagram.size();
  if (state == ConnectionState::draining) return;
  if (state == ConnectionState::closing) {
    on_datagram_while_closing();
    return;
  }
  bool any_processed = false;
  CoalescedPackets packets(datagram, settings.connection_id_length);
  PacketHeader header;
  while (active() && packets.next(header)) {
    if (process_packet(header, now)) {
      any_processed = true;
    } else {
      ++stats.packets_dropped;
    }
  }
  stats.packets_dropped += packets.skipped();
  if (packets.status() != HeaderStatus::ok) ++stats.packets_dropped;
  // RFC 9000 section 10.3.1: a datagram nothing in which could be used
  // (not ours, or not decrypted), ending with one of the peer's stateless
  // reset tokens.
  if (active() && !any_processed && cids.is_stateless_reset(datagram)) {
    terminate(CloseInfo::Cause::stateless_reset, now);
    return;
  }
  if (active() && role == Role::server && !address_validated) {
    recovery.set_amplification_limited(false, now);
  }
}

bool Connection::Impl::process_packet(const PacketHeader& header, Instant now) {
  if (header.type == PacketType::version_negotiation) {
    process_version_negotiation(header, now);
    return true;
  }
  if (header.type == PacketType::retry) {
    process_retry(header, now);
    return true;
  }
  const std::optional<PacketNumberSpace> s = space_of(header.type);
  // No 0-RTT here (RFC 9001 section 4.6: a server may discard it).
  if (!s || header.type == PacketType::zero_rtt) return false;
  if (header.type != PacketType::one_rtt && header.version != kQuicVersion1) return false;
  // Attributed to this connection by its Destination Connection ID: one of
  // ours, or (server) the ID the client chose for its Initials.
  const bool ours =
      cids.is_local(header.dcid) || (role == Role::server && (header.type == PacketType::initial) &&
                                     std::ranges::equal(header.dcid, initial_dcid.span()));
  if (!ours) return false;
  PacketSpace& sp = space(*s);
  if (sp.discarded) return false;

  std::vector<uint8_t> packet(header.packet.begin(), header.packet.end());
  UnprotectedPacket opened;
  UnprotectStatus status = UnprotectStatus::too_short;
  const std::optional<uint64_t> largest = sp.acks.largest_received();
  if (header.type == PacketType::one_rtt) {
    if (!one_rtt.ready()) return false;
    status = one_rtt.open(packet, header.pn_offset, largest, opened, now, 3 * pto());
  } else {
    PacketProtection* keys = header.type == PacketType::initial
                                 ? (initial_read.ready() ? &initial_read : nullptr)
                                 : (tls ? tls->read_protection(Level::handshake) : nullptr);
    if (!keys) return false;
    status = keys->unprotect(packet, header.pn_offset, largest, opened);
  }
  if (status == UnprotectStatus::too_short || status == UnprotectStatus::decrypt_failed) {
    return false;
  }
  if (status == UnprotectStatus::reserved_bits_set) {
    close_transport(TransportError::protocol_violation, 0, "reserved bits set", now);
    return true;
  }
  if (sp.acks.is_duplicate(opened.packet_number)) return false;

  if (role == Role::client && !peer_initial_scid && header.type == PacketType::initial) {
    // RFC 9000 section 7.2: the client sends to the server's chosen ID.
    const ConnectionId scid = *ConnectionId::from(header.scid);
    peer_initial_scid = scid;
    cids.set_initial_peer(scid);
  }
  if (role == Role::server && !peer_initial_scid) {
    peer_initial_scid = ConnectionId::from(header.scid);
  }
  packet_received = true;
  ++stats.packets_received;
  if (role == Role::server && header.type == PacketType::handshake) {
    // RFC 9000 section 8.1: a Handshake packet validates the address; RFC
    // 9001 section 4.9.1: the server's Initial keys go.
    address_validated = true;
    recovery.set_amplification_limited(false, now);
    discard_space(PacketNumberSpace::initial, now);
  }

  bool eliciting = false;
  FrameIterator frames(std::span<const uint8_t>(opened.payload), header.type, role);
  while (const std::optional<Frame> frame = frames.next()) {
    eliciting = eliciting || ack_eliciting(*frame);
    if (!handle_frame(*frame, *s, header, now)) return true;
  }
  if (frames.error()) {
    close_transport(frames.error()->code, frames.error()->frame_type, frames.error()->reason, now);
    return true;
  }
  if (!space(*s).discarded) space(*s).acks.on_packet_received(opened.packet_number, eliciting, now);
  // RFC 9000 section 10.1: a packet processed restarts the idle timer.
  restart_idle_timer(now);
  ack_eliciting_sent_since_receive = false;
  advance_handshake(now);
  return true;
}

void Connection::Impl::process_version_negotiation(const PacketHeader& header, Instant now) {
  // RFC 9000 section 6.2: only a client, only before anything else came
  // from the server, only one naming our SCID and the DCID we sent to.
  if (role != Role::client || packet_received || !cids.is_local(header.dcid) ||
      !std::ranges::equal(header.scid, cids.peer().span())) {
    return;
  }
  for (size_t i = 0; i + 4 <= header.supported_versions.size(); i += 4) {
    const uint32_t v = uint32_t{header.supported_versions[i]} << 24 |
                       uint32_t{header.supported_versions[i + 1]} << 16 |
                       uint32_t{header.supported_versions[i + 2]} << 8 |
                       header.supported_versions[i + 3];
    if (v == kQuicVersion1) return;  // ours is listed: ignore the packet
  }
  terminate(CloseInfo::Cause::version_negotiation, now);
}

void Connection::Impl::process_retry(const PacketHeader& header, Instant now) {
  // RFC 9000 section 17.2.5.2: one Retry at most, before any other packet,
  // addressed to us, with a valid integrity tag.
  if (role != Role::client || packet_received || retry_scid || !cids.is_local(header.dcid) ||
      !verify_retry(header, initial_dcid.span())) {
    return;
  }
  const std::optional<ConnectionId> scid = ConnectionId::from(header.scid);
  if (!scid || *scid == initial_dcid) return;
  retry_scid = *scid;
  retry_token.assign(header.token.begin(), header.token.end());
  initial_dcid = *scid;
  cids.set_initial_peer(*scid);
  // New Initial keys from the new Destination Connection ID (RFC 9001
  // section 5.2); everything sent in Initials is sent again.
  const InitialSecrets secrets = derive_initial_secrets(scid->span());
  initial_read.install(kInitialSuite, secrets.server.span());
  initial_write.install(kInitialSuite, secrets.client.span());
  for (const SentPacket& p : recovery.on_retry(now)) {
    auto it = sent.find(p.content);
    if (it == sent.end()) continue;
    for (const SentContent::CryptoRange& r : it->second.crypto) {
      space(PacketNumberSpace::initial).crypto.on_lost(r.offset, r.length, false);
    }
    sent.erase(it);
  }
}

bool Connection::Impl::handle_frame(const Frame& frame, PacketNumberSpace s,
                                    const PacketHeader& header, Instant now) {
  const uint64_t type = type_of(frame);
  if (const auto* ack = std::get_if<AckFrame>(&frame)) {
    on_ack_frame(*ack, s, now);
  } else if (const auto* crypto = std::get_if<CryptoFrame>(&frame)) {
    if (!tls) return false;
    tls->receive_crypto(level_of(s), crypto->offset, crypto->data);
    if (tls->error() != TransportError::no_error) {
      advance_handshake(now);  // closes with the handshake's error
    }
  } else if (is_stream_layer_frame(frame)) {
    if (const TransportError err = streams.on_frame(frame); err != TransportError::no_error) {
      close_transport(err, type, "stream frame refused", now);
    }
  } else if (const auto* token = std::get_if<NewTokenFrame>(&frame)) {
    new_token.assign(token->token.begin(), token->token.end());
  } else if (const auto* ncid = std::get_if<NewConnectionIdFrame>(&frame)) {
    if (const TransportError err = cids.on_new_id(*ncid); err != TransportError::no_error) {
      close_transport(err, type, "NEW_CONNECTION_ID refused", now);
    }
  } else if (const auto* retire = std::get_if<RetireConnectionIdFrame>(&frame)) {
    if (const TransportError err = cids.on_retire(retire->sequence_number, header.dcid);
        err != TransportError::no_error) {
      close_transport(err, type, "RETIRE_CONNECTION_ID refused", now);
    } else if (peer_parameters) {
      cids.issue(peer_parameters->active_connection_id_limit, settings.connection_id_length,
                 *config->impl().random);
    }
  } else if (const auto* challenge = std::get_if<PathChallengeFrame>(&frame)) {
    path_responses_owed.push_back(challenge->data);
  } else if (const auto* close = std::get_if<ConnectionCloseFrame>(&frame)) {
    on_connection_close(*close, now);
  } else if (std::holds_alternative<HandshakeDoneFrame>(frame)) {
    if (tls) tls->on_handshake_done();
  }
  // PADDING, PING and PATH_RESPONSE (we send no PATH_CHALLENGE) need nothing.
  return active();
}

void Connection::Impl::on_ack_frame(const AckFrame& ack, PacketNumberSpace s, Instant now) {
  const uint64_t shift = std::min<uint64_t>(peer_ack_delay_exponent, 20);
  const uint64_t delay_us =
      ack.ack_delay > (uint64_t{1} << 40) ? (uint64_t{1} << 60) : ack.ack_delay << shift;
  AckOutcome outcome =
      recovery.on_ack_received(s, ack.ranges, Duration(static_cast<int64_t>(delay_us)), now);
  if (outcome.error != TransportError::no_error) {
    close_transport(outcome.error, type_of(Frame{ack}), "ACK refused", now);
    return;
  }
  on_packets_lost(outcome.lost);
  on_packets_acked(outcome.acked);
}

void Connection::Impl::on_packets_acked(const std::vector<SentPacket>& packets) {
  for (const SentPacket& p : packets) {
    auto it = sent.find(p.content);
    if (it == sent.end()) continue;
    SentContent& c = it->second;
    PacketSpace& sp = space(c.space);
    for (const SentContent::CryptoRange& r : c.crypto)
      sp.crypto.on_acked(r.offset, r.length, false);
    if (c.ack_largest) sp.acks.on_ack_frame_acknowledged(*c.ack_largest);
    if (c.handshake_done) handshake_done_acked = true;
    if (!c.streams.empty()) streams.on_acked(c.streams);
    if (c.space == PacketNumberSpace::application) one_rtt.on_packet_acked(c.packet_number);
    sent.erase(it);
  }
}

void Connection::Impl::on_packets_lost(const std::vector<SentPacket>& packets) {
  for (const SentPacket& p : packets) {
    ++stats.packets_lost;
    auto it = sent.find(p.content);
    if (it == sent.end()) continue;
    SentContent& c = it->second;
    PacketSpace& sp = space(c.space);
    for (const SentContent::CryptoRange& r : c.crypto) sp.crypto.on_lost(r.offset, r.length, false);
    if (c.handshake_done && !handshake_done_acked) handshake_done_owed = true;
    for (uint64_t seq : c.new_connection_ids) cids.on_new_id_lost(seq);
    for (uint64_t seq : c.retire_connection_ids) cids.on_retirement_lost(seq);
    if (!c.streams.empty()) streams.on_lost(c.streams);
    sent.erase(it);
  }
}

}  // namespace adieu::quic
