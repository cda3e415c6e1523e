// The connection IDs of one QUIC connection (RFC 9000 section 5.1): ours,
// which the peer sends to, with the stateless reset token of each; and the
// peer's, which we send to.
//
// We issue NEW_CONNECTION_ID frames up to the peer's
// active_connection_id_limit (section 5.1.1) and replace an ID the peer
// retires (RETIRE_CONNECTION_ID, section 19.16). We take the peer's new IDs,
// retire those below its Retire Prior To (section 5.1.2) and switch to an
// active one when the one in use is retired. Stateless reset tokens are
// derived from the connection ID with a static key (section 10.3.2), so an
// endpoint that lost the connection's state can still make them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crypto/random.h"
#include "engine/quic/connection_id.h"
#include "engine/quic/frame.h"
#include "engine/quic/transport_error.h"

namespace adieu::quic {

using StatelessResetToken = std::array<uint8_t, kStatelessResetTokenSize>;
using StatelessResetKey = std::array<uint8_t, 32>;

// The first 16 bytes of HMAC-SHA256(key, cid) (RFC 9000 section 10.3.2): the
// same key and ID always give the same token, and the token reveals nothing
// of the key.
StatelessResetToken stateless_reset_token(const StatelessResetKey& key, const ConnectionId& cid);

class ConnectionIds {
 public:
  // How many of the peer's IDs we keep at once (our active_connection_id_limit).
  static constexpr uint64_t kActiveConnectionIdLimit = 4;

  // `initial_local`: the ID we chose first (sequence number 0, whose token,
  // when we are a server, went in our transport parameters).
  ConnectionIds(const ConnectionId& initial_local, const StatelessResetKey& key);

  // --- ours
  bool is_local(std::span<const uint8_t> dcid) const;
  // Makes new IDs (of `length` bytes) until `peer_limit` of ours are active;
  // each becomes an owed NEW_CONNECTION_ID. False if randomness failed.
  bool issue(uint64_t peer_limit, size_t length, crypto::Random& random);
  // NEW_CONNECTION_ID frames not yet sent (or lost), oldest first.
  std::vector<NewConnectionIdFrame> owed_new_ids() const;
  void on_new_id_sent(uint64_t sequence) { set_owed(sequence, false); }
  void on_new_id_lost(uint64_t sequence) { set_owed(sequence, true); }
  // RETIRE_CONNECTION_ID from the peer, received in a packet sent to
  // `packet_dcid`: PROTOCOL_VIOLATION for a sequence number never issued or
  // for the ID the packet was sent to (section 19.16).
  TransportError on_retire(uint64_t sequence, std::span<const uint8_t> packet_dcid);

  // --- the peer's
  // The ID we send to (sequence 0 until the peer's Retire Prior To moves us).
  const ConnectionId& peer() const { return peer_.front().cid; }
  // Replaces the ID we send to before any NEW_CONNECTION_ID (the client
  // learns the server's from its first Initial, or a Retry).
  void set_initial_peer(const ConnectionId& cid);
  void set_initial_peer_token(const StatelessResetToken& token) { peer_.front().token = token; }
  // NEW_CONNECTION_ID from the peer. PROTOCOL_VIOLATION when we send to a
  // zero-length ID (section 19.15) or a sequence number is reused with another
  // ID; CONNECTION_ID_LIMIT_ERROR past our limit (section 5.1.1).
  TransportError on_new_id(const NewConnectionIdFrame& frame);
  std::vector<uint64_t> owed_retirements() const { return retire_owed_; }
  void on_retirement_sent(uint64_t sequence);
  void on_retirement_lost(uint64_t sequence) { retire_owed_.push_back(sequence); }
  // Whether the last 16 bytes of `datagram` are a stateless reset token of
  // one of the peer's IDs (constant-time compares, section 10.3.1).
  bool is_stateless_reset(std::span<const uint8_t> datagram) const;

  size_t local_count() const { return local_.size(); }
  size_t peer_count() const { return peer_.size(); }

 private:
  struct Local {
    uint64_t sequence = 0;
    ConnectionId cid;
    StatelessResetToken token{};
    bool owed = false;
  };
  struct Peer {
    uint64_t sequence = 0;
    ConnectionId cid;
    std::optional<StatelessResetToken> token;
  };
  void set_owed(uint64_t sequence, bool owed);

  StatelessResetKey key_;
  std::vector<Local> local_;
  uint64_t next_local_sequence_ = 1;
  std::vector<Peer> peer_;  // by sequence number; front() is in use
  uint64_t peer_retire_prior_to_ = 0;
  std::vector<uint64_t> retire_owed_;
};

}  // namespace adieu::quic
