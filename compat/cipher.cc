// SSL_CIPHER and cipher lists: the nine suites adieu implements (three TLS
// 1.3, six TLS 1.2: ECDHE with AES-GCM or ChaCha20-Poly1305), described the
// way OpenSSL 3.0 describes them, and OpenSSL's cipher strings
// (SSL_CTX_set_cipher_list(3), ciphers(1)) evaluated as ssl/ssl_ciph.c does:
// the same aliases and masks, the same list operations (add, move to the
// end, delete, kill, @STRENGTH), the same errors.
//
// OpenSSL evaluates a cipher string over its ~140 TLS 1.2-and-older suites.
// Every operation moves or removes each matching suite on its own and keeps
// the others' order, so evaluating over adieu's six gives exactly OpenSSL's
// result restricted to them; an alias or a suite name adieu does not know
// selects none of the six in OpenSSL either.
#include <openssl/obj_mac.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "compat/internal.h"

namespace adieu::compat {
namespace {

// OpenSSL's masks (ssl/ssl_local.h).
constexpr uint32_t kRSA = 0x1, kDHE = 0x2, kECDHE = 0x4, kPSK = 0x8, kGOST = 0x10, kSRP = 0x20,
                   kRSAPSK = 0x40, kECDHEPSK = 0x80, kDHEPSK = 0x100, kGOST18 = 0x200;
constexpr uint32_t kPSKAll = kPSK | kRSAPSK | kECDHEPSK | kDHEPSK;
constexpr uint32_t aRSA = 0x1, aDSS = 0x2, aNULL = 0x4, aECDSA = 0x8, aPSK = 0x10, aGOST01 = 0x20,
                   aSRP = 0x40, aGOST12 = 0x80;
constexpr uint32_t eDES = 0x1, e3DES = 0x2, eRC4 = 0x4, eRC2 = 0x8, eIDEA = 0x10, eNULL = 0x20,
                   eAES128 = 0x40, eAES256 = 0x80, eCAMELLIA128 = 0x100, eCAMELLIA256 = 0x200,
                   eGOST89 = 0x400, eSEED = 0x800, eAES128GCM = 0x1000, eAES256GCM = 0x2000,
                   eAES128CCM = 0x4000, eAES256CCM = 0x8000, eAES128CCM8 = 0x10000,
                   eAES256CCM8 = 0x20000, eGOST8912 = 0x40000, eCHACHA20POLY1305 = 0x80000,
                   eARIA128GCM = 0x100000, eARIA256GCM = 0x200000, eMAGMA = 0x400000,
                   eKUZNYECHIK = 0x800000;
constexpr uint32_t eAESGCM = eAES128GCM | eAES256GCM;
constexpr uint32_t eAESCCM = eAES128CCM | eAES256CCM | eAES128CCM8 | eAES256CCM8;
constexpr uint32_t eAES = eAES128 | eAES256 | eAESGCM | eAESCCM;
constexpr uint32_t eCAMELLIA = eCAMELLIA128 | eCAMELLIA256;
constexpr uint32_t eARIA = eARIA128GCM | eARIA256GCM;
constexpr uint32_t eCBC = eDES | e3DES | eRC2 | eIDEA | eAES128 | eAES256 | eCAMELLIA128 |
                          eCAMELLIA256 | eSEED | eMAGMA | eKUZNYECHIK;
constexpr uint32_t mMD5 = 0x1, mSHA1 = 0x2, mGOST94 = 0x4, mGOST89MAC = 0x8, mSHA256 = 0x10,
                   mSHA384 = 0x20, mAEAD = 0x40, mGOST12_256 = 0x80, mGOST89MAC12 = 0x100;
constexpr uint32_t sLOW = 0x2, sMEDIUM = 0x4, sHIGH = 0x8, sFIPS = 0x10, sNOT_DEFAULT = 0x20;
constexpr uint32_t kStrongMask = 0x1f, kDefaultMask = 0x20;

// The TLS 1.3 suites (RFC 8446 B.4), then the TLS 1.2 ones in OpenSSL's
// default order (ssl_create_cipher_list's sorting: by strength, GCM before
// ChaCha20, ECDSA before RSA).
const SSL_CIPHER kCiphers[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", TLS1_3_VERSION, 0, 0, eAES128GCM,
     mAEAD, sHIGH, 128, NID_aes_128_gcm, NID_sha256, NID_kx_any, NID_auth_any, "any", "any",
     "AESGCM(128)"},
    {0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", TLS1_3_VERSION, 0, 0, eAES256GCM,
     mAEAD, sHIGH, 256, NID_aes_256_gcm, NID_sha384, NID_kx_any, NID_auth_any, "any", "any",
     "AESGCM(256)"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", TLS1_3_VERSION, 0, 0,
     eCHACHA20POLY1305, mAEAD, sHIGH, 256, NID_chacha20_poly1305, NID_sha256, NID_kx_any,
     NID_auth_any, "any", "any", "CHACHA20/POLY1305(256)"},
    {0xc02c, "ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
     TLS1_2_VERSION, kECDHE, aECDSA, eAES256GCM, mAEAD, sHIGH | sFIPS, 256, NID_aes_256_gcm,
     NID_sha384, NID_kx_ecdhe, NID_auth_ecdsa, "ECDH", "ECDSA", "AESGCM(256)"},
    {0xc030, "ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", TLS1_2_VERSION,
     kECDHE, aRSA, eAES256GCM, mAEAD, sHIGH | sFIPS, 256, NID_aes_256_gcm, NID_sha384, NID_kx_ecdhe,
     NID_auth_rsa, "ECDH", "RSA", "AESGCM(256)"},
    {0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
     TLS1_2_VERSION, kECDHE, aECDSA, eCHACHA20POLY1305, mAEAD, sHIGH, 256, NID_chacha20_poly1305,
     NID_sha256, NID_kx_ecdhe, NID_auth_ecdsa, "ECDH", "ECDSA", "CHACHA20/POLY1305(256)"},
    {0xcca8, "ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
     TLS1_2_VERSION, kECDHE, aRSA, eCHACHA20POLY1305, mAEAD, sHIGH, 256, NID_chacha20_poly1305,
     NID_sha256, NID_kx_ecdhe, NID_auth_rsa, "ECDH", "RSA", "CHACHA20/POLY1305(256)"},
    {0xc02b, "ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
     TLS1_2_VERSION, kECDHE, aECDSA, eAES128GCM, mAEAD, sHIGH | sFIPS, 128, NID_aes_128_gcm,
     NID_sha256, NID_kx_ecdhe, NID_auth_ecdsa, "ECDH", "ECDSA", "AESGCM(128)"},
    {0xc02f, "ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", TLS1_2_VERSION,
     kECDHE, aRSA, eAES128GCM, mAEAD, sHIGH | sFIPS, 128, NID_aes_128_gcm, NID_sha256, NID_kx_ecdhe,
     NID_auth_rsa, "ECDH", "RSA", "AESGCM(128)"},
};
constexpr size_t kTls13Count = 3;
constexpr size_t kTls12Count = 6;
const SSL_CIPHER* const kTls12 = kCiphers + kTls13Count;

// OpenSSL 3.0's TLS_DEFAULT_CIPHERSUITES order: TLS_AES_256_GCM_SHA384 first.
const SSL_CIPHER* const kDefaultTls13[] = {&kCiphers[1], &kCiphers[2], &kCiphers[0]};

// cipher_aliases of ssl/ssl_ciph.c (OpenSSL 3.0): a name and the masks it
// selects on (0 = any).
struct Alias {
  const char* name;
  uint32_t mkey, auth, enc, mac;
  int min_tls;
  uint32_t strength;
};
const Alias kAliases[] = {
    {"ALL", 0, 0, ~eNULL, 0, 0, 0},
    {"COMPLEMENTOFALL", 0, 0, eNULL, 0, 0, 0},
    {"COMPLEMENTOFDEFAULT", 0, 0, 0, 0, 0, sNOT_DEFAULT},
    {"kRSA", kRSA, 0, 0, 0, 0, 0},
    {"kEDH", kDHE, 0, 0, 0, 0, 0},
    {"kDHE", kDHE, 0, 0, 0, 0, 0},
    {"DH", kDHE, 0, 0, 0, 0, 0},
    {"kEECDH", kECDHE, 0, 0, 0, 0, 0},
    {"kECDHE", kECDHE, 0, 0, 0, 0, 0},
    {"ECDH", kECDHE, 0, 0, 0, 0, 0},
    {"kPSK", kPSK, 0, 0, 0, 0, 0},
    {"kRSAPSK", kRSAPSK, 0, 0, 0, 0, 0},
    {"kECDHEPSK", kECDHEPSK, 0, 0, 0, 0, 0},
    {"kDHEPSK", kDHEPSK, 0, 0, 0, 0, 0},
    {"kSRP", kSRP, 0, 0, 0, 0, 0},
    {"kGOST", kGOST, 0, 0, 0, 0, 0},
    {"kGOST18", kGOST18, 0, 0, 0, 0, 0},
    {"aRSA", 0, aRSA, 0, 0, 0, 0},
    {"aDSS", 0, aDSS, 0, 0, 0, 0},
    {"DSS", 0, aDSS, 0, 0, 0, 0},
    {"aNULL", 0, aNULL, 0, 0, 0, 0},
    {"aECDSA", 0, aECDSA, 0, 0, 0, 0},
    {"ECDSA", 0, aECDSA, 0, 0, 0, 0},
    {"aPSK", 0, aPSK, 0, 0, 0, 0},
    {"aGOST01", 0, aGOST01, 0, 0, 0, 0},
    {"aGOST12", 0, aGOST12, 0, 0, 0, 0},
    {"aGOST", 0, aGOST01 | aGOST12, 0, 0, 0, 0},
    {"aSRP", 0, aSRP, 0, 0, 0, 0},
    {"EDH", kDHE, ~aNULL, 0, 0, 0, 0},
    {"DHE", kDHE, ~aNULL, 0, 0, 0, 0},
    {"EECDH", kECDHE, ~aNULL, 0, 0, 0, 0},
    {"ECDHE", kECDHE, ~aNULL, 0, 0, 0, 0},
    {"NULL", 0, 0, eNULL, 0, 0, 0},
    {"RSA", kRSA, aRSA, 0, 0, 0, 0},
    {"ADH", kDHE, aNULL, 0, 0, 0, 0},
    {"AECDH", kECDHE, aNULL, 0, 0, 0, 0},
    {"PSK", kPSKAll, 0, 0, 0, 0, 0},
    {"SRP", kSRP, 0, 0, 0, 0, 0},
    {"3DES", 0, 0, e3DES, 0, 0, 0},
    {"RC4", 0, 0, eRC4, 0, 0, 0},
    {"RC2", 0, 0, eRC2, 0, 0, 0},
    {"IDEA", 0, 0, eIDEA, 0, 0, 0},
    {"SEED", 0, 0, eSEED, 0, 0, 0},
    {"eNULL", 0, 0, eNULL, 0, 0, 0},
    {"GOST89", 0, 0, eGOST89 | eGOST8912, 0, 0, 0},
    {"AES128", 0, 0, eAES128 | eAES128GCM | eAES128CCM | eAES128CCM8, 0, 0, 0},
    {"AES256", 0, 0, eAES256 | eAES256GCM | eAES256CCM | eAES256CCM8, 0, 0, 0},
    {"AES", 0, 0, eAES, 0, 0, 0},
    {"AESGCM", 0, 0, eAESGCM, 0, 0, 0},
    {"AESCCM", 0, 0, eAESCCM, 0, 0, 0},
    {"AESCCM8", 0, 0, eAES128CCM8 | eAES256CCM8, 0, 0, 0},
    {"CAMELLIA128", 0, 0, eCAMELLIA128, 0, 0, 0},
    {"CAMELLIA256", 0, 0, eCAMELLIA256, 0, 0, 0},
    {"CAMELLIA", 0, 0, eCAMELLIA, 0, 0, 0},
    {"CHACHA20", 0, 0, eCHACHA20POLY1305, 0, 0, 0},
    {"GOST2012-GOST8912-GOST8912", 0, 0, eGOST8912, 0, 0, 0},
    {"ARIA", 0, 0, eARIA, 0, 0, 0},
    {"ARIAGCM", 0, 0, eARIA128GCM | eARIA256GCM, 0, 0, 0},
    {"ARIA128", 0, 0, eARIA128GCM, 0, 0, 0},
    {"ARIA256", 0, 0, eARIA256GCM, 0, 0, 0},
    {"CBC", 0, 0, eCBC, 0, 0, 0},
    {"MD5", 0, 0, 0, mMD5, 0, 0},
    {"SHA1", 0, 0, 0, mSHA1, 0, 0},
    {"SHA", 0, 0, 0, mSHA1, 0, 0},
    {"GOST94", 0, 0, 0, mGOST94, 0, 0},
    {"GOST89MAC", 0, 0, 0, mGOST89MAC | mGOST89MAC12, 0, 0},
    {"SHA256", 0, 0, 0, mSHA256, 0, 0},
    {"SHA384", 0, 0, 0, mSHA384, 0, 0},
    {"GOST12", 0, 0, 0, mGOST12_256, 0, 0},
    {"SSLv3", 0, 0, 0, 0, SSL3_VERSION, 0},
    {"TLSv1", 0, 0, 0, 0, TLS1_VERSION, 0},
    {"TLSv1.0", 0, 0, 0, 0, TLS1_VERSION, 0},
    {"TLSv1.2", 0, 0, 0, 0, TLS1_2_VERSION, 0},
    {"LOW", 0, 0, 0, 0, 0, sLOW},
    {"MEDIUM", 0, 0, 0, 0, 0, sMEDIUM},
    {"HIGH", 0, 0, 0, 0, 0, sHIGH},
    {"FIPS", 0, 0, ~eNULL, 0, 0, sFIPS},
};

// OSSL_default_cipher_list().
constexpr char kDefaultRule[] = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";

// SSL_CERT_FLAG_SUITEB_* (include/openssl/ssl.h).
constexpr uint32_t kSuiteB128Only = SSL_CERT_FLAG_SUITEB_128_LOS_ONLY;
constexpr uint32_t kSuiteB192 = SSL_CERT_FLAG_SUITEB_192_LOS;
constexpr uint32_t kSuiteB128 = SSL_CERT_FLAG_SUITEB_128_LOS;

bool item_separator(char c) {
  return c == ':' || c == ' ' || c == ';' || c == ',';
}
bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
         c == '.' || c == '=';
}

