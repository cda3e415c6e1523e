// Connection::Impl: the state of one QUIC connection (adieu/quic.h) and the
// steps that move it. The work is split by concept:
//   connection.cc        the public methods, creation, state and timers
//   packet_receiver.cc   datagrams in: unprotect per space, drop what cannot
//                        be used, dispatch frames (frame_rules.h)
//   packet_builder.cc    datagrams out: coalesced Initial, Handshake and
//                        1-RTT packets, ACKs piggybacked, padding, limits
//   connection_handshake.cc  the TLS handshake's progress: CRYPTO data
//                        kept until acknowledged, keys per space and their
//                        discarding, transport parameters checked
//   connection_close.cc  closing, draining, idle timeout, stateless reset
//   sent_content.h       what each sent packet carried (acked / lost)
//   connection_ids.h     our connection IDs and the peer's
//   one_rtt_keys.h       1-RTT keys and key updates
#pragma once

#include <adieu/quic.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/quic/connection_id.h"
#include "engine/quic/connection_ids.h"
#include "engine/quic/frame.h"
#include "engine/quic/one_rtt_keys.h"
#include "engine/quic/packet_header.h"
#include "engine/quic/packet_protection.h"
#include "engine/quic/packet_space.h"
#include "engine/quic/recovery.h"
#include "engine/quic/sent_content.h"
#include "engine/quic/stream_frames.h"
#include "engine/quic/tls_handshake.h"
#include "engine/quic/transport_parameters.h"

namespace adieu::quic {

struct Connection::Impl {
  Impl(Role role, std::shared_ptr<const Config> config, const Settings& settings,
       const ConnectionId& local_cid, const StatelessResetKey& reset_key, Instant now);

  // --- connection.cc
  TransportParameters local_transport_parameters() const;
  Instant next_timeout() const;
  void on_timeout(Instant now);
  PacketSpace& space(PacketNumberSpace s) { return spaces[index_of(s)]; }
  const PacketSpace& space(PacketNumberSpace s) const { return spaces[index_of(s)]; }
  bool active() const {
    return state == ConnectionState::handshaking || state == ConnectionState::established;
  }
  // The write keys of a space, nullptr when we have none (yet, or any more).
  PacketProtection* write_keys(PacketNumberSpace s);

  // --- packet_receiver.cc
  void receive(std::span<const uint8_t> datagram, Instant now);
  // false: the packet was dropped (not ours, no keys, not authenticated,
  // a duplicate).
  bool process_packet(const PacketHeader& header, Instant now);
  void process_version_negotiation(const PacketHeader& header, Instant now);
  void process_retry(const PacketHeader& header, Instant now);
  // One frame; false when the connection started to end.
  bool handle_frame(const Frame& frame, PacketNumberSpace s, const PacketHeader& header,
                    Instant now);
  void on_ack_frame(const AckFrame& ack, PacketNumberSpace s, Instant now);
  void on_packets_acked(const std::vector<SentPacket>& packets);
  void on_packets_lost(const std::vector<SentPacket>& packets);

  // --- packet_builder.cc
  bool build_datagram(Instant now, std::vector<uint8_t>& out);

  // --- connection_handshake.cc
  // Moves what the handshake wrote into each space's CRYPTO send buffer.
  void pull_crypto();
  // Reacts to what the handshake did: new keys, the peer's transport
  // parameters, completion and confirmation, a failure.
  void advance_handshake(Instant now);
  TransportError check_peer_transport_parameters(const TransportParameters& peer,
                                                 std::string& reason) const;
  void discard_space(PacketNumberSpace s, Instant now);
  void on_handshake_confirmed(Instant now);
  Duration pto() const;
  void restart_idle_timer(Instant now);

  // --- connection_close.cc
  // We end the connection with CONNECTION_CLOSE: closing.
  void close_with(CloseInfo info, Instant now);
  void close_transport(TransportError code, uint64_t frame_type, std::string reason, Instant now,
                       Error tls = Error::none);
  // The peer's CONNECTION_CLOSE: draining.
  void on_connection_close(const ConnectionCloseFrame& frame, Instant now);
  // Ends at once without a packet (idle timeout, stateless reset, VN).
  void terminate(CloseInfo::Cause cause, Instant now);
  // The CONNECTION_CLOSE frame to send in space `s` (RFC 9000 section 10.2.3).
  ConnectionCloseFrame close_frame(PacketNumberSpace s) const;
  // A datagram arrived while closing: answer at a bounded rate.
  void on_datagram_while_closing();

  // --- configuration
  Role role;
  std::shared_ptr<const Config> config;
  Settings settings;
  StatelessResetKey reset_key;
  Instant last_now{};  // the latest time the engine was told

  // --- handshake and keys
  std::unique_ptr<TlsHandshake> tls;
  PacketProtection initial_read;
  PacketProtection initial_write;
  OneRttKeys one_rtt;
  bool handshake_keys_reported = false;  // Recovery told (client)
  bool peer_parameters_applied = false;
  bool handshake_confirmed = false;
  std::optional<TransportParameters> peer_parameters;

  // --- connection IDs and address
  ConnectionIds cids;
  ConnectionId local_cid;      // the ID we chose first (long headers' SCID)
  ConnectionId original_dcid;  // the DCID of the client's first Initial
  ConnectionId initial_dcid;   // the DCID Initial keys come from (after a Retry, the new one)
  std::optional<ConnectionId> peer_initial_scid;  // the SCID of the peer's first packet
  std::optional<ConnectionId> retry_scid;         // client: the Retry's SCID
  std::vector<uint8_t> retry_token;               // client: sent in later Initials
  std::vector<uint8_t> new_token;                 // client: the last NEW_TOKEN
  bool packet_received = false;                   // any packet from the peer processed
  bool address_validated = false;                 // server (RFC 9000 section 8.1)
  uint64_t peer_ack_delay_exponent = 3;

  // --- loss recovery and spaces
  Recovery recovery;
  std::array<PacketSpace, kPacketNumberSpaceCount> spaces;
  std::unordered_map<uint64_t, SentContent> sent;  // by SentPacket::content
  uint64_t next_content = 1;

  // --- frames owed outside the CRYPTO and stream layers
  bool handshake_done_owed = false;
  bool handshake_done_acked = false;
  std::vector<std::array<uint8_t, 8>> path_responses_owed;

  // --- streams
  StreamFrames streams;
  std::vector<uint64_t> written_streams;  // streams the application wrote on

  // --- state and timers
  ConnectionState state = ConnectionState::handshaking;
  std::optional<CloseInfo> close_info;
  bool close_sent = false;
  Instant close_deadline = kNever;  // end of closing or draining
  uint64_t closing_datagrams = 0;   // received while closing
  Instant idle_deadline = kNever;
  bool ack_eliciting_sent_since_receive = false;
  ConnectionStats stats;
  mutable std::vector<std::vector<uint8_t>> peer_certificates;  // made on first use
};

}  // namespace adieu::quic
