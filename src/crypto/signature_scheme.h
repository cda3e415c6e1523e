// What each TLS SignatureScheme means to libcrypto: which key type it needs,
// its digest and padding; and the EVP_DigestSign/Verify set-up from it.
// Internal to src/crypto/ (PrivateKey and Certificate use it).
#pragma once

#include <openssl/evp.h>

#include "crypto/signature.h"

namespace adieu::crypto {

// The key types TLS 1.3 signature schemes can name.
enum class KeyKind { unsupported, ec_p256, ec_p384, ec_p521, rsa, rsa_pss, ed25519, ed448 };

KeyKind key_kind(const EVP_PKEY* pkey);

// True when `scheme` can be used with `pkey` (of kind `kind`): the right key
// type (and curve, RFC 8446 section 4.2.3), an RSA modulus big enough for the
// PSS encoding, and the digest an RSA-PSS key may be restricted to.
bool scheme_fits_key(SignatureScheme scheme, KeyKind kind, const EVP_PKEY* pkey);

// The same with TLS 1.2's reading of the code point (RFC 5246 section
// 7.4.1.4.1): an ecdsa_* scheme fits an ECDSA key on any supported curve;
// every other scheme as scheme_fits_key.
bool scheme_fits_key_tls12(SignatureScheme scheme, KeyKind kind, const EVP_PKEY* pkey);

// Initialises `ctx` to sign (or verify) with `scheme` and `pkey`; the caller
// has checked scheme_fits_key. RSA-PSS gets MGF1 with the scheme's hash and
// salt length = hash length (RFC 8446 section 4.2.3).
bool init_signature(EVP_MD_CTX* ctx, SignatureScheme scheme, EVP_PKEY* pkey, bool sign);

}  // namespace adieu::crypto