// A rule's selection (ssl_cipher_apply_rule's arguments).
struct Selection {
  uint16_t cipher_id = 0;
  uint32_t mkey = 0, auth = 0, enc = 0, mac = 0, strength = 0;
  int min_tls = 0;
  int strength_bits = -1;  // >= 0: select on strength alone (@STRENGTH)

  bool matches(const SSL_CIPHER* c) const {
    if (strength_bits >= 0) return c->bits == strength_bits;
    if (cipher_id != 0 && cipher_id != c->id) return false;
    if (mkey != 0 && (mkey & c->mkey) == 0) return false;
    if (auth != 0 && (auth & c->auth) == 0) return false;
    if (enc != 0 && (enc & c->enc) == 0) return false;
    if (mac != 0 && (mac & c->mac) == 0) return false;
    if (min_tls != 0 && min_tls != c->version) return false;
    if ((strength & kStrongMask) != 0 && (strength & kStrongMask & c->strength) == 0) return false;
    if ((strength & kDefaultMask) != 0 && (strength & kDefaultMask & c->strength) == 0)
      return false;
    return true;
  }
};

enum class Rule { add, kill, del, ord };

// OpenSSL's CIPHER_ORDER list over the six TLS 1.2 suites: every suite not
// killed, in order; the active ones are the result.
class OrderList {
 public:
  OrderList() {
    for (size_t i = 0; i < kTls12Count; ++i) order_.push_back(&kTls12[i]);
  }

