// The server's handshake (RFC 8446 section 2, A.2):
//   ClientHello -> [HelloRetryRequest, ClientHello] -> ServerHello,
//   {EncryptedExtensions}, {CertificateRequest}?, {Certificate},
//   {CertificateVerify}, {Finished} => client {Certificate, CertificateVerify}?,
//   {Finished} => NewSessionTicket*.
#include <algorithm>

#include "engine/connection_impl.h"
#include "engine/handshake/contains.h"

namespace adieu {

using messages::HandshakeType;

namespace {

const messages::KeyShareEntry* find_share(const messages::ClientHello& ch, uint16_t group) {
  for (const messages::KeyShareEntry& e : *ch.key_shares) {
    if (e.group == group) return &e;
  }
  return nullptr;
}

}  // namespace

Error Connection::Impl::server_handle(HandshakeType type, std::span<const uint8_t> msg) {
  std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  switch (state) {
    case HandshakeState::wait_client_hello:
    case HandshakeState::wait_client_hello_after_retry: {
      if (type != HandshakeType::client_hello) return Error::unexpected_message;
      messages::ClientHello ch;
      if (Error err = ch.parse(body); err != Error::none) return err;
      return server_handle_client_hello(ch, msg);
    }
    case HandshakeState::wait_client_certificate: {
      if (type != HandshakeType::certificate) return Error::unexpected_message;
      if (Error err = verify_peer_chain(body, false); err != Error::none) return err;
      transcript->update(msg);
      state = peer_chain.empty() ? HandshakeState::wait_client_finished
                                 : HandshakeState::wait_client_certificate_verify;
      return Error::none;
    }
    case HandshakeState::wait_client_certificate_verify: {
      if (type != HandshakeType::certificate_verify) return Error::unexpected_message;
      if (Error err = verify_certificate_verify(body, false); err != Error::none) return err;
      transcript->update(msg);
      state = HandshakeState::wait_client_finished;
      return Error::none;
    }
    case HandshakeState::wait_client_finished: {
      if (type != HandshakeType::finished) return Error::unexpected_message;
      if (Error err = verify_finished(body, client_finished_key); err != Error::none) {
        return err;
      }
      transcript->update(msg);
      resumption_master = schedule->resumption_master(transcript->current().span());
      if (!install_read_keys(client_application_secret)) return error;
      handshake_complete();
      return send_new_session_tickets();
    }
    default:
      return Error::unexpected_message;
  }
}

Error Connection::Impl::server_handle_client_hello(const messages::ClientHello& ch,
                                                   std::span<const uint8_t> msg) {
  const bool second = state == HandshakeState::wait_client_hello_after_retry;
  // Versions: TLS 1.3 only (RFC 8446 section 4.2.1).
  if (!ch.supported_versions || !contains(*ch.supported_versions, messages::kTls13)) {
    return Error::protocol_version;
  }
  if (ch.legacy_compression_methods.size() != 1 || ch.legacy_compression_methods[0] != 0) {
    return Error::illegal_parameter;
  }
  // RFC 8446 section 9.2: without a PSK, these are mandatory.
  if (!ch.signature_algorithms) return Error::missing_extension;
  if (!ch.supported_groups || !ch.key_shares) return Error::missing_extension;

  // Cipher suite: our preference among the client's.
  std::optional<crypto::SuiteInfo> chosen;
  for (crypto::CipherSuite s : config.suites) {
    if (contains(ch.cipher_suites, static_cast<uint16_t>(s))) {
      chosen = crypto::suite_info(s);
      break;
    }
  }
  if (!chosen) return Error::handshake_failure;
  if (second && chosen->suite != suite->suite) return Error::illegal_parameter;
  suite = chosen;

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
    if (!share || ch.key_shares->size() != 1 || share->group != static_cast<uint16_t>(*hrr_group)) {
      return Error::illegal_parameter;
    }
    if (!ch.cookie || *ch.cookie != cookie) return Error::illegal_parameter;
    if (ch.legacy_session_id != session_id) return Error::illegal_parameter;
  }

  // Certificate and signature scheme for the requested name.
  server_name = ch.server_name.value_or(std::string());
  our_certificate = config.certificate_for(server_name, &server_name_matched);
  if (!our_certificate || !choose_scheme(*ch.signature_algorithms)) {
    return Error::handshake_failure;
  }

  // ALPN (RFC 7301 section 3.2): our first protocol the client offers.
  alpn.clear();
  if (ch.alpn && !config.alpn.empty()) {
    for (const std::string& p : config.alpn) {
      if (contains(*ch.alpn, p)) {
        alpn = p;
        break;
      }
    }
    if (alpn.empty()) return Error::no_application_protocol;
  }

  session_id = ch.legacy_session_id;
  middlebox_compat = !session_id.empty();
  client_random = ch.random;

