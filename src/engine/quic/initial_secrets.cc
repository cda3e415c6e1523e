#include "engine/quic/initial_secrets.h"

#include <array>

#include "crypto/hkdf.h"

namespace adieu::quic {

namespace {

// initial_salt for QUIC version 1 (RFC 9001 section 5.2).
constexpr std::array<uint8_t, 20> kInitialSaltV1 = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34,
                                                    0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8,
                                                    0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};

}  // namespace

InitialSecrets derive_initial_secrets(std::span<const uint8_t> client_dcid) {
  constexpr crypto::HashAlg kHash = crypto::HashAlg::sha256;
  const crypto::Secret initial = crypto::hkdf_extract(kHash, kInitialSaltV1, client_dcid);
  InitialSecrets out;
  if (initial.empty()) return out;
  out.client =
      crypto::hkdf_expand_label(kHash, initial.span(), "client in", {}, crypto::hash_size(kHash));
  out.server =
      crypto::hkdf_expand_label(kHash, initial.span(), "server in", {}, crypto::hash_size(kHash));
  if (out.client.empty() || out.server.empty()) {
    out.client.wipe();
    out.server.wipe();
  }
  return out;
}

}  // namespace adieu::quic
