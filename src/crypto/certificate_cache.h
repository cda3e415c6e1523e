// Parsed certificates shared by their DER bytes. A peer sends the same chain
// on every handshake, and parsing it (d2i_X509 and the public key decoding
// behind it) is most of a client's handshake cost; certificates are immutable,
// so one parse can serve every connection on every thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "crypto/signature.h"

namespace adieu::crypto {

// Certificate::from_der(der), from a process-wide cache of the most recently
// used distinct certificates (bounded; least recently used dropped first).
std::optional<Certificate> certificate_from_der_cached(std::span<const uint8_t> der);

}  // namespace adieu::crypto
