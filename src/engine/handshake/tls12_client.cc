// The TLS 1.2 client handshake (tls12_client.h).
#include "engine/handshake/tls12_client.h"

#include <algorithm>

#include "engine/handshake/client_hello_builder.h"
#include "engine/handshake/contains.h"
#include "engine/handshake/record_limits.h"
#include "engine/handshake/session_offer.h"
#include "engine/session/session_data.h"

namespace adieu {

using messages::HandshakeType;

namespace {

// The signature a ServerKeyExchange of a suite with `auth` may carry.
bool scheme_fits_auth(uint16_t scheme, crypto::Tls12Auth auth) {
  // RFC 8422 section 5.1.3: EdDSA goes with the ECDSA suites.
  const bool ecdsa_family = scheme == 0x0403 || scheme == 0x0503 || scheme == 0x0603 ||
                            scheme == static_cast<uint16_t>(crypto::SignatureScheme::ed25519) ||
                            scheme == static_cast<uint16_t>(crypto::SignatureScheme::ed448);
  return (auth == crypto::Tls12Auth::ecdsa) == ecdsa_family;
}

// A scheme our ClientHello offered for TLS 1.2.
bool offered_tls12_scheme(const Config::Impl& config, uint16_t scheme) {
  for (crypto::SignatureScheme s : crypto::tls12_signature_schemes()) {
    if (static_cast<uint16_t>(s) == scheme) return config.scheme_allowed(scheme);
  }
  return false;
}

}  // namespace

Tls12Client::Tls12Client(HandshakeContext& context, HandshakeTransport& transport,
                         messages::ClientHello hello, std::vector<uint8_t> hello_bytes)
    : Tls12Handshake(context, transport),
      hello_(std::move(hello)),
      hello_bytes_(std::move(hello_bytes)) {
  // A CertificateRequest may come: our CertificateVerify would sign every
  // message from the ClientHello on.
  keep_messages_ = true;
}

Error Tls12Client::start(std::shared_ptr<Session> session) {
  std::vector<crypto::KeyShare> unused;  // no TLS 1.3 key share is offered
  if (Error err = build_client_hello(ctx_, hello_, unused); err != Error::none) return err;
  session = session_to_offer(ctx_, std::move(session));
  if (session && is_tls12_session(*session)) offer_tls12_session(ctx_, hello_, std::move(session));
  wire::Writer w(hello_bytes_);
  hello_.serialize(w);
  if (!w.ok()) return Error::internal_error;
  transport_.send_handshake(Level::initial, hello_bytes_);
  transport_.flight_complete();
  return Error::none;
}

Error Tls12Client::handle_message(HandshakeType type, std::span<const uint8_t> msg) {
  const std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  // RFC 5246 section 7.4.1.1: a HelloRequest while we negotiate is ignored,
  // and is in no transcript.
  if (type == HandshakeType::hello_request) return messages::HelloRequest().parse(body);
  switch (state_) {
    case State::wait_server_hello: {
      if (type != HandshakeType::server_hello) return Error::unexpected_message;
      messages::ServerHello sh;
      if (Error err = sh.parse(body); err != Error::none) return err;
      if (sh.selects_tls13()) return Error::protocol_version;  // we did not offer it
      return on_server_hello(sh, msg);
    }
    case State::wait_certificate:
      if (type != HandshakeType::certificate) return Error::unexpected_message;
      return on_certificate(msg, body);
    case State::wait_server_key_exchange:
      if (type != HandshakeType::server_key_exchange) return Error::unexpected_message;
      return on_server_key_exchange(msg, body);
    case State::wait_certificate_request_or_done:
      if (type == HandshakeType::certificate_request) return on_certificate_request(msg, body);
      [[fallthrough]];
    case State::wait_server_hello_done:
      if (type != HandshakeType::server_hello_done) return Error::unexpected_message;
      return on_server_hello_done(msg, body);
    case State::wait_new_session_ticket:
      if (type != HandshakeType::new_session_ticket) return Error::unexpected_message;
      return on_new_session_ticket(msg, body);
    case State::wait_finished:
      if (type != HandshakeType::finished) return Error::unexpected_message;
      return on_finished(msg, body);
    case State::wait_change_cipher_spec:
      break;
  }
  return Error::unexpected_message;
}

Error Tls12Client::on_server_hello(const messages::ServerHello& sh, std::span<const uint8_t> msg) {
  const Config::Impl& config = ctx_.config;
  if (sh.legacy_version != messages::kTls12 || sh.supported_version) {
    return Error::protocol_version;
  }
  // The suite: one we offered, for TLS 1.2.
  const std::optional<crypto::Tls12SuiteInfo> suite = crypto::tls12_suite_info(sh.cipher_suite);
  if (!suite || !contains(hello_.cipher_suites, sh.cipher_suite) ||
      std::find(config.tls12_suites.begin(), config.tls12_suites.end(), suite->suite) ==
          config.tls12_suites.end()) {
    return Error::illegal_parameter;
  }
  if (sh.legacy_compression_method != 0) return Error::illegal_parameter;
  // The server resumes by echoing our session id (RFC 5246 section
  // 7.4.1.3); with a ticket we sent a random one to tell (RFC 5077 section
  // 3.4). An echo without a TLS 1.2 session offered is a lie.
  const bool resumed =
      !sh.legacy_session_id_echo.empty() && sh.legacy_session_id_echo == hello_.legacy_session_id;
  if (resumed && (!ctx_.offered_session || !is_tls12_session(*ctx_.offered_session) ||
                  ctx_.offered_session->cipher_suite() != sh.cipher_suite)) {
    return Error::illegal_parameter;
  }
  // RFC 5746 section 3.4: the server must show it supports secure
  // renegotiation, with an empty renegotiated_connection (OpenSSL 3.0
  // refuses a server without it too).
  if (!sh.renegotiation_info || !sh.renegotiation_info->empty()) return Error::handshake_failure;
  // RFC 7627 section 5.3: without EMS, we refuse unless configured not to.
  extended_master_secret_ = sh.extended_master_secret;
  if (!extended_master_secret_ && config.require_extended_master_secret) {
    return Error::handshake_failure;
  }
  // RFC 8422 section 5.2: if sent, uncompressed points must be allowed.
  if (sh.ec_point_formats && !contains(*sh.ec_point_formats, messages::kPointFormatUncompressed)) {
    return Error::illegal_parameter;
  }
  // Extensions we did not offer (RFC 5246 section 7.4.1.4).
  if ((sh.session_ticket && !hello_.session_ticket) || !sh.unknown.empty() ||
      (sh.server_name_ack && !hello_.server_name)) {
    return Error::unsupported_extension;
  }
  std::optional<RecordLimits> limits;
  if (Error err = accept_record_limits(config, messages::kTls12,
                                       {hello_.max_fragment_length, hello_.record_size_limit},
                                       {sh.max_fragment_length, sh.record_size_limit}, limits);
      err != Error::none) {
    return err;
  }
  // The server's Certificate and what follows keep to them.
  if (limits) transport_.set_record_limits(*limits);
  if (sh.alpn) {
    if (!hello_.alpn) return Error::unsupported_extension;
    if (!contains(*hello_.alpn, *sh.alpn)) return Error::illegal_parameter;
    ctx_.alpn = *sh.alpn;
  }
  ctx_.server_random = sh.random;
  ticket_expected_ = sh.session_ticket;
  start_transcript(crypto::tls12_suite_info(suite->suite), hello_bytes_);
  add_to_transcript(msg);
  std::vector<uint8_t>().swap(hello_bytes_);
  if (resumed) return resume(sh);
  session_id_ = sh.legacy_session_id_echo;
  state_ = State::wait_certificate;
  return Error::none;
}

Error Tls12Client::resume(const messages::ServerHello& sh) {
  // RFC 7627 section 5.3: a session made with the extended master secret is
  // resumed only with it (ours always are).
  if (!sh.extended_master_secret) return Error::handshake_failure;
  keep_messages_ = false;
  std::vector<uint8_t>().swap(messages_);
  ctx_.resumed = true;
  ctx_.resumed_session = ctx_.offered_session;
  master_secret_ = ctx_.resumed_session->data().psk;
  if (Error err = derive_key_block(); err != Error::none) return err;
  state_ = ticket_expected_ ? State::wait_new_session_ticket : State::wait_change_cipher_spec;
  return Error::none;
}

Error Tls12Client::on_certificate(std::span<const uint8_t> msg, std::span<const uint8_t> body) {
  messages::Tls12Certificate cert;
  if (Error err = cert.parse(body); err != Error::none) return err;
  if (cert.certificate_list.empty()) return Error::decode_error;  // a server must send one
  if (Error err = verify_certificate(cert.certificate_list, true); err != Error::none) return err;
  add_to_transcript(msg);
  state_ = State::wait_server_key_exchange;
  return Error::none;
}

Error Tls12Client::on_server_key_exchange(std::span<const uint8_t> msg,
                                          std::span<const uint8_t> body) {
  messages::ServerKeyExchange ske;
  if (Error err = ske.parse(body); err != Error::none) return err;
  // A curve we offered (RFC 8422 section 5.4), a scheme we offered that fits
  // the suite's authentication.
  if (!contains(*hello_.supported_groups, ske.named_curve) ||
      !crypto::group_is_elliptic(ske.named_curve)) {
    return Error::illegal_parameter;
  }
  if (!offered_tls12_scheme(ctx_.config, ske.scheme) ||
      !scheme_fits_auth(ske.scheme, suite_->auth) ||
      !ctx_.peer_chain.front().fits_tls12(static_cast<crypto::SignatureScheme>(ske.scheme))) {
    return Error::illegal_parameter;
  }
  const std::vector<uint8_t> signed_content =
      ske.signed_content(ctx_.client_random, ctx_.server_random);
  if (!ctx_.peer_chain.front().verify_tls12(static_cast<crypto::SignatureScheme>(ske.scheme),
                                            signed_content, ske.signature)) {
    return Error::decrypt_error;
  }
  ctx_.peer_scheme = ske.scheme;
  our_share_ = crypto::KeyShare::generate(static_cast<crypto::Group>(ske.named_curve), ctx_.random);
  if (!our_share_) return Error::internal_error;
  pre_master_secret_ = our_share_->derive(ske.point);
  if (!pre_master_secret_) return Error::illegal_parameter;
  ctx_.group = ske.named_curve;
  ctx_.peer_key_share = ske.point;
  add_to_transcript(msg);
  state_ = State::wait_certificate_request_or_done;
  return Error::none;
}

Error Tls12Client::on_certificate_request(std::span<const uint8_t> msg,
                                          std::span<const uint8_t> body) {
  certificate_request_.emplace();
  if (Error err = certificate_request_->parse(body); err != Error::none) return err;
  add_to_transcript(msg);
  state_ = State::wait_server_hello_done;
  return Error::none;
}

const CertifiedKey* Tls12Client::choose_client_certificate(crypto::SignatureScheme& scheme) const {
  for (const CertifiedKey& certified : ctx_.config.certificates) {
    const std::optional<crypto::Tls12Auth> auth = tls12_auth_of(certified.key);
    if (!auth) continue;
    const uint8_t type = *auth == crypto::Tls12Auth::ecdsa ? messages::kClientCertEcdsaSign
                                                           : messages::kClientCertRsaSign;
    if (!contains(certificate_request_->certificate_types, type)) continue;
    for (crypto::SignatureScheme s : certified.key.tls12_schemes()) {
      if (contains(certificate_request_->signature_algorithms, static_cast<uint16_t>(s)) &&
          ctx_.config.scheme_allowed(static_cast<uint16_t>(s))) {
        scheme = s;
        return &certified;
      }
    }
  }
  return nullptr;
}

Error Tls12Client::on_server_hello_done(std::span<const uint8_t> msg,
                                        std::span<const uint8_t> body) {
  messages::ServerHelloDone done;
  if (Error err = done.parse(body); err != Error::none) return err;
  add_to_transcript(msg);

  crypto::SignatureScheme scheme{};
  const CertifiedKey* ours = nullptr;
  if (certificate_request_) {
    ours = choose_client_certificate(scheme);
    messages::Tls12Certificate cert;
    if (ours) cert.certificate_list = ours->chain_der;
    send_message(cert);
  } else {
    keep_messages_ = false;
    std::vector<uint8_t>().swap(messages_);
  }
  messages::ClientKeyExchange cke;
  cke.point.assign(our_share_->public_key().begin(), our_share_->public_key().end());
  send_message(cke);
  if (Error err = derive_keys(pre_master_secret_->span()); err != Error::none) return err;
  pre_master_secret_.reset();
  our_share_.reset();
  if (ours) {
    // RFC 5246 section 7.4.8: the signature covers every message so far.
    messages::CertificateVerify cv;
    cv.scheme = static_cast<uint16_t>(scheme);
    if (!ours->key.sign_tls12(scheme, messages_, cv.signature, ctx_.random)) {
      return Error::internal_error;
    }
    send_message(cv);
  }
  keep_messages_ = false;
  std::vector<uint8_t>().swap(messages_);
  if (Error err = send_change_cipher_spec_and_switch(); err != Error::none) return err;
  if (Error err = send_finished(); err != Error::none) return err;
  transport_.flight_complete();
  state_ = ticket_expected_ ? State::wait_new_session_ticket : State::wait_change_cipher_spec;
  return Error::none;
}

Error Tls12Client::on_new_session_ticket(std::span<const uint8_t> msg,
                                         std::span<const uint8_t> body) {
  new_ticket_.emplace();
  if (Error err = new_ticket_->parse(body); err != Error::none) return err;
  add_to_transcript(msg);
  state_ = State::wait_change_cipher_spec;
  return Error::none;
}

void Tls12Client::keep_session() {
  if (!ctx_.config.resumption || !transport_.write_open()) return;  // not after we abandoned
  // RFC 5077 section 3.3: a zero lifetime hint leaves the lifetime to us.
  constexpr uint32_t kDefaultLifetimeSeconds = 7200;
  if (new_ticket_ && !new_ticket_->ticket.empty()) {
    const uint32_t hint = new_ticket_->ticket_lifetime_hint;
    keep_client_session(ctx_, make_tls12_session(ctx_, *suite_, master_secret_, new_ticket_->ticket,
                                                 true, hint != 0 ? hint : kDefaultLifetimeSeconds));
  } else if (ctx_.resumed) {
    keep_client_session(ctx_, ctx_.resumed_session);  // taken when offered: back it goes
  } else if (!session_id_.empty()) {
    keep_client_session(ctx_, make_tls12_session(ctx_, *suite_, master_secret_, session_id_, false,
                                                 kDefaultLifetimeSeconds));
  }
}

Error Tls12Client::handle_change_cipher_spec(std::span<const uint8_t> body) {
  if (state_ != State::wait_change_cipher_spec) return Error::unexpected_message;
  if (Error err = switch_read_keys(body); err != Error::none) return err;
  state_ = State::wait_finished;
  return Error::none;
}

Error Tls12Client::on_finished(std::span<const uint8_t> msg, std::span<const uint8_t> body) {
  if (Error err = verify_finished(body); err != Error::none) return err;
  add_to_transcript(msg);
  if (ctx_.resumed) {
    // An abbreviated handshake: our ChangeCipherSpec and Finished close it.
    if (Error err = send_change_cipher_spec_and_switch(); err != Error::none) return err;
    if (Error err = send_finished(); err != Error::none) return err;
    transport_.flight_complete();
  }
  keep_session();
  complete();
  return Error::none;
}

}  // namespace adieu
