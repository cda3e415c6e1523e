// Group lists (SSL_CTX_set1_groups_list, SSL_CTX_set1_groups) read as
// OpenSSL 3.0's tls1_set_groups_list does: each name must be one of the
// groups its default provider knows, by TLS name or by curve name, matched
// case-sensitively; an unknown name, an empty one or a repeated group refuses
// the whole list (3.0 has no "?" prefix: "?name" is an unknown name). A list
// keeps the groups adieu's engine implements; the others (the legacy binary
// and brainpool curves) are accepted as OpenSSL accepts them and left out of
// the handshake.
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>

#include <cstring>
#include <vector>

#include "compat/internal.h"

namespace adieu::compat {
namespace {

struct GroupName {
  const char* tls_name;
  const char* real_name;  // the curve's short name: its NID
  const char* engine;     // the engine's name for it, nullptr: not implemented
};

// providers/common/capabilities.c (OpenSSL 3.0), aliases included.
constexpr GroupName kGroups[] = {
    {"secp192r1", "prime192v1", nullptr},
    {"P-192", "prime192v1", nullptr},
    {"secp224r1", "secp224r1", nullptr},
    {"P-224", "secp224r1", nullptr},
    {"secp256r1", "prime256v1", "P-256"},
    {"P-256", "prime256v1", "P-256"},
    {"secp384r1", "secp384r1", "P-384"},
    {"P-384", "secp384r1", "P-384"},
    {"secp521r1", "secp521r1", "P-521"},
    {"P-521", "secp521r1", "P-521"},
    {"x25519", "X25519", "X25519"},
    {"x448", "X448", "X448"},
    {"ffdhe2048", "ffdhe2048", "ffdhe2048"},
    {"ffdhe3072", "ffdhe3072", "ffdhe3072"},
    {"ffdhe4096", "ffdhe4096", "ffdhe4096"},
    {"ffdhe6144", "ffdhe6144", "ffdhe6144"},
    {"ffdhe8192", "ffdhe8192", "ffdhe8192"},
    {"sect163k1", "sect163k1", nullptr},
    {"K-163", "sect163k1", nullptr},
    {"sect163r1", "sect163r1", nullptr},
    {"sect163r2", "sect163r2", nullptr},
    {"B-163", "sect163r2", nullptr},
    {"sect193r1", "sect193r1", nullptr},
    {"sect193r2", "sect193r2", nullptr},
    {"sect233k1", "sect233k1", nullptr},
    {"K-233", "sect233k1", nullptr},
    {"sect233r1", "sect233r1", nullptr},
    {"B-233", "sect233r1", nullptr},
    {"sect239k1", "sect239k1", nullptr},
    {"sect283k1", "sect283k1", nullptr},
    {"K-283", "sect283k1", nullptr},
    {"sect283r1", "sect283r1", nullptr},
    {"B-283", "sect283r1", nullptr},
    {"sect409k1", "sect409k1", nullptr},
    {"K-409", "sect409k1", nullptr},
    {"sect409r1", "sect409r1", nullptr},
    {"B-409", "sect409r1", nullptr},
    {"sect571k1", "sect571k1", nullptr},
    {"K-571", "sect571k1", nullptr},
    {"sect571r1", "sect571r1", nullptr},
    {"B-571", "sect571r1", nullptr},
    {"secp160k1", "secp160k1", nullptr},
    {"secp160r1", "secp160r1", nullptr},
    {"secp160r2", "secp160r2", nullptr},
    {"secp192k1", "secp192k1", nullptr},
    {"secp224k1", "secp224k1", nullptr},
    {"secp256k1", "secp256k1", nullptr},
    {"brainpoolP256r1", "brainpoolP256r1", nullptr},
    {"brainpoolP384r1", "brainpoolP384r1", nullptr},
    {"brainpoolP512r1", "brainpoolP512r1", nullptr},
};

const GroupName* by_name(const std::string& name) {
  for (const GroupName& g : kGroups) {
    if (name == g.tls_name || name == g.real_name) return &g;
  }
  return nullptr;
}

const GroupName* by_nid(int nid) {
  for (const GroupName& g : kGroups) {
    if (OBJ_sn2nid(g.real_name) == nid) return &g;
  }
  return nullptr;
}

// The engine's list for these groups (in order); kNoEngineGroup when none
// of them is implemented.
std::string engine_list(const std::vector<const GroupName*>& groups) {
  std::string out;
  for (const GroupName* g : groups) {
    if (g->engine == nullptr) continue;
    if (!out.empty()) out += ':';
    out += g->engine;
  }
  return out.empty() ? std::string(kNoEngineGroup) : out;
}

bool add_unique(std::vector<const GroupName*>& groups, const GroupName* g) {
  for (const GroupName* have : groups) {
    if (std::strcmp(have->real_name, g->real_name) == 0) return false;
  }
  groups.push_back(g);
  return true;
}

}  // namespace

bool parse_group_list(const char* list, std::string* engine_groups) {
  if (list == nullptr) return false;
  std::vector<const GroupName*> groups;
  const char* p = list;
  for (;;) {
    const char* end = std::strchr(p, ':');
    std::string name = end != nullptr ? std::string(p, end) : std::string(p);
    // CONF_parse_list trims blanks around each element.
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    if (name.empty()) return false;
    const GroupName* g = name.size() < 64 ? by_name(name) : nullptr;
    if (g == nullptr) {
      ERR_raise_data(ERR_LIB_SSL, ERR_R_PASSED_INVALID_ARGUMENT, "group '%s' cannot be set",
                     name.c_str());
      return false;
    }
    if (!add_unique(groups, g)) return false;
    if (end == nullptr) break;
    p = end + 1;
  }
  *engine_groups = engine_list(groups);
  return true;
}

bool parse_group_nids(const int* nids, size_t count, std::string* engine_groups) {
  if (count == 0) {
    COMPAT_RAISE(nullptr, SSL_R_BAD_LENGTH);
    return false;
  }
  if (nids == nullptr) return false;
  std::vector<const GroupName*> groups;
  for (size_t i = 0; i < count; ++i) {
    const GroupName* g = by_nid(nids[i]);
    if (g == nullptr || !add_unique(groups, g)) return false;
  }
  *engine_groups = engine_list(groups);
  return true;
}

}  // namespace adieu::compat

