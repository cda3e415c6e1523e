// The TLS 1.3 client handshake (tls13_client.h).
#include "engine/handshake/tls13_client.h"

#include <algorithm>

#include "engine/handshake/client_hello_builder.h"
#include "engine/handshake/contains.h"
#include "engine/handshake/record_limits.h"
#include "engine/handshake/tls12_client.h"
#include "engine/handshake/tls13_connected.h"
#include "engine/session/session_data.h"
#include "messages/tls12_messages.h"

namespace adieu {

using messages::HandshakeType;

namespace {

// RFC 8446 section 4.1.3: a TLS 1.3 server that negotiated an older
// version marks its random; a client that offered TLS 1.3 must refuse it.
bool is_downgrade(const messages::ServerHello& sh) {
  std::span<const uint8_t> tail(sh.random.data() + 24, 8);
  return std::equal(tail.begin(), tail.end(), messages::kDowngradeTls12) ||
         std::equal(tail.begin(), tail.end(), messages::kDowngradeTls11);
}

// Checks a ServerHello or HelloRetryRequest against what we offered.
Error check_server_hello(const messages::ServerHello& sh, const messages::ClientHello& ch) {
  if (!sh.supported_version) {
    // An older version's answer that we cannot take: the downgrade sentinel
    // must be caught; otherwise we have no common version.
    return is_downgrade(sh) ? Error::illegal_parameter : Error::protocol_version;
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
  if (Error err = build_client_hello(ctx_, hello_, key_shares_); err != Error::none) return err;
  middlebox_compat_ = !ctx_.quic;  // RFC 9001 section 8.4
  offer_session(std::move(session));
  // No 0-RTT over QUIC yet: it would need the QUIC 0-RTT packets and their
  // max_early_data_size rule (RFC 9001 section 4.6).
  if (!ctx_.quic) offer_early_data();
  session_id_ = hello_.legacy_session_id;
  if (!serialize_client_hello(hello_bytes_)) return Error::internal_error;
  // Not in a transcript yet: its hash is not known before the ServerHello.
  transport_.send_handshake(Level::initial, hello_bytes_);
  transport_.flight_complete();
  return hello_.early_data ? start_early_data() : Error::none;
}

Error Tls13Client::handle_message(HandshakeType type, std::span<const uint8_t> msg) {
  const std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  switch (state_) {
    case State::wait_server_hello:
      // A TLS 1.2 server's HelloRequest before its ServerHello: ignored
      // (RFC 5246 section 7.4.1.1), when we offered TLS 1.2.
      if (type == HandshakeType::hello_request && !ctx_.quic &&
          ctx_.config.offers(messages::kTls12)) {
        return messages::HelloRequest().parse(body);
      }
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
  early_data_room_ = 0;  // the server has answered: no more 0-RTT data
  messages::ServerHello sh;
  if (Error err = sh.parse(body); err != Error::none) return err;
  if (!sh.supported_version && !ctx_.retried && !ctx_.quic &&
      ctx_.config.offers(messages::kTls12) && sh.legacy_version == messages::kTls12 &&
      !is_downgrade(sh)) {
    // The server chose TLS 1.2, which we offered too: its handshake takes
    // over from this ServerHello.
    if (Error err = on_early_data_answer(false); err != Error::none) return err;
    auto tls12 =
        std::make_unique<Tls12Client>(ctx_, transport_, std::move(hello_), std::move(hello_bytes_));
    const Error err = tls12->on_server_hello(sh, msg);
    successor_ = std::move(tls12);
    return err;
  }
  if (Error err = check_server_hello(sh, hello_); err != Error::none) return err;
  if (sh.is_hello_retry_request()) return on_hello_retry_request(sh, msg);
  if (ctx_.retried && static_cast<uint16_t>(ctx_.suite->suite) != sh.cipher_suite) {
    return Error::illegal_parameter;
  }
  choose_suite(*crypto::suite_info(sh.cipher_suite));
  ctx_.server_random = sh.random;
  if (sh.selected_psk) {
    // RFC 8446 section 4.2.11: the PSK we offered (index 0), for its hash.
    if (!hello_.pre_shared_key || *sh.selected_psk != 0 ||
        crypto::suite_info(ctx_.offered_session->cipher_suite())->hash != ctx_.suite->hash) {
      return Error::illegal_parameter;
    }
    ctx_.resumed = true;
    ctx_.resumed_session = ctx_.offered_session;
    psk_ = ctx_.offered_session->data().psk;
  }
  std::optional<crypto::SharedSecret> shared;
  if (sh.key_share) {
    const crypto::KeyShare& ours = key_shares_.back();
    if (sh.key_share->group != static_cast<uint16_t>(ours.group())) {
      return Error::illegal_parameter;
    }
    shared = ours.derive(sh.key_share->key_exchange);
    if (!shared) return Error::illegal_parameter;
    ctx_.group = sh.key_share->group;
    ctx_.peer_key_share = sh.key_share->key_exchange;
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
  // With 0-RTT offered, the early keys stay until EncryptedExtensions says
  // whether the server took it (then until our EndOfEarlyData).
  if (!hello_.early_data &&
      !install_handshake_write_keys(client_handshake_secret_, client_finished_key_)) {
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
  // RFC 8446 section 4.1.2: the second ClientHello offers no early data.
  if (Error err = on_early_data_answer(false); err != Error::none) return err;
  choose_suite(*crypto::suite_info(hrr.cipher_suite));
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
  if (hello_.pre_shared_key &&
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
  if (ctx_.quic) {
    // RFC 9001 section 8.2: the server's transport parameters are mandatory;
    // section 8.1: so is an application protocol.
    if (!ee.quic_transport_parameters) return Error::missing_extension;
    if (!ee.alpn) return Error::no_application_protocol;
    ctx_.quic->peer_transport_parameters = std::move(ee.quic_transport_parameters);
  } else if (ee.quic_transport_parameters) {
    return Error::unsupported_extension;  // not offered (RFC 8446 section 4.2)
  }
  if (ee.early_data && !hello_.early_data) return Error::unsupported_extension;
  if (hello_.early_data) {
    if (Error err = on_early_data_answer(ee.early_data); err != Error::none) return err;
  }
  std::optional<RecordLimits> limits;
  if (Error err = accept_record_limits(ctx_.config, messages::kTls13,
                                       {hello_.max_fragment_length, hello_.record_size_limit},
                                       {ee.max_fragment_length, ee.record_size_limit}, limits);
      err != Error::none) {
    return err;
  }
  if (limits) transport_.set_record_limits(*limits);
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
  if (ctx_.early_data == EarlyDataStatus::accepted) {
    // RFC 8446 section 4.5: the end of our 0-RTT data, under its keys.
    static constexpr uint8_t kEndOfEarlyData[] = {
        static_cast<uint8_t>(HandshakeType::end_of_early_data), 0, 0, 0};
    send(kEndOfEarlyData);
    if (!install_handshake_write_keys(client_handshake_secret_, client_finished_key_)) {
      return Error::internal_error;
    }
  }
  if (certificate_requested_) {
    if (Error err = send_client_certificate(certificate_request_); err != Error::none) return err;
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
