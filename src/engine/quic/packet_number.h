// Packet numbers (RFC 9000 sections 12.3 and 17.1): full numbers are 62-bit;
// a packet carries only their 1 to 4 least significant bytes, and the
// receiver recovers the full number from the largest it has processed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace adieu::quic {

// Packet numbers are in 0..2^62-1 (RFC 9000 section 12.3).
constexpr uint64_t kMaxPacketNumber = (uint64_t{1} << 62) - 1;

// Bytes (1 to 4) with which to send `full_pn` so that a receiver can decode
// it, given the largest packet number the peer has acknowledged in this
// space (none yet: nullopt). RFC 9000 section 17.1 and Appendix A.2: the
// encoding covers twice the range of unacknowledged packet numbers. 0 when
// not even 4 bytes do (more than 2^31 packets in flight) or `full_pn` is not
// above `largest_acked`.
size_t packet_number_length(uint64_t full_pn, std::optional<uint64_t> largest_acked);

// The full packet number closest to the next expected one whose low
// `length` bytes (1 to 4) are `truncated_pn`, given the largest packet
// number successfully processed in this space (none yet: nullopt). RFC 9000
// Appendix A.3. (Another `length` returns `truncated_pn` unchanged.)
uint64_t decode_packet_number(std::optional<uint64_t> largest_pn, uint64_t truncated_pn,
                              size_t length);

}  // namespace adieu::quic
