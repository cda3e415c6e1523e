// Field-by-field equality of the message structs of messages.h and
// tls12_messages.h, for round-trip
// tests and fuzzers (parse -> serialize -> parse must give equal messages).
// Kept beside those headers: a field added there must be added here too.
#pragma once

#include <tuple>

#include "messages/messages.h"
#include "messages/tls12_messages.h"

namespace adieu::messages {

namespace detail {
inline auto fields(const KeyShareEntry& m) {
  return std::tie(m.group, m.key_exchange);
}
inline auto fields(const PskIdentity& m) {
  return std::tie(m.identity, m.obfuscated_ticket_age);
}
inline auto fields(const OfferedPsks& m) {
  return std::tie(m.identities, m.binders);
}
inline auto fields(const UnknownExtension& m) {
  return std::tie(m.type, m.data);
}
inline auto fields(const ClientHello& m) {
  return std::tie(m.legacy_version, m.random, m.legacy_session_id, m.cipher_suites,
                  m.legacy_compression_methods, m.server_name, m.supported_groups,
                  m.signature_algorithms, m.signature_algorithms_cert, m.alpn, m.key_shares,
                  m.supported_versions, m.cookie, m.psk_key_exchange_modes, m.early_data,
                  m.post_handshake_auth, m.extended_master_secret, m.renegotiation_info,
                  m.ec_point_formats, m.session_ticket, m.max_fragment_length, m.record_size_limit,
                  m.quic_transport_parameters, m.unknown, m.pre_shared_key);
}
inline auto fields(const ServerHello& m) {
  return std::tie(m.legacy_version, m.random, m.legacy_session_id_echo, m.cipher_suite,
                  m.legacy_compression_method, m.supported_version, m.key_share, m.selected_group,
                  m.cookie, m.selected_psk, m.extended_master_secret, m.renegotiation_info,
                  m.ec_point_formats, m.session_ticket, m.max_fragment_length, m.record_size_limit,
                  m.server_name_ack, m.alpn, m.unknown);
}
inline auto fields(const EncryptedExtensions& m) {
  return std::tie(m.server_name_ack, m.alpn, m.supported_groups, m.early_data,
                  m.max_fragment_length, m.record_size_limit, m.quic_transport_parameters,
                  m.unknown);
}
inline auto fields(const CertificateEntry& m) {
  return std::tie(m.cert_data, m.extensions);
}
inline auto fields(const CertificateMsg& m) {
  return std::tie(m.request_context, m.entries);
}
inline auto fields(const CertificateRequest& m) {
  return std::tie(m.request_context, m.signature_algorithms, m.signature_algorithms_cert,
                  m.certificate_authorities, m.unknown);
}
inline auto fields(const CertificateVerify& m) {
  return std::tie(m.scheme, m.signature);
}
inline auto fields(const Finished& m) {
  return std::tie(m.verify_data);
}
inline auto fields(const NewSessionTicket& m) {
  return std::tie(m.ticket_lifetime, m.ticket_age_add, m.ticket_nonce, m.ticket,
                  m.max_early_data_size, m.unknown);
}
inline auto fields(const KeyUpdate& m) {
  return std::tie(m.update_requested);
}
// TLS 1.2 (tls12_messages.h).
inline auto fields(const HelloRequest&) {
  return std::tie();
}
inline auto fields(const ServerKeyExchange& m) {
  return std::tie(m.named_curve, m.point, m.scheme, m.signature);
}
inline auto fields(const ServerHelloDone&) {
  return std::tie();
}
inline auto fields(const ClientKeyExchange& m) {
  return std::tie(m.point);
}
inline auto fields(const Tls12CertificateRequest& m) {
  return std::tie(m.certificate_types, m.signature_algorithms, m.certificate_authorities);
}
inline auto fields(const Tls12Certificate& m) {
  return std::tie(m.certificate_list);
}
inline auto fields(const Tls12NewSessionTicket& m) {
  return std::tie(m.ticket_lifetime_hint, m.ticket);
}
}  // namespace detail

#define ADIEU_MESSAGES_EQUALITY(T)                 \
  inline bool operator==(const T& a, const T& b) { \
    return detail::fields(a) == detail::fields(b); \
  }                                                \
  inline bool operator!=(const T& a, const T& b) { \
    return !(a == b);                              \
  }

ADIEU_MESSAGES_EQUALITY(KeyShareEntry)
ADIEU_MESSAGES_EQUALITY(PskIdentity)
ADIEU_MESSAGES_EQUALITY(OfferedPsks)
ADIEU_MESSAGES_EQUALITY(UnknownExtension)
ADIEU_MESSAGES_EQUALITY(ClientHello)
ADIEU_MESSAGES_EQUALITY(ServerHello)
ADIEU_MESSAGES_EQUALITY(EncryptedExtensions)
ADIEU_MESSAGES_EQUALITY(CertificateEntry)
ADIEU_MESSAGES_EQUALITY(CertificateMsg)
ADIEU_MESSAGES_EQUALITY(CertificateRequest)
ADIEU_MESSAGES_EQUALITY(CertificateVerify)
ADIEU_MESSAGES_EQUALITY(Finished)
ADIEU_MESSAGES_EQUALITY(NewSessionTicket)
ADIEU_MESSAGES_EQUALITY(KeyUpdate)
ADIEU_MESSAGES_EQUALITY(HelloRequest)
ADIEU_MESSAGES_EQUALITY(ServerKeyExchange)
ADIEU_MESSAGES_EQUALITY(ServerHelloDone)
ADIEU_MESSAGES_EQUALITY(ClientKeyExchange)
ADIEU_MESSAGES_EQUALITY(Tls12CertificateRequest)
ADIEU_MESSAGES_EQUALITY(Tls12Certificate)
ADIEU_MESSAGES_EQUALITY(Tls12NewSessionTicket)

#undef ADIEU_MESSAGES_EQUALITY

}  // namespace adieu::messages
