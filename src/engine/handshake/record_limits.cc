#include "engine/handshake/record_limits.h"

#include <algorithm>

#include "messages/handshake_types.h"

namespace adieu {

namespace {

constexpr size_t kMaxPlaintext = size_t{1} << 14;

// RFC 8449 section 4: the protocol's largest record_size_limit, 2^14 + 1 in
// TLS 1.3 (the inner content type counts), 2^14 in TLS 1.2.
uint16_t protocol_limit(uint16_t version) {
  return static_cast<uint16_t>(version == messages::kTls13 ? kMaxPlaintext + 1 : kMaxPlaintext);
}

// The content a record_size_limit value leaves room for. A value above the
// protocol's limit is allowed (a client may not know the version yet) and
// means the protocol's limit.
size_t content_limit(uint16_t version, uint16_t record_size_limit) {
  const size_t limit = std::min(record_size_limit, protocol_limit(version));
  return version == messages::kTls13 ? limit - 1 : limit;
}

// RFC 6066 section 4: 2^9, 2^10, 2^11, 2^12 for codes 1..4.
size_t fragment_length(uint8_t code) {
  return size_t{1} << (8 + code);
}

RecordLimits fragment_limits(uint8_t code) {
  const size_t n = fragment_length(code);
  return {n, n, n};
}

RecordLimits size_limits(uint16_t version, uint16_t ours, uint16_t peers) {
  RecordLimits limits;
  limits.send = content_limit(version, peers);
  limits.receive = content_limit(version, ours);
  return limits;
}

}  // namespace

RecordLimitExtensions offered_record_limits(const Config::Impl& config) {
  RecordLimitExtensions offer;
  if (config.max_fragment_length != 0) offer.max_fragment_length = config.max_fragment_length;
  if (config.record_size_limit != 0) offer.record_size_limit = config.record_size_limit;
  return offer;
}

RecordLimitAnswer answer_record_limits(const Config::Impl& config, uint16_t version,
                                       const RecordLimitExtensions& offered) {
  RecordLimitAnswer answer;
  if (offered.record_size_limit) {
    // RFC 8449 section 5: record_size_limit wins; max_fragment_length is
    // then ignored. Without a limit of our own we send the protocol's.
    const uint16_t ours = config.record_size_limit != 0
                              ? std::min(config.record_size_limit, protocol_limit(version))
                              : protocol_limit(version);
    answer.extensions.record_size_limit = ours;
    answer.limits = size_limits(version, ours, *offered.record_size_limit);
  } else if (offered.max_fragment_length) {
    // RFC 6066 section 4: the server echoes the value it accepts.
    answer.extensions.max_fragment_length = offered.max_fragment_length;
    answer.limits = fragment_limits(*offered.max_fragment_length);
  }
  return answer;
}

Error accept_record_limits(const Config::Impl& config, uint16_t version,
                           const RecordLimitExtensions& offered,
                           const RecordLimitExtensions& answered,
                           std::optional<RecordLimits>& limits) {
  limits.reset();
  if ((answered.record_size_limit && !offered.record_size_limit) ||
      (answered.max_fragment_length && !offered.max_fragment_length)) {
    return Error::unsupported_extension;
  }
  // RFC 8449 section 5: a client MUST treat receipt of both as fatal.
  if (answered.record_size_limit && answered.max_fragment_length) return Error::illegal_parameter;
  if (answered.record_size_limit) {
    limits = size_limits(version, config.record_size_limit, *answered.record_size_limit);
  } else if (answered.max_fragment_length) {
    // RFC 6066 section 4: any other value than the one asked for is fatal.
    if (answered.max_fragment_length != offered.max_fragment_length) {
      return Error::illegal_parameter;
    }
    limits = fragment_limits(*answered.max_fragment_length);
  }
  return Error::none;
}

}  // namespace adieu
