// The TLS 1.3 client handshake (tls13_client.h).
#include "engine/handshake/tls13_client.h"

#include <arpa/inet.h>

#include <algorithm>

#include "engine/handshake/contains.h"
#include "engine/handshake/tls13_connected.h"
#include "engine/session/session_data.h"

namespace adieu {

using messages::HandshakeType;

namespace {

bool is_ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// Checks a ServerHello or HelloRetryRequest against what we offered.
Error check_server_hello(const messages::ServerHello& sh, const messages::ClientHello& ch) {
  if (!sh.supported_version) {
    // A TLS 1.2 (or older) answer. RFC 8446 section 4.1.3: the downgrade
    // sentinel must be caught; otherwise we have no common version.
    std::span<const uint8_t> tail(sh.random.data() + 24, 8);
    if (std::equal(tail.begin(), tail.end(), messages::kDowngradeTls12) ||
        std::equal(tail.begin(), tail.end(), messages::kDowngradeTls11)) {
      return Error::illegal_parameter;
    }
    return Error::protocol_version;
  }
  if (*sh.supported_version != messages::kTls13 || sh.legacy_version != messages::kTls12) {
    return Error::illegal_parameter;
  }
  if (sh.legacy_session_id_echo != ch.legacy_session_id) return Error::illegal_parameter;
  if (!contains(ch.cipher_suites, sh.cipher_suite)) return Error::illegal_parameter;
  // RFC 8446 section 4.2: an extension we did not offer.
  if (!sh.unknown.empty()) return Error::unsupported_extension;
  return Error::none;
}

}  // namespace

Error Tls13Client::start(std::shared_ptr<Session> session) {
  const Config::Impl& config = ctx_.config;
  messages::ClientHello& ch = hello_;
  session_id_.resize(32);
  if (!ctx_.random.fill(ctx_.client_random) || !ctx_.random.fill(session_id_)) {
    return Error::internal_error;
  }
  ch.random = ctx_.client_random;
  ch.legacy_session_id = session_id_;  // middlebox compatibility (RFC 8446 D.4)
  middlebox_compat_ = true;
  // Each list is sized once (one allocation apiece).
  const auto code_points = [](const auto& values) {
    std::vector<uint16_t> out;
    out.reserve(values.size());
    for (auto v : values) out.push_back(static_cast<uint16_t>(v));
    return out;
  };
  ch.cipher_suites = code_points(config.suites);
  if (!ctx_.server_name.empty() && !is_ip_literal(ctx_.server_name)) {
    ch.server_name = ctx_.server_name;
  }
  ch.supported_groups = code_points(config.groups);
  ch.signature_algorithms = code_points(crypto::handshake_signature_schemes());
  ch.signature_algorithms_cert = code_points(crypto::certificate_signature_schemes());
  if (!config.alpn.empty()) ch.alpn = config.alpn;
  // One key share, for our most preferred group: a server preferring another
  // one asks for it with a HelloRetryRequest.
  std::optional<crypto::KeyShare> share =
      crypto::KeyShare::generate(config.groups.front(), ctx_.random);
  if (!share) return Error::internal_error;
  ch.key_shares.emplace();
  ch.key_shares->push_back({static_cast<uint16_t>(share->group()),
                            {share->public_key().begin(), share->public_key().end()}});
  key_shares_.push_back(std::move(*share));
  ch.supported_versions = std::vector<uint16_t>{messages::kTls13};
  ch.psk_key_exchange_modes = std::vector<uint8_t>{messages::kPskDheKe};  // so servers send tickets
  offer_session(std::move(session));
  if (!serialize_client_hello(hello_bytes_)) return Error::internal_error;
  // Not in a transcript yet: its hash is not known before the ServerHello.
  transport_.send_handshake(Level::initial, hello_bytes_);
  transport_.flight_complete();
  return Error::none;
}

Error Tls13Client::handle_message(HandshakeType type, std::span<const uint8_t> msg) {
  const std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  switch (state_) {
    case State::wait_server_hello:
      if (type != HandshakeType::server_hello) return Error::unexpected_message;
      return on_server_hello(msg, body);
    case State::wait_encrypted_extensions:
      if (type != HandshakeType::encrypted_extensions) return Error::unexpected_message;
      return on_encrypted_extensions(msg, body);
    case State::wait_certificate_or_request:
      if (type == HandshakeType::certificate_request) return on_certificate_request(msg, body);
      [[fallthrough]];
    case State::wait_certificate:
      if (type != HandshakeType::certificate) return Error::unexpected_message;
      return on_certificate(msg, body);
    case State::wait_certificate_verify:
      if (type != HandshakeType::certificate_verify) return Error::unexpected_message;
      return on_certificate_verify(msg, body);
    case State::wait_finished:
      if (type != HandshakeType::finished) return Error::unexpected_message;
      return on_finished(msg, body);
  }
  return Error::unexpected_message;
}

Error Tls13Client::on_server_hello(std::span<const uint8_t> msg, std::span<const uint8_t> body) {
  messages::ServerHello sh;
  if (Error err = sh.parse(body); err != Error::none) return err;
  if (Error err = check_server_hello(sh, hello_); err != Error::none) return err;
  if (sh.is_hello_retry_request()) return on_hello_retry_request(sh, msg);
  if (ctx_.retried && static_cast<uint16_t>(ctx_.suite->suite) != sh.cipher_suite) {
    return Error::illegal_parameter;
  }
  ctx_.version = messages::kTls13;
  ctx_.suite = crypto::suite_info(sh.cipher_suite);
  if (sh.selected_psk) {
    // RFC 8446 section 4.2.11: the PSK we offered (index 0), for its hash.
    if (!ctx_.offered_session || *sh.selected_psk != 0 ||
        crypto::suite_info(ctx_.offered_session->cipher_suite())->hash != ctx_.suite->hash) {
      return Error::illegal_parameter;
    }
    ctx_.resumed = true;
    ctx_.resumed_session = ctx_.offered_session;
    psk_ = ctx_.offered_session->data().psk;
  }
  std::optional<crypto::Secret> shared;
  if (sh.key_share) {
    const crypto::KeyShare& ours = key_shares_.back();
    if (sh.key_share->group != static_cast<uint16_t>(ours.group())) {
      return Error::illegal_parameter;
    }
    shared = ours.derive(sh.key_share->key_exchange);
    if (!shared) return Error::illegal_parameter;
    ctx_.group = sh.key_share->group;
  } else if (!ctx_.resumed || !ctx_.config.psk_ke) {
    return Error::missing_extension;
  }
  if (!transcript_) {
    transcript_.emplace(ctx_.suite->hash);
    transcript_->update(hello_bytes_);
  }
  transcript_->update(msg);
  derive_handshake_secrets(psk_.span(), shared ? shared->span() : std::span<const uint8_t>());
  if (!install_handshake_read_keys(server_handshake_secret_, server_finished_key_)) {
    return Error::internal_error;
  }
  send_change_cipher_spec_once();
  if (!install_handshake_write_keys(client_handshake_secret_, client_finished_key_)) {
    return Error::internal_error;
  }
  state_ = State::wait_encrypted_extensions;
  return Error::none;
}

Error Tls13Client::on_hello_retry_request(const messages::ServerHello& hrr,
                                          std::span<const uint8_t> msg) {
  // RFC 8446 section 4.1.4: one retry at most, for a group we support and did
  // not already send, or for a cookie.
  if (ctx_.retried) return Error::unexpected_message;
  if (hrr.key_share) return Error::illegal_parameter;
  const crypto::Group sent = key_shares_.back().group();
  std::optional<crypto::Group> wanted;
  if (hrr.selected_group) {
    for (crypto::Group g : ctx_.config.groups) {
      if (static_cast<uint16_t>(g) == *hrr.selected_group) wanted = g;
    }
    if (!wanted || *wanted == sent) return Error::illegal_parameter;
  } else if (!hrr.cookie) {
    return Error::illegal_parameter;  // a retry that would change nothing
  }
  ctx_.retried = true;
  ctx_.suite = crypto::suite_info(hrr.cipher_suite);
  const crypto::HashAlg hash = ctx_.suite->hash;
  transcript_.emplace(hash);
  transcript_->update(messages::message_hash(crypto::hash(hash, hello_bytes_).span()));
  transcript_->update(msg);

  messages::ClientHello& ch = hello_;
  if (wanted) {
    std::optional<crypto::KeyShare> share = crypto::KeyShare::generate(*wanted, ctx_.random);
    if (!share) return Error::internal_error;
    ch.key_shares->assign(1, {static_cast<uint16_t>(share->group()),
                              {share->public_key().begin(), share->public_key().end()}});
    key_shares_.clear();
    key_shares_.push_back(std::move(*share));
  }
  if (hrr.cookie) ch.cookie = hrr.cookie;
  if (ctx_.offered_session &&
      crypto::suite_info(ctx_.offered_session->cipher_suite())->hash != hash) {
    ch.pre_shared_key.reset();  // the PSK cannot go with the suite the server chose
    ctx_.offered_session.reset();
  }
  std::vector<uint8_t> second;
  if (!serialize_client_hello(second)) return Error::internal_error;
  send_change_cipher_spec_once();
  send(second);
  transport_.flight_complete();
  return Error::none;
}

Error Tls13Client::on_encrypted_extensions(std::span<const uint8_t> msg,
                                           std::span<const uint8_t> body) {
  messages::EncryptedExtensions ee;
  if (Error err = ee.parse(body); err != Error::none) return err;
  if (ee.alpn) {
    if (!hello_.alpn) return Error::unsupported_extension;
    if (!contains(*hello_.alpn, *ee.alpn)) return Error::illegal_parameter;
    ctx_.alpn = *ee.alpn;
  }
  if (ee.server_name_ack && !hello_.server_name) return Error::unsupported_extension;
  if (ee.early_data) return Error::unsupported_extension;
  transcript_->update(msg);
  state_ = ctx_.resumed ? State::wait_finished : State::wait_certificate_or_request;
  return Error::none;
}

Error Tls13Client::on_certificate_request(std::span<const uint8_t> msg,
                                          std::span<const uint8_t> body) {
  if (Error err = certificate_request_.parse(body); err != Error::none) return err;
  // RFC 8446 section 4.3.2: empty context during the handshake.
  if (!certificate_request_.request_context.empty()) return Error::illegal_parameter;
  certificate_requested_ = true;
  transcript_->update(msg);
  state_ = State::wait_certificate;
  return Error::none;
}

Error Tls13Client::on_certificate(std::span<const uint8_t> msg, std::span<const uint8_t> body) {
  if (Error err = verify_certificate(body, true); err != Error::none) return err;
  transcript_->update(msg);
  state_ = State::wait_certificate_verify;
  return Error::none;
}

Error Tls13Client::on_certificate_verify(std::span<const uint8_t> msg,
                                         std::span<const uint8_t> body) {
  if (Error err = verify_certificate_verify(body, true); err != Error::none) return err;
  transcript_->update(msg);
  state_ = State::wait_finished;
  return Error::none;
}

Error Tls13Client::on_finished(std::span<const uint8_t> msg, std::span<const uint8_t> body) {
  if (Error err = verify_finished(body, server_finished_key_); err != Error::none) return err;
  transcript_->update(msg);
  derive_application_secrets();
  if (!transport_.install_read_secret(Level::application, ctx_.suite->suite,
                                      server_application_secret_)) {
    return Error::internal_error;
  }
  return send_second_flight();
}

Error Tls13Client::send_second_flight() {
  if (certificate_requested_) {
    const Config::Impl& config = ctx_.config;
    our_certificate_ = config.certificates.empty() ? nullptr : &config.certificates.front();
    if (our_certificate_ && !choose_scheme(certificate_request_.signature_algorithms)) {
      our_certificate_ = nullptr;  // send none rather than a signature it cannot check
    }
    if (Error err = send_certificate(certificate_request_.request_context); err != Error::none) {
      return err;
    }
    if (our_certificate_) {
      if (Error err = send_certificate_verify(false); err != Error::none) return err;
    }
  }
  if (Error err = send_finished(client_finished_key_); err != Error::none) return err;
  resumption_master_ = schedule_->resumption_master(transcript_->current().span());
  if (!transport_.install_write_secret(Level::application, ctx_.suite->suite,
                                       client_application_secret_)) {
    return Error::internal_error;
  }
  complete();
  return Error::none;
}

}  // namespace adieu