  void apply(Rule rule, const Selection& sel) {
    const std::vector<const SSL_CIPHER*> snapshot = order_;
    if (rule == Rule::del) {  // in reverse, each to the head: order kept
      for (auto it = snapshot.rbegin(); it != snapshot.rend(); ++it) {
        if (sel.matches(*it) && active(*it)) {
          move_to_head(*it);
          set_active(*it, false);
        }
      }
      return;
    }
    for (const SSL_CIPHER* c : snapshot) {
      if (!sel.matches(c)) continue;
      if (rule == Rule::add) {
        if (!active(c)) {
          move_to_tail(c);
          set_active(c, true);
        }
      } else if (rule == Rule::ord) {
        if (active(c)) move_to_tail(c);
      } else {  // kill: out of the list for good
        order_.erase(std::find(order_.begin(), order_.end(), c));
        set_active(c, false);
      }
    }
  }

  // ssl_cipher_strength_sort: the active suites by strength, strongest first,
  // keeping the order within a strength.
  bool strength_sort() {
    int max_bits = 0;
    for (const SSL_CIPHER* c : order_) {
      if (active(c)) max_bits = std::max(max_bits, c->bits);
    }
    for (int bits = max_bits; bits >= 0; --bits) {
      bool used = false;
      for (const SSL_CIPHER* c : order_) used = used || (active(c) && c->bits == bits);
      if (!used) continue;
      Selection sel;
      sel.strength_bits = bits;
      apply(Rule::ord, sel);
    }
    return true;
  }

