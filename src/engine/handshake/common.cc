// Handshake steps both roles share: certificates, CertificateVerify and
// Finished (RFC 8446 section 4.4), and the dispatch of handshake messages.
#include <openssl/x509_vfy.h>

#include <cstring>

#include "crypto/certificate_cache.h"
#include "engine/connection_impl.h"

namespace adieu {

using messages::HandshakeType;

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

Error verify_error(int x509_error) {
  switch (x509_error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return Error::certificate_expired;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return Error::unknown_ca;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      return Error::bad_certificate;
    default:
      return Error::certificate_unknown;
  }
}

bool offered(std::span<const crypto::SignatureScheme> list, uint16_t scheme) {
  for (crypto::SignatureScheme s : list) {
    if (static_cast<uint16_t>(s) == scheme) return true;
  }
  return false;
}

}  // namespace

Error Connection::Impl::handle_message(HandshakeType type, std::span<const uint8_t> msg) {
  if (state == HandshakeState::connected) return post_handshake(type, msg);
  return role == Role::client ? client_handle(type, msg) : server_handle(type, msg);
}

Error Connection::Impl::verify_peer_chain(std::span<const uint8_t> body, bool is_server_cert) {
  messages::CertificateMsg cert;
  if (Error err = cert.parse(body); err != Error::none) return err;
  if (!cert.request_context.empty()) return Error::illegal_parameter;
  if (cert.entries.empty()) {
    // RFC 8446 section 4.4.2.4.
    if (is_server_cert) return Error::decode_error;
    return config.verify == VerifyMode::required ? Error::certificate_required : Error::none;
  }
  peer_chain.clear();
  peer_certificates.clear();  // made from peer_chain when asked for
  for (const messages::CertificateEntry& entry : cert.entries) {
    std::optional<crypto::Certificate> parsed =
        crypto::certificate_from_der_cached(entry.cert_data);
    if (!parsed) return Error::bad_certificate;
    peer_chain.push_back(std::move(*parsed));
  }
  if (config.verify == VerifyMode::none) return Error::none;
  crypto::VerifyResult result =
      config.trust.verify(peer_chain, is_server_cert, is_server_cert ? server_name : std::string());
  if (!result.ok) {
    verify_message = result.message;
    verify_result = result.x509_error;
    return verify_error(result.x509_error);
  }
  return Error::none;
}

Error Connection::Impl::verify_certificate_verify(std::span<const uint8_t> body, bool from_server) {
  messages::CertificateVerify cv;
  if (Error err = cv.parse(body); err != Error::none) return err;
  if (!offered(crypto::handshake_signature_schemes(), cv.scheme)) return Error::illegal_parameter;
  std::vector<uint8_t> content = signed_content(from_server, transcript->current());
  if (peer_chain.empty() ||
      !peer_chain.front().verify(static_cast<crypto::SignatureScheme>(cv.scheme), content,
                                 cv.signature)) {
    return Error::decrypt_error;
  }
  peer_scheme = cv.scheme;
  return Error::none;
}

Error Connection::Impl::verify_finished(std::span<const uint8_t> body,
                                        const crypto::Secret& finished_key) {
  messages::Finished fin;
  if (Error err = fin.parse(body); err != Error::none) return err;
  crypto::Secret expected = record::KeySchedule::finished_mac(suite->hash, finished_key.span(),
                                                              transcript->current().span());
  if (expected.empty()) return Error::internal_error;
  if (fin.verify_data.size() != expected.size()) return Error::decode_error;
  if (!crypto::constant_time_equal(fin.verify_data, expected.span())) return Error::decrypt_error;
  return Error::none;
}

Error Connection::Impl::send_certificate(std::span<const uint8_t> context) {
  messages::CertificateMsg cert;
  cert.request_context.assign(context.begin(), context.end());
  if (our_certificate) {
    for (const std::vector<uint8_t>& der : our_certificate->chain_der) {
      cert.entries.push_back({der, {}});
    }
  }
  std::vector<uint8_t> msg;
  wire::Writer w(msg);
  cert.serialize(w);
  if (!w.ok()) return Error::internal_error;
  send_handshake(msg);
  return Error::none;
}

