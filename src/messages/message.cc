// Helpers common to every handshake message: the header and message_hash.
#include "messages/messages.h"

namespace adieu::messages {

size_t begin_message(wire::Writer& out, HandshakeType type) {
  out.u8(static_cast<uint8_t>(type));
  return out.open_vec24();
}

ByteVec message_hash(std::span<const uint8_t> client_hello1_hash) {
  // RFC 8446 section 4.4.1: a handshake header of type message_hash whose
  // body is Hash(ClientHello1).
  ByteVec out;
  wire::Writer w(out);
  size_t h = begin_message(w, HandshakeType::message_hash);
  w.bytes(client_hello1_hash);
  w.close_vec(h);
  return out;
}

}  // namespace adieu::messages
