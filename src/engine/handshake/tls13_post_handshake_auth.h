// Post-handshake client authentication (RFC 8446 section 4.6.2) on an
// established TLS 1.3 connection whose client offered post_handshake_auth
// (section 4.2.6).
//
// Each authentication is an exchange of its own: the server's
// CertificateRequest, with a fresh non-empty certificate_request_context,
// answered by the client's Certificate (with that context), CertificateVerify
// (when it sent a certificate) and Finished. Its transcript is the
// handshake's through the client's Finished followed by this exchange's
// messages only (section 4.4, "Post-Handshake"), so every exchange starts
// from a copy of the handshake's transcript hash, which is kept for this; its
// Finished key comes from the client_application_traffic_secret in force
// (section 4.4, table: "client_application_traffic_secret_N").
//
// A client answers each request as it arrives (several outstanding requests
// are answered in order); after its close_notify it can answer none: a
// request is still checked, then left unanswered. A server may send several
// requests before the answers come, and takes the answers in any order
// (section 4.6.2: the context tells them apart). Application data and other
// post-handshake messages may come between a request and its answer; inside
// an answer only application data ("consecutively on the wire with no
// intervening messages of other types").
#pragma once

#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "crypto/hash.h"
#include "crypto/secret.h"
#include "engine/handshake/handshake.h"
#include "messages/handshake_types.h"

namespace adieu {

class Tls13PostHandshakeAuth {
 public:
  // `handshake_transcript`: the handshake's, through the client's Finished.
  Tls13PostHandshakeAuth(HandshakeContext& context, HandshakeTransport& transport,
                         crypto::Hash handshake_transcript);
  ~Tls13PostHandshakeAuth();
  Tls13PostHandshakeAuth(const Tls13PostHandshakeAuth&) = delete;
  Tls13PostHandshakeAuth& operator=(const Tls13PostHandshakeAuth&) = delete;

  // Server: sends a CertificateRequest with a fresh random context.
  Error request();
  // A message of an exchange: CertificateRequest (client), Certificate,
  // CertificateVerify, Finished (server). `client_secret` is the
  // client_application_traffic_secret in force. Anything else, or out of
  // order, is unexpected_message.
  Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg,
                       const crypto::Secret& client_secret);
  // Server: the next message awaited is a Finished.
  bool awaiting_finished() const;
  // Server: an answer has begun (its Certificate came) and not ended.
  bool answer_in_progress() const { return answering_ != nullptr; }

 private:
  class Exchange;  // one CertificateRequest and its answer

  Error answer(std::span<const uint8_t> msg, const crypto::Secret& client_secret);

  HandshakeContext& ctx_;
  HandshakeTransport& transport_;
  crypto::Hash handshake_transcript_;
  std::deque<std::unique_ptr<Exchange>> pending_;  // server: requests sent, not yet answered
  Exchange* answering_ = nullptr;                  // server: the one whose answer is coming
  // Client: every context received; section 4.3.2 makes each unique on the
  // connection (at most 255 bytes apiece, one per request the server sent).
  std::vector<std::vector<uint8_t>> contexts_seen_;
};

}  // namespace adieu
