// Address validation tokens sent in Retry packets (RFC 9000 section 8.1.2).
//
// A server that sends Retry keeps no state for the client: everything it
// needs when the client comes back is in the token, sealed with an AEAD key
// only the server holds (section 8.1.4: a token must be authenticated and
// hard to guess). The client's address is the AEAD's associated data, so a
// token works only from the address it was issued to; the token carries the
// time it was issued, the client's original Destination Connection ID (for
// original_destination_connection_id) and the Retry's Source Connection ID
// (for retry_source_connection_id, section 7.3).
//
// Layout: version (1 byte) | nonce counter (8) | ciphertext of
// [issued_at (8) | odcid length (1) | odcid | retry scid length (1) | retry
// scid] | tag (16).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "crypto/aead.h"
#include "crypto/random.h"
#include "engine/quic/connection_id.h"
#include "engine/quic/time.h"

namespace adieu::quic {

struct RetryTokenContents {
  Instant issued_at{};
  ConnectionId original_dcid;
  ConnectionId retry_scid;
};

class RetryTokenKey {
 public:
  // A fresh random key; nullptr if randomness or libcrypto failed.
  static std::unique_ptr<RetryTokenKey> generate(crypto::Random& random);

  // A token for a client at `address` (opaque bytes, e.g. its sockaddr).
  std::vector<uint8_t> seal(const RetryTokenContents& contents, std::span<const uint8_t> address);
  // The contents of `token` if it was sealed by this key for `address` and
  // is at most `lifetime` old at `now`; nullopt otherwise (forged, altered,
  // from another address, expired, or from the future).
  std::optional<RetryTokenContents> open(std::span<const uint8_t> token,
                                         std::span<const uint8_t> address, Instant now,
                                         Duration lifetime);

 private:
  RetryTokenKey() = default;
  crypto::Aead aead_;
  uint64_t next_nonce_ = 0;  // nonce = iv XOR counter: never reused under one key
};

}  // namespace adieu::quic
