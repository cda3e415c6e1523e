// The client's handshake (RFC 8446 section 2, A.1):
//   ClientHello -> [HelloRetryRequest -> ClientHello] -> ServerHello ->
//   {EncryptedExtensions} -> {CertificateRequest}? -> {Certificate} ->
//   {CertificateVerify} -> {Finished} => our {Certificate, CertificateVerify}?,
//   {Finished}.
#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "engine/connection_impl.h"
#include "engine/handshake/contains.h"
#include "engine/session/session_data.h"

namespace adieu {

using messages::HandshakeType;

namespace {

bool is_ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

Error Connection::Impl::start_client(std::shared_ptr<Session> session) {
  state = HandshakeState::wait_server_hello;
  messages::ClientHello& ch = client_hello;
  session_id.resize(32);
  if (!random.fill(client_random) || !random.fill(session_id)) return fail(Error::internal_error);
  ch.random = client_random;
  ch.legacy_session_id = session_id;  // middlebox compatibility (RFC 8446 D.4)
  middlebox_compat = true;
  // Each list is sized once (one allocation apiece).
  const auto code_points = [](const auto& values) {
    std::vector<uint16_t> out;
    out.reserve(values.size());
    for (auto v : values) out.push_back(static_cast<uint16_t>(v));
    return out;
  };
  ch.cipher_suites = code_points(config.suites);
  if (!server_name.empty() && !is_ip_literal(server_name)) ch.server_name = server_name;
  ch.supported_groups = code_points(config.groups);
  ch.signature_algorithms = code_points(crypto::handshake_signature_schemes());
  ch.signature_algorithms_cert = code_points(crypto::certificate_signature_schemes());
  if (!config.alpn.empty()) ch.alpn = config.alpn;
  // One key share, for our most preferred group: a server preferring another
  // one asks for it with a HelloRetryRequest.
  std::optional<crypto::KeyShare> share = crypto::KeyShare::generate(config.groups.front(), random);
  if (!share) return fail(Error::internal_error);
  ch.key_shares.emplace();
  ch.key_shares->push_back({static_cast<uint16_t>(share->group()),
                            {share->public_key().begin(), share->public_key().end()}});
  key_shares.push_back(std::move(*share));
  ch.supported_versions = std::vector<uint16_t>{messages::kTls13};
  ch.psk_key_exchange_modes = std::vector<uint8_t>{messages::kPskDheKe};  // so servers send tickets
  client_offer_session(std::move(session));
  if (!serialize_client_hello(client_hello_bytes)) return fail(Error::internal_error);
  encoder.set_plaintext_version(0x0301);  // allowed for the first ClientHello (RFC 8446 5.1)
  send_record(record::ContentType::handshake, client_hello_bytes);
  encoder.set_plaintext_version(0x0303);
  return error;
}

namespace {

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

Error Connection::Impl::client_handle(HandshakeType type, std::span<const uint8_t> msg) {
  std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  switch (state) {
    case HandshakeState::wait_server_hello: {
      if (type != HandshakeType::server_hello) return Error::unexpected_message;
      messages::ServerHello sh;
      if (Error err = sh.parse(body); err != Error::none) return err;
      if (Error err = check_server_hello(sh, client_hello); err != Error::none) return err;
      if (sh.is_hello_retry_request()) return client_handle_retry(sh, msg);
      if (retried && static_cast<uint16_t>(suite->suite) != sh.cipher_suite) {
        return Error::illegal_parameter;
      }
      suite = crypto::suite_info(sh.cipher_suite);
      if (sh.selected_psk) {
        // RFC 8446 section 4.2.11: the PSK we offered (index 0), for its hash.
        if (!offered_session || *sh.selected_psk != 0 ||
            crypto::suite_info(offered_session->cipher_suite())->hash != suite->hash) {
          return Error::illegal_parameter;
        }
        resumed = true;
        resumed_session = offered_session;
        psk = offered_session->data().psk;
      }
      std::optional<crypto::Secret> shared;
      if (sh.key_share) {
        const crypto::KeyShare& ours = key_shares.back();
        if (sh.key_share->group != static_cast<uint16_t>(ours.group())) {
          return Error::illegal_parameter;
        }
        shared = ours.derive(sh.key_share->key_exchange);
        if (!shared) return Error::illegal_parameter;
        group = sh.key_share->group;
      } else if (!resumed || !config.psk_ke) {
        return Error::missing_extension;
      }
      if (!transcript) {
        transcript.emplace(suite->hash);
        transcript->update(client_hello_bytes);
      }
      transcript->update(msg);
      derive_handshake_secrets(psk.span(), shared ? shared->span() : std::span<const uint8_t>());
      if (!install_read_keys(server_handshake_secret) ||
          !take_finished_key(server_handshake_secret, server_finished_key)) {
        return error;
      }
      if (middlebox_compat && !sent_change_cipher_spec) send_change_cipher_spec();
      if (!install_write_keys(client_handshake_secret) ||
          !take_finished_key(client_handshake_secret, client_finished_key)) {
        return error;
      }
      state = HandshakeState::wait_encrypted_extensions;
      return Error::none;
    }
    case HandshakeState::wait_encrypted_extensions: {
      if (type != HandshakeType::encrypted_extensions) return Error::unexpected_message;
      messages::EncryptedExtensions ee;
      if (Error err = ee.parse(body); err != Error::none) return err;
      if (ee.alpn) {
        if (!client_hello.alpn) return Error::unsupported_extension;
        if (!contains(*client_hello.alpn, *ee.alpn)) return Error::illegal_parameter;
        alpn = *ee.alpn;
      }
      if (ee.server_name_ack && !client_hello.server_name) return Error::unsupported_extension;
      if (ee.early_data) return Error::unsupported_extension;
      transcript->update(msg);
      state = resumed ? HandshakeState::wait_finished : HandshakeState::wait_certificate_or_request;
      return Error::none;
    }
    case HandshakeState::wait_certificate_or_request:
      if (type == HandshakeType::certificate_request) {
        if (Error err = certificate_request.parse(body); err != Error::none) return err;
        // RFC 8446 section 4.3.2: empty context during the handshake.
        if (!certificate_request.request_context.empty()) return Error::illegal_parameter;
        certificate_requested = true;
        transcript->update(msg);
        state = HandshakeState::wait_certificate;
        return Error::none;
      }
      [[fallthrough]];
    case HandshakeState::wait_certificate: {
      if (type != HandshakeType::certificate) return Error::unexpected_message;
      if (Error err = verify_peer_chain(body, true); err != Error::none) return err;
      transcript->update(msg);
      state = HandshakeState::wait_certificate_verify;
      return Error::none;
    }
    case HandshakeState::wait_certificate_verify: {
      if (type != HandshakeType::certificate_verify) return Error::unexpected_message;
      if (Error err = verify_certificate_verify(body, true); err != Error::none) return err;
      transcript->update(msg);
      state = HandshakeState::wait_finished;
      return Error::none;
    }
    case HandshakeState::wait_finished: {
      if (type != HandshakeType::finished) return Error::unexpected_message;
      if (Error err = verify_finished(body, server_finished_key); err != Error::none) {
        return err;
      }
      transcript->update(msg);
      derive_application_secrets();
      if (!install_read_keys(server_application_secret)) return error;
      return client_send_second_flight();
    }
    default:
      return Error::unexpected_message;
  }
}

Error Connection::Impl::client_handle_retry(const messages::ServerHello& hrr,
                                            std::span<const uint8_t> msg) {
  // RFC 8446 section 4.1.4: one retry at most, for a group we support and did
  // not already send, or for a cookie.
  if (retried) return Error::unexpected_message;
  if (hrr.key_share) return Error::illegal_parameter;
  const crypto::Group sent = key_shares.back().group();
  std::optional<crypto::Group> wanted;
  if (hrr.selected_group) {
    for (crypto::Group g : config.groups) {
      if (static_cast<uint16_t>(g) == *hrr.selected_group) wanted = g;
    }
    if (!wanted || *wanted == sent) return Error::illegal_parameter;
  } else if (!hrr.cookie) {
    return Error::illegal_parameter;  // a retry that would change nothing
  }
  retried = true;
  suite = crypto::suite_info(hrr.cipher_suite);
  transcript.emplace(suite->hash);
  transcript->update(messages::message_hash(crypto::hash(suite->hash, client_hello_bytes).span()));
  transcript->update(msg);

  messages::ClientHello& ch = client_hello;
  if (wanted) {
    std::optional<crypto::KeyShare> share = crypto::KeyShare::generate(*wanted, random);
    if (!share) return Error::internal_error;
    ch.key_shares->assign(1, {static_cast<uint16_t>(share->group()),
                              {share->public_key().begin(), share->public_key().end()}});
    key_shares.clear();
    key_shares.push_back(std::move(*share));
  }
  if (hrr.cookie) ch.cookie = hrr.cookie;
  if (offered_session && crypto::suite_info(offered_session->cipher_suite())->hash != suite->hash) {
    ch.pre_shared_key.reset();  // the PSK cannot go with the suite the server chose
    offered_session.reset();
  }
  std::vector<uint8_t> second;
  if (!serialize_client_hello(second)) return Error::internal_error;
  if (middlebox_compat && !sent_change_cipher_spec) send_change_cipher_spec();
  send_handshake(second);
  flush_flight();
  return Error::none;
}

Error Connection::Impl::client_send_second_flight() {
  if (certificate_requested) {
    our_certificate = config.certificates.empty() ? nullptr : &config.certificates.front();
    if (our_certificate && !choose_scheme(certificate_request.signature_algorithms)) {
      our_certificate = nullptr;  // send none rather than a signature it cannot check
    }
    if (Error err = send_certificate(certificate_request.request_context); err != Error::none) {
      return err;
    }
    if (our_certificate) {
      if (Error err = send_certificate_verify(false); err != Error::none) return err;
    }
  }
  if (Error err = send_finished(client_finished_key); err != Error::none) return err;
  resumption_master = schedule->resumption_master(transcript->current().span());
  if (!install_write_keys(client_application_secret)) return error;
  handshake_complete();
  return Error::none;
}

}  // namespace adieu