  std::vector<const SSL_CIPHER*> result() const {
    std::vector<const SSL_CIPHER*> out;
    for (const SSL_CIPHER* c : order_) {
      if (active(c)) out.push_back(c);
    }
    return out;
  }

 private:
  bool active(const SSL_CIPHER* c) const { return active_[static_cast<size_t>(c - kTls12)]; }
  void set_active(const SSL_CIPHER* c, bool on) { active_[static_cast<size_t>(c - kTls12)] = on; }
  void move_to_tail(const SSL_CIPHER* c) {
    order_.erase(std::find(order_.begin(), order_.end(), c));
    order_.push_back(c);
  }
  void move_to_head(const SSL_CIPHER* c) {
    order_.erase(std::find(order_.begin(), order_.end(), c));
    order_.insert(order_.begin(), c);
  }

  std::vector<const SSL_CIPHER*> order_;
  bool active_[kTls12Count] = {};
};

// One entry of OpenSSL's ca_list: a suite (by its OpenSSL name) or an alias.
struct Found {
  const SSL_CIPHER* cipher = nullptr;
  const Alias* alias = nullptr;
};

Found lookup(const char* name, size_t len) {
  Found f;
  for (size_t i = 0; i < kTls12Count; ++i) {
    if (strlen(kTls12[i].name) == len && strncmp(kTls12[i].name, name, len) == 0) {
      f.cipher = &kTls12[i];
      return f;
    }
  }
  for (const Alias& a : kAliases) {
    if (strlen(a.name) == len && strncmp(a.name, name, len) == 0) {
      f.alias = &a;
      return f;
    }
  }
  return f;
}

// Intersects one mask of a multi-part selection ("A+B"): false when nothing
// is left.
bool narrow(uint32_t* mask, uint32_t with) {
  if (with == 0) return true;
  if (*mask == 0) {
    *mask = with;
    return true;
  }
  *mask &= with;
  return *mask != 0;
}

