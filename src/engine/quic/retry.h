// Retry packets (RFC 9000 section 17.2.5) and their integrity tag (RFC 9001
// section 5.8): AES-128-GCM with the fixed QUIC v1 key and nonce, sealing
// nothing, with the Retry pseudo-packet as associated data: the client's
// original Destination Connection ID (length-prefixed) followed by the Retry
// packet without its tag.
#pragma once

#include <cstdint>
#include <span>

#include "engine/quic/packet_header.h"
#include "wire/writer.h"

namespace adieu::quic {

// Computes the tag of `retry_without_tag` (a Retry packet up to its Retry
// Token) for a client whose first Initial had `original_dcid`. False on a
// libcrypto failure or an original_dcid over 20 bytes.
bool retry_integrity_tag(Bytes original_dcid, Bytes retry_without_tag,
                         std::span<uint8_t, kRetryIntegrityTagSize> tag);

// True when `header` (a parsed Retry packet) carries a non-empty Retry Token
// and a tag that verifies for `original_dcid` (compared in constant time).
// A client discards a Retry that fails this (RFC 9000 section 17.2.5.2).
bool verify_retry(const PacketHeader& header, Bytes original_dcid);

// Writes a whole Retry packet, tag included. `unused` gives the first
// byte's 4 low bits (random, chosen by the sender). Fails the writer on an
// empty token, a connection ID over 20 bytes or a libcrypto failure.
void write_retry(wire::Writer& w, uint8_t unused, Bytes dcid, Bytes scid, Bytes token,
                 Bytes original_dcid);

}  // namespace adieu::quic
