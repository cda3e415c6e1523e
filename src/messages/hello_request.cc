// HelloRequest (RFC 5246 section 7.4.1.1).
#include "messages/tls12_messages.h"

namespace adieu::messages {

Error HelloRequest::parse(Bytes body) {
  // "struct { } HelloRequest;": any byte is malformed.
  return body.empty() ? Error::none : Error::decode_error;
}

void HelloRequest::serialize(wire::Writer& out) const {
  out.close_vec(begin_message(out, HandshakeType::hello_request));
}

}  // namespace adieu::messages
