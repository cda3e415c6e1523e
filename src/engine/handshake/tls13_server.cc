// The TLS 1.3 server handshake (tls13_server.h).
#include "engine/handshake/tls13_server.h"

#include <algorithm>

#include "engine/handshake/contains.h"
#include "engine/handshake/record_limits.h"
#include "engine/handshake/server_start.h"
#include "engine/handshake/tls13_connected.h"

namespace adieu {

using messages::HandshakeType;

namespace {

// How much rejected 0-RTT data is skipped (RFC 8446 section 4.2.10 bounds it
// by max_early_data_size): OpenSSL's default, one full record's worth.
constexpr size_t kRejectedEarlyDataLimit = size_t{1} << 14;

const messages::KeyShareEntry* find_share(const messages::ClientHello& ch, uint16_t group) {
  for (const messages::KeyShareEntry& e : *ch.key_shares) {
    if (e.group == group) return &e;
  }
  return nullptr;
}

}  // namespace

Error Tls13Server::start(const messages::ClientHello& ch, std::span<const uint8_t> msg) {
  return on_client_hello(ch, msg, false);
}

Error Tls13Server::handle_message(HandshakeType type, std::span<const uint8_t> msg) {
  const std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  switch (state_) {
    case State::wait_client_hello_after_retry: {
      if (type != HandshakeType::client_hello) return Error::unexpected_message;
      messages::ClientHello ch;
      if (Error err = ch.parse(body); err != Error::none) return err;
      return on_client_hello(ch, msg, true);
    }
    case State::wait_end_of_early_data:
      if (type != HandshakeType::end_of_early_data) return Error::unexpected_message;
      return on_end_of_early_data(msg, body);
    case State::wait_client_certificate:
      if (type != HandshakeType::certificate) return Error::unexpected_message;
      return on_client_certificate(msg, body);
    case State::wait_client_certificate_verify:
      if (type != HandshakeType::certificate_verify) return Error::unexpected_message;
      return on_client_certificate_verify(msg, body);
    case State::wait_client_finished:
      if (type != HandshakeType::finished) return Error::unexpected_message;
      return on_client_finished(msg, body);
  }
  return Error::unexpected_message;
}

Error Tls13Server::on_client_hello(const messages::ClientHello& ch, std::span<const uint8_t> msg,
                                   bool second) {
  const Config::Impl& config = ctx_.config;
  if (second && negotiate_version(ch, config) != messages::kTls13) return Error::protocol_version;
  // We accept no 0-RTT data: the client's is skipped (RFC 8446 section
  // 4.2.10), after a HelloRetryRequest up to its second ClientHello, which
  // may not offer early data again (section 4.1.2).
  if (second) {
    if (ch.early_data) return Error::illegal_parameter;
    transport_.skip_early_data(0);
  } else if (ch.early_data) {
    transport_.skip_early_data(kRejectedEarlyDataLimit);
    ctx_.early_data = EarlyDataStatus::rejected;  // unless taken below
  }
  if (ch.legacy_compression_methods.size() != 1 || ch.legacy_compression_methods[0] != 0) {
    return Error::illegal_parameter;
  }
  // RFC 8446 section 9.2: without a PSK, these are mandatory.
  if (!ch.signature_algorithms) return Error::missing_extension;
  if (!ch.supported_groups || !ch.key_shares) return Error::missing_extension;
  // RFC 8446 section 4.2.8: one share per group, each of a supported group.
  for (size_t i = 0; i < ch.key_shares->size(); ++i) {
    const uint16_t group = (*ch.key_shares)[i].group;
    if (!contains(*ch.supported_groups, group)) return Error::illegal_parameter;
    for (size_t j = 0; j < i; ++j) {
      if ((*ch.key_shares)[j].group == group) return Error::illegal_parameter;
    }
  }

  // Cipher suite: our preference among the client's.
  std::optional<crypto::SuiteInfo> chosen;
  for (crypto::CipherSuite s : config.suites) {
    if (contains(ch.cipher_suites, static_cast<uint16_t>(s))) {
      chosen = crypto::suite_info(s);
      break;
    }
  }
  if (!chosen) return Error::handshake_failure;
  if (second && chosen->suite != ctx_.suite->suite) return Error::illegal_parameter;
  choose_suite(*chosen);

  // Group: the first of ours the client sent a share for; failing that, the
  // first of ours it supports, asked for with a HelloRetryRequest.
  const messages::KeyShareEntry* share = nullptr;
  std::optional<crypto::Group> retry_group;
  for (crypto::Group g : config.groups) {
    share = find_share(ch, static_cast<uint16_t>(g));
    if (share) break;
  }
  if (!share) {
    for (crypto::Group g : config.groups) {
      if (contains(*ch.supported_groups, static_cast<uint16_t>(g))) {
        retry_group = g;
        break;
      }
    }
    if (!retry_group) return Error::handshake_failure;
  }
  if (second) {
    // RFC 8446 section 4.1.2: the second ClientHello answers the retry.
    if (!share || ch.key_shares->size() != 1 ||
        share->group != static_cast<uint16_t>(*hrr_group_)) {
      return Error::illegal_parameter;
    }
    // We sent no cookie (see send_retry): a client that adds one changed
    // more than the retry allows.
    if (ch.cookie) return Error::illegal_parameter;
    if (ch.legacy_session_id != session_id_) return Error::illegal_parameter;
  }

  // Certificate and signature scheme for the requested name.
  ctx_.server_name = ch.server_name.value_or(std::string());
  // Of our certificates for the name, the first whose key signs with a
  // scheme the client accepts and whose chain is signed with schemes of its
  // signature_algorithms_cert (else signature_algorithms); failing that, the
  // first whose key can sign (RFC 8446 sections 4.2.3 and 4.4.2.2). Without
  // one, only a PSK can authenticate us (checked once it is chosen).
  const std::vector<uint16_t>& chain_schemes =
      ch.signature_algorithms_cert ? *ch.signature_algorithms_cert : *ch.signature_algorithms;
  const std::vector<const CertifiedKey*> candidates =
      config.certificates_for(ctx_.server_name, &server_name_matched_);
  const auto chain_fits = [&](const CertifiedKey& candidate) {
    return std::all_of(
        candidate.chain.begin(), candidate.chain.end(),
        [&](const crypto::Certificate& c) { return c.signed_with_one_of(chain_schemes); });
  };
  bool can_sign = false;
  for (bool whole_chain : {true, false}) {
    for (const CertifiedKey* candidate : candidates) {
      if (whole_chain && !chain_fits(*candidate)) continue;
      our_certificate_ = candidate;
      can_sign = choose_scheme(*ch.signature_algorithms);
      if (can_sign) break;
    }
    if (can_sign) break;
  }
  if (!can_sign && config.external_psks.empty()) return Error::handshake_failure;

  if (Error err = choose_alpn(ctx_, ch); err != Error::none) return err;
  if (ctx_.quic) {
    // RFC 9001 section 8.2: the client's transport parameters are
    // mandatory; section 8.1: so is an application protocol in common.
    if (!ch.quic_transport_parameters) return Error::missing_extension;
    if (ctx_.alpn.empty()) return Error::no_application_protocol;
    ctx_.quic->peer_transport_parameters = ch.quic_transport_parameters;
  }

  session_id_ = ch.legacy_session_id;
  middlebox_compat_ = !session_id_.empty() && !ctx_.quic;  // never over QUIC (RFC 9001 8.4)
  ctx_.client_random = ch.random;
  ctx_.post_handshake_auth = ch.post_handshake_auth && !ctx_.quic;  // not over QUIC (RFC 9001 4.4)

  if (retry_group) {
    if (second) return Error::illegal_parameter;
    return send_retry(*retry_group, msg);
  }

  std::optional<uint16_t> selected_psk;
  if (Error err = choose_psk(ch, msg, selected_psk); err != Error::none) return err;
  if (!ctx_.resumed && !can_sign) return Error::handshake_failure;
  if (!transcript_) transcript_.emplace(ctx_.suite->hash);
  transcript_->update(msg);
  std::optional<crypto::Secret> hello_hash;  // for the 0-RTT keys, when we take its data
  if (early_data_acceptable(ch, selected_psk)) hello_hash = transcript_->current();

  std::optional<crypto::KeyShare> ours;
  std::optional<crypto::SharedSecret> shared;
  if (!ctx_.resumed || psk_with_dhe_) {
    ours = crypto::KeyShare::generate(static_cast<crypto::Group>(share->group), ctx_.random);
    if (!ours) return Error::internal_error;
    shared = ours->derive(share->key_exchange);
    if (!shared) return Error::illegal_parameter;
    ctx_.group = share->group;
    ctx_.peer_key_share = share->key_exchange;
  }

  messages::ServerHello sh;
  if (!ctx_.random.fill(sh.random)) return Error::internal_error;
  ctx_.server_random = sh.random;
  sh.legacy_session_id_echo = session_id_;
  sh.cipher_suite = static_cast<uint16_t>(ctx_.suite->suite);
  sh.supported_version = messages::kTls13;
  sh.selected_psk = selected_psk;
  if (ours) {
    sh.key_share =
        messages::KeyShareEntry{ctx_.group, {ours->public_key().begin(), ours->public_key().end()}};
  }
  std::vector<uint8_t> sh_bytes;
  wire::Writer w(sh_bytes);
  sh.serialize(w);
  send(sh_bytes);
  send_change_cipher_spec_once();

  derive_handshake_secrets(psk_.span(), shared ? shared->span() : std::span<const uint8_t>());
  if (!install_handshake_write_keys(server_handshake_secret_, server_finished_key_)) {
    return Error::internal_error;
  }
  if (hello_hash) {
    // The client's 0-RTT records come under its early keys until its
    // EndOfEarlyData (RFC 8446 section 2.3).
    const crypto::Secret early = schedule_->client_early_traffic(hello_hash->span());
    ctx_.keylog("CLIENT_EARLY_TRAFFIC_SECRET", early);
    if (!transport_.install_read_secret(Level::early_data, ctx_.suite->suite, early)) {
      return Error::internal_error;
    }
    transport_.skip_early_data(0);
    ctx_.early_data = EarlyDataStatus::accepted;
  } else if (!install_handshake_read_keys(client_handshake_secret_, client_finished_key_)) {
    return Error::internal_error;
  }
  return send_flight(ch);
}

Error Tls13Server::send_retry(crypto::Group group_wanted, std::span<const uint8_t> msg) {
  transcript_.emplace(ctx_.suite->hash);
  transcript_->update(messages::message_hash(crypto::hash(ctx_.suite->hash, msg).span()));
  hrr_group_ = group_wanted;
  ctx_.retried = true;
  // No cookie (RFC 8446 section 4.2.2): it lets a stateless server find its
  // state again, and this server keeps its own between the two hellos.

  messages::ServerHello hrr;
  std::copy(std::begin(messages::kHelloRetryRequestRandom),
            std::end(messages::kHelloRetryRequestRandom), hrr.random.begin());
  hrr.legacy_session_id_echo = session_id_;
  hrr.cipher_suite = static_cast<uint16_t>(ctx_.suite->suite);
  hrr.supported_version = messages::kTls13;
  hrr.selected_group = static_cast<uint16_t>(group_wanted);
  std::vector<uint8_t> bytes;
  wire::Writer w(bytes);
  hrr.serialize(w);
  send(bytes);
  send_change_cipher_spec_once();
  state_ = State::wait_client_hello_after_retry;
  return Error::none;
}

Error Tls13Server::send_flight(const messages::ClientHello& ch) {
  messages::EncryptedExtensions ee;
  ee.server_name_ack = ch.server_name.has_value() && server_name_matched_;
  ee.early_data = ctx_.early_data == EarlyDataStatus::accepted;
  if (!ctx_.alpn.empty()) ee.alpn = ctx_.alpn;
  if (ctx_.quic) {
    ee.quic_transport_parameters = ctx_.quic->transport_parameters;
  } else {
    // Our records from EncryptedExtensions on, and the client's after it,
    // keep to the sizes agreed here.
    const RecordLimitAnswer limits = answer_record_limits(
        ctx_.config, messages::kTls13, {ch.max_fragment_length, ch.record_size_limit});
    ee.max_fragment_length = limits.extensions.max_fragment_length;
    ee.record_size_limit = limits.extensions.record_size_limit;
    if (limits.limits) transport_.set_record_limits(*limits.limits);
  }
  std::vector<uint8_t> bytes;
  wire::Writer w(bytes);
  ee.serialize(w);
  send(bytes);

  if (!ctx_.resumed) {
    if (ctx_.config.tls13_handshake_requests_certificate()) {
      send_certificate_request({});  // RFC 8446 section 4.3.2: an empty context
      certificate_requested_ = true;
    }
    if (Error err = send_certificate({}); err != Error::none) return err;
    if (Error err = send_certificate_verify(true); err != Error::none) return err;
  }
  // Resumed, the PSK authenticates: no certificates (RFC 8446 section 2.2).
  if (Error err = send_finished(server_finished_key_); err != Error::none) return err;
  derive_application_secrets();
  if (!transport_.install_write_secret(Level::application, ctx_.suite->suite,
                                       server_application_secret_)) {
    return Error::internal_error;
  }
  write_level_ = Level::application;
  state_ = ctx_.early_data == EarlyDataStatus::accepted ? State::wait_end_of_early_data
                                                        : client_flight_state();
  return Error::none;
}

Error Tls13Server::on_client_certificate(std::span<const uint8_t> msg,
                                         std::span<const uint8_t> body) {
  if (Error err = verify_certificate(body, false); err != Error::none) return err;
  transcript_->update(msg);
  state_ =
      ctx_.peer_chain.empty() ? State::wait_client_finished : State::wait_client_certificate_verify;
  return Error::none;
}

Error Tls13Server::on_client_certificate_verify(std::span<const uint8_t> msg,
                                                std::span<const uint8_t> body) {
  if (Error err = verify_certificate_verify(body, false); err != Error::none) return err;
  transcript_->update(msg);
  state_ = State::wait_client_finished;
  return Error::none;
}

Error Tls13Server::on_client_finished(std::span<const uint8_t> msg, std::span<const uint8_t> body) {
  if (Error err = verify_finished(body, client_finished_key_); err != Error::none) return err;
  transcript_->update(msg);
  resumption_master_ = schedule_->resumption_master(transcript_->current().span());
  if (!transport_.install_read_secret(Level::application, ctx_.suite->suite,
                                      client_application_secret_)) {
    return Error::internal_error;
  }
  return complete().send_new_session_tickets();
}

}  // namespace adieu
