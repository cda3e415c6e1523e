#include "crypto/key_exchange.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <array>

#include "crypto/libcrypto_raii.h"

namespace adieu::crypto {

namespace {

// P-256 rejects ~2^-32 of draws, P-384 ~2^-190, P-521 (after masking) ~2^-260.
constexpr int kMaxScalarDraws = 16;

struct NistCurve {
  const char* name;  // libcrypto's group name
  int nid;
  size_t scalar_size;
  // Kept bits of the scalar's first byte: P-521's order has 521 bits, so a
  // 66-byte draw keeps one bit of its first byte (else ~99% of draws would
  // be >= the order and redrawn).
  uint8_t top_mask;
  int index;  // into group_of's table
};

const NistCurve kP256{SN_X9_62_prime256v1, NID_X9_62_prime256v1, 32, 0xff, 0};
const NistCurve kP384{SN_secp384r1, NID_secp384r1, 48, 0xff, 1};
const NistCurve kP521{SN_secp521r1, NID_secp521r1, 66, 0x01, 2};
constexpr size_t kMaxScalarSize = 66;

// The curve's group, built once per process and only read afterwards (EC_GROUP
// is safe to share for const use).
const EC_GROUP* group_of(const NistCurve& curve) {
  static const EC_GROUP* const groups[] = {EC_GROUP_new_by_curve_name(kP256.nid),
                                           EC_GROUP_new_by_curve_name(kP384.nid),
                                           EC_GROUP_new_by_curve_name(kP521.nid)};
  return groups[curve.index];
}

const NistCurve* nist_curve(Group group) {
  switch (group) {
    case Group::secp256r1:
      return &kP256;
    case Group::secp384r1:
      return &kP384;
    case Group::secp521r1:
      return &kP521;
    default:
      break;
  }
  return nullptr;
}

enum class KeyType { x25519 = 0, ec = 1, x448 = 2, dh = 3 };

// The Montgomery-curve groups (RFC 7748): keys and public values are raw
// byte strings of one size.
struct XdhCurve {
  KeyType type;
  size_t size;  // private key, public value and shared secret
};

const XdhCurve kX25519{KeyType::x25519, 32};
const XdhCurve kX448{KeyType::x448, 56};
constexpr size_t kMaxXdhSize = 56;

const XdhCurve* xdh_curve(Group group) {
  switch (group) {
    case Group::x25519:
      return &kX25519;
    case Group::x448:
      return &kX448;
    default:
      break;
  }
  return nullptr;
}

// The finite-field groups of RFC 7919, as libcrypto names them. The private
// exponent has twice the group's security strength in bits, the sizes
// OpenSSL uses (RFC 7919 section 5.2 asks for at least that much).
struct FfdheGroup {
  const char* name;
  size_t size;  // of p in bytes: the public value's and shared secret's size
  int exponent_bits;
  int index;  // into ffdhe_modulus's table
};

const FfdheGroup kFfdhe[] = {{"ffdhe2048", 256, 225, 0},
                             {"ffdhe3072", 384, 275, 1},
                             {"ffdhe4096", 512, 325, 2},
                             {"ffdhe6144", 768, 375, 3},
                             {"ffdhe8192", 1024, 400, 4}};

const FfdheGroup* ffdhe_group(Group group) {
  const uint16_t code = static_cast<uint16_t>(group);
  if (code < 0x0100 || code > 0x0104) return nullptr;
  return &kFfdhe[code - 0x0100];
}

// Uncompressed point: 0x04 || X || Y (RFC 8446 section 4.2.8.2).
size_t point_size(const NistCurve& curve) {
  return 1 + 2 * curve.scalar_size;
}

// A context ready for EVP_PKEY_fromdata, one per thread and key type:
// creating one looks the key manager up by name, which costs about as much
// as importing an X25519 key. EVP_PKEY_fromdata only reads the context.
EVP_PKEY_CTX* fromdata_context(KeyType type) {
  thread_local EvpPkeyCtxPtr contexts[4];
  static const char* const kNames[] = {"X25519", "EC", "X448", "DH"};
  EvpPkeyCtxPtr& context = contexts[static_cast<int>(type)];
  if (!context) {
    EvpPkeyCtxPtr fresh(
        EVP_PKEY_CTX_new_from_name(nullptr, kNames[static_cast<int>(type)], nullptr));
    if (!fresh || EVP_PKEY_fromdata_init(fresh.get()) != 1) return nullptr;
    context = std::move(fresh);
  }
  return context.get();
}

EvpPkeyPtr import_key(KeyType type, int selection, OSSL_PARAM* params) {
  EVP_PKEY_CTX* context = fromdata_context(type);
  EVP_PKEY* raw = nullptr;
  if (context == nullptr || EVP_PKEY_fromdata(context, &raw, selection, params) != 1) {
    return nullptr;
  }
  return EvpPkeyPtr(raw);
}

// libcrypto computes the public key from the private one.
EvpPkeyPtr xdh_from_private(const XdhCurve& curve, std::span<uint8_t> private_key,
                            std::vector<uint8_t>& public_key) {
  OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY,
                                                           private_key.data(), private_key.size()),
                         OSSL_PARAM_construct_end()};
  EvpPkeyPtr pkey = import_key(curve.type, EVP_PKEY_KEYPAIR, params);
  if (!pkey) return nullptr;
  public_key.resize(curve.size);
  size_t length = public_key.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), public_key.data(), &length) != 1 ||
      length != curve.size) {
    return nullptr;
  }
  return pkey;
}