// ssl_cipher_process_rulestr. False (with SSL_R_INVALID_COMMAND on the error
// queue) on a malformed string; the list then stays as it was.
bool process_rule_string(const char* rule_str, OrderList& list, int* security_level) {
  bool ok = true;
  const char* l = rule_str;
  for (;;) {
    char ch = *l;
    if (ch == '\0') break;
    Rule rule = Rule::add;
    bool special = false;
    if (ch == '-') {
      rule = Rule::del;
      ++l;
    } else if (ch == '+') {
      rule = Rule::ord;
      ++l;
    } else if (ch == '!') {
      rule = Rule::kill;
      ++l;
    } else if (ch == '@') {
      special = true;
      ++l;
    }
    if (item_separator(ch)) {
      ++l;
      continue;
    }
    Selection sel;
    bool found = false;
    const char* buf = l;
    size_t buflen = 0;
    for (;;) {
      ch = *l;
      buf = l;
      buflen = 0;
      while (name_char(ch)) {
        ch = *++l;
        ++buflen;
      }
      if (buflen == 0) {
        // Neither a command, a separator nor a name: OpenSSL 3.0 gives up here.
        ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_COMMAND);
        return false;
      }
      if (special) break;
      const bool multi = ch == '+';
      if (multi) ++l;
      sel.cipher_id = 0;
      const Found entry = lookup(buf, buflen);
      found = entry.cipher != nullptr || entry.alias != nullptr;
      if (!found) break;
      uint32_t mkey, auth, enc, mac, strength;
      int min_tls;
      if (entry.cipher != nullptr) {
        const SSL_CIPHER* c = entry.cipher;
        mkey = c->mkey, auth = c->auth, enc = c->enc, mac = c->mac, strength = c->strength;
        min_tls = 0;  // an explicit suite's version is not part of the pattern
      } else {
        const Alias* a = entry.alias;
        mkey = a->mkey, auth = a->auth, enc = a->enc, mac = a->mac, strength = a->strength;
        min_tls = a->min_tls;
      }
      if (!narrow(&sel.mkey, mkey) || !narrow(&sel.auth, auth) || !narrow(&sel.enc, enc) ||
          !narrow(&sel.mac, mac)) {
        found = false;
        break;
      }
      if ((strength & kStrongMask) != 0) {
        if ((sel.strength & kStrongMask) != 0) {
          sel.strength &= (strength & kStrongMask) | ~kStrongMask;
          if ((sel.strength & kStrongMask) == 0) {
            found = false;
            break;
          }
        } else {
          sel.strength = strength & kStrongMask;
        }
      }
      if ((strength & kDefaultMask) != 0) {
        if ((sel.strength & kDefaultMask) != 0) {
          sel.strength &= (strength & kDefaultMask) | ~kDefaultMask;
          if ((sel.strength & kDefaultMask) == 0) {
            found = false;
            break;
          }
        } else {
          sel.strength |= strength & kDefaultMask;
        }
      }
      if (entry.cipher != nullptr) {
        sel.cipher_id = entry.cipher->id;
      } else if (min_tls != 0) {
        if (sel.min_tls != 0 && sel.min_tls != min_tls) {
          found = false;
          break;
        }
        sel.min_tls = min_tls;
      }
      if (!multi) break;
    }
    if (special) {
      bool done = false;
      if (buflen == 8 && strncmp(buf, "STRENGTH", 8) == 0) {
        done = list.strength_sort();
      } else if (buflen == 10 && strncmp(buf, "SECLEVEL=", 9) == 0) {
        int level = buf[9] - '0';
        if (level < 0 || level > 5) {
          ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_COMMAND);
        } else {
          *security_level = level;
          done = true;
        }
      } else {
        ERR_raise(ERR_LIB_SSL, SSL_R_INVALID_COMMAND);
      }
      if (!done) ok = false;
      // Nothing may follow an @ command in its item.
      while (*l != '\0' && !item_separator(*l)) ++l;
    } else if (found) {
      list.apply(rule, sel);
    } else {
      while (*l != '\0' && !item_separator(*l)) ++l;
    }
    if (*l == '\0') break;
  }
  return ok;
}

// ssl_create_cipher_list for the TLS 1.2 part. False on a malformed string
// (nothing changed); otherwise `c` holds the new list, empty when nothing
// matched.
bool create_cipher_list(Ciphers& c, const char* str) {
  // Suite B (check_suiteb_cipher_list): a SUITEB prefix sets the mode, which
  // stays for later strings, and replaces the whole string.
  uint32_t suiteb = 0;
  bool comb2 = false;
  if (strncmp(str, "SUITEB128ONLY", 13) == 0) {
    suiteb = kSuiteB128Only;
  } else if (strncmp(str, "SUITEB128C2", 11) == 0) {
    comb2 = true;
    suiteb = kSuiteB128;
  } else if (strncmp(str, "SUITEB128", 9) == 0) {
    suiteb = kSuiteB128;
  } else if (strncmp(str, "SUITEB192", 9) == 0) {
    suiteb = kSuiteB192;
  }
  if (suiteb != 0) {
    c.suiteb = suiteb;
  } else {
    suiteb = c.suiteb;
  }
  if (suiteb == kSuiteB128) {
    str = comb2 ? "ECDHE-ECDSA-AES256-GCM-SHA384"
                : "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
  } else if (suiteb == kSuiteB128Only) {
    str = "ECDHE-ECDSA-AES128-GCM-SHA256";
  } else if (suiteb == kSuiteB192) {
    str = "ECDHE-ECDSA-AES256-GCM-SHA384";
  }

  // @SECLEVEL takes effect at once, even in a string that fails later (it
  // is set on the CERT as the string is read).
  OrderList list;
  bool ok = true;
  const char* rest = str;
  if (strncmp(str, "DEFAULT", 7) == 0) {
    ok = process_rule_string(kDefaultRule, list, &c.security_level);
    rest += 7;
    if (*rest == ':') ++rest;
  }
  if (ok && *rest != '\0') ok = process_rule_string(rest, list, &c.security_level);
  if (!ok) return false;
  c.tls12 = list.result();
  c.rebuild_stack();
  return true;
}