extern "C" {

// The TLS name OpenSSL 3.0 gives a group id (IANA); NULL for an unknown one.
const char* SSL_group_to_name(SSL* s, int id) {
  static const struct {
    int id;
    const char* name;
  } kNames[] = {{0x0017, "secp256r1"},
                {0x0018, "secp384r1"},
                {0x0019, "secp521r1"},
                {0x001d, "x25519"},
                {0x001e, "x448"},
                {0x0100, "ffdhe2048"},
                {0x0101, "ffdhe3072"},
                {0x0102, "ffdhe4096"},
                {0x0103, "ffdhe6144"},
                {0x0104, "ffdhe8192"},
                {0x001a, "brainpoolP256r1"},
                {0x001b, "brainpoolP384r1"},
                {0x001c, "brainpoolP512r1"}};
  for (const auto& n : kNames) {
    if (n.id == id) return n.name;
  }
  return nullptr;
}

}  // extern "C"

namespace adieu::compat {

int group_nid(uint16_t group) {
  switch (group) {
    case 0x001d:
      return NID_X25519;
    case 0x0017:
      return NID_X9_62_prime256v1;
    case 0x0018:
      return NID_secp384r1;
    case 0x0019:
      return NID_secp521r1;
    case 0x001e:
      return NID_X448;
    case 0x0100:
      return NID_ffdhe2048;
    case 0x0101:
      return NID_ffdhe3072;
    case 0x0102:
      return NID_ffdhe4096;
    case 0x0103:
      return NID_ffdhe6144;
    case 0x0104:
      return NID_ffdhe8192;
    default:
      return 0;
  }
}

// The share's encoding is the group's (RFC 8446 section 4.2.8.2: X25519 and
// X448 raw keys, uncompressed NIST points; section 4.2.8.1: the ffdhe
// groups' Y, big-endian): each becomes the EVP_PKEY OpenSSL keeps as
// s3.peer_tmp.
EVP_PKEY* peer_tmp_key(const SSL* s) {
  // A TLS 1.2 server of OpenSSL 3.0 frees the client's key once it derived
  // the premaster secret (tls_process_cke_ecdhe): it has none to give.
  if (s->conn == nullptr || (s->server && current_version(s) == TLS1_2_VERSION)) return nullptr;
  const std::span<const uint8_t> share = s->conn->peer_key_share();
  const int nid = group_nid(s->conn->group());
  if (share.empty() || nid == 0) return nullptr;
  if (nid == NID_X25519 || nid == NID_X448) {
    return EVP_PKEY_new_raw_public_key_ex(nullptr, OBJ_nid2sn(nid), nullptr, share.data(),
                                          share.size());
  }
  const bool dh = nid >= NID_ffdhe2048 && nid <= NID_ffdhe8192;
  ERR_set_mark();  // a share that makes no key leaves nothing on the queue
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  BIGNUM* y = dh ? BN_bin2bn(share.data(), static_cast<int>(share.size()), nullptr) : nullptr;
  OSSL_PARAM* params = nullptr;
  if (bld != nullptr && (!dh || y != nullptr) &&
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, OBJ_nid2sn(nid), 0) == 1 &&
      (dh ? OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y)
          : OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, share.data(),
                                             share.size())) == 1) {
    params = OSSL_PARAM_BLD_to_param(bld);
  }
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, dh ? "DH" : "EC", nullptr);
  if (params == nullptr || pctx == nullptr || EVP_PKEY_fromdata_init(pctx) != 1 ||
      EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    EVP_PKEY_free(key);
    key = nullptr;
  }
  EVP_PKEY_CTX_free(pctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(y);
  ERR_pop_to_mark();
  return key;
}

}  // namespace adieu::compat
