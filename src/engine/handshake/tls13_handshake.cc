// Handshake steps both TLS 1.3 roles share: certificates, CertificateVerify
// and Finished (RFC 8446 section 4.4), the key schedule's steps, and the
// hand-over to Tls13Connected.
#include "engine/handshake/tls13_handshake.h"

#include <algorithm>

#include "engine/handshake/tls13_connected.h"
#include "messages/messages.h"

namespace adieu {

namespace {

// RFC 8446 section 4.4.3: 64 spaces, the context string, a zero byte and the
// transcript hash.
std::vector<uint8_t> signed_content(bool from_server, const crypto::Secret& transcript_hash) {
  static constexpr char kServer[] = "TLS 1.3, server CertificateVerify";
  static constexpr char kClient[] = "TLS 1.3, client CertificateVerify";
  const char* label = from_server ? kServer : kClient;
  std::vector<uint8_t> content;
  content.reserve(64 + sizeof(kServer) + transcript_hash.size());
  content.assign(64, 0x20);
  content.insert(content.end(), label, label + sizeof(kServer));  // includes the 0 byte
  content.insert(content.end(), transcript_hash.span().begin(), transcript_hash.span().end());
  return content;
}

bool offered(std::span<const crypto::SignatureScheme> list, uint16_t scheme) {
  for (crypto::SignatureScheme s : list) {
    if (static_cast<uint16_t>(s) == scheme) return true;
  }
  return false;
}

}  // namespace

Tls13Handshake::~Tls13Handshake() = default;

Error Tls13Handshake::handle_change_cipher_spec(std::span<const uint8_t> body) {
  // RFC 8446 section 5: a single 0x01 byte is dropped; any other value is
  // unexpected_message. A peer in middlebox compatibility mode sends one
  // (Appendix D.4); a second is refused as OpenSSL does, so a stream of them
  // cannot keep a handshake waiting.
  if (body.size() != 1 || body[0] != 1 || received_change_cipher_spec_) {
    return Error::unexpected_message;
  }
  received_change_cipher_spec_ = true;
  return Error::none;
}

void Tls13Handshake::choose_suite(crypto::SuiteInfo suite) {
  ctx_.version = messages::kTls13;
  ctx_.suite = suite;
  ctx_.cipher_suite = static_cast<uint16_t>(suite.suite);
  ctx_.cipher_suite_name = suite.name;
}

void Tls13Handshake::send(std::span<const uint8_t> message) {
  if (transcript_) transcript_->update(message);
  transport_.send_handshake(write_level_, message);
}

Error Tls13Handshake::verify_certificate(std::span<const uint8_t> body, bool is_server_cert,
                                         std::span<const uint8_t> request_context,
                                         std::optional<VerifyMode> verify) {
  const VerifyMode mode = verify.value_or(ctx_.config.verify);
  messages::CertificateMsg cert;
  if (Error err = cert.parse(body); err != Error::none) return err;
  // RFC 8446 section 6.2: a field inconsistent with another (OpenSSL sends
  // decode_error).
  if (!std::equal(cert.request_context.begin(), cert.request_context.end(), request_context.begin(),
                  request_context.end())) {
    return Error::illegal_parameter;
  }
  if (cert.entries.empty()) {
    // RFC 8446 section 4.4.2.4.
    if (is_server_cert) return Error::decode_error;
    ctx_.peer_chain.clear();
    return mode == VerifyMode::required ? Error::certificate_required : Error::none;
  }
  std::vector<std::span<const uint8_t>> ders;
  ders.reserve(cert.entries.size());
  for (const messages::CertificateEntry& entry : cert.entries) ders.push_back(entry.cert_data);
  return ctx_.verify_peer_chain(ders, is_server_cert, mode);
}

Error Tls13Handshake::verify_certificate_verify(std::span<const uint8_t> body, bool from_server) {
  messages::CertificateVerify cv;
  if (Error err = cv.parse(body); err != Error::none) return err;
  if (!offered(crypto::handshake_signature_schemes(), cv.scheme) ||
      !ctx_.config.scheme_allowed(cv.scheme)) {
    return Error::illegal_parameter;
  }
  const auto scheme = static_cast<crypto::SignatureScheme>(cv.scheme);
  if (ctx_.peer_chain.empty()) return Error::decrypt_error;
  // A scheme the key cannot have (an rsaEncryption key claiming
  // rsa_pss_pss_*, a P-256 key claiming ecdsa_secp384r1_sha384): the
  // message is wrong, not the signature (as OpenSSL).
  if (!ctx_.peer_chain.front().fits(scheme)) return Error::illegal_parameter;
  std::vector<uint8_t> content = signed_content(from_server, transcript_->current());
  if (!ctx_.peer_chain.front().verify(scheme, content, cv.signature)) return Error::decrypt_error;
  ctx_.peer_scheme = cv.scheme;
  return Error::none;
}

Error Tls13Handshake::verify_finished(std::span<const uint8_t> body,
                                      const crypto::Secret& finished_key) {
  messages::Finished fin;
  if (Error err = fin.parse(body); err != Error::none) return err;
  crypto::Secret expected = tls13::KeySchedule::finished_mac(ctx_.suite->hash, finished_key.span(),
                                                             transcript_->current().span());
  if (expected.empty()) return Error::internal_error;
  if (fin.verify_data.size() != expected.size()) return Error::decode_error;
  if (!crypto::constant_time_equal(fin.verify_data, expected.span())) return Error::decrypt_error;
  ctx_.finished_received = std::move(fin.verify_data);
  return Error::none;
}

Error Tls13Handshake::send_certificate(std::span<const uint8_t> context) {
  messages::CertificateMsg cert;
  cert.request_context.assign(context.begin(), context.end());
  if (our_certificate_) {
    for (const std::vector<uint8_t>& der : our_certificate_->chain_der) {
      cert.entries.push_back({der, {}});
    }
  }
  std::vector<uint8_t> msg;
  wire::Writer w(msg);
  cert.serialize(w);
  if (!w.ok()) return Error::internal_error;
  send(msg);
  return Error::none;
}

Error Tls13Handshake::send_certificate_verify(bool from_server) {
  messages::CertificateVerify cv;
  cv.scheme = static_cast<uint16_t>(our_scheme_);
  std::vector<uint8_t> content = signed_content(from_server, transcript_->current());
  if (!our_certificate_->key.sign(our_scheme_, content, cv.signature, ctx_.random)) {
    return Error::internal_error;
  }
  std::vector<uint8_t> msg;
  wire::Writer w(msg);
  cv.serialize(w);
  send(msg);
  return Error::none;
}

Error Tls13Handshake::send_finished(const crypto::Secret& finished_key) {
  crypto::Secret verify_data = tls13::KeySchedule::finished_mac(
      ctx_.suite->hash, finished_key.span(), transcript_->current().span());
  if (verify_data.empty()) return Error::internal_error;
  messages::Finished fin;
  fin.verify_data.assign(verify_data.span().begin(), verify_data.span().end());
  ctx_.finished_sent = fin.verify_data;
  std::vector<uint8_t> msg;
  wire::Writer w(msg);
  fin.serialize(w);
  send(msg);
  return Error::none;
}

void Tls13Handshake::send_certificate_request(std::span<const uint8_t> context) {
  messages::CertificateRequest cr;
  cr.request_context.assign(context.begin(), context.end());
  cr.signature_algorithms = ctx_.config.allowed_schemes(crypto::handshake_signature_schemes());
  std::vector<uint8_t> bytes;
  wire::Writer w(bytes);
  cr.serialize(w);
  send(bytes);
}

Error Tls13Handshake::send_client_certificate(const messages::CertificateRequest& request) {
  const Config::Impl& config = ctx_.config;
  our_certificate_ = config.certificates.empty() ? nullptr : &config.certificates.front();
  if (our_certificate_ && !choose_scheme(request.signature_algorithms)) our_certificate_ = nullptr;
  if (Error err = send_certificate(request.request_context); err != Error::none) return err;
  return our_certificate_ ? send_certificate_verify(false) : Error::none;
}

bool Tls13Handshake::choose_scheme(const std::vector<uint16_t>& peer_schemes) {
  if (!our_certificate_) return false;
  for (crypto::SignatureScheme s : our_certificate_->schemes) {
    for (uint16_t p : peer_schemes) {
      if (p == static_cast<uint16_t>(s) && offered(crypto::handshake_signature_schemes(), p) &&
          ctx_.config.scheme_allowed(p)) {
        our_scheme_ = s;
        return true;
      }
    }
  }
  return false;
}

void Tls13Handshake::derive_handshake_secrets(std::span<const uint8_t> psk,
                                              std::span<const uint8_t> shared) {
  schedule_.emplace(ctx_.suite->hash);
  schedule_->set_early(psk);
  schedule_->set_handshake(shared);
  crypto::Secret th = transcript_->current();
  client_handshake_secret_ = schedule_->client_handshake_traffic(th.span());
  server_handshake_secret_ = schedule_->server_handshake_traffic(th.span());
  ctx_.keylog("CLIENT_HANDSHAKE_TRAFFIC_SECRET", client_handshake_secret_);
  ctx_.keylog("SERVER_HANDSHAKE_TRAFFIC_SECRET", server_handshake_secret_);
}

void Tls13Handshake::derive_application_secrets() {
  crypto::Secret th = transcript_->current();
  schedule_->set_master();
  client_application_secret_ = schedule_->client_application_traffic(th.span());
  server_application_secret_ = schedule_->server_application_traffic(th.span());
  ctx_.keylog("CLIENT_TRAFFIC_SECRET_0", client_application_secret_);
  ctx_.keylog("SERVER_TRAFFIC_SECRET_0", server_application_secret_);
  exporter_master_ = schedule_->exporter_master(th.span());
  ctx_.keylog("EXPORTER_SECRET", exporter_master_);
}

namespace {

bool take_finished_key(crypto::HashAlg hash, crypto::Secret& secret, crypto::Secret& finished_key) {
  finished_key = tls13::KeySchedule::finished_key(hash, secret.span());
  secret.wipe();
  return !finished_key.empty();
}

}  // namespace

bool Tls13Handshake::install_handshake_read_keys(crypto::Secret& secret,
                                                 crypto::Secret& finished_key) {
  return transport_.install_read_secret(Level::handshake, ctx_.suite->suite, secret) &&
         take_finished_key(ctx_.suite->hash, secret, finished_key);
}

bool Tls13Handshake::install_handshake_write_keys(crypto::Secret& secret,
                                                  crypto::Secret& finished_key) {
  if (!transport_.install_write_secret(Level::handshake, ctx_.suite->suite, secret)) return false;
  write_level_ = Level::handshake;
  return take_finished_key(ctx_.suite->hash, secret, finished_key);
}

void Tls13Handshake::send_change_cipher_spec_once() {
  if (!middlebox_compat_ || sent_change_cipher_spec_) return;
  transport_.send_change_cipher_spec();
  sent_change_cipher_spec_ = true;
}

Tls13Connected& Tls13Handshake::complete() {
  // A handshake we abandoned (close() before it completed) is followed to
  // its end so the peer's records can be read, but never counts as done.
  ctx_.established = transport_.write_open();
  const bool client = ctx_.role == Role::client;
  auto connected = std::make_unique<Tls13Connected>(
      ctx_, transport_, *ctx_.suite,
      client ? server_application_secret_ : client_application_secret_,
      client ? client_application_secret_ : server_application_secret_, exporter_master_,
      resumption_master_);
  // Post-handshake authentication starts from this transcript (RFC 8446
  // section 4.4): kept only when the client offered it.
  if (ctx_.post_handshake_auth && transcript_) {
    connected->allow_post_handshake_auth(std::move(*transcript_));
    transcript_.reset();
  }
  Tls13Connected& result = *connected;
  successor_ = std::move(connected);
  return result;
}

}  // namespace adieu