  if (retry_group) {
    if (second) return Error::illegal_parameter;
    return server_send_retry(*retry_group, msg);
  }

  std::optional<uint16_t> selected_psk;
  if (Error err = server_choose_psk(ch, msg, selected_psk); err != Error::none) return err;
  if (!transcript) transcript.emplace(suite->hash);
  transcript->update(msg);

  std::optional<crypto::KeyShare> ours;
  std::optional<crypto::Secret> shared;
  if (!resumed || psk_with_dhe) {
    ours = crypto::KeyShare::generate(static_cast<crypto::Group>(share->group), random);
    if (!ours) return Error::internal_error;
    shared = ours->derive(share->key_exchange);
    if (!shared) return Error::illegal_parameter;
    group = share->group;
  }

  messages::ServerHello sh;
  if (!random.fill(sh.random)) return Error::internal_error;
  sh.legacy_session_id_echo = session_id;
  sh.cipher_suite = static_cast<uint16_t>(suite->suite);
  sh.supported_version = messages::kTls13;
  sh.selected_psk = selected_psk;
  if (ours) {
    sh.key_share =
        messages::KeyShareEntry{group, {ours->public_key().begin(), ours->public_key().end()}};
  }
  std::vector<uint8_t> sh_bytes;
  wire::Writer w(sh_bytes);
  sh.serialize(w);
  send_handshake(sh_bytes);
  flush_flight();
  if (middlebox_compat && !sent_change_cipher_spec) send_change_cipher_spec();

  derive_handshake_secrets(psk.span(), shared ? shared->span() : std::span<const uint8_t>());
  if (!install_write_keys(server_handshake_secret) ||
      !take_finished_key(server_handshake_secret, server_finished_key) ||
      !install_read_keys(client_handshake_secret) ||
      !take_finished_key(client_handshake_secret, client_finished_key)) {
    return error;
  }
  return server_send_flight(ch);
}

Error Connection::Impl::server_send_retry(crypto::Group group_wanted,
                                          std::span<const uint8_t> msg) {
  transcript.emplace(suite->hash);
  transcript->update(messages::message_hash(crypto::hash(suite->hash, msg).span()));
  hrr_group = group_wanted;
  retried = true;
  // A cookie the client must echo (RFC 8446 section 4.2.2); we are stateful,
  // so it is only checked for equality.
  cookie.resize(16);
  if (!random.fill(cookie)) return Error::internal_error;

  messages::ServerHello hrr;
  std::copy(std::begin(messages::kHelloRetryRequestRandom),
            std::end(messages::kHelloRetryRequestRandom), hrr.random.begin());
  hrr.legacy_session_id_echo = session_id;
  hrr.cipher_suite = static_cast<uint16_t>(suite->suite);
  hrr.supported_version = messages::kTls13;
  hrr.selected_group = static_cast<uint16_t>(group_wanted);
  hrr.cookie = cookie;
  std::vector<uint8_t> bytes;
  wire::Writer w(bytes);
  hrr.serialize(w);
  send_handshake(bytes);
  flush_flight();
  if (middlebox_compat && !sent_change_cipher_spec) send_change_cipher_spec();
  state = HandshakeState::wait_client_hello_after_retry;
  return Error::none;
}

Error Connection::Impl::server_send_flight(const messages::ClientHello& ch) {
  messages::EncryptedExtensions ee;
  ee.server_name_ack = ch.server_name.has_value() && server_name_matched;
  if (!alpn.empty()) ee.alpn = alpn;
  std::vector<uint8_t> bytes;
  wire::Writer w(bytes);
  ee.serialize(w);
  send_handshake(bytes);

  if (resumed) {
    // RFC 8446 section 2.2: the PSK authenticates; no certificates.
    if (Error err = send_finished(server_finished_key); err != Error::none) return err;
    derive_application_secrets();
    if (!install_write_keys(server_application_secret)) return error;
    state = HandshakeState::wait_client_finished;
    return Error::none;
  }
  if (config.verify != VerifyMode::none) {
    messages::CertificateRequest cr;
    cr.signature_algorithms.clear();
    for (crypto::SignatureScheme s : crypto::handshake_signature_schemes()) {
      cr.signature_algorithms.push_back(static_cast<uint16_t>(s));
    }
    bytes.clear();
    wire::Writer wr(bytes);
    cr.serialize(wr);
    send_handshake(bytes);
    certificate_requested = true;
  }
  if (Error err = send_certificate({}); err != Error::none) return err;
  if (Error err = send_certificate_verify(true); err != Error::none) return err;
  if (Error err = send_finished(server_finished_key); err != Error::none) return err;
  derive_application_secrets();
  if (!install_write_keys(server_application_secret)) return error;
  state = certificate_requested ? HandshakeState::wait_client_certificate
                                : HandshakeState::wait_client_finished;
  return Error::none;
}

}  // namespace adieu
