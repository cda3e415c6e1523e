// The TLS 1.2 server handshake (tls12_server.h).
#include "engine/handshake/tls12_server.h"

#include <algorithm>

#include "engine/handshake/contains.h"
#include "engine/handshake/record_limits.h"
#include "engine/handshake/server_start.h"
#include "engine/handshake/session_offer.h"
#include "engine/session/session_data.h"

namespace adieu {

using messages::HandshakeType;

namespace {

// RFC 8446 section 4.1.3: a TLS 1.3 server negotiating TLS 1.2 ends its
// random with "DOWNGRD\x01", which a TLS 1.3 client checks.
void put_downgrade_sentinel(std::array<uint8_t, 32>& random) {
  std::copy(std::begin(messages::kDowngradeTls12), std::end(messages::kDowngradeTls12),
            random.end() - 8);
}

// The NamedGroup of an ECDSA certificate's key (0 for other keys): the
// TLS 1.3 reading of its scheme names the curve (RFC 8446 section 4.2.3).
uint16_t certificate_curve(const CertifiedKey& certified) {
  for (crypto::SignatureScheme s : certified.schemes) {
    switch (s) {
      case crypto::SignatureScheme::ecdsa_secp256r1_sha256:
        return static_cast<uint16_t>(crypto::Group::secp256r1);
      case crypto::SignatureScheme::ecdsa_secp384r1_sha384:
        return static_cast<uint16_t>(crypto::Group::secp384r1);
      case crypto::SignatureScheme::ecdsa_secp521r1_sha512:
        return static_cast<uint16_t>(crypto::Group::secp521r1);
      default:
        break;
    }
  }
  return 0;
}

// The scheme `certified` signs the ServerKeyExchange with for the client
// of `ch`: its key's first scheme the client accepts, if the client can take
// the certificate at all (an ECDSA certificate's curve must be in its
// supported_groups, RFC 8422 section 5.3). nullopt otherwise.
std::optional<crypto::SignatureScheme> signing_scheme(const CertifiedKey& certified,
                                                      const messages::ClientHello& ch,
                                                      const Config::Impl& config) {
  if (const uint16_t curve = certificate_curve(certified);
      curve != 0 && ch.supported_groups && !contains(*ch.supported_groups, curve)) {
    return std::nullopt;
  }
  for (crypto::SignatureScheme scheme : certified.key.tls12_schemes()) {
    if (contains(*ch.signature_algorithms, static_cast<uint16_t>(scheme)) &&
        crypto::handshake_scheme_allowed(scheme, messages::kTls12) &&
        config.scheme_allowed(static_cast<uint16_t>(scheme))) {
      return scheme;
    }
  }
  return std::nullopt;
}

}  // namespace

Error Tls12Server::start(const messages::ClientHello& ch, std::span<const uint8_t> msg) {
  const Config::Impl& config = ctx_.config;
  // RFC 7507 section 3: a client that fell back below a version we both
  // support.
  if (contains(ch.cipher_suites, messages::kFallbackScsv) && config.offers(messages::kTls13)) {
    return Error::inappropriate_fallback;
  }
  if (!contains(ch.legacy_compression_methods, uint8_t{0})) return Error::illegal_parameter;
  // RFC 5746 section 3.6: the renegotiation indication, empty in an initial
  // handshake.
  if (ch.renegotiation_info && !ch.renegotiation_info->empty()) return Error::handshake_failure;
  secure_renegotiation_ =
      ch.renegotiation_info || contains(ch.cipher_suites, messages::kEmptyRenegotiationInfoScsv);
  // RFC 7627 section 5.3: a server MAY refuse a client without EMS; we do,
  // unless configured not to.
  extended_master_secret_ = ch.extended_master_secret;
  if (!extended_master_secret_ && config.require_extended_master_secret) {
    return Error::handshake_failure;
  }
  // RFC 8422 section 5.1.2: uncompressed points must be allowed.
  if (ch.ec_point_formats && !contains(*ch.ec_point_formats, messages::kPointFormatUncompressed)) {
    return Error::illegal_parameter;
  }
  ctx_.server_name = ch.server_name.value_or(std::string());
  if (Error err = choose_alpn(ctx_, ch); err != Error::none) return err;
  ctx_.client_random = ch.random;
  if (!ctx_.random.fill(ctx_.server_random)) return Error::internal_error;
  if (config.offers(messages::kTls13)) put_downgrade_sentinel(ctx_.server_random);
  if (std::shared_ptr<Session> session = find_session(ch)) {
    start_transcript(
        crypto::tls12_suite_info(static_cast<crypto::Tls12CipherSuite>(session->cipher_suite())),
        msg);
    return resume(ch, std::move(session));
  }
  if (Error err = choose_parameters(ch); err != Error::none) return err;
  keep_messages_ = config.verify != VerifyMode::none;  // for the client's CertificateVerify
  start_transcript(*suite_, msg);
  // A new session: in our cache under a session id, or sealed into a ticket
  // for a client that takes them (RFC 5077 section 3.2).
  if (config.resumption && config.session_cache) {
    session_id_.resize(32);
    if (!ctx_.random.fill(session_id_)) return Error::internal_error;
  } else if (config.resumption && config.ticket_keys && ch.session_ticket) {
    issue_ticket_ = true;
  }
  return send_flight(ch);
}

std::shared_ptr<Session> Tls12Server::find_session(const messages::ClientHello& ch) const {
  const Config::Impl& config = ctx_.config;
  if (!config.resumption) return nullptr;
  const uint64_t now = config.clock_ms();
  std::shared_ptr<Session> session;
  if (ch.session_ticket && !ch.session_ticket->empty() && config.ticket_keys &&
      !config.session_cache) {
    if (std::optional<std::vector<uint8_t>> state =
            config.ticket_keys->open(*ch.session_ticket, now)) {
      session = Session::from_bytes(*state);
    }
  } else if (!ch.legacy_session_id.empty() && config.session_cache) {
    session = config.session_cache->get(ch.legacy_session_id, now);
  }
  // An unknown, expired or foreign session is not an error: full handshake.
  if (!session || !session->resumable(now) || !is_tls12_session(*session)) return nullptr;
  const auto suite = static_cast<crypto::Tls12CipherSuite>(session->cipher_suite());
  if (!contains(ch.cipher_suites, session->cipher_suite()) ||
      std::find(config.tls12_suites.begin(), config.tls12_suites.end(), suite) ==
          config.tls12_suites.end()) {
    return nullptr;
  }
  // RFC 7627 section 5.3: our sessions all have the extended master
  // secret, so a ClientHello without it gets a full handshake.
  if (!ch.extended_master_secret || session->server_name() != ctx_.server_name) return nullptr;
  return session;
}

void Tls12Server::answer_record_limits(const messages::ClientHello& ch, messages::ServerHello& sh) {
  const RecordLimitAnswer limits = adieu::answer_record_limits(
      ctx_.config, messages::kTls12, {ch.max_fragment_length, ch.record_size_limit});
  sh.max_fragment_length = limits.extensions.max_fragment_length;
  sh.record_size_limit = limits.extensions.record_size_limit;
  // From the ServerHello's flight on (RFC 6066 section 4: "immediately").
  if (limits.limits) transport_.set_record_limits(*limits.limits);
}

Error Tls12Server::resume(const messages::ClientHello& ch, std::shared_ptr<Session> session) {
  ctx_.resumed = true;
  master_secret_ = session->data().psk;
  ctx_.resumed_session = std::move(session);
  messages::ServerHello sh;
  sh.legacy_version = messages::kTls12;
  sh.random = ctx_.server_random;
  sh.legacy_session_id_echo = ch.legacy_session_id;  // resumed (RFC 5077 section 3.4 too)
  sh.cipher_suite = static_cast<uint16_t>(suite_->suite);
  sh.extended_master_secret = true;
  if (secure_renegotiation_) sh.renegotiation_info = messages::ByteVec{};
  if (ch.ec_point_formats)
    sh.ec_point_formats = messages::ByteVec{messages::kPointFormatUncompressed};
  if (!ctx_.alpn.empty()) sh.alpn = ctx_.alpn;
  answer_record_limits(ch, sh);
  send_message(sh);
  if (Error err = derive_key_block(); err != Error::none) return err;
  if (Error err = send_change_cipher_spec_and_switch(); err != Error::none) return err;
  if (Error err = send_finished(); err != Error::none) return err;
  transport_.flight_complete();
  state_ = State::wait_change_cipher_spec;
  return Error::none;
}

Error Tls12Server::issue_session() {
  constexpr uint32_t kLifetimeSeconds = 7200;
  const Config::Impl& config = ctx_.config;
  if (!transport_.write_open()) return Error::none;  // abandoned: the client never sees it
  if (issue_ticket_) {
    std::shared_ptr<Session> session =
        make_tls12_session(ctx_, *suite_, master_secret_, {}, false, kLifetimeSeconds);
    messages::Tls12NewSessionTicket nst;
    nst.ticket_lifetime_hint = kLifetimeSeconds;
    // An empty ticket if sealing failed: allowed (RFC 5077 section 3.3).
    nst.ticket = config.ticket_keys->seal(session->to_bytes(), session->issued_at_ms());
    send_message(nst);
  } else if (!session_id_.empty()) {
    std::shared_ptr<Session> session =
        make_tls12_session(ctx_, *suite_, master_secret_, session_id_, false, kLifetimeSeconds);
    config.session_cache->put(session_id_, session, session->issued_at_ms());
    ctx_.new_sessions.push_back(std::move(session));
  }
  return Error::none;
}

Error Tls12Server::choose_parameters(const messages::ClientHello& ch) {
  const Config::Impl& config = ctx_.config;
  // Without signature_algorithms the client would take SHA-1 (RFC 5246
  // section 7.4.1.4.1), which we do not sign with.
  if (!ch.signature_algorithms) return Error::handshake_failure;
  const std::vector<const CertifiedKey*> candidates =
      config.certificates_for(ctx_.server_name, &server_name_matched_);
  if (candidates.empty()) return Error::handshake_failure;
  // Suite: our preference among the client's, with a certificate for it:
  // the first for the server name whose key the suite's authentication
  // needs (RFC 5246 section 7.4.2), whose curve, for ECDSA, the client
  // listed in supported_groups and which can sign with a scheme the client
  // accepts (signing_scheme). OpenSSL's ssl3_choose_cipher chooses so too.
  for (crypto::Tls12CipherSuite s : config.tls12_suites) {
    if (!contains(ch.cipher_suites, static_cast<uint16_t>(s))) continue;
    const crypto::Tls12SuiteInfo& info = crypto::tls12_suite_info(s);
    for (const CertifiedKey* certified : candidates) {
      const std::optional<crypto::Tls12Auth> auth = tls12_auth_of(certified->key);
      if (!auth || *auth != info.auth) continue;
      const std::optional<crypto::SignatureScheme> scheme = signing_scheme(*certified, ch, config);
      if (!scheme) continue;
      suite_ = &info;
      our_certificate_ = certified;
      our_scheme_ = *scheme;
      return choose_group(ch);
    }
  }
  return Error::handshake_failure;
}

Error Tls12Server::choose_group(const messages::ClientHello& ch) {
  const Config::Impl& config = ctx_.config;
  // Group: our preference among the client's elliptic curves (an ffdhe group
  // would need a DHE suite); a client without supported_groups gets P-256 if
  // we have it (RFC 8422 section 4).
  bool group_found = false;
  for (crypto::Group g : config.groups) {
    if (!crypto::group_is_elliptic(static_cast<uint16_t>(g))) continue;
    const bool listed = ch.supported_groups
                            ? contains(*ch.supported_groups, static_cast<uint16_t>(g))
                            : g == crypto::Group::secp256r1;
    if (listed) {
      group_ = g;
      group_found = true;
      break;
    }
  }
  return group_found ? Error::none : Error::handshake_failure;
}

Error Tls12Server::send_flight(const messages::ClientHello& ch) {
  messages::ServerHello sh;
  sh.legacy_version = messages::kTls12;
  sh.random = ctx_.server_random;
  sh.cipher_suite = static_cast<uint16_t>(suite_->suite);
  sh.legacy_session_id_echo = session_id_;
  sh.session_ticket = issue_ticket_;
  sh.extended_master_secret = extended_master_secret_;
  if (secure_renegotiation_) sh.renegotiation_info = messages::ByteVec{};
  if (ch.ec_point_formats)
    sh.ec_point_formats = messages::ByteVec{messages::kPointFormatUncompressed};
  sh.server_name_ack = ch.server_name.has_value() && server_name_matched_;
  if (!ctx_.alpn.empty()) sh.alpn = ctx_.alpn;
  answer_record_limits(ch, sh);
  send_message(sh);

  messages::Tls12Certificate cert;
  cert.certificate_list = our_certificate_->chain_der;
  send_message(cert);

  our_share_ = crypto::KeyShare::generate(group_, ctx_.random);
  if (!our_share_) return Error::internal_error;
  ctx_.group = static_cast<uint16_t>(group_);
  messages::ServerKeyExchange ske;
  ske.named_curve = static_cast<uint16_t>(group_);
  ske.point.assign(our_share_->public_key().begin(), our_share_->public_key().end());
  ske.scheme = static_cast<uint16_t>(our_scheme_);
  if (!our_certificate_->key.sign_tls12(our_scheme_,
                                        ske.signed_content(ctx_.client_random, ctx_.server_random),
                                        ske.signature, ctx_.random)) {
    return Error::internal_error;
  }
  send_message(ske);

  if (ctx_.config.verify != VerifyMode::none) {
    messages::Tls12CertificateRequest cr;
    cr.certificate_types = {messages::kClientCertEcdsaSign, messages::kClientCertRsaSign};
    cr.signature_algorithms = ctx_.config.allowed_schemes(crypto::tls12_signature_schemes());
    send_message(cr);
    certificate_requested_ = true;
  }
  send_message(messages::ServerHelloDone{});
  transport_.flight_complete();
  state_ =
      certificate_requested_ ? State::wait_client_certificate : State::wait_client_key_exchange;
  return Error::none;
}

Error Tls12Server::handle_message(HandshakeType type, std::span<const uint8_t> msg) {
  const std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  switch (state_) {
    case State::wait_client_certificate:
      if (type != HandshakeType::certificate) return Error::unexpected_message;
      return on_client_certificate(msg, body);
    case State::wait_client_key_exchange:
      if (type != HandshakeType::client_key_exchange) return Error::unexpected_message;
      return on_client_key_exchange(msg, body);
    case State::wait_certificate_verify:
      if (type != HandshakeType::certificate_verify) return Error::unexpected_message;
      return on_certificate_verify(msg, body);
    case State::wait_finished:
      if (type != HandshakeType::finished) return Error::unexpected_message;
      return on_finished(msg, body);
    case State::wait_change_cipher_spec:
      break;
  }
  return Error::unexpected_message;
}

Error Tls12Server::on_client_certificate(std::span<const uint8_t> msg,
                                         std::span<const uint8_t> body) {
  messages::Tls12Certificate cert;
  if (Error err = cert.parse(body); err != Error::none) return err;
  if (cert.certificate_list.empty()) {
    // TLS 1.2 has no certificate_required alert: handshake_failure, as
    // OpenSSL sends (RFC 5246 section 7.4.6).
    if (ctx_.config.verify == VerifyMode::required) return Error::handshake_failure;
    ctx_.peer_chain.clear();
  } else if (Error err = verify_certificate(cert.certificate_list, false); err != Error::none) {
    return err;
  }
  add_to_transcript(msg);
  state_ = State::wait_client_key_exchange;
  return Error::none;
}

Error Tls12Server::on_client_key_exchange(std::span<const uint8_t> msg,
                                          std::span<const uint8_t> body) {
  messages::ClientKeyExchange cke;
  if (Error err = cke.parse(body); err != Error::none) return err;
  const std::optional<crypto::SharedSecret> pre_master_secret = our_share_->derive(cke.point);
  if (!pre_master_secret) return Error::illegal_parameter;
  ctx_.peer_key_share = std::move(cke.point);
  our_share_.reset();
  add_to_transcript(msg);
  if (Error err = derive_keys(pre_master_secret->span()); err != Error::none) return err;
  state_ =
      ctx_.peer_chain.empty() ? State::wait_change_cipher_spec : State::wait_certificate_verify;
  if (ctx_.peer_chain.empty()) {
    keep_messages_ = false;
    std::vector<uint8_t>().swap(messages_);
  }
  return Error::none;
}

Error Tls12Server::on_certificate_verify(std::span<const uint8_t> msg,
                                         std::span<const uint8_t> body) {
  messages::CertificateVerify cv;
  if (Error err = cv.parse(body); err != Error::none) return err;
  // A scheme our CertificateRequest offered (RFC 5246 section 7.4.8).
  const auto scheme = static_cast<crypto::SignatureScheme>(cv.scheme);
  if (!crypto::handshake_scheme_allowed(scheme, messages::kTls12) ||
      !ctx_.config.scheme_allowed(cv.scheme) || !ctx_.peer_chain.front().fits_tls12(scheme)) {
    return Error::illegal_parameter;
  }
  if (!ctx_.peer_chain.front().verify_tls12(scheme, messages_, cv.signature)) {
    return Error::decrypt_error;
  }
  ctx_.peer_scheme = cv.scheme;
  keep_messages_ = false;
  std::vector<uint8_t>().swap(messages_);
  add_to_transcript(msg);
  state_ = State::wait_change_cipher_spec;
  return Error::none;
}

Error Tls12Server::handle_change_cipher_spec(std::span<const uint8_t> body) {
  if (state_ != State::wait_change_cipher_spec) return Error::unexpected_message;
  if (Error err = switch_read_keys(body); err != Error::none) return err;
  state_ = State::wait_finished;
  return Error::none;
}

Error Tls12Server::on_finished(std::span<const uint8_t> msg, std::span<const uint8_t> body) {
  if (Error err = verify_finished(body); err != Error::none) return err;
  add_to_transcript(msg);
  if (ctx_.resumed) {  // our Finished went first
    complete();
    return Error::none;
  }
  if (Error err = issue_session(); err != Error::none) return err;
  if (Error err = send_change_cipher_spec_and_switch(); err != Error::none) return err;
  if (Error err = send_finished(); err != Error::none) return err;
  transport_.flight_complete();
  complete();
  return Error::none;
}

}  // namespace adieu
