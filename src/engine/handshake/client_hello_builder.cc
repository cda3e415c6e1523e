#include "engine/handshake/client_hello_builder.h"

#include <arpa/inet.h>

#include <algorithm>

#include "engine/handshake/record_limits.h"

namespace adieu {

namespace {

bool is_ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

Error build_client_hello(HandshakeContext& ctx, messages::ClientHello& ch,
                         std::vector<crypto::KeyShare>& key_shares) {
  const Config::Impl& config = ctx.config;
  const bool quic = ctx.quic.has_value();  // TLS 1.3 only (RFC 9001 section 4.2)
  const bool tls13 = config.offers(messages::kTls13);
  const bool tls12 = !quic && config.offers(messages::kTls12) && !config.tls12_suites.empty();
  if (!ctx.random.fill(ctx.client_random)) return Error::internal_error;
  ch.random = ctx.client_random;
  // Middlebox compatibility (RFC 8446 D.4), never over QUIC (RFC 9001
  // section 8.4).
  if (tls13 && !quic) {
    ch.legacy_session_id.resize(32);
    if (!ctx.random.fill(ch.legacy_session_id)) return Error::internal_error;
  }
  // Each list is sized once (one allocation apiece).
  ch.cipher_suites.reserve((tls13 ? config.suites.size() : 0) +
                           (tls12 ? config.tls12_suites.size() : 0));
  if (tls13) {
    for (crypto::CipherSuite s : config.suites)
      ch.cipher_suites.push_back(static_cast<uint16_t>(s));
  }
  if (tls12) {
    for (crypto::Tls12CipherSuite s : config.tls12_suites) {
      ch.cipher_suites.push_back(static_cast<uint16_t>(s));
    }
  }
  if (!ctx.server_name.empty() && !is_ip_literal(ctx.server_name)) {
    ch.server_name = ctx.server_name;
  }
  ch.supported_groups.emplace();
  ch.supported_groups->reserve(config.groups.size());
  for (crypto::Group g : config.groups) ch.supported_groups->push_back(static_cast<uint16_t>(g));
  // TLS 1.3's schemes, then what only TLS 1.2 signs with (rsa_pkcs1_*, which
  // RFC 8446 section 4.2.3 allows offering for TLS 1.2).
  ch.signature_algorithms.emplace();
  if (tls13)
    *ch.signature_algorithms = config.allowed_schemes(crypto::handshake_signature_schemes());
  if (tls12) {
    for (uint16_t code : config.allowed_schemes(crypto::tls12_signature_schemes())) {
      if (std::find(ch.signature_algorithms->begin(), ch.signature_algorithms->end(), code) ==
          ch.signature_algorithms->end()) {
        ch.signature_algorithms->push_back(code);
      }
    }
  }
  if (tls13) {
    ch.signature_algorithms_cert.emplace();
    for (crypto::SignatureScheme s : crypto::certificate_signature_schemes()) {
      ch.signature_algorithms_cert->push_back(static_cast<uint16_t>(s));
    }
  }
  if (!config.alpn.empty()) ch.alpn = config.alpn;
  if (tls13) {
    // One key share, for our most preferred group: a server preferring
    // another one asks for it with a HelloRetryRequest.
    std::optional<crypto::KeyShare> share =
        crypto::KeyShare::generate(config.groups.front(), ctx.random);
    if (!share) return Error::internal_error;
    ch.key_shares.emplace();
    ch.key_shares->push_back({static_cast<uint16_t>(share->group()),
                              {share->public_key().begin(), share->public_key().end()}});
    key_shares.push_back(std::move(*share));
    ch.supported_versions = tls12 ? std::vector<uint16_t>{messages::kTls13, messages::kTls12}
                                  : std::vector<uint16_t>{messages::kTls13};
    // So that servers send tickets (RFC 8446 section 4.2.9).
    ch.psk_key_exchange_modes = std::vector<uint8_t>{messages::kPskDheKe};
    // RFC 8446 section 4.2.6: only when the application will answer; never
    // over QUIC (RFC 9001 section 4.4).
    ch.post_handshake_auth = ctx.post_handshake_auth = config.post_handshake_auth && !quic;
  }
  if (tls12) {
    ch.extended_master_secret = true;
    ch.renegotiation_info = messages::ByteVec{};  // an initial handshake (RFC 5746 section 3.4)
    ch.ec_point_formats = messages::ByteVec{messages::kPointFormatUncompressed};
    // We take RFC 5077 tickets (an offered ticket replaces the empty one).
    if (config.resumption) ch.session_ticket = messages::ByteVec{};
  }
  if (quic) {
    // QUIC has no records to limit; its transport parameters instead.
    ch.quic_transport_parameters = ctx.quic->transport_parameters;
    return Error::none;
  }
  const RecordLimitExtensions limits = offered_record_limits(config);
  ch.max_fragment_length = limits.max_fragment_length;
  ch.record_size_limit = limits.record_size_limit;
  return Error::none;
}

}  // namespace adieu
