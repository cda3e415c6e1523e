// Code points used by the message codecs: TLS 1.3 (RFC 8446 section 4) and
// the TLS 1.2 additions (RFC 5246 section 7.4 and the extensions it uses).
#pragma once

#include <cstddef>
#include <cstdint>

namespace adieu::messages {

enum class HandshakeType : uint8_t {
  hello_request = 0,  // TLS 1.2 only (RFC 5246 section 7.4)
  client_hello = 1,
  server_hello = 2,
  new_session_ticket = 4,
  end_of_early_data = 5,
  encrypted_extensions = 8,
  certificate = 11,
  server_key_exchange = 12,  // TLS 1.2 only
  certificate_request = 13,
  server_hello_done = 14,  // TLS 1.2 only
  certificate_verify = 15,
  client_key_exchange = 16,  // TLS 1.2 only
  finished = 20,
  certificate_status = 22,  // TLS 1.2 OCSP stapling (RFC 6066 section 8); no codec
  key_update = 24,
  message_hash = 254,
};

enum class ExtensionType : uint16_t {
  server_name = 0,
  supported_groups = 10,
  signature_algorithms = 13,
  alpn = 16,
  padding = 21,
  pre_shared_key = 41,
  early_data = 42,
  supported_versions = 43,
  cookie = 44,
  psk_key_exchange_modes = 45,
  certificate_authorities = 47,
  post_handshake_auth = 49,
  signature_algorithms_cert = 50,
  key_share = 51,

  // Extensions of TLS 1.2 hellos. They are not ExtensionTypes of RFC 8446's
  // codecs: in a TLS 1.3 message they stay unrecognized (`unknown`), as before
  // TLS 1.2 support (see is_recognized_extension()).
  max_fragment_length = 1,      // RFC 6066 section 4
  status_request = 5,           // RFC 6066 section 8 (kept as unknown)
  ec_point_formats = 11,        // RFC 8422 section 5.1.2
  extended_master_secret = 23,  // RFC 7627 section 5.1
  record_size_limit = 28,       // RFC 8449 section 4
  session_ticket = 35,          // RFC 5077 section 3.2
  renegotiation_info = 0xff01,  // RFC 5746 section 3.2

  // QUIC's transport parameters (RFC 9001 section 8.2), opaque here: parsed
  // by ClientHello and EncryptedExtensions only, unrecognized elsewhere.
  quic_transport_parameters = 0x39,
};

constexpr uint16_t kTls13 = 0x0304;
constexpr uint16_t kTls12 = 0x0303;
constexpr uint8_t kPskDheKe = 1;
constexpr uint8_t kPskKe = 0;

// Signalling cipher suite values, sent in ClientHello.cipher_suites.
// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 section 3.3).
constexpr uint16_t kEmptyRenegotiationInfoScsv = 0x00FF;
// TLS_FALLBACK_SCSV (RFC 7507 section 2).
constexpr uint16_t kFallbackScsv = 0x5600;

// ECCurveType named_curve: the only curve type of ServerECDHParams (RFC 8422
// section 5.4; explicit_prime(1) and explicit_char2(2) are deprecated).
constexpr uint8_t kNamedCurve = 3;
// ECPointFormat uncompressed (RFC 8422 section 5.1.2), the only one in use.
constexpr uint8_t kPointFormatUncompressed = 0;
// Length of verify_data in a TLS 1.2 Finished (RFC 5246 section 7.4.9).
constexpr size_t kTls12VerifyDataSize = 12;

// Handshake message header: msg_type(1) + length(3).
constexpr size_t kHandshakeHeaderSize = 4;
// Largest handshake message adieu accepts (certificate chains included).
constexpr size_t kMaxHandshakeMessage = 1 << 17;

// HelloRetryRequest's fixed ServerHello.random (RFC 8446 section 4.1.3).
extern const uint8_t kHelloRetryRequestRandom[32];
// Downgrade sentinels in the last 8 bytes of ServerHello.random.
extern const uint8_t kDowngradeTls12[8];
extern const uint8_t kDowngradeTls11[8];

}  // namespace adieu::messages