// Draws a scalar in [1, order-1] by rejection sampling (after masking the
// first byte to the order's bit length): uniform, and the bytes a FixedRandom
// supplies are used as they are when already in range.
BnPtr draw_scalar(const NistCurve& curve, Random& random) {
  const BIGNUM* order = EC_GROUP_get0_order(group_of(curve));
  std::array<uint8_t, kMaxScalarSize> bytes{};
  std::span<uint8_t> scalar(bytes.data(), curve.scalar_size);
  BnPtr result(BN_secure_new());
  if (!result || order == nullptr) return nullptr;
  BN_set_flags(result.get(), BN_FLG_CONSTTIME);
  for (int i = 0; i < kMaxScalarDraws; ++i) {
    if (!random.fill(scalar)) break;
    scalar[0] &= curve.top_mask;
    bool ok = BN_bin2bn(scalar.data(), static_cast<int>(scalar.size()), result.get()) != nullptr;
    if (!ok) break;
    if (!BN_is_zero(result.get()) && BN_cmp(result.get(), order) < 0) {
      OPENSSL_cleanse(bytes.data(), bytes.size());
      return result;
    }
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return nullptr;
}

EvpPkeyPtr nist_from_private(const NistCurve& curve, const BIGNUM* scalar,
                             std::vector<uint8_t>& public_key) {
  const EC_GROUP* group = group_of(curve);
  EcPointPtr point(EC_POINT_new(group));
  if (!point || EC_POINT_mul(group, point.get(), scalar, nullptr, nullptr, nullptr) != 1) {
    return nullptr;
  }
  public_key.resize(point_size(curve));
  if (EC_POINT_point2oct(group, point.get(), POINT_CONVERSION_UNCOMPRESSED, public_key.data(),
                         public_key.size(), nullptr) != public_key.size()) {
    return nullptr;
  }

  OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.name, 0) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, public_key.data(),
                                       public_key.size()) != 1) {
    return nullptr;
  }
  // The builder keeps the private key in secure memory; OSSL_PARAM_free wipes it.
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  if (!params) return nullptr;
  return import_key(KeyType::ec, EVP_PKEY_KEYPAIR, params.get());
}

// The group's prime p and generator g, read once per process from libcrypto's
// built-in RFC 7919 parameters and only read afterwards.
struct FfdheParameters {
  BnPtr p;
  BnPtr g;
};

const FfdheParameters* ffdhe_parameters(const FfdheGroup& group) {
  static const auto load = [](const FfdheGroup& g) {
    FfdheParameters params;
    OSSL_PARAM in[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(g.name), 0),
        OSSL_PARAM_construct_end()};
    EvpPkeyPtr domain = import_key(KeyType::dh, EVP_PKEY_KEY_PARAMETERS, in);
    BIGNUM* p = nullptr;
    BIGNUM* generator = nullptr;
    if (domain && EVP_PKEY_get_bn_param(domain.get(), OSSL_PKEY_PARAM_FFC_P, &p) == 1) {
      params.p.reset(p);
    }
    if (domain && EVP_PKEY_get_bn_param(domain.get(), OSSL_PKEY_PARAM_FFC_G, &generator) == 1) {
      params.g.reset(generator);
    }
    return params;
  };
  static const FfdheParameters table[] = {load(kFfdhe[0]), load(kFfdhe[1]), load(kFfdhe[2]),
                                          load(kFfdhe[3]), load(kFfdhe[4])};
  const FfdheParameters& params = table[group.index];
  if (!params.p || !params.g) return nullptr;
  return &params;
}

