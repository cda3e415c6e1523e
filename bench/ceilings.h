// The limits each figure is shown against: what libcrypto alone does for the
// same work, with no TLS around it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>

#include "tls_pair.h"

namespace adieu::bench {

// Raw EVP AEAD on one TLS 1.3 record: `plaintext` bytes plus the content-type
// byte, a 5-byte header as additional data, a 16-byte tag, a fresh nonce per
// record (EVP_*Init_ex2 with the key already set).
struct AeadCeiling {
  double seal_ns = 0;  // per record
  double open_ns = 0;
  // Sealing a record and then handing it to the transport: a memcpy of the
  // whole record, just sealed, into a 64 KiB ring, as the benchmark's queue
  // is. Both libraries make that copy on the sending side: inside SSL_write
  // for libssl, from pending_output() for adieu.
  double seal_and_copy_ns = 0;
  double copy_ns() const { return std::max(seal_and_copy_ns - seal_ns, 1e-3); }
};
// `suite` is an IANA TLS 1.3 suite name. The best of `rounds` runs of
// `records` records each (a ceiling: what libcrypto does undisturbed).
// nullopt if libcrypto fails.
std::optional<AeadCeiling> measure_aead(const std::string& suite, size_t plaintext, size_t records,
                                        int rounds);

// A handshake's public-key operations alone (nanoseconds each, hashing of the
// signed data included):
//   client: x25519 key generation + agreement, verification of the server's
//           CertificateVerify, of the leaf by the intermediate and of the
//           intermediate by the root (the root's self-signature is not checked
//           by either library);
//   server: x25519 key generation + agreement, CertificateVerify signature.
// RSA CertificateVerify is RSA-PSS (rsa_pss_rsae_sha256); the certificates are
// signed with what they say (sha256WithRSAEncryption / ecdsa-with-SHA256).
struct PrimitiveCosts {
  double keygen_ns = 0;
  double agreement_ns = 0;
  double sign_ns = 0;
  double verify_certificate_verify_ns = 0;
  double verify_leaf_ns = 0;
  double verify_intermediate_ns = 0;

  double client_ns() const {
    return keygen_ns + agreement_ns + verify_certificate_verify_ns + verify_leaf_ns +
           verify_intermediate_ns;
  }
  double server_ns() const { return keygen_ns + agreement_ns + sign_ns; }
};
std::optional<PrimitiveCosts> measure_primitives(const CertFiles& files, int iterations, int rounds,
                                                 std::string* error);

}  // namespace adieu::bench
