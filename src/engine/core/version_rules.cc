#include "engine/core/version_rules.h"

namespace adieu {

namespace {

// RFC 8446 section 6: close_notify closes the read side; user_canceled is
// followed by a close_notify; every other alert ends the connection,
// whatever its level says.
AlertEffect tls13_alert_effect(uint8_t /*level*/, Alert alert) {
  if (alert == Alert::close_notify) return AlertEffect::close_read;
  if (alert == Alert::user_canceled) return AlertEffect::ignore;
  return AlertEffect::fatal;
}

constexpr VersionRules kTls13 = {false, tls13_alert_effect};

}  // namespace

const VersionRules& rules_for_version(uint16_t /*version*/) {
  return kTls13;
}

}  // namespace adieu
