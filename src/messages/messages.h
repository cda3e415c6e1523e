// Handshake message codecs (RFC 8446 section 4). Each message has a struct,
// parse() over the message body (without the 4-byte handshake header) and
// serialize() that appends the whole message, header included. TLS 1.2's own
// messages are in tls12_messages.h; the hellos, CertificateVerify and Finished
// here serve both versions.
//
// parse() returns Error::none or the error whose alert must be sent
// (decode_error for malformed bytes, illegal_parameter for a forbidden value,
// ...). Semantic checks that need connection state (was this extension
// offered?) are the handshake's job, not the codec's; the codec rejects only
// what is malformed on its own: bad lengths, trailing bytes, duplicate
// extensions, a pre_shared_key that is not last, empty vectors the RFC gives a
// minimum length of 1 or more.
#pragma once

#include <adieu/error.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "messages/handshake_types.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::messages {

using wire::Bytes;
using ByteVec = std::vector<uint8_t>;

struct KeyShareEntry {
  uint16_t group = 0;
  ByteVec key_exchange;
};

struct PskIdentity {
  ByteVec identity;
  uint32_t obfuscated_ticket_age = 0;
};

struct OfferedPsks {
  std::vector<PskIdentity> identities;
  std::vector<ByteVec> binders;
};

// An extension this codec does not interpret, kept for round trips.
struct UnknownExtension {
  uint16_t type = 0;
  ByteVec data;
};

struct ClientHello {
  uint16_t legacy_version = kTls12;
  std::array<uint8_t, 32> random{};
  ByteVec legacy_session_id;  // 0..32 bytes
  std::vector<uint16_t> cipher_suites;
  ByteVec legacy_compression_methods{0};

  // Extensions; an absent extension is nullopt. serialize() writes them in
  // this order, then `unknown`, then pre_shared_key last.
  std::optional<std::string> server_name;  // host_name entry of server_name
  std::optional<std::vector<uint16_t>> supported_groups;
  std::optional<std::vector<uint16_t>> signature_algorithms;
  std::optional<std::vector<uint16_t>> signature_algorithms_cert;
  std::optional<std::vector<std::string>> alpn;
  std::optional<std::vector<KeyShareEntry>> key_shares;
  std::optional<std::vector<uint16_t>> supported_versions;
  std::optional<ByteVec> cookie;
  std::optional<ByteVec> psk_key_exchange_modes;
  bool early_data = false;
  bool post_handshake_auth = false;
  // TLS 1.2 extensions, parsed whichever versions are offered.
  bool extended_master_secret = false;         // empty extension (RFC 7627 section 5.1)
  std::optional<ByteVec> renegotiation_info;   // renegotiated_connection (RFC 5746 3.2)
  std::optional<ByteVec> ec_point_formats;     // 1..255 ECPointFormat bytes (RFC 8422 5.1.2)
  std::optional<ByteVec> session_ticket;       // the ticket, may be empty (RFC 5077 3.2)
  std::optional<uint8_t> max_fragment_length;  // 1..4 (RFC 6066 section 4)
  std::optional<uint16_t> record_size_limit;   // 64.. (RFC 8449 section 4)
  // QUIC only (RFC 9001 section 8.2): the encoded transport parameters.
  std::optional<ByteVec> quic_transport_parameters;
  std::vector<UnknownExtension> unknown;  // status_request among others
  std::optional<OfferedPsks> pre_shared_key;

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
  // Size in bytes of the binders list at the end of a serialized ClientHello
  // that has pre_shared_key (2-byte length prefix included): the transcript for
  // binders is the message without these bytes (RFC 8446 section 4.2.11.2).
  size_t binders_size() const;
};

// ServerHello and HelloRetryRequest (the latter has the special random).
struct ServerHello {
  uint16_t legacy_version = kTls12;
  std::array<uint8_t, 32> random{};
  ByteVec legacy_session_id_echo;
  uint16_t cipher_suite = 0;
  uint8_t legacy_compression_method = 0;

  std::optional<uint16_t> supported_version;
  std::optional<KeyShareEntry> key_share;  // ServerHello
  std::optional<uint16_t> selected_group;  // HelloRetryRequest key_share
  std::optional<ByteVec> cookie;           // HelloRetryRequest
  std::optional<uint16_t> selected_psk;    // pre_shared_key

