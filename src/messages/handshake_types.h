// TLS 1.3 code points used by the message codecs (RFC 8446 section 4).
#pragma once

#include <cstddef>
#include <cstdint>

namespace adieu::messages {

enum class HandshakeType : uint8_t {
  client_hello = 1,
  server_hello = 2,
  new_session_ticket = 4,
  end_of_early_data = 5,
  encrypted_extensions = 8,
  certificate = 11,
  certificate_request = 13,
  certificate_verify = 15,
  finished = 20,
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
};

constexpr uint16_t kTls13 = 0x0304;
constexpr uint16_t kTls12 = 0x0303;
constexpr uint8_t kPskDheKe = 1;
constexpr uint8_t kPskKe = 0;

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
