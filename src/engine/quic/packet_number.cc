#include "engine/quic/packet_number.h"

namespace adieu::quic {

size_t packet_number_length(uint64_t full_pn, std::optional<uint64_t> largest_acked) {
  if (full_pn > kMaxPacketNumber || (largest_acked && *largest_acked >= full_pn)) return 0;
  const uint64_t num_unacked = largest_acked ? full_pn - *largest_acked : full_pn + 1;
  // min_bits = log2(num_unacked) + 1 and num_bytes = ceil(min_bits / 8): the
  // fewest bytes whose half window, 2^(8 * num_bytes - 1), holds num_unacked.
  for (size_t num_bytes = 1; num_bytes <= 4; ++num_bytes) {
    if (num_unacked <= uint64_t{1} << (8 * num_bytes - 1)) return num_bytes;
  }
  return 0;
}

uint64_t decode_packet_number(std::optional<uint64_t> largest_pn, uint64_t truncated_pn,
                              size_t length) {
  if (length == 0 || length > 4) return truncated_pn;  // not a packet number length
  const uint64_t expected_pn = largest_pn ? *largest_pn + 1 : 0;
  const uint64_t pn_win = uint64_t{1} << (8 * length);
  const uint64_t pn_hwin = pn_win / 2;
  const uint64_t pn_mask = pn_win - 1;
  // The incoming packet number should be greater than expected_pn - pn_hwin
  // and less than or equal to expected_pn + pn_hwin: the candidate that
  // shares the truncated bits, moved by one window when outside that range
  // (the comparisons are arranged to avoid underflow and overflow).
  const uint64_t candidate_pn = (expected_pn & ~pn_mask) | truncated_pn;
  if (candidate_pn + pn_hwin <= expected_pn && candidate_pn < (uint64_t{1} << 62) - pn_win) {
    return candidate_pn + pn_win;
  }
  if (candidate_pn > expected_pn + pn_hwin && candidate_pn >= pn_win) {
    return candidate_pn - pn_win;
  }
  return candidate_pn;
}

}  // namespace adieu::quic