// A DH key of the group with private exponent x (and public value y, when
// given), imported into libcrypto.
EvpPkeyPtr ffdhe_key(const FfdheGroup& group, const BIGNUM* x, const BIGNUM* y) {
  OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.name, 0) !=
          1 ||
      (x != nullptr && OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, x) != 1) ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, y) != 1) {
    return nullptr;
  }
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  if (!params) return nullptr;
  return import_key(KeyType::dh, x != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                    params.get());
}

// A fresh key pair: x drawn from `random` with the group's exponent size,
// y = g^x mod p, sent as p's size in bytes, zero-padded on the left (RFC 8446
// section 4.2.8.1).
EvpPkeyPtr ffdhe_generate(const FfdheGroup& group, Random& random,
                          std::vector<uint8_t>& public_key) {
  const FfdheParameters* params = ffdhe_parameters(group);
  if (params == nullptr) return nullptr;
  std::array<uint8_t, 64> bytes{};
  const size_t length = static_cast<size_t>(group.exponent_bits + 7) / 8;
  std::span<uint8_t> exponent(bytes.data(), length);
  BnPtr x(BN_secure_new());
  BnPtr y(BN_new());
  using BnCtxPtr = LibcryptoPtr<BN_CTX, BN_CTX_free>;
  BnCtxPtr bn_ctx(BN_CTX_new());
  bool ok = x && y && bn_ctx && random.fill(exponent);
  if (ok) {
    exponent[0] &= static_cast<uint8_t>(0xff >> (length * 8 - group.exponent_bits));
    exponent[0] |= static_cast<uint8_t>(0x80 >> (length * 8 - group.exponent_bits));  // never 0
    BN_set_flags(x.get(), BN_FLG_CONSTTIME);
    ok = BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), x.get()) != nullptr &&
         BN_mod_exp_mont_consttime(y.get(), params->g.get(), x.get(), params->p.get(), bn_ctx.get(),
                                   nullptr) == 1;
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  if (!ok) return nullptr;
  public_key.resize(group.size);
  if (BN_bn2binpad(y.get(), public_key.data(), static_cast<int>(public_key.size())) < 0) {
    return nullptr;
  }
  return ffdhe_key(group, x.get(), y.get());
}

// The peer's value y as a public key of the group, if 1 < y < p-1 (RFC 8446
// section 4.2.8.1: the peer MUST be checked for this) and it has p's size.
EvpPkeyPtr ffdhe_peer_key(const FfdheGroup& group, std::span<const uint8_t> peer_public) {
  const FfdheParameters* params = ffdhe_parameters(group);
  if (params == nullptr || peer_public.size() != group.size) return nullptr;
  BnPtr y(BN_bin2bn(peer_public.data(), static_cast<int>(peer_public.size()), nullptr));
  BnPtr p_minus_1(BN_dup(params->p.get()));
  if (!y || !p_minus_1 || BN_sub_word(p_minus_1.get(), 1) != 1) return nullptr;
  if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), p_minus_1.get()) >= 0) {
    return nullptr;
  }
  return ffdhe_key(group, nullptr, y.get());
}

// The peer's public value as a key of our key's type; nullptr if the value is
// malformed. For the NIST curves, decoding the uncompressed point checks that
// its coordinates are in range and that it lies on the curve; it cannot be the
// point at infinity. That is the whole validation RFC 8446 section 4.2.8.2
// (and RFC 8422 section 5.11 for TLS 1.2) asks for: the curves have cofactor
// 1. X25519/X448 values are any string of the right length (RFC 7748
// section 5); derive() refuses an all-zero result instead.
EvpPkeyPtr peer_key(Group group, EVP_PKEY* own, std::span<const uint8_t> peer_public) {
  if (const FfdheGroup* ffdhe = ffdhe_group(group)) return ffdhe_peer_key(*ffdhe, peer_public);
  if (const XdhCurve* xdh = xdh_curve(group)) {
    if (peer_public.size() != xdh->size) return nullptr;
    // The params only point at the peer's bytes; the import copies them.
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(
            OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(peer_public.data()), peer_public.size()),
        OSSL_PARAM_construct_end()};
    return import_key(xdh->type, EVP_PKEY_PUBLIC_KEY, params);
  }
  const NistCurve* curve = nist_curve(group);
  if (curve == nullptr || peer_public.size() != point_size(*curve) ||
      peer_public[0] != POINT_CONVERSION_UNCOMPRESSED) {
    return nullptr;
  }
  EvpPkeyPtr peer(EVP_PKEY_new());
  if (!peer || EVP_PKEY_copy_parameters(peer.get(), own) != 1 ||
      EVP_PKEY_set1_encoded_public_key(peer.get(), peer_public.data(), peer_public.size()) != 1) {
    return nullptr;
  }
  return peer;
}

}  // namespace

