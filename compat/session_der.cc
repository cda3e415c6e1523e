// SSL_SESSION to bytes and back (i2d_SSL_SESSION, d2i_SSL_SESSION, and their
// PEM forms "SSL SESSION PARAMETERS"), for programs that keep sessions
// outside the process or copy them through their bytes (Python does).
//
// The bytes are adieu's own, not OpenSSL's ASN.1: a magic, a format version,
// then the fields, length-prefixed, read back by a bounded reader that
// refuses anything malformed, unknown or trailing. The engine's session
// inside has its own versioned byte form. As OpenSSL's, the bytes hold the
// session's secret and are not authenticated (whoever holds them may resume
// the session: keep them as secret as a private key; what a server accepts
// from the network, tickets, the engine authenticates), and they do not
// carry "not resumable": a session read back is resumable until it expires.
#include <openssl/pem.h>

#include <climits>
#include <cstring>

#include "compat/internal.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::compat {
namespace {

constexpr uint8_t kMagic[4] = {'A', 'S', 'S', 'N'};
constexpr uint8_t kFormat = 1;

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

bool cert_der(X509* x, std::vector<uint8_t>* out) {
  int n = i2d_X509(x, nullptr);
  if (n <= 0) return false;
  out->resize(static_cast<size_t>(n));
  unsigned char* p = out->data();
  return i2d_X509(x, &p) == n;
}

X509* cert_from(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x != nullptr && p != der.data() + der.size()) {
    X509_free(x);
    return nullptr;
  }
  return x;
}

bool encode_fields(const SSL_SESSION* s, std::vector<uint8_t>& out);

// magic, format, then the fields in a 24-bit length-prefixed body (so that
// bytes after it are left to the caller, as d2i functions do).
bool encode(const SSL_SESSION* s, std::vector<uint8_t>& out) {
  std::vector<uint8_t> body;
  if (!encode_fields(s, body)) return false;
  wire::Writer w(out);
  w.bytes(kMagic);
  w.u8(kFormat);
  w.vec24(body);
  OPENSSL_cleanse(body.data(), body.size());
  return body.size() < (1u << 24);
}

bool encode_fields(const SSL_SESSION* s, std::vector<uint8_t>& out) {
  wire::Writer w(out);
  w.u16(static_cast<uint16_t>(s->version));
  w.u16(s->cipher != nullptr ? s->cipher->id : 0);
  w.u32(s->ticket_lifetime_hint);
  w.u32(s->ticket_age_add);
  w.u64(static_cast<uint64_t>(s->time));
  w.u64(static_cast<uint64_t>(s->timeout));
  w.u64(static_cast<uint64_t>(s->verify_result));
  w.vec8(s->id);
  w.vec8(s->sid_ctx);
  w.vec16(s->ticket);
  w.vec8(s->ticket_nonce);
  w.vec8(s->master_key);
  w.vec16(as_bytes(s->hostname));
  w.vec16(as_bytes(s->alpn));
  std::vector<uint8_t> der;
  if (s->peer != nullptr && !cert_der(s->peer, &der)) return false;
  w.vec24(der);
  const int chain = s->peer_chain != nullptr ? sk_X509_num(s->peer_chain) : -1;
  w.u8(chain >= 0 ? 1 : 0);  // a chain, possibly empty, or none
  w.u16(static_cast<uint16_t>(chain > 0 ? chain : 0));
  for (int i = 0; i < chain; ++i) {
    if (!cert_der(sk_X509_value(s->peer_chain, i), &der)) return false;
    w.vec24(der);
  }
  std::vector<uint8_t> engine;
  if (s->engine != nullptr) engine = s->engine->to_bytes();
  w.vec24(engine);
  OPENSSL_cleanse(engine.data(), engine.size());
  return true;
}

