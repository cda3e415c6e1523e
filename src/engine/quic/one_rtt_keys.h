// OneRttKeys: the 1-RTT packet protection of a connection and its key
// updates (RFC 9001 section 6).
//
// It starts from the application traffic secrets the handshake installed
// and keeps, for reading, the current keys, the next phase's keys (derived
// in advance, so a flipped Key Phase bit can be tried at once, section 6.3)
// and the previous phase's for a while (packets delayed across an update,
// section 6.5); for writing, the current keys. The header protection key
// never changes (section 6.6 note: "quic hp" comes from the first secret).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "engine/quic/packet_protection.h"
#include "engine/quic/time.h"

namespace adieu::quic {

class OneRttKeys {
 public:
  // The first phase, from the handshake's application secrets. False on a
  // libcrypto failure.
  bool install(crypto::CipherSuite suite, const crypto::Secret& read, const crypto::Secret& write);
  bool ready() const { return write_ != nullptr; }

  // --- sending
  PacketProtection& write() { return *write_; }
  bool write_phase() const { return (write_generation_ & 1) != 0; }
  // A packet `pn` is being sent with the current write keys.
  void on_packet_sent(uint64_t pn);
  // A packet of the application space was acknowledged.
  void on_packet_acked(uint64_t pn);
  // Whether we may start an update now: the keys of the current phase were
  // acknowledged by the peer (a packet sent with them was) and the peer
  // follows it (it sends with the same phase), so no two updates overlap
  // (section 6.1).
  bool can_initiate() const;
  // Starts an update: our write keys move to the next phase. False if
  // can_initiate() is false or the derivation failed.
  bool initiate();

  // --- receiving
  // Removes protection from a short-header packet with the keys its Key
  // Phase bit selects: the current phase, the previous one (for a packet
  // numbered below the current phase's first), or the next one, which on
  // success becomes current (the peer updated; our write keys follow if they
  // had not, section 6.2). `previous_lifetime` is how long the previous read
  // keys stay (section 6.5 suggests three PTOs).
  UnprotectStatus open(std::span<uint8_t> packet, size_t pn_offset,
                       std::optional<uint64_t> largest_pn, UnprotectedPacket& out, Instant now,
                       Duration previous_lifetime);
  // Key phases started so far, either side (0 before any update).
  uint64_t generation() const {
    return read_generation_ > write_generation_ ? read_generation_ : write_generation_;
  }

 private:
  std::unique_ptr<PacketProtection> make(const crypto::Secret& base,
                                         const crypto::Secret& secret) const;
  bool derive_next_read();

  crypto::CipherSuite suite_ = crypto::CipherSuite::aes_128_gcm_sha256;
  crypto::HashAlg hash_ = crypto::HashAlg::sha256;
  crypto::Secret read_base_;  // the first read secret: its "quic hp" key stays
  crypto::Secret write_base_;
  crypto::Secret read_secret_;
  crypto::Secret write_secret_;
  std::unique_ptr<PacketProtection> read_;
  std::unique_ptr<PacketProtection> read_next_;
  std::unique_ptr<PacketProtection> read_previous_;
  Instant read_previous_until_ = kNever;
  std::unique_ptr<PacketProtection> write_;
  uint64_t read_generation_ = 0;
  uint64_t write_generation_ = 0;
  uint64_t read_phase_first_pn_ = 0;              // first packet opened with the current keys
  std::optional<uint64_t> write_phase_first_pn_;  // first packet sent with them
  bool write_phase_acked_ = false;
};

}  // namespace adieu::quic
