// What differs between protocol versions at the connection's end, chosen
// once per negotiated version (ARCHITECTURE.md rule 7): who answers a
// close_notify and what each received alert does. Until a version is
// negotiated, the core applies TLS 1.2's when it may be negotiated (a
// warning before the ServerHello is no error: OpenSSL servers send
// unrecognized_name so), TLS 1.3's otherwise.
#pragma once

#include <adieu/alert.h>
#include <adieu/config.h>

#include <cstdint>

namespace adieu {

enum class AlertEffect : uint8_t {
  close_read,  // close_notify: the peer's data has ended cleanly
  ignore,      // nothing changes (a warning)
  fatal,       // the peer ended the connection
  refuse,      // we end the connection with handshake_failure
};

struct VersionRules {
  // A received close_notify is answered with ours at once, queued behind
  // the records already sealed, and nothing more can be written (RFC 5246
  // section 7.2.1). False: only our read side closes (RFC 8446 section 6.1).
  bool answer_close_notify;
  // Other records may come between the fragments of a handshake message
  // (RFC 5246 section 6.2.1); TLS 1.3 forbids it (RFC 8446 section 5.1).
  bool records_between_handshake_fragments;
  // Consecutive warning alerts after which the connection ends
  // (unexpected_message); 0: no limit applies.
  unsigned max_consecutive_warnings;
  // What a received alert of `level` (1 warning, 2 fatal) does.
  AlertEffect (*alert_effect)(uint8_t level, Alert alert);
};

// The rules of `version` (a wire value). `tls12_close` is the
// configuration's choice for TLS 1.2 (Config::set_tls12_close_notify).
const VersionRules& rules_for_version(uint16_t version, Tls12CloseNotify tls12_close);

}  // namespace adieu
