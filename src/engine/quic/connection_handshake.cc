// The TLS handshake's progress as the connection sees it (RFC 9001 section
// 4): CRYPTO data kept per space until acknowledged, keys installed and
// discarded per space, the peer's transport parameters checked and applied,
// completion and confirmation.
#include <algorithm>

#include "engine/config_impl.h"
#include "engine/quic/connection_impl.h"
#include "engine/quic/flow_control.h"

namespace adieu::quic {

void Connection::Impl::pull_crypto() {
  if (!tls) return;
  for (PacketNumberSpace s : kAllPacketNumberSpaces) {
    const Level level = level_of(s);
    const std::span<const uint8_t> data = tls->pending_crypto(level);
    if (data.empty()) continue;
    PacketSpace& sp = space(s);
    if (!sp.discarded) sp.crypto.write(data);
    tls->consume_crypto(level, data.size());
  }
}

namespace {

bool same_cid(const std::optional<ConnectionId>& a, const std::optional<ConnectionId>& b) {
  return a.has_value() == b.has_value() && (!a || *a == *b);
}

StreamParameters stream_parameters_of(const TransportParameters& p) {
  StreamParameters s;
  s.initial_max_data = p.initial_max_data;
  s.initial_max_stream_data_bidi_local = p.initial_max_stream_data_bidi_local;
  s.initial_max_stream_data_bidi_remote = p.initial_max_stream_data_bidi_remote;
  s.initial_max_stream_data_uni = p.initial_max_stream_data_uni;
  s.initial_max_streams_bidi = p.initial_max_streams_bidi;
  s.initial_max_streams_uni = p.initial_max_streams_uni;
  return s;
}

}  // namespace

TransportError Connection::Impl::check_peer_transport_parameters(const TransportParameters& peer,
                                                                 std::string& reason) const {
  // RFC 9000 section 7.3: the connection IDs each side used must be those
  // its transport parameters name (authenticated by the handshake).
  if (!peer.initial_source_connection_id ||
      !same_cid(peer.initial_source_connection_id, peer_initial_scid)) {
    reason = "initial_source_connection_id does not match";
    return TransportError::transport_parameter_error;
  }
  if (role == Role::client) {
    if (!same_cid(peer.original_destination_connection_id, original_dcid)) {
      reason = "original_destination_connection_id does not match";
      return TransportError::transport_parameter_error;
    }
    if (!same_cid(peer.retry_source_connection_id, retry_scid)) {
      reason = "retry_source_connection_id does not match";
      return TransportError::transport_parameter_error;
    }
  }
  return TransportError::no_error;
}

void Connection::Impl::advance_handshake(Instant now) {
  if (!tls || !active()) return;
  pull_crypto();
  if (tls->error() != TransportError::no_error) {
    close_transport(tls->error(), frame_type::crypto,
                    is_crypto_error(tls->error()) ? "TLS handshake failure" : "CRYPTO data refused",
                    now, tls->tls_error());
    return;
  }
  if (role == Role::client && !handshake_keys_reported &&
      tls->read_protection(Level::handshake) != nullptr) {
    handshake_keys_reported = true;
    recovery.on_handshake_keys_available(now);
  }
  if (!one_rtt.ready() && tls->read_secret(Level::application) &&
      tls->write_secret(Level::application)) {
    const PacketProtection* w = tls->write_protection(Level::application);
    if (!w || !one_rtt.install(w->suite(), *tls->read_secret(Level::application),
                               *tls->write_secret(Level::application))) {
      close_transport(TransportError::internal_error, 0, "1-RTT keys", now);
      return;
    }
  }
  if (!peer_parameters_applied && tls->peer_transport_parameters()) {
    peer_parameters_applied = true;
    const TransportParameters& peer = *tls->peer_transport_parameters();
    std::string reason;
    if (const TransportError err = check_peer_transport_parameters(peer, reason);
        err != TransportError::no_error) {
      close_transport(err, 0, reason, now);
      return;
    }
    peer_parameters = peer;
    peer_ack_delay_exponent = peer.ack_delay_exponent;
    recovery.set_peer_max_ack_delay(std::chrono::milliseconds(peer.max_ack_delay));
    streams.set_peer_parameters(stream_parameters_of(peer));
    if (peer.stateless_reset_token) cids.set_initial_peer_token(*peer.stateless_reset_token);
    restart_idle_timer(now);
  }
  if (tls->handshake_complete() && state == ConnectionState::handshaking) {
    state = ConnectionState::established;
    if (role == Role::server) {
      // RFC 9001 section 4.1.2: the server's handshake is confirmed once
      // complete; HANDSHAKE_DONE tells the client.
      handshake_done_owed = true;
    }
  }
  if (!handshake_confirmed && tls->handshake_confirmed()) on_handshake_confirmed(now);
}

void Connection::Impl::on_handshake_confirmed(Instant now) {
  handshake_confirmed = true;
  // RFC 9001 section 4.9.2: Handshake keys go once the handshake is confirmed.
  discard_space(PacketNumberSpace::initial, now);
  discard_space(PacketNumberSpace::handshake, now);
  recovery.on_handshake_confirmed(now);
  if (peer_parameters) {
    cids.issue(peer_parameters->active_connection_id_limit, settings.connection_id_length,
               *config->impl().random);
  }
}

void Connection::Impl::discard_space(PacketNumberSpace s, Instant now) {
  PacketSpace& sp = space(s);
  if (sp.discarded) return;
  sp.discarded = true;
  sp.probes = 0;
  sp.close_owed = false;
  sp.crypto = StreamSendBuffer{};
  recovery.discard_space(s, now);
  for (auto it = sent.begin(); it != sent.end();) {
    it = it->second.space == s ? sent.erase(it) : std::next(it);
  }
  if (s == PacketNumberSpace::initial) {
    initial_read.clear();
    initial_write.clear();
  }
}

}  // namespace adieu::quic
