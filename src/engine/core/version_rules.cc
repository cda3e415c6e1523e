#include "engine/core/version_rules.h"

namespace adieu {

namespace {

constexpr uint8_t kWarning = 1;

// RFC 8446 section 6: close_notify closes the read side whatever its level;
// user_canceled is followed by a close_notify; every other alert ends the
// connection, whatever its level says.
AlertEffect tls13_alert_effect(uint8_t /*level*/, Alert alert) {
  if (alert == Alert::close_notify) return AlertEffect::close_read;
  if (alert == Alert::user_canceled) return AlertEffect::ignore;
  return AlertEffect::fatal;
}

// RFC 5246 section 7.2: a fatal alert ends the connection, a close_notify
// closes it, other warnings (user_canceled...) change nothing. As OpenSSL
// does (openssl-shutdown-behavior.md R44): a close_notify at fatal level is
// fatal, and a warning no_renegotiation, which answers a renegotiation we
// never start, ends the handshake with handshake_failure.
AlertEffect tls12_alert_effect(uint8_t level, Alert alert) {
  if (level != kWarning) return AlertEffect::fatal;
  if (alert == Alert::close_notify) return AlertEffect::close_read;
  if (alert == Alert::no_renegotiation) return AlertEffect::refuse;
  return AlertEffect::ignore;
}

// OpenSSL's limit of five consecutive warnings (R44).
constexpr unsigned kTls12MaxWarnings = 5;

constexpr VersionRules kTls13 = {false, false, 0, tls13_alert_effect};
constexpr VersionRules kTls12Answer = {true, true, kTls12MaxWarnings, tls12_alert_effect};
constexpr VersionRules kTls12HalfClose = {false, true, kTls12MaxWarnings, tls12_alert_effect};

}  // namespace

const VersionRules& rules_for_version(uint16_t version, Tls12CloseNotify tls12_close) {
  if (version != 0x0303) return kTls13;
  return tls12_close == Tls12CloseNotify::answer ? kTls12Answer : kTls12HalfClose;
}

}  // namespace adieu
