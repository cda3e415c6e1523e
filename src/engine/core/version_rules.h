// What differs between protocol versions at the connection's end, chosen
// once per negotiated version (ARCHITECTURE.md rule 7): who answers a
// close_notify and which alerts end the connection. Until a version is
// negotiated, TLS 1.3's rules apply (the stricter ones).
#pragma once

#include <adieu/alert.h>

#include <cstdint>

namespace adieu {

enum class AlertEffect : uint8_t {
  close_read,  // close_notify: the peer's data has ended cleanly
  ignore,      // nothing changes
  fatal,       // the connection ends
};

struct VersionRules {
  // A received close_notify is answered with ours at once, and application
  // data not yet handed to the transport is dropped (RFC 5246 section
  // 7.2.1). False: only our read side closes (RFC 8446 section 6.1).
  bool answer_close_notify;
  // What a received alert of `level` (1 warning, 2 fatal) does.
  AlertEffect (*alert_effect)(uint8_t level, Alert alert);
};

// The rules of `version` (a wire value; 0 before negotiation).
const VersionRules& rules_for_version(uint16_t version);

}  // namespace adieu
