// The state behind adieu::Connection: the handshake context (configuration,
// randomness, negotiated parameters) and the version-neutral core that
// carries the handshake objects over records (docs/architecture.md).
#pragma once

#include <adieu/connection.h>

#include <memory>
#include <optional>

#include "engine/client_hello_gate.h"
#include "engine/core/connection_core.h"
#include "engine/handshake/handshake.h"

namespace adieu {

struct Connection::Impl {
  Impl(Role role, std::shared_ptr<const Config> config) : ctx(role, std::move(config)), core(ctx) {}
  ~Impl() {
    const WriteState w = core.write_state();
    ctx.apply_unclean_session_rule(w == WriteState::close_notify_queued ||
                                   w == WriteState::close_notify_sent);
  }

  HandshakeContext ctx;
  ConnectionCore core;
  // Server with a client hello hook: the bytes held until it has run.
  std::optional<ClientHelloGate> gate;
};

}  // namespace adieu