// SSL_CTX_set_cipher_list / SSL_set_cipher_list: 0 with SSL_R_NO_CIPHER_MATCH
// when no TLS 1.2 suite is left (the list is changed all the same, as
// OpenSSL does: TLS 1.2 then has no suite; TLS 1.3 keeps its own).
int set_cipher_list(Ciphers& c, const char* str) {
  if (!create_cipher_list(c, str)) return 0;
  // cipher_list_tls12_num counts the whole list (a TLS 1.2 suite named by
  // SSL_CTX_set_ciphersuites too).
  const bool tls12 = !c.tls12.empty() ||
                     std::any_of(c.tls13.begin(), c.tls13.end(),
                                 [](const SSL_CIPHER* x) { return x->version != TLS1_3_VERSION; });
  if (!tls12) {
    ERR_raise(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH);
    return 0;
  }
  return 1;
}

// set_ciphersuites: IANA names separated by ':' (CONF_parse_list: blanks
// around a name are dropped). As OpenSSL 3.0: an unknown name is skipped,
// any suite's IANA name is taken (a TLS 1.2 one too, which then comes first
// in the list), repeats are kept, and only a list with no known name fails.
int set_ciphersuites(Ciphers& c, const char* str) {
  std::vector<const SSL_CIPHER*> suites;
  const char* p = str;
  while (*p != '\0') {
    const char* end = strchr(p, ':');
    if (end == nullptr) end = p + strlen(p);
    const char* b = p;
    const char* e = end;
    while (b < e && isspace(static_cast<unsigned char>(*b))) ++b;
    while (e > b && isspace(static_cast<unsigned char>(e[-1]))) --e;
    for (const SSL_CIPHER& known : kCiphers) {
      if (strlen(known.rfc_name) == static_cast<size_t>(e - b) &&
          strncmp(known.rfc_name, b, static_cast<size_t>(e - b)) == 0) {
        suites.push_back(&known);
      }
    }
    p = *end == ':' ? end + 1 : end;
  }
  if (*str != '\0' && suites.empty()) {
    ERR_raise(ERR_LIB_SSL, SSL_R_NO_CIPHER_MATCH);
    return 0;
  }
  c.tls13 = std::move(suites);
  c.rebuild_stack();
  return 1;
}

// The minimum strength of a security level (ssl_security_default_callback).
int level_bits(int level) {
  static const int kBits[] = {0, 80, 112, 128, 192, 256};
  return level <= 0 ? 0 : kBits[std::min(level, 5)];
}

}  // namespace

Ciphers::Ciphers() {
  tls13.assign(std::begin(kDefaultTls13), std::end(kDefaultTls13));
  OrderList list;
  int level = security_level;
  process_rule_string(kDefaultRule, list, &level);
  tls12 = list.result();
  rebuild_stack();
}

Ciphers::Ciphers(const Ciphers& other)
    : tls13(other.tls13),
      tls12(other.tls12),
      security_level(other.security_level),
      suiteb(other.suiteb) {
  rebuild_stack();
}

Ciphers& Ciphers::operator=(const Ciphers& other) {
  if (this != &other) {
    tls13 = other.tls13;
    tls12 = other.tls12;
    security_level = other.security_level;
    suiteb = other.suiteb;
    rebuild_stack();
  }
  return *this;
}

Ciphers::~Ciphers() {
  sk_SSL_CIPHER_free(stack);
}

// Made whenever the lists change (never on a reader's call: contexts are
// read from many threads). NULL if libcrypto cannot allocate it.
void Ciphers::rebuild_stack() {
  sk_SSL_CIPHER_free(stack);
  stack = sk_SSL_CIPHER_new_null();
  if (stack == nullptr) return;
  for (const std::vector<const SSL_CIPHER*>* part : {&tls13, &tls12}) {
    for (const SSL_CIPHER* c : *part) {
      if (sk_SSL_CIPHER_push(stack, c) == 0) {
        sk_SSL_CIPHER_free(stack);
        stack = nullptr;
        return;
      }
    }
  }
}