  // TLS 1.2 extensions: parsed only when !selects_tls13() (a TLS 1.2 server
  // sends no supported_versions, RFC 8446 section 4.2.1). In a TLS 1.3
  // ServerHello or HelloRetryRequest they stay in `unknown`, where the
  // handshake refuses them as before. serialize() writes the set ones after
  // the TLS 1.3 extensions, in this order, then `unknown`.
  bool extended_master_secret = false;         // RFC 7627 section 5.1
  std::optional<ByteVec> renegotiation_info;   // renegotiated_connection (RFC 5746 3.2)
  std::optional<ByteVec> ec_point_formats;     // RFC 8422 section 5.1.2
  bool session_ticket = false;                 // empty extension (RFC 5077 section 3.2)
  std::optional<uint8_t> max_fragment_length;  // 1..4 (RFC 6066 section 4)
  std::optional<uint16_t> record_size_limit;   // 64.. (RFC 8449 section 4)
  bool server_name_ack = false;                // RFC 6066 section 3
  std::optional<std::string> alpn;             // RFC 7301 section 3.1
  std::vector<UnknownExtension> unknown;

  bool is_hello_retry_request() const;
  // True when parse() reads the extensions as TLS 1.3's: a HelloRetryRequest
  // or a ServerHello whose supported_versions selects TLS 1.3.
  bool selects_tls13() const;
  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

struct EncryptedExtensions {
  bool server_name_ack = false;     // empty server_name
  std::optional<std::string> alpn;  // exactly one protocol
  std::optional<std::vector<uint16_t>> supported_groups;
  bool early_data = false;
  std::optional<uint8_t> max_fragment_length;  // the client's request, echoed (RFC 6066 section 4)
  std::optional<uint16_t> record_size_limit;   // RFC 8449 section 4
  // QUIC only (RFC 9001 section 8.2): the encoded transport parameters.
  std::optional<ByteVec> quic_transport_parameters;
  std::vector<UnknownExtension> unknown;

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

struct CertificateEntry {
  ByteVec cert_data;  // DER
  std::vector<UnknownExtension> extensions;
};

struct CertificateMsg {
  ByteVec request_context;
  std::vector<CertificateEntry> entries;

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

struct CertificateRequest {
  ByteVec request_context;
  std::vector<uint16_t> signature_algorithms;  // required, non-empty
  std::optional<std::vector<uint16_t>> signature_algorithms_cert;
  std::optional<std::vector<ByteVec>> certificate_authorities;  // DER names
  std::vector<UnknownExtension> unknown;

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

// Also TLS 1.2's CertificateVerify (RFC 5246 section 7.4.8): a DigitallySigned
// is SignatureAndHashAlgorithm (whose code points are TLS 1.3's
// SignatureSchemes) and signature<0..2^16-1>, the same bytes.
struct CertificateVerify {
  uint16_t scheme = 0;
  ByteVec signature;

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

// Also TLS 1.2's Finished (RFC 5246 section 7.4.9): any non-empty length is
// parsed, the handshake checks it (Hash.length, or kTls12VerifyDataSize).
struct Finished {
  ByteVec verify_data;  // the length is checked by the handshake (hash size)

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

struct NewSessionTicket {
  uint32_t ticket_lifetime = 0;
  uint32_t ticket_age_add = 0;
  ByteVec ticket_nonce;
  ByteVec ticket;  // non-empty
  std::optional<uint32_t> max_early_data_size;
  std::vector<UnknownExtension> unknown;

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

struct KeyUpdate {
  // The whole message on the wire: header and its one-byte body.
  static constexpr size_t kSize = kHandshakeHeaderSize + 1;
  bool update_requested = false;  // parse rejects values other than 0/1 (illegal_parameter)

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

// Writes a handshake header for `type` and opens the 24-bit body; close with
// out.close_vec(handle).
size_t begin_message(wire::Writer& out, HandshakeType type);

// The synthetic message_hash message that replaces ClientHello1 in the
// transcript after a HelloRetryRequest: 254 00 00 Hash.length Hash(CH1).
ByteVec message_hash(std::span<const uint8_t> client_hello1_hash);

}  // namespace adieu::messages
