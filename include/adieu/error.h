// Why a connection failed. One enum for every failure the engine reports; each
// protocol failure carries the alert that was (or would be) sent for it, and
// that mapping lives in one place (error_alert()).
#pragma once

#include <adieu/alert.h>

namespace adieu {

enum class Error : uint8_t {
  none = 0,

  // The peer's bytes were invalid: we send a fatal alert.
  decode_error,             // a message or record does not parse        -> decode_error
  unexpected_message,       // a message not allowed in this state       -> unexpected_message
  bad_record_mac,           // a record does not authenticate            -> bad_record_mac
  record_overflow,          // a record or plaintext over the limit      -> record_overflow
  illegal_parameter,        // a field with a forbidden value            -> illegal_parameter
  handshake_failure,        // no common parameters                      -> handshake_failure
  protocol_version,         // no common TLS version                     -> protocol_version
  missing_extension,        // a required extension is absent            -> missing_extension
  unsupported_extension,    // an extension we did not offer             -> unsupported_extension
  decrypt_error,            // signature or Finished does not verify     -> decrypt_error
  bad_certificate,          // a certificate cannot be parsed or used    -> bad_certificate
  unknown_ca,               // the chain does not reach a trusted root   -> unknown_ca
  certificate_expired,      // a certificate outside its validity        -> certificate_expired
  certificate_unknown,      // verification failed otherwise (hostname)  -> certificate_unknown
  certificate_required,     // the client sent no certificate, required  -> certificate_required
  unrecognized_name,        // no certificate for the requested name     -> unrecognized_name
  no_application_protocol,  // no common ALPN protocol                -> no_application_protocol
  insufficient_security,
  inappropriate_fallback,  // TLS_FALLBACK_SCSV from a client that could do better
  internal_error,          // a libcrypto failure or a bug             -> internal_error

  // The peer ended the connection with a fatal alert (see alert_received()).
  peer_alert,

  // The application ended the connection with Connection::abort().
  aborted,

  // The transport ended without close_notify: possible truncation attack.
  truncated,

  // API misuse: nothing is sent, the connection stays as it was.
  write_after_close,  // write() after close()
  not_connected,      // data I/O before the handshake completed
  bad_argument,
  buffer_too_small,  // write_into(): `out` cannot hold write_into_size() bytes
  wrong_role,        // a server's call made on a client (request_client_certificate)
  wrong_version,     // the negotiated version has no such thing (TLS 1.2: no post-handshake auth)
  not_offered,       // the peer did not offer the extension it needs (post_handshake_auth)
  peer_closed,       // the peer's close_notify came: it can send no answer
};

// The fatal alert adieu sends for a protocol error, or close_notify for
// errors that send none (peer_alert, truncated, misuse).
Alert error_alert(Error error);

// True for errors that end the connection (everything but API misuse and none).
bool error_is_fatal(Error error);

// A short English description ("record does not authenticate").
const char* error_string(Error error);

}  // namespace adieu
