// The body of every message fuzzer: parse arbitrary bytes as message M; when
// they parse, serialize, check the header, parse the body again and require
// the same message, and serialize that to the same bytes. Any mismatch aborts
// (libFuzzer reports it as a crash).
#pragma once

#include <cstdio>
#include <cstdlib>

#include "messages/compare.h"
#include "messages/messages.h"

namespace adieu::fuzz {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

inline messages::ByteVec serialize_checked(const auto& m, messages::HandshakeType type) {
  messages::ByteVec out;
  wire::Writer w(out);
  m.serialize(w);
  if (!w.ok()) fail("serialize of a parsed message failed");
  if (out.size() < messages::kHandshakeHeaderSize) fail("serialized message without header");
  size_t len = size_t{out[1]} << 16 | size_t{out[2]} << 8 | out[3];
  if (out[0] != static_cast<uint8_t>(type) || len != out.size() - messages::kHandshakeHeaderSize) {
    fail("bad handshake header");
  }
  return out;
}

template <class M>
int fuzz_message(const uint8_t* data, size_t size, messages::HandshakeType type,
                 void (*extra_check)(const M&, const messages::ByteVec&) = nullptr) {
  M first;
  if (first.parse(wire::Bytes(data, size)) != Error::none) return 0;
  messages::ByteVec bytes = serialize_checked(first, type);
  M second;
  if (second.parse(wire::Bytes(bytes).subspan(messages::kHandshakeHeaderSize)) != Error::none) {
    fail("re-parse of a serialized message failed");
  }
  if (second != first) fail("re-parsed message differs");
  if (serialize_checked(second, type) != bytes) fail("serialization is not stable");
  if (extra_check) extra_check(first, bytes);
  return 0;
}

}  // namespace adieu::fuzz