std::span<const Group> implemented_groups() {
  static constexpr Group kGroups[] = {
      Group::secp256r1, Group::secp384r1, Group::x25519,    Group::secp521r1, Group::x448,
      Group::ffdhe2048, Group::ffdhe3072, Group::ffdhe4096, Group::ffdhe6144, Group::ffdhe8192};
  return kGroups;
}

const char* group_name(uint16_t code) {
  switch (static_cast<Group>(code)) {
    case Group::x25519:
      return "x25519";
    case Group::secp256r1:
      return "secp256r1";
    case Group::secp384r1:
      return "secp384r1";
    case Group::secp521r1:
      return "secp521r1";
    case Group::x448:
      return "x448";
    case Group::ffdhe2048:
    case Group::ffdhe3072:
    case Group::ffdhe4096:
    case Group::ffdhe6144:
    case Group::ffdhe8192:
      return ffdhe_group(static_cast<Group>(code))->name;
  }
  return nullptr;
}

bool group_is_elliptic(uint16_t code) {
  switch (static_cast<Group>(code)) {
    case Group::secp256r1:
    case Group::secp384r1:
    case Group::secp521r1:
    case Group::x25519:
    case Group::x448:
      return true;
    default:
      return false;
  }
}

bool group_implemented(uint16_t code) {
  return group_name(code) != nullptr;
}

struct KeyShare::Key {
  EvpPkeyPtr pkey;
};

KeyShare::KeyShare() = default;
KeyShare::KeyShare(KeyShare&&) noexcept = default;
KeyShare& KeyShare::operator=(KeyShare&&) noexcept = default;
KeyShare::~KeyShare() = default;

std::optional<KeyShare> KeyShare::generate(Group group, Random& random) {
  ErrorQueueMark mark;
  KeyShare share;
  share.group_ = group;
  share.key_ = std::make_unique<Key>();
  if (const XdhCurve* xdh = xdh_curve(group)) {
    std::array<uint8_t, kMaxXdhSize> bytes{};
    std::span<uint8_t> private_key(bytes.data(), xdh->size);
    if (random.fill(private_key)) {
      share.key_->pkey = xdh_from_private(*xdh, private_key, share.public_key_);
    }
    OPENSSL_cleanse(bytes.data(), bytes.size());
  } else if (const FfdheGroup* ffdhe = ffdhe_group(group)) {
    share.key_->pkey = ffdhe_generate(*ffdhe, random, share.public_key_);
  } else if (const NistCurve* curve = nist_curve(group)) {
    if (group_of(*curve) == nullptr) return std::nullopt;
    BnPtr scalar = draw_scalar(*curve, random);
    if (scalar) share.key_->pkey = nist_from_private(*curve, scalar.get(), share.public_key_);
  }
  if (!share.key_->pkey) return std::nullopt;
  return share;
}

std::optional<SharedSecret> KeyShare::derive(std::span<const uint8_t> peer_public) const {
  if (!key_ || !key_->pkey) return std::nullopt;
  ErrorQueueMark mark;
  EvpPkeyPtr peer = peer_key(group_, key_->pkey.get(), peer_public);
  if (!peer) return std::nullopt;
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey.get(), nullptr));
  // The peer was validated while decoding (see peer_key), so no second check.
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 0) != 1) {
    return std::nullopt;
  }
  // RFC 8446 section 7.4.1: the FFDHE secret keeps p's size, leading zeros
  // included (libcrypto strips them unless asked not to).
  const FfdheGroup* ffdhe = ffdhe_group(group_);
  if (ffdhe != nullptr && EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) != 1) return std::nullopt;
  size_t length = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1 || length == 0) return std::nullopt;
  SharedSecret secret(length);
  if (EVP_PKEY_derive(ctx.get(), secret.mutable_span().data(), &length) != 1 ||
      length > secret.size() || (ffdhe != nullptr && length != ffdhe->size)) {
    return std::nullopt;
  }
  secret.shrink(length);
  // RFC 8446 section 7.4.2, RFC 8422 section 5.11, RFC 7748 section 6: an
  // all-zero X25519/X448 result means the peer sent a small-order point; abort.
  if (const XdhCurve* xdh = xdh_curve(group_)) {
    static constexpr std::array<uint8_t, kMaxXdhSize> kZero{};
    if (length != xdh->size || CRYPTO_memcmp(secret.span().data(), kZero.data(), length) == 0) {
      return std::nullopt;
    }
  }
  return secret;
}

}  // namespace adieu::crypto
