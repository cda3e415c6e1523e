// A server with a client hello hook (Config::set_client_hello_hook) holds
// the transport's bytes back until the first ClientHello is whole (it may
// span several records), so that the hook sees it, parsed, before the
// connection commits to a configuration; the bytes then go to the
// connection as they came.
#pragma once

#include <adieu/config.h>

#include <cstdint>
#include <span>
#include <vector>

#include "messages/messages.h"

namespace adieu {

class ClientHelloGate {
 public:
  enum class Status : uint8_t {
    waiting,   // the ClientHello is not whole yet: more bytes are needed
    complete,  // info() describes it
    pass,      // not a ClientHello the hook can see (not a handshake record,
               // malformed, ...): the connection judges the bytes itself
  };
  // Takes more of the transport's bytes (after complete or pass: ignored).
  Status take(std::span<const uint8_t> bytes);
  Status status() const { return status_; }
  // Every byte taken, to hand to the connection.
  std::span<const uint8_t> held() const { return held_; }
  // The ClientHello, once complete; its spans point into this gate.
  const ClientHelloInfo& info() const { return info_; }

 private:
  Status examine();
  bool describe();

  Status status_ = Status::waiting;
  std::vector<uint8_t> held_;
  size_t records_end_ = 0;        // the end of the whole records of held_ read so far
  std::vector<uint8_t> message_;  // their handshake bytes
  messages::ClientHello parsed_;
  ClientHelloInfo info_;
};

}  // namespace adieu
