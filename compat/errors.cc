// libssl's place in libcrypto's error queue: ERR_LIB_SSL entries with
// OpenSSL's reason codes, and their strings registered (libssl's own
// registration never runs when adieu stands in for it).
#include <mutex>

#include <adieu/openssl_quic.h>

#include "compat/internal.h"

namespace adieu::compat {

namespace {

ERR_STRING_DATA kReasonStrings[] = {
#include "compat/ssl_reason_strings.inc"
    // OpenSSL 3.2+'s QUIC reasons (adieu/openssl_quic.h), in its words.
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_NO_STREAM), "no stream"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CONN_USE_ONLY), "conn use only"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_STREAM_FINISHED), "stream finished"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_STREAM_RECV_ONLY), "stream recv only"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_STREAM_RESET), "stream reset"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_STREAM_SEND_ONLY), "stream send only"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_QUIC_PROTOCOL_ERROR), "quic protocol error"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_QUIC_NETWORK_ERROR), "quic network error"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_QUIC_HANDSHAKE_LAYER_ERROR), "quic handshake layer error"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_STREAM_COUNT_LIMITED), "stream count limited"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_FEATURE_NOT_RENEGOTIABLE), "feature not renegotiable"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_FEATURE_NEGOTIATION_NOT_COMPLETE),
     "feature negotiation not complete"},
    {ERR_PACK(ERR_LIB_SSL, 0, SSL_R_UNSUPPORTED_CONFIG_VALUE), "unsupported config value"},
    {0, nullptr},
};

}  // namespace

void load_error_strings() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Only if nothing registered them first (a real libssl in the process).
    if (ERR_reason_error_string(kReasonStrings[0].error) == nullptr) {
      ERR_load_strings_const(kReasonStrings);
    }
  });
}

void raise(SSL* s, int reason, const char* file, int line, const char* func, const char* data) {
  load_error_strings();
  ERR_new();
  ERR_set_debug(file, line, func);
  if (data != nullptr) {
    ERR_set_error(ERR_LIB_SSL, reason, "%s", data);
  } else {
    ERR_set_error(ERR_LIB_SSL, reason, nullptr);
  }
  if (s != nullptr) s->call_error = CallError::ssl;
}

void raise_alert_received(SSL* s, int alert) {
  load_error_strings();
  ERR_new();
  ERR_set_debug(__FILE__, __LINE__, "ssl3_read_bytes");
  ERR_set_error(ERR_LIB_SSL, SSL_AD_REASON_OFFSET + alert, "SSL alert number %d", alert);
  if (s != nullptr) s->call_error = CallError::ssl;
}

void note_exception(SSL* s, bool out_of_memory) {
  ERR_raise(ERR_LIB_SSL, out_of_memory ? ERR_R_MALLOC_FAILURE : ERR_R_INTERNAL_ERROR);
  if (s == nullptr) return;
  s->call_error = CallError::ssl;
  s->fatal = true;
}

}  // namespace adieu::compat