// Fills `s` (a new session) from the body; false when it is not a whole,
// well-formed session of this format.
bool decode_fields(std::span<const uint8_t> body, SSL_SESSION* s) {
  wire::Reader r(body);
  s->version = r.u16();
  const uint16_t suite = r.u16();
  s->cipher = suite != 0 ? cipher_by_id(suite) : nullptr;
  if (suite != 0 && s->cipher == nullptr) return false;
  s->ticket_lifetime_hint = r.u32();
  s->ticket_age_add = r.u32();
  s->time = static_cast<long>(r.u64());
  s->timeout = static_cast<long>(r.u64());
  s->verify_result = static_cast<long>(r.u64());
  auto vec = [](std::span<const uint8_t> b) { return std::vector<uint8_t>(b.begin(), b.end()); };
  s->id = vec(r.vec8());
  s->sid_ctx = vec(r.vec8());
  s->ticket = vec(r.vec16());
  s->ticket_nonce = vec(r.vec8());
  s->master_key = vec(r.vec8());
  std::span<const uint8_t> host = r.vec16();
  s->hostname.assign(host.begin(), host.end());
  std::span<const uint8_t> alpn = r.vec16();
  s->alpn.assign(alpn.begin(), alpn.end());
  std::span<const uint8_t> peer = r.vec24();
  if (!r.ok() || s->id.size() > SSL_MAX_SSL_SESSION_ID_LENGTH ||
      s->sid_ctx.size() > SSL_MAX_SID_CTX_LENGTH) {
    return false;
  }
  if (!peer.empty() && (s->peer = cert_from(peer)) == nullptr) return false;
  const uint8_t has_chain = r.u8();
  const uint16_t chain = r.u16();
  if (has_chain > 1 || (has_chain == 0 && chain != 0)) return false;
  if (has_chain == 1 && (s->peer_chain = sk_X509_new_null()) == nullptr) return false;
  for (uint16_t i = 0; i < chain; ++i) {
    std::span<const uint8_t> der = r.vec24();
    X509* x = r.ok() ? cert_from(der) : nullptr;
    if (x == nullptr) return false;
    if (sk_X509_push(s->peer_chain, x) <= 0) {
      X509_free(x);
      return false;
    }
  }
  std::span<const uint8_t> engine = r.vec24();
  if (!r.done()) return false;
  if (!engine.empty() && (s->engine = adieu::Session::from_bytes(engine)) == nullptr) return false;
  return true;
}

// The session at the start of `bytes`: its length in *used, or 0.
bool decode(std::span<const uint8_t> bytes, SSL_SESSION* s, size_t* used) {
  wire::Reader r(bytes);
  std::span<const uint8_t> magic = r.bytes(sizeof(kMagic));
  if (!r.ok() || std::memcmp(magic.data(), kMagic, sizeof(kMagic)) != 0) return false;
  if (r.u8() != kFormat) return false;
  std::span<const uint8_t> body = r.vec24();
  if (!r.ok() || !decode_fields(body, s)) return false;
  *used = r.position();
  return true;
}

}  // namespace
}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

// OpenSSL's i2d convention: the length; with pp, the bytes written at *pp
// and *pp moved past them.
static int i2d_SSL_SESSION_body(const SSL_SESSION* in, unsigned char** pp) {
  if (in == nullptr) return 0;
  std::vector<uint8_t> out;
  if (!encode(in, out) || out.size() > INT_MAX) {
    OPENSSL_cleanse(out.data(), out.size());
    ERR_raise(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR);
    return 0;
  }
  const int n = static_cast<int>(out.size());
  if (pp != nullptr) {
    if (*pp == nullptr) {
      *pp = static_cast<unsigned char*>(OPENSSL_malloc(out.size()));
      if (*pp == nullptr) {
        OPENSSL_cleanse(out.data(), out.size());
        ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
        return 0;
      }
      std::memcpy(*pp, out.data(), out.size());  // OpenSSL leaves *pp at the start
    } else {
      std::memcpy(*pp, out.data(), out.size());
      *pp += n;
    }
  }
  OPENSSL_cleanse(out.data(), out.size());
  return n;
}
int i2d_SSL_SESSION(const SSL_SESSION* in, unsigned char** pp) {
  return guard<int>(nullptr, 0, [&] { return i2d_SSL_SESSION_body(in, pp); });
}

static SSL_SESSION* d2i_SSL_SESSION_body(SSL_SESSION** a, const unsigned char** pp, long length) {
  if (pp == nullptr || *pp == nullptr || length <= 0) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    return nullptr;
  }
  SSL_SESSION* s = session_new();
  if (s == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_MALLOC_FAILURE);
    return nullptr;
  }
  std::span<const uint8_t> bytes(*pp, static_cast<size_t>(length));
  size_t used = 0;
  if (!decode(bytes, s, &used)) {
    SSL_SESSION_free(s);
    ERR_raise(ERR_LIB_SSL, SSL_R_BAD_DATA);
    return nullptr;
  }
  *pp += used;
  if (a != nullptr) {
    SSL_SESSION_free(*a);
    *a = s;
  }
  return s;
}
SSL_SESSION* d2i_SSL_SESSION(SSL_SESSION** a, const unsigned char** pp, long length) {
  return guard<SSL_SESSION*>(nullptr, nullptr, [&] { return d2i_SSL_SESSION_body(a, pp, length); });
}

SSL_SESSION* PEM_read_bio_SSL_SESSION(BIO* bp, SSL_SESSION** x, pem_password_cb* cb, void* u) {
  return static_cast<SSL_SESSION*>(
      PEM_ASN1_read_bio(reinterpret_cast<d2i_of_void*>(d2i_SSL_SESSION), PEM_STRING_SSL_SESSION, bp,
                        reinterpret_cast<void**>(x), cb, u));
}

int PEM_write_bio_SSL_SESSION(BIO* bp, const SSL_SESSION* x) {
  return PEM_ASN1_write_bio(reinterpret_cast<i2d_of_void*>(i2d_SSL_SESSION), PEM_STRING_SSL_SESSION,
                            bp, x, nullptr, nullptr, 0, nullptr, nullptr);
}

}  // extern "C"
