// The secrets of the Initial packets (RFC 9001 section 5.2), derived from
// the Destination Connection ID of the client's first Initial packet with
// the QUIC v1 salt; Initial packets use AEAD_AES_128_GCM and SHA-256.
#pragma once

#include <cstdint>
#include <span>

#include "crypto/cipher_suite.h"
#include "crypto/secret.h"

namespace adieu::quic {

// The suite that protects Initial packets (RFC 9001 section 5.2).
constexpr crypto::CipherSuite kInitialSuite = crypto::CipherSuite::aes_128_gcm_sha256;

struct InitialSecrets {
  crypto::Secret client;  // protects the client's Initial packets
  crypto::Secret server;  // protects the server's
};

// initial_secret = HKDF-Extract(initial_salt, client_dcid);
// client = HKDF-Expand-Label(initial_secret, "client in", "", 32), server
// the same with "server in". Both empty on a libcrypto failure.
InitialSecrets derive_initial_secrets(std::span<const uint8_t> client_dcid);

}  // namespace adieu::quic
