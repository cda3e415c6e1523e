// HandshakeContext: what the handshakes of one connection share, whatever
// their version: the key log, the peer's chain, and the rule that an unclean
// end forgets the connection's sessions.
#include "crypto/certificate_cache.h"
#include "crypto/trust_store.h"
#include "engine/handshake/handshake.h"
#include "engine/session/session_data.h"

namespace adieu {

namespace {

Error verify_error(int x509_error) {
  switch (crypto::verify_failure(x509_error)) {
    case crypto::VerifyFailure::expired:
      return Error::certificate_expired;
    case crypto::VerifyFailure::unknown_issuer:
      return Error::unknown_ca;
    case crypto::VerifyFailure::bad_signature:
      return Error::bad_certificate;
    default:
      return Error::certificate_unknown;
  }
}

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

HandshakeContext::HandshakeContext(Role r, std::shared_ptr<const Config> cfg)
    : role(r),
      config_owner(std::move(cfg)),
      config(config_owner->impl()),
      batched_random(*config.random),
      // Injected sources (tests, RFC 8448) are used byte for byte.
      random(config.random == &crypto::system_random() ? batched_random : *config.random) {}

void HandshakeContext::keylog(const char* label, const crypto::Secret& secret) const {
  if (!config.keylog) return;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string line(label);
  line += ' ';
  for (uint8_t b : client_random) {
    line += kHex[b >> 4];
    line += kHex[b & 15];
  }
  line += ' ';
  for (uint8_t b : secret.span()) {
    line += kHex[b >> 4];
    line += kHex[b & 15];
  }
  config.keylog(line);
}

Error HandshakeContext::verify_peer_chain(std::span<const std::span<const uint8_t>> ders,
                                          bool is_server_cert, VerifyMode mode) {
  peer_chain.clear();
  peer_certificates.clear();  // made from peer_chain when asked for
  for (std::span<const uint8_t> der : ders) {
    std::optional<crypto::Certificate> parsed = crypto::certificate_from_der_cached(der);
    if (!parsed) return Error::bad_certificate;
    peer_chain.push_back(std::move(*parsed));
  }
  if (mode == VerifyMode::none) return Error::none;
  crypto::VerifyResult result =
      config.trust.verify(peer_chain, is_server_cert, is_server_cert ? server_name : std::string());
  if (!result.ok) {
    verify_message = result.message;
    verify_result = result.x509_error;
    return verify_error(result.x509_error);
  }
  return Error::none;
}

void HandshakeContext::apply_unclean_session_rule(bool clean) {
  if (clean || config.unclean_session_policy == UncleanSessionPolicy::keep) return;
  auto forget = [this](const std::shared_ptr<Session>& s) {
    if (!s || s->data().external) return;  // provisioned, not a ticket
    s->set_not_resumable();
    if (!config.session_cache) return;
    if (role == Role::server) {
      config.session_cache->remove(s->id());
    } else if (config.session_cache->get(as_bytes(server_name), 0) == s) {
      config.session_cache->remove(as_bytes(server_name));
    }
  };
  forget(resumed_session);
  forget(offered_session);
  for (const std::shared_ptr<Session>& s : new_sessions) forget(s);
}

}  // namespace adieu
