// Post-handshake client authentication (tls13_post_handshake_auth.h).
#include "engine/handshake/tls13_post_handshake_auth.h"

#include <algorithm>

#include "engine/handshake/tls13_handshake.h"
#include "messages/messages.h"

namespace adieu {

using messages::HandshakeType;

namespace {
// The server's certificate_request_context: random, so unique on the
// connection (RFC 8446 section 4.3.2), as OpenSSL's 32 bytes.
constexpr size_t kContextSize = 32;
}  // namespace

// One exchange: the handshake's steps (certificates, CertificateVerify,
// Finished) over its own transcript, sent and received under the
// application traffic keys.
class Tls13PostHandshakeAuth::Exchange final : public Tls13Handshake {
 public:
  Exchange(HandshakeContext& context, HandshakeTransport& transport, const crypto::Hash& transcript,
           std::span<const uint8_t> request_context)
      : Tls13Handshake(context, transport),
        context_(request_context.begin(), request_context.end()) {
    transcript_.emplace(transcript);
    write_level_ = Level::application;
  }

  // Driven through the functions below, which need the traffic secret.
  Error handle_message(HandshakeType, std::span<const uint8_t>) override {
    return Error::unexpected_message;
  }

  // Server: sends the CertificateRequest.
  void send_request() {
    send_certificate_request(context_);
    transport_.flight_complete();
  }

  // Client: Certificate, CertificateVerify and Finished for `request`
  // (`msg`, already parsed).
  Error answer(const messages::CertificateRequest& request, std::span<const uint8_t> msg,
               const crypto::Secret& client_secret) {
    transcript_->update(msg);
    if (Error err = send_client_certificate(request); err != Error::none) return err;
    if (Error err = send_finished(finished_key(client_secret)); err != Error::none) return err;
    transport_.flight_complete();
    return Error::none;
  }

  // Server: the client's messages, in order; true in `done` once its
  // Finished verified.
  Error receive(HandshakeType type, std::span<const uint8_t> msg,
                const crypto::Secret& client_secret, bool& done) {
    const std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
    if (type != awaited_) return Error::unexpected_message;
    switch (type) {
      case HandshakeType::certificate:
        if (Error err = verify_certificate(body, false, context_, verify_mode());
            err != Error::none) {
          return err;
        }
        awaited_ =
            ctx_.peer_chain.empty() ? HandshakeType::finished : HandshakeType::certificate_verify;
        break;
      case HandshakeType::certificate_verify:
        if (Error err = verify_certificate_verify(body, false); err != Error::none) return err;
        awaited_ = HandshakeType::finished;
        break;
      case HandshakeType::finished: {
        const crypto::Secret key = finished_key(client_secret);
        if (key.empty()) return Error::internal_error;
        if (Error err = verify_finished(body, key); err != Error::none) return err;
        done = true;
        return Error::none;
      }
      default:
        return Error::unexpected_message;
    }
    transcript_->update(msg);
    return Error::none;
  }

  bool awaiting_finished() const { return awaited_ == HandshakeType::finished; }
  const std::vector<uint8_t>& context() const { return context_; }

 private:
  // The application asked for a certificate: with VerifyMode::none too, one
  // sent is verified (as optional).
  VerifyMode verify_mode() const {
    return ctx_.config.verify == VerifyMode::none ? VerifyMode::optional : ctx_.config.verify;
  }

  crypto::Secret finished_key(const crypto::Secret& client_secret) const {
    return tls13::KeySchedule::finished_key(ctx_.suite->hash, client_secret.span());
  }

  std::vector<uint8_t> context_;
  HandshakeType awaited_ = HandshakeType::certificate;
};

Tls13PostHandshakeAuth::Tls13PostHandshakeAuth(HandshakeContext& context,
                                               HandshakeTransport& transport,
                                               crypto::Hash handshake_transcript)
    : ctx_(context),
      transport_(transport),
      handshake_transcript_(std::move(handshake_transcript)) {}

Tls13PostHandshakeAuth::~Tls13PostHandshakeAuth() = default;

Error Tls13PostHandshakeAuth::request() {
  std::vector<uint8_t> context(kContextSize);
  if (!ctx_.random.fill(context)) return Error::internal_error;
  auto exchange = std::make_unique<Exchange>(ctx_, transport_, handshake_transcript_, context);
  exchange->send_request();
  pending_.push_back(std::move(exchange));
  ctx_.post_handshake_auths_pending = pending_.size();
  return Error::none;
}

Error Tls13PostHandshakeAuth::handle_message(HandshakeType type, std::span<const uint8_t> msg,
                                             const crypto::Secret& client_secret) {
  if (ctx_.role == Role::client) {
    if (type != HandshakeType::certificate_request) return Error::unexpected_message;
    return answer(msg, client_secret);
  }
  // Server: an answer starts with a Certificate naming one of our pending
  // requests (RFC 8446 section 4.6.2: answers may come in any order, the
  // context tells them apart); the rest of it follows with no other
  // handshake message in between.
  if (answering_ == nullptr) {
    // Nothing asked for, or not an answer's start.
    if (pending_.empty() || type != HandshakeType::certificate) return Error::unexpected_message;
    messages::CertificateMsg cert;
    if (Error err = cert.parse(msg.subspan(messages::kHandshakeHeaderSize)); err != Error::none) {
      return err;
    }
    for (const std::unique_ptr<Exchange>& exchange : pending_) {
      if (exchange->context() == cert.request_context) answering_ = exchange.get();
    }
    // A field inconsistent with another (section 6.2; OpenSSL: decode_error).
    if (answering_ == nullptr) return Error::illegal_parameter;
  }
  bool done = false;
  if (Error err = answering_->receive(type, msg, client_secret, done); err != Error::none) {
    return err;
  }
  if (done) {
    pending_.erase(
        std::find_if(pending_.begin(), pending_.end(),
                     [this](const std::unique_ptr<Exchange>& e) { return e.get() == answering_; }));
    answering_ = nullptr;
    ctx_.post_handshake_auths_pending = pending_.size();
    ++ctx_.post_handshake_auths;
  }
  return Error::none;
}

Error Tls13PostHandshakeAuth::answer(std::span<const uint8_t> msg,
                                     const crypto::Secret& client_secret) {
  messages::CertificateRequest request;
  if (Error err = request.parse(msg.subspan(messages::kHandshakeHeaderSize)); err != Error::none) {
    return err;
  }
  // RFC 8446 section 4.3.2: a post-handshake context is not empty (the
  // empty one is the handshake's) and is unique on the connection.
  const std::vector<uint8_t>& context = request.request_context;
  if (context.empty() ||
      std::find(contexts_seen_.begin(), contexts_seen_.end(), context) != contexts_seen_.end()) {
    return Error::illegal_parameter;
  }
  contexts_seen_.push_back(context);
  // After our close_notify nothing can be sent (section 6.1): the request
  // stays unanswered, and the peer's records are still read.
  if (!transport_.write_open()) return Error::none;
  Exchange exchange(ctx_, transport_, handshake_transcript_, context);
  if (Error err = exchange.answer(request, msg, client_secret); err != Error::none) return err;
  ++ctx_.post_handshake_auths;
  return Error::none;
}

bool Tls13PostHandshakeAuth::awaiting_finished() const {
  return answering_ != nullptr && answering_->awaiting_finished();
}

}  // namespace adieu
