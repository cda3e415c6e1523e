// Record size negotiation: record_size_limit (RFC 8449) and
// max_fragment_length (RFC 6066 section 4), the same for both versions but
// for where the answer goes (TLS 1.2 ServerHello, TLS 1.3
// EncryptedExtensions) and what the limit counts (RFC 8449 section 4: in TLS
// 1.3 it includes the inner content type).
#pragma once

#include <cstdint>
#include <optional>

#include <adieu/error.h>

#include "engine/config_impl.h"
#include "engine/core/handshake_transport.h"

namespace adieu {

// The two extensions as they appear in a hello.
struct RecordLimitExtensions {
  std::optional<uint8_t> max_fragment_length;
  std::optional<uint16_t> record_size_limit;
};

// Client: what its ClientHello offers (the config's choices).
RecordLimitExtensions offered_record_limits(const Config::Impl& config);

// Server: the answer to a client's offer, and the limits that follow.
struct RecordLimitAnswer {
  RecordLimitExtensions extensions;    // to send back
  std::optional<RecordLimits> limits;  // nullopt: nothing negotiated
};
RecordLimitAnswer answer_record_limits(const Config::Impl& config, uint16_t version,
                                       const RecordLimitExtensions& offered);

// Client: checks the server's answer against what we offered and gives the
// limits (nullopt: nothing negotiated). unsupported_extension for an answer
// to an offer we did not make; illegal_parameter for both extensions, or a
// max_fragment_length other than ours (RFC 6066 section 4, RFC 8449 section 5).
Error accept_record_limits(const Config::Impl& config, uint16_t version,
                           const RecordLimitExtensions& offered,
                           const RecordLimitExtensions& answered,
                           std::optional<RecordLimits>& limits);

}  // namespace adieu