Error Connection::Impl::send_certificate_verify(bool from_server) {
  messages::CertificateVerify cv;
  cv.scheme = static_cast<uint16_t>(our_scheme);
  std::vector<uint8_t> content = signed_content(from_server, transcript->current());
  if (!our_certificate->key.sign(our_scheme, content, cv.signature, random)) {
    return Error::internal_error;
  }
  std::vector<uint8_t> msg;
  wire::Writer w(msg);
  cv.serialize(w);
  send_handshake(msg);
  return Error::none;
}

Error Connection::Impl::send_finished(const crypto::Secret& finished_key) {
  crypto::Secret verify_data = record::KeySchedule::finished_mac(suite->hash, finished_key.span(),
                                                                 transcript->current().span());
  if (verify_data.empty()) return Error::internal_error;
  messages::Finished fin;
  fin.verify_data.assign(verify_data.span().begin(), verify_data.span().end());
  std::vector<uint8_t> msg;
  wire::Writer w(msg);
  fin.serialize(w);
  send_handshake(msg);
  return Error::none;
}

// Picks our signature scheme: our key's first scheme that the peer accepts.
bool Connection::Impl::choose_scheme(const std::vector<uint16_t>& peer_schemes) {
  if (!our_certificate) return false;
  for (crypto::SignatureScheme s : our_certificate->schemes) {
    for (uint16_t p : peer_schemes) {
      if (p == static_cast<uint16_t>(s) && offered(crypto::handshake_signature_schemes(), p)) {
        our_scheme = s;
        return true;
      }
    }
  }
  return false;
}

void Connection::Impl::derive_application_secrets() {
  crypto::Secret th = transcript->current();
  schedule->set_master();
  client_application_secret = schedule->client_application_traffic(th.span());
  server_application_secret = schedule->server_application_traffic(th.span());
  keylog("CLIENT_TRAFFIC_SECRET_0", client_application_secret);
  keylog("SERVER_TRAFFIC_SECRET_0", server_application_secret);
  // Nothing else needs the exporter secret: derived only for the key log.
  if (config.keylog) keylog("EXPORTER_SECRET", schedule->exporter_master(th.span()));
}

void Connection::Impl::derive_handshake_secrets(std::span<const uint8_t> psk_bytes,
                                                std::span<const uint8_t> shared) {
  schedule.emplace(suite->hash);
  schedule->set_early(psk_bytes);
  schedule->set_handshake(shared);
  crypto::Secret th = transcript->current();
  client_handshake_secret = schedule->client_handshake_traffic(th.span());
  server_handshake_secret = schedule->server_handshake_traffic(th.span());
  keylog("CLIENT_HANDSHAKE_TRAFFIC_SECRET", client_handshake_secret);
  keylog("SERVER_HANDSHAKE_TRAFFIC_SECRET", server_handshake_secret);
}

void Connection::Impl::handshake_complete() {
  state = HandshakeState::connected;
  established = true;
  client_handshake_secret.wipe();
  server_handshake_secret.wipe();
  client_finished_key.wipe();
  server_finished_key.wipe();
  client_application_secret.wipe();  // the record layer keeps its own copy
  server_application_secret.wipe();
  schedule.reset();
  transcript.reset();
  // What only the handshake needed goes now, so that an idle connection holds
  // little more than its record keys.
  std::vector<crypto::KeyShare>().swap(key_shares);
  std::vector<uint8_t>().swap(client_hello_bytes);
  std::vector<uint8_t>().swap(session_id);
  std::vector<uint8_t>().swap(cookie);
  client_hello = messages::ClientHello();
  certificate_request = messages::CertificateRequest();
  psk.wipe();
}

}  // namespace adieu
