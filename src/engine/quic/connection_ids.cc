#include "engine/quic/connection_ids.h"

#include <algorithm>

#include "crypto/hkdf.h"
#include "crypto/secret.h"

namespace adieu::quic {

StatelessResetToken stateless_reset_token(const StatelessResetKey& key, const ConnectionId& cid) {
  const crypto::Secret mac = crypto::hmac(crypto::HashAlg::sha256, key, cid.span());
  StatelessResetToken token{};
  std::copy_n(mac.span().begin(), std::min(token.size(), mac.size()), token.begin());
  return token;
}

ConnectionIds::ConnectionIds(const ConnectionId& initial_local, const StatelessResetKey& key)
    : key_(key) {
  local_.push_back(Local{0, initial_local, stateless_reset_token(key_, initial_local), false});
  peer_.push_back(Peer{0, ConnectionId{}, std::nullopt});
}

bool ConnectionIds::is_local(std::span<const uint8_t> dcid) const {
  return std::any_of(local_.begin(), local_.end(),
                     [&](const Local& l) { return std::ranges::equal(l.cid.span(), dcid); });
}

bool ConnectionIds::issue(uint64_t peer_limit, size_t length, crypto::Random& random) {
  // A zero-length ID cannot be changed (section 5.1.1); keep the count small.
  if (length == 0) return true;
  const uint64_t limit = std::min(peer_limit, kActiveConnectionIdLimit);
  while (local_.size() < limit) {
    std::array<uint8_t, kMaxConnectionIdSize> bytes{};
    if (!random.fill(std::span<uint8_t>(bytes.data(), length))) return false;
    const ConnectionId cid = *ConnectionId::from(std::span<const uint8_t>(bytes.data(), length));
    if (is_local(cid.span())) continue;
    local_.push_back(Local{next_local_sequence_++, cid, stateless_reset_token(key_, cid), true});
  }
  return true;
}

std::vector<NewConnectionIdFrame> ConnectionIds::owed_new_ids() const {
  std::vector<NewConnectionIdFrame> frames;
  for (const Local& l : local_) {
    if (!l.owed) continue;
    NewConnectionIdFrame f;
    f.sequence_number = l.sequence;
    f.retire_prior_to = 0;
    f.connection_id = l.cid.span();
    f.stateless_reset_token = l.token;
    frames.push_back(f);
  }
  return frames;
}

void ConnectionIds::set_owed(uint64_t sequence, bool owed) {
  for (Local& l : local_) {
    if (l.sequence == sequence) l.owed = owed;
  }
}

TransportError ConnectionIds::on_retire(uint64_t sequence, std::span<const uint8_t> packet_dcid) {
  if (sequence >= next_local_sequence_) return TransportError::protocol_violation;
  auto it = std::find_if(local_.begin(), local_.end(),
                         [&](const Local& l) { return l.sequence == sequence; });
  if (it == local_.end()) return TransportError::no_error;  // already retired
  if (std::ranges::equal(it->cid.span(), packet_dcid)) return TransportError::protocol_violation;
  local_.erase(it);
  return TransportError::no_error;
}

void ConnectionIds::set_initial_peer(const ConnectionId& cid) {
  peer_.front().cid = cid;
}

TransportError ConnectionIds::on_new_id(const NewConnectionIdFrame& frame) {
  if (peer_.front().cid.empty()) return TransportError::protocol_violation;
  const std::optional<ConnectionId> cid = ConnectionId::from(frame.connection_id);
  if (!cid) return TransportError::frame_encoding_error;
  for (const Peer& p : peer_) {
    if (p.sequence == frame.sequence_number) {
      // A repeat must be identical (section 19.15).
      return p.cid == *cid ? TransportError::no_error : TransportError::protocol_violation;
    }
  }
  if (frame.sequence_number < peer_retire_prior_to_) {
    // Already retired by an earlier Retire Prior To: retire it at once.
    retire_owed_.push_back(frame.sequence_number);
    return TransportError::no_error;
  }
  Peer added{frame.sequence_number, *cid, frame.stateless_reset_token};
  peer_.insert(
      std::upper_bound(peer_.begin(), peer_.end(), added,
                       [](const Peer& a, const Peer& b) { return a.sequence < b.sequence; }),
      added);
  if (frame.retire_prior_to > peer_retire_prior_to_) {
    peer_retire_prior_to_ = frame.retire_prior_to;
    // Keep at least the newest ID: Retire Prior To never exceeds the
    // frame's own sequence number, which the parser checked.
    while (peer_.size() > 1 && peer_.front().sequence < peer_retire_prior_to_) {
      retire_owed_.push_back(peer_.front().sequence);
      peer_.erase(peer_.begin());
    }
  }
  if (peer_.size() > kActiveConnectionIdLimit) return TransportError::connection_id_limit_error;
  return TransportError::no_error;
}

void ConnectionIds::on_retirement_sent(uint64_t sequence) {
  retire_owed_.erase(std::remove(retire_owed_.begin(), retire_owed_.end(), sequence),
                     retire_owed_.end());
}

bool ConnectionIds::is_stateless_reset(std::span<const uint8_t> datagram) const {
  // RFC 9000 section 10.3: the smallest stateless reset is 21 bytes.
  if (datagram.size() < 21) return false;
  const std::span<const uint8_t> tail = datagram.last(kStatelessResetTokenSize);
  bool found = false;
  for (const Peer& p : peer_) {
    if (p.token && crypto::constant_time_equal(tail, *p.token)) found = true;
  }
  return found;
}

}  // namespace adieu::quic