const SSL_CIPHER* cipher_by_id(uint16_t id) {
  for (const SSL_CIPHER& c : kCiphers) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

bool cipher_allowed(const SSL_CIPHER* c, int security_level) {
  return c->bits >= level_bits(security_level);
}

std::vector<const SSL_CIPHER*> usable_ciphers(const SSL* s, int min_version, int max_version) {
  // In the list's order, repeats included (ssl_cipher_disabled on each).
  std::vector<const SSL_CIPHER*> out;
  for (const std::vector<const SSL_CIPHER*>* part : {&s->ciphers.tls13, &s->ciphers.tls12}) {
    for (const SSL_CIPHER* c : *part) {
      if (c->version < min_version || c->version > max_version) continue;
      if (!cipher_allowed(c, s->ciphers.security_level)) continue;
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

// --- SSL_CIPHER ----------------------------------------------------------------------

const char* SSL_CIPHER_get_name(const SSL_CIPHER* c) {
  return c != nullptr ? c->name : "(NONE)";
}
const char* SSL_CIPHER_standard_name(const SSL_CIPHER* c) {
  return c != nullptr ? c->rfc_name : "(NONE)";
}
const char* SSL_CIPHER_get_version(const SSL_CIPHER* c) {
  if (c == nullptr) return "(NONE)";
  return c->version == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2";
}
int SSL_CIPHER_get_bits(const SSL_CIPHER* c, int* alg_bits) {
  if (c == nullptr) return 0;
  if (alg_bits != nullptr) *alg_bits = c->bits;
  return c->bits;
}
uint32_t SSL_CIPHER_get_id(const SSL_CIPHER* c) {
  return c != nullptr ? 0x03000000u | c->id : 0;
}
uint16_t SSL_CIPHER_get_protocol_id(const SSL_CIPHER* c) {
  return c != nullptr ? c->id : 0;
}
int SSL_CIPHER_get_cipher_nid(const SSL_CIPHER* c) {
  return c != nullptr ? c->aead_nid : NID_undef;
}
int SSL_CIPHER_get_digest_nid(const SSL_CIPHER* c) {
  return NID_undef;  // every suite is an AEAD: no record MAC
}
int SSL_CIPHER_get_kx_nid(const SSL_CIPHER* c) {
  return c != nullptr ? c->kx_nid : NID_undef;
}
int SSL_CIPHER_get_auth_nid(const SSL_CIPHER* c) {
  return c != nullptr ? c->auth_nid : NID_undef;
}
int SSL_CIPHER_is_aead(const SSL_CIPHER* c) {
  return c != nullptr ? 1 : 0;
}
const EVP_MD* SSL_CIPHER_get_handshake_digest(const SSL_CIPHER* c) {
  return c != nullptr ? EVP_get_digestbynid(c->digest_nid) : nullptr;
}

// OpenSSL 3.0's format, column for column.
char* SSL_CIPHER_description(const SSL_CIPHER* c, char* buf, int size) {
  if (c == nullptr) return nullptr;
  if (buf == nullptr) {
    size = 128;
    buf = static_cast<char*>(OPENSSL_malloc(static_cast<size_t>(size)));
    if (buf == nullptr) return nullptr;
  } else if (size < 128) {
    return nullptr;
  }
  snprintf(buf, static_cast<size_t>(size), "%-30s %-7s Kx=%-8s Au=%-5s Enc=%-22s Mac=%-4s\n",
           c->name, SSL_CIPHER_get_version(c), c->kx_text, c->auth_text, c->enc_text, "AEAD");
  return buf;
}

// The suite with this two-byte code (OpenSSL knows more; see docs/compat.md).
const SSL_CIPHER* SSL_CIPHER_find(SSL* ssl, const unsigned char* ptr) {
  if (ptr == nullptr) return nullptr;
  return cipher_by_id(static_cast<uint16_t>((ptr[0] << 8) | ptr[1]));
}

// --- Cipher lists ----------------------------------------------------------------------

static int SSL_CTX_set_cipher_list_body(SSL_CTX* ctx, const char* str) {
  if (ctx == nullptr || str == nullptr) return 0;
  load_error_strings();
  int ret = set_cipher_list(ctx->ciphers, str);
  ctx_changed(ctx);
  return ret;
}
int SSL_CTX_set_cipher_list(SSL_CTX* ctx, const char* str) {
  return guard<int>(nullptr, 0, [&] { return SSL_CTX_set_cipher_list_body(ctx, str); });
}

static int SSL_set_cipher_list_body(SSL* s, const char* str) {
  if (s == nullptr || str == nullptr) return 0;
  load_error_strings();
  int ret = set_cipher_list(s->ciphers, str);
  s->own_settings = true;
  return ret;
}
int SSL_set_cipher_list(SSL* s, const char* str) {
  return guard<int>(nullptr, 0, [&] { return SSL_set_cipher_list_body(s, str); });
}

static int SSL_CTX_set_ciphersuites_body(SSL_CTX* ctx, const char* str) {
  if (ctx == nullptr || str == nullptr) return 0;
  load_error_strings();
  int ret = set_ciphersuites(ctx->ciphers, str);
  ctx_changed(ctx);
  return ret;
}
int SSL_CTX_set_ciphersuites(SSL_CTX* ctx, const char* str) {
  return guard<int>(nullptr, 0, [&] { return SSL_CTX_set_ciphersuites_body(ctx, str); });
}

static int SSL_set_ciphersuites_body(SSL* s, const char* str) {
  if (s == nullptr || str == nullptr) return 0;
  load_error_strings();
  int ret = set_ciphersuites(s->ciphers, str);
  s->own_settings = true;
  return ret;
}
int SSL_set_ciphersuites(SSL* s, const char* str) {
  return guard<int>(nullptr, 0, [&] { return SSL_set_ciphersuites_body(s, str); });
}

STACK_OF(SSL_CIPHER) * SSL_CTX_get_ciphers(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->ciphers.stack : nullptr;
}

STACK_OF(SSL_CIPHER) * SSL_get_ciphers(const SSL* s) {
  return s != nullptr ? s->ciphers.stack : nullptr;
}

const char* SSL_get_cipher_list(const SSL* s, int n) {
  STACK_OF(SSL_CIPHER)* sk = SSL_get_ciphers(s);
  if (sk == nullptr || n < 0 || sk_SSL_CIPHER_num(sk) <= n) return nullptr;
  const SSL_CIPHER* c = sk_SSL_CIPHER_value(sk, n);
  return c != nullptr ? c->name : nullptr;
}

// The suites the SSL would offer or accept: its list, for the versions it may
// negotiate and its security level; NULL when there are none.
static STACK_OF(SSL_CIPHER) * SSL_get1_supported_ciphers_body(SSL* s) {
  if (s == nullptr) return nullptr;
  int min_version = 0, max_version = 0;
  if (!version_range(s, &min_version, &max_version)) return nullptr;
  STACK_OF(SSL_CIPHER)* sk = nullptr;
  for (const SSL_CIPHER* c : usable_ciphers(s, min_version, max_version)) {
    if (sk == nullptr && (sk = sk_SSL_CIPHER_new_null()) == nullptr) return nullptr;
    if (sk_SSL_CIPHER_push(sk, c) == 0) {
      sk_SSL_CIPHER_free(sk);
      return nullptr;
    }
  }
  return sk;
}
STACK_OF(SSL_CIPHER) * SSL_get1_supported_ciphers(SSL* s) {
  return guard<STACK_OF(SSL_CIPHER)*>(nullptr, nullptr,
                                      [&] { return SSL_get1_supported_ciphers_body(s); });
}

// --- Security level (the part cipher suites see) ------------------------------------------

void SSL_CTX_set_security_level(SSL_CTX* ctx, int level) {
  if (ctx == nullptr) return;
  ctx->ciphers.security_level = level;
  ctx_changed(ctx);
}
int SSL_CTX_get_security_level(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->ciphers.security_level : 0;
}
void SSL_set_security_level(SSL* s, int level) {
  if (s == nullptr) return;
  s->ciphers.security_level = level;
  s->own_settings = true;
}
int SSL_get_security_level(const SSL* s) {
  return s != nullptr ? s->ciphers.security_level : 0;
}

}  // extern "C"

extern "C" {

// A server's: the client's suites (its order) that it also has, by
// OpenSSL's names, colon-separated, cut to `size` as OpenSSL cuts it.
char* SSL_get_shared_ciphers(const SSL* s, char* buf, int size) {
  if (s == nullptr || buf == nullptr || !s->server || s->client_hello_ciphers.empty() || size < 2) {
    return nullptr;
  }
  STACK_OF(SSL_CIPHER)* ours = SSL_get_ciphers(s);
  if (ours == nullptr || sk_SSL_CIPHER_num(ours) == 0) return nullptr;
  char* p = buf;
  bool any = false;
  for (uint16_t id : s->client_hello_ciphers) {
    const SSL_CIPHER* c = cipher_by_id(id);
    if (c == nullptr || sk_SSL_CIPHER_find(ours, c) < 0) continue;
    const size_t n = strnlen(c->name, static_cast<size_t>(size));
    if (n >= static_cast<size_t>(size)) {
      if (p != buf) --p;
      *p = '\0';
      return buf;
    }
    memcpy(p, c->name, n);
    p += n;
    *(p++) = ':';
    size -= static_cast<int>(n + 1);
    any = true;
  }
  if (!any) return nullptr;
  p[-1] = '\0';
  return buf;
}

// OpenSSL's name of a suite given by its standard (IANA) name.
const char* OPENSSL_cipher_name(const char* rfc_name) {
  if (rfc_name == nullptr) return "(NONE)";
  for (uint16_t id : {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9}) {
    const SSL_CIPHER* c = cipher_by_id(id);
    if (c != nullptr && strcmp(c->rfc_name, rfc_name) == 0) return c->name;
  }
  return "(NONE)";
}

}  // extern "C"
