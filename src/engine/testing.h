// A test-only seam into a Connection: the few internal facts tests check
// that the public API does not show (whether a direction still holds keys,
// whether idle buffers were released). Not for use outside tests.
#pragma once

#include <adieu/connection.h>

#include "engine/connection_impl.h"

namespace adieu::testing {

struct ConnectionProbe {
  // True while that direction's record keys are installed (not wiped).
  static bool write_keys_installed(const Connection& c) {
    return c.impl_->core.encoder().keys().encrypted();
  }
  static bool read_keys_installed(const Connection& c) {
    return c.impl_->core.decoder().keys().encrypted();
  }
  // How many of the two directions hold their AEAD's libcrypto context
  // (Connection::release_idle_memory frees them until the next record).
  static int cipher_contexts(const Connection& c) {
    const auto held = [](const record::DirectionKeys& keys) {
      return keys.protection() != nullptr && keys.protection()->aead().holds_context() ? 1 : 0;
    };
    return held(c.impl_->core.encoder().keys()) + held(c.impl_->core.decoder().keys());
  }
  // The record buffers: a record split across receive() calls, the
  // plaintext (readable() points into it), the output.
  static const record::RecordBuffer& input_buffer(const Connection& c) {
    return c.impl_->core.input_buffer();
  }
  static const record::RecordBuffer& plaintext_buffer(const Connection& c) {
    return c.impl_->core.plaintext_buffer();
  }
  static const record::RecordBuffer& output_buffer(const Connection& c) {
    return c.impl_->core.output_buffer();
  }
};

}  // namespace adieu::testing
