// adieu::Connection's post-handshake client authentication
// (engine/handshake/tls13_post_handshake_auth.h).
#include <adieu/connection.h>

#include "engine/connection_impl.h"

namespace adieu {

Error Connection::request_client_certificate() {
  return impl_->core.request_client_certificate();
}
size_t Connection::client_certificate_requests_pending() const {
  return impl_->ctx.post_handshake_auths_pending;
}
uint64_t Connection::post_handshake_auths() const {
  return impl_->ctx.post_handshake_auths;
}
bool Connection::post_handshake_auth_offered() const {
  return impl_->ctx.post_handshake_auth;
}

}  // namespace adieu
