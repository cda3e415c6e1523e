// The limits each figure is shown against: what libcrypto alone does for the
// same work, with no TLS around it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tls_pair.h"

namespace adieu::bench {

// Raw EVP AEAD on one record: for a TLS 1.3 suite, `plaintext` bytes plus the
// content-type byte with a 5-byte header as additional data; for a TLS 1.2
// suite, `plaintext` bytes with 13 bytes of additional data (sequence number,
// type, version, length) and, for AES-GCM, an 8-byte explicit nonce in front
// of the ciphertext. A 16-byte tag and a fresh nonce per record
// (EVP_*Init_ex2 with the key already set). Nanoseconds per record, one value
// per round.
struct AeadCeiling {
  std::vector<double> seal_ns;
  std::vector<double> open_ns;
  // Sealing each record and then handing it to the transport: a memcpy of the
  // whole record, just sealed, into a 64 KiB ring, as the benchmark's queue
  // is, timed as one loop. Both libraries make that copy on the sending side
  // behind a copying API: inside SSL_write for libssl, from pending_output()
  // for adieu.
  std::vector<double> seal_and_copy_ns;

  // Adds the rounds of `more` after these.
  void append(const AeadCeiling& more);
};
// `suite` is an IANA TLS 1.3 suite name or an OpenSSL TLS 1.2 one
// ("ECDHE-ECDSA-AES128-GCM-SHA256"). `rounds` runs of `records` records each.
// nullopt if libcrypto fails or the suite is not known.
std::optional<AeadCeiling> measure_aead(const std::string& suite, size_t plaintext, size_t records,
                                        int rounds);

// A handshake's public-key operations alone (nanoseconds each, hashing of the
// signed data included; one value per round):
//   client: x25519 key generation + agreement, verification of the server's
//           signature (TLS 1.3: CertificateVerify; TLS 1.2: ServerKeyExchange),
//           of the leaf by the intermediate and of the intermediate by the
//           root (the root's self-signature is not checked by either library);
//   server: x25519 key generation + agreement, the signature.
// An RSA server signs with RSA-PSS (rsa_pss_rsae_sha256, what both libraries
// negotiate in both versions); the certificates are signed with what they say
// (sha256WithRSAEncryption / ecdsa-with-SHA256). `version` shapes the signed
// content (kTls13 or kTls12).
struct PrimitiveCosts {
  std::vector<double> keygen_ns;
  std::vector<double> agreement_ns;
  std::vector<double> sign_ns;
  std::vector<double> verify_certificate_verify_ns;
  std::vector<double> verify_leaf_ns;
  std::vector<double> verify_intermediate_ns;

  // One side's operations, summed round by round.
  std::vector<double> exchange_ns() const;  // x25519 key generation + agreement
  std::vector<double> client_ns() const;
  std::vector<double> server_ns() const;
  // Adds the rounds of `more` after these.
  void append(const PrimitiveCosts& more);
};
std::optional<PrimitiveCosts> measure_primitives(const CertFiles& files, uint16_t version,
                                                 int iterations, int rounds, std::string* error);

}  // namespace adieu::bench
