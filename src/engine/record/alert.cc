// Names and mappings of include/adieu/alert.h and include/adieu/error.h. They
// live in the record library because every layer above it links it.
#include <adieu/alert.h>
#include <adieu/error.h>

namespace adieu {

const char* alert_name(Alert alert) {
  switch (alert) {
    case Alert::close_notify:
      return "close_notify";
    case Alert::unexpected_message:
      return "unexpected_message";
    case Alert::bad_record_mac:
      return "bad_record_mac";
    case Alert::record_overflow:
      return "record_overflow";
    case Alert::handshake_failure:
      return "handshake_failure";
    case Alert::bad_certificate:
      return "bad_certificate";
    case Alert::unsupported_certificate:
      return "unsupported_certificate";
    case Alert::certificate_revoked:
      return "certificate_revoked";
    case Alert::certificate_expired:
      return "certificate_expired";
    case Alert::certificate_unknown:
      return "certificate_unknown";
    case Alert::illegal_parameter:
      return "illegal_parameter";
    case Alert::unknown_ca:
      return "unknown_ca";
    case Alert::access_denied:
      return "access_denied";
    case Alert::decode_error:
      return "decode_error";
    case Alert::decrypt_error:
      return "decrypt_error";
    case Alert::protocol_version:
      return "protocol_version";
    case Alert::insufficient_security:
      return "insufficient_security";
    case Alert::internal_error:
      return "internal_error";
    case Alert::inappropriate_fallback:
      return "inappropriate_fallback";
    case Alert::user_canceled:
      return "user_canceled";
    case Alert::no_renegotiation:
      return "no_renegotiation";
    case Alert::missing_extension:
      return "missing_extension";
    case Alert::unsupported_extension:
      return "unsupported_extension";
    case Alert::unrecognized_name:
      return "unrecognized_name";
    case Alert::bad_certificate_status_response:
      return "bad_certificate_status_response";
    case Alert::unknown_psk_identity:
      return "unknown_psk_identity";
    case Alert::certificate_required:
      return "certificate_required";
    case Alert::no_application_protocol:
      return "no_application_protocol";
  }
  return "unknown";
}

Alert error_alert(Error error) {
  switch (error) {
    case Error::decode_error:
      return Alert::decode_error;
    case Error::unexpected_message:
      return Alert::unexpected_message;
    case Error::bad_record_mac:
      return Alert::bad_record_mac;
    case Error::record_overflow:
      return Alert::record_overflow;
    case Error::illegal_parameter:
      return Alert::illegal_parameter;
    case Error::handshake_failure:
      return Alert::handshake_failure;
    case Error::protocol_version:
      return Alert::protocol_version;
    case Error::missing_extension:
      return Alert::missing_extension;
    case Error::unsupported_extension:
      return Alert::unsupported_extension;
    case Error::decrypt_error:
      return Alert::decrypt_error;
    case Error::bad_certificate:
      return Alert::bad_certificate;
    case Error::unknown_ca:
      return Alert::unknown_ca;
    case Error::certificate_expired:
      return Alert::certificate_expired;
    case Error::certificate_unknown:
      return Alert::certificate_unknown;
    case Error::certificate_required:
      return Alert::certificate_required;
    case Error::unrecognized_name:
      return Alert::unrecognized_name;
    case Error::no_application_protocol:
      return Alert::no_application_protocol;
    case Error::insufficient_security:
      return Alert::insufficient_security;
    case Error::inappropriate_fallback:
      return Alert::inappropriate_fallback;
    case Error::internal_error:
    case Error::aborted:  // abort() sends the alert it is given instead
      return Alert::internal_error;
    // Errors for which we send no fatal alert.
    case Error::none:
    case Error::peer_alert:
    case Error::truncated:
    case Error::write_after_close:
    case Error::not_connected:
    case Error::bad_argument:
    case Error::buffer_too_small:
    case Error::wrong_role:
    case Error::wrong_version:
    case Error::not_offered:
    case Error::peer_closed:
      return Alert::close_notify;
  }
  return Alert::internal_error;
}

bool error_is_fatal(Error error) {
  switch (error) {
    case Error::none:
    case Error::write_after_close:
    case Error::not_connected:
    case Error::bad_argument:
    case Error::buffer_too_small:
    case Error::wrong_role:
    case Error::wrong_version:
    case Error::not_offered:
    case Error::peer_closed:
      return false;
    default:
      return true;
  }
}

const char* error_string(Error error) {
  switch (error) {
    case Error::none:
      return "no error";
    case Error::decode_error:
      return "message or record does not parse";
    case Error::unexpected_message:
      return "message not allowed in this state";
    case Error::bad_record_mac:
      return "record does not authenticate";
    case Error::record_overflow:
      return "record or plaintext over the size limit";
    case Error::illegal_parameter:
      return "field with a forbidden value";
    case Error::handshake_failure:
      return "no common parameters";
    case Error::protocol_version:
      return "no common TLS version";
    case Error::missing_extension:
      return "required extension is absent";
    case Error::unsupported_extension:
      return "extension that was not offered";
    case Error::decrypt_error:
      return "signature or Finished does not verify";
    case Error::bad_certificate:
      return "certificate cannot be parsed or used";
    case Error::unknown_ca:
      return "certificate chain does not reach a trusted root";
    case Error::certificate_expired:
      return "certificate outside its validity period";
    case Error::certificate_unknown:
      return "certificate verification failed";
    case Error::certificate_required:
      return "peer sent no certificate but one is required";
    case Error::unrecognized_name:
      return "no certificate for the requested name";
    case Error::no_application_protocol:
      return "no common application protocol";
    case Error::insufficient_security:
      return "peer's parameters are not secure enough";
    case Error::inappropriate_fallback:
      return "client fell back to an older version than both support (RFC 7507)";
    case Error::internal_error:
      return "internal error";
    case Error::peer_alert:
      return "peer sent a fatal alert";
    case Error::aborted:
      return "connection aborted by the application";
    case Error::truncated:
      return "connection closed without close_notify (possible truncation)";
    case Error::write_after_close:
      return "write after close";
    case Error::not_connected:
      return "handshake not complete";
    case Error::bad_argument:
      return "bad argument";
    case Error::buffer_too_small:
      return "output buffer too small";
    case Error::wrong_role:
      return "not allowed in this role";
    case Error::wrong_version:
      return "not available in the negotiated version";
    case Error::not_offered:
      return "the peer did not offer the extension this needs";
    case Error::peer_closed:
      return "the peer has closed its side";
  }
  return "unknown error";
}

}  // namespace adieu
