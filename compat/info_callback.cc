// The info callback (SSL_CTX_set_info_callback, SSL_set_info_callback): told
// when the handshake starts and is done, when each handshake call returns
// (SSL_CB_CONNECT_EXIT / SSL_CB_ACCEPT_EXIT with the call's result) and of
// each alert read or written (SSL_CB_READ_ALERT / SSL_CB_WRITE_ALERT, the
// alert as level << 8 | description), close_notify included. The state
// machine's steps (SSL_CB_CONNECT_LOOP, SSL_CB_ACCEPT_LOOP) are not reported:
// the engine's states are not OpenSSL's (docs/compat.md, deviations).
#include "compat/internal.h"

namespace adieu::compat {

void info_event(const SSL* s, int where, int ret) {
  void (*cb)(const SSL*, int, int) = s->info_cb != nullptr ? s->info_cb : s->ctx->info_cb;
  if (cb != nullptr) cb(s, where, ret);
}

void info_alert(const SSL* s, bool written, int level, int alert) {
  info_event(s, written ? SSL_CB_WRITE_ALERT : SSL_CB_READ_ALERT, (level << 8) | alert);
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

void SSL_CTX_set_info_callback(SSL_CTX* ctx, void (*cb)(const SSL*, int, int)) {
  if (ctx != nullptr) ctx->info_cb = cb;
}
void (*SSL_CTX_get_info_callback(SSL_CTX* ctx))(const SSL*, int, int) {
  return ctx != nullptr ? ctx->info_cb : nullptr;
}
void SSL_set_info_callback(SSL* s, void (*cb)(const SSL*, int, int)) {
  if (s != nullptr) s->info_cb = cb;
}
void (*SSL_get_info_callback(const SSL* s))(const SSL*, int, int) {
  return s != nullptr ? s->info_cb : nullptr;
}

}  // extern "C"
