// The ctrl entry points behind OpenSSL's macros (SSL_CTX_set_mode,
// SSL_CTX_set_min_proto_version, SSL_set_tlsext_host_name,
// SSL_CTX_sess_number, ...), and the alert description strings.
#include <openssl/ec.h>

#include <cstring>

#include "compat/internal.h"

using namespace adieu::compat;

namespace {

// ssl_set_version_bound: 0 clears the bound; a TLS version is kept by a
// flexible method; a DTLS version is accepted and ignored, as is any version
// given to a version-specific method; anything else is refused.
// The curve of SSL_CTX_set_tmp_ecdh's EC_KEY (a deprecated type, whose
// functions are therefore used here only); NID_undef when there is none.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
int ec_key_curve(const void* key) {
  const EC_GROUP* group =
      key != nullptr ? EC_KEY_get0_group(static_cast<const EC_KEY*>(key)) : nullptr;
  return group != nullptr ? EC_GROUP_get_curve_name(group) : NID_undef;
}
#pragma GCC diagnostic pop

bool set_version_bound(const SSL_METHOD* method, long version, int* bound) {
  if (version == 0) {
    *bound = 0;
    return true;
  }
  const bool tls = version >= SSL3_VERSION && version <= TLS1_3_VERSION;
  const bool dtls = version == DTLS1_BAD_VER || (version >= DTLS1_2_VERSION && version <= 0xff00);
  if (!tls && !dtls) return false;
  if (method->version == TLS_ANY_VERSION && tls) *bound = static_cast<int>(version);
  return true;
}

long stat_ctrl(const adieu::compat::SessionStats& st, int cmd, bool* handled) {
  *handled = true;
  switch (cmd) {
    case SSL_CTRL_SESS_CONNECT:
      return st.connect;
    case SSL_CTRL_SESS_CONNECT_GOOD:
      return st.connect_good;
    case SSL_CTRL_SESS_CONNECT_RENEGOTIATE:
      return st.connect_renegotiate;
    case SSL_CTRL_SESS_ACCEPT:
      return st.accept;
    case SSL_CTRL_SESS_ACCEPT_GOOD:
      return st.accept_good;
    case SSL_CTRL_SESS_ACCEPT_RENEGOTIATE:
      return st.accept_renegotiate;
    case SSL_CTRL_SESS_HIT:
      return st.hits;
    case SSL_CTRL_SESS_CB_HIT:
      return st.cb_hits;
    case SSL_CTRL_SESS_MISSES:
      return st.misses;
    case SSL_CTRL_SESS_TIMEOUTS:
      return st.timeouts;
    case SSL_CTRL_SESS_CACHE_FULL:
      return st.cache_full;
    default:
      *handled = false;
      return 0;
  }
}

}  // namespace

extern "C" {

static long SSL_CTX_ctrl_body(SSL_CTX* ctx, int cmd, long larg, void* parg) {
  if (ctx == nullptr) {
    // OpenSSL answers SSL_CTRL_SET_MIN/MAX_PROTO_VERSION with a NULL context too.
    return 0;
  }
  bool handled = false;
  long stat = stat_ctrl(ctx->stats, cmd, &handled);
  if (handled) return stat;
  switch (cmd) {
    case SSL_CTRL_MODE:
      return ctx->mode |= static_cast<uint32_t>(larg);
    case SSL_CTRL_CLEAR_MODE:
      return ctx->mode &= ~static_cast<uint32_t>(larg);
    case SSL_CTRL_SET_MIN_PROTO_VERSION:
      if (!set_version_bound(ctx->method, larg, &ctx->min_version)) return 0;
      ctx_changed(ctx);
      return 1;
    case SSL_CTRL_SET_MAX_PROTO_VERSION:
      if (!set_version_bound(ctx->method, larg, &ctx->max_version)) return 0;
      ctx_changed(ctx);
      return 1;
    case SSL_CTRL_GET_MIN_PROTO_VERSION:
      return ctx->min_version;
    case SSL_CTRL_GET_MAX_PROTO_VERSION:
      return ctx->max_version;
    case SSL_CTRL_SESS_NUMBER: {
      std::lock_guard<std::recursive_mutex> guard(ctx->lock);
      return static_cast<long>(ctx->sessions.size());
    }
    case SSL_CTRL_SET_SESS_CACHE_MODE: {
      long old = ctx->session_cache_mode;
      ctx->session_cache_mode = larg;
      return old;
    }
    case SSL_CTRL_GET_SESS_CACHE_MODE:
      return ctx->session_cache_mode;
    case SSL_CTRL_SET_SESS_CACHE_SIZE: {
      if (larg < 0) return 0;
      long old = ctx->session_cache_size;
      ctx->session_cache_size = larg;
      return old;
    }
    case SSL_CTRL_GET_SESS_CACHE_SIZE:
      return ctx->session_cache_size;
    case SSL_CTRL_GET_READ_AHEAD:
      return 0;
    case SSL_CTRL_SET_READ_AHEAD:
      return 0;  // adieu always reads one record at a time
    case SSL_CTRL_GET_MAX_CERT_LIST:
      return 100 * 1024;
    case SSL_CTRL_SET_MAX_CERT_LIST:
      return 100 * 1024;
    case SSL_CTRL_SET_MAX_SEND_FRAGMENT:
      return larg >= 512 && larg <= 16384 ? 1 : 0;
    case SSL_CTRL_EXTRA_CHAIN_CERT:
    case SSL_CTRL_CHAIN_CERT: {
      X509* x = static_cast<X509*>(parg);
      if (x == nullptr) return 0;
      if (ctx->chain == nullptr) ctx->chain = sk_X509_new_null();
      if (ctx->chain == nullptr) return 0;
      // SSL_CTX_add1_chain_cert passes larg=1: take a reference of our own.
      if (cmd == SSL_CTRL_CHAIN_CERT && larg != 0) X509_up_ref(x);
      if (sk_X509_push(ctx->chain, x) == 0) return 0;
      ctx_changed(ctx);
      return 1;
    }
    case SSL_CTRL_GET_EXTRA_CHAIN_CERTS:
      if (parg != nullptr) *static_cast<STACK_OF(X509)**>(parg) = ctx->chain;
      return 1;
    case SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS:
      sk_X509_pop_free(ctx->chain, X509_free);
      ctx->chain = nullptr;
      ctx_changed(ctx);
      return 1;
    case SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG:
      ctx->servername_arg = parg;
      return 1;
    case SSL_CTRL_SET_GROUPS_LIST:
    case SSL_CTRL_SET_GROUPS: {
      std::string groups;
      if (cmd == SSL_CTRL_SET_GROUPS
              ? !parse_group_nids(static_cast<const int*>(parg), static_cast<size_t>(larg), &groups)
              : !parse_group_list(static_cast<const char*>(parg), &groups)) {
        return 0;
      }
      ctx->groups = groups;
      ctx_changed(ctx);
      return 1;
    }
    case SSL_CTRL_SET_DH_AUTO:
      return 1;
    case SSL_CTRL_SET_TMP_ECDH: {
      // OpenSSL 3.0: the key's curve becomes the only group.
      std::string groups;
      const int nid = ec_key_curve(parg);
      if (!parse_group_nids(&nid, 1, &groups)) return 0;
      ctx->groups = groups;
      ctx_changed(ctx);
      return 1;
    }
    case SSL_CTRL_SET_VERIFY_CERT_STORE:
    case SSL_CTRL_GET_VERIFY_CERT_STORE:
      return verify_store_ctrl(&ctx->verify_store, cmd, larg, parg);
    case SSL_CTRL_SET_MSG_CALLBACK_ARG:
      ctx->msg_cb_arg = parg;
      return 1;
    default: {
      bool handled = false;
      long r = certificate_ctrl(ctx->cert, &ctx->chain, &ctx->extras, cmd, larg, parg, &handled);
      if (handled && (cmd == SSL_CTRL_CHAIN || cmd == SSL_CTRL_CHAIN_CERT)) ctx_changed(ctx);
      return r;
    }
  }
}
long SSL_CTX_ctrl(SSL_CTX* ctx, int cmd, long larg, void* parg) {
  return guard<long>(nullptr, 0, [&] { return SSL_CTX_ctrl_body(ctx, cmd, larg, parg); });
}

long SSL_CTX_callback_ctrl(SSL_CTX* ctx, int cmd, void (*fp)(void)) {
  if (ctx == nullptr) return 0;
  switch (cmd) {
    case SSL_CTRL_SET_TLSEXT_SERVERNAME_CB:
      ctx->servername_cb = reinterpret_cast<int (*)(SSL*, int*, void*)>(fp);
      return 1;
    case SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB:  // kept, never called: nothing is stapled
      ctx->extras.status_cb = reinterpret_cast<int (*)(SSL*, void*)>(fp);
      return 1;
    case SSL_CTRL_SET_MSG_CALLBACK:
      ctx->msg_cb = reinterpret_cast<void (*)(int, int, int, const void*, size_t, SSL*, void*)>(fp);
      return 1;
    default:
      return 0;
  }
}

static long SSL_ctrl_body(SSL* s, int cmd, long larg, void* parg) {
  if (s == nullptr) return 0;
  switch (cmd) {
    case SSL_CTRL_MODE:
      return s->mode |= static_cast<uint32_t>(larg);
    case SSL_CTRL_CLEAR_MODE:
      return s->mode &= ~static_cast<uint32_t>(larg);
    case SSL_CTRL_SET_MIN_PROTO_VERSION:
      return set_version_bound(s->ctx->method, larg, &s->min_version) ? 1 : 0;
    case SSL_CTRL_SET_MAX_PROTO_VERSION:
      return set_version_bound(s->ctx->method, larg, &s->max_version) ? 1 : 0;
    case SSL_CTRL_GET_MIN_PROTO_VERSION:
      return s->min_version;
    case SSL_CTRL_GET_MAX_PROTO_VERSION:
      return s->max_version;
    case SSL_CTRL_SET_TLSEXT_HOSTNAME: {
      if (larg != TLSEXT_NAMETYPE_host_name) {
        COMPAT_RAISE(nullptr, SSL_R_SSL3_EXT_INVALID_SERVERNAME_TYPE);
        return 0;
      }
      const char* name = static_cast<const char*>(parg);
      if (name == nullptr) {
        s->hostname.clear();
        return 1;
      }
      size_t len = strlen(name);
      if (len == 0 || len > TLSEXT_MAXLEN_host_name) {
        COMPAT_RAISE(nullptr, SSL_R_SSL3_EXT_INVALID_SERVERNAME);
        return 0;
      }
      s->hostname.assign(name, len);
      return 1;
    }
    case SSL_CTRL_GET_READ_AHEAD:
    case SSL_CTRL_SET_READ_AHEAD:
      return 0;
    case SSL_CTRL_SET_MAX_SEND_FRAGMENT:
      return larg >= 512 && larg <= 16384 ? 1 : 0;
    case SSL_CTRL_SET_GROUPS_LIST:
    case SSL_CTRL_SET_GROUPS: {
      std::string groups;
      if (cmd == SSL_CTRL_SET_GROUPS
              ? !parse_group_nids(static_cast<const int*>(parg), static_cast<size_t>(larg), &groups)
              : !parse_group_list(static_cast<const char*>(parg), &groups)) {
        return 0;
      }
      s->groups = groups;
      s->own_settings = true;
      return 1;
    }
    case SSL_CTRL_GET_NEGOTIATED_GROUP:
      if (s->conn == nullptr || !s->handshake_finished) return 0;
      return group_nid(s->conn->group());
    case SSL_CTRL_GET_PEER_TMP_KEY: {
      if (parg == nullptr) return 0;
      EVP_PKEY* key = peer_tmp_key(s);
      if (key == nullptr) return 0;
      *static_cast<EVP_PKEY**>(parg) = key;
      return 1;
    }
    case SSL_CTRL_GET_EXTMS_SUPPORT:
      return -1;
    case SSL_CTRL_SET_VERIFY_CERT_STORE:
    case SSL_CTRL_GET_VERIFY_CERT_STORE:
      return verify_store_ctrl(&s->verify_store, cmd, larg, parg);
    case SSL_CTRL_SET_MSG_CALLBACK_ARG:
      s->msg_cb_arg = parg;
      return 1;
    case SSL_CTRL_SET_TMP_ECDH: {
      std::string groups;
      const int nid = ec_key_curve(parg);
      if (!parse_group_nids(&nid, 1, &groups)) return 0;
      s->groups = groups;
      s->own_settings = true;
      return 1;
    }
    case SSL_CTRL_GET_PEER_SIGNATURE_NID: {
      int type = NID_undef;
      return parg != nullptr && peer_signature_nids(s, static_cast<int*>(parg), &type) ? 1 : 0;
    }
    case SSL_CTRL_GET_CHAIN_CERTS:
      if (parg == nullptr) return 0;
      *static_cast<STACK_OF(X509)**>(parg) = s->chain;
      return 1;
    default: {
      bool handled = false;
      X509* cert = s->cert != nullptr ? s->cert : s->ctx->cert;
      long r = certificate_ctrl(cert, &s->chain, &s->extras, cmd, larg, parg, &handled);
      if (handled && (cmd == SSL_CTRL_CHAIN || cmd == SSL_CTRL_CHAIN_CERT)) s->own_settings = true;
      return r;
    }
  }
}
long SSL_ctrl(SSL* s, int cmd, long larg, void* parg) {
  return guard<long>(nullptr, 0, [&] { return SSL_ctrl_body(s, cmd, larg, parg); });
}

using MsgCallback = void (*)(int, int, int, const void*, size_t, SSL*, void*);

long SSL_callback_ctrl(SSL* s, int cmd, void (*fp)(void)) {
  if (s == nullptr) return 0;
  switch (cmd) {
    case SSL_CTRL_SET_MSG_CALLBACK:
      s->msg_cb = reinterpret_cast<MsgCallback>(fp);
      return 1;
    default:
      return 0;
  }
}

// --- Alert strings (RFC 8446 section 6 names, in OpenSSL's words) -------------------------

const char* SSL_alert_type_string_long(int value) {
  switch (value >> 8) {
    case SSL3_AL_WARNING:
      return "warning";
    case SSL3_AL_FATAL:
      return "fatal";
    default:
      return "unknown";
  }
}

const char* SSL_alert_type_string(int value) {
  switch (value >> 8) {
    case SSL3_AL_WARNING:
      return "W";
    case SSL3_AL_FATAL:
      return "F";
    default:
      return "U";
  }
}

const char* SSL_alert_desc_string_long(int value) {
  switch (value & 0xff) {
    case SSL3_AD_CLOSE_NOTIFY:
      return "close notify";
    case SSL3_AD_UNEXPECTED_MESSAGE:
      return "unexpected_message";
    case SSL3_AD_BAD_RECORD_MAC:
      return "bad record mac";
    case TLS1_AD_DECRYPTION_FAILED:
      return "decryption failed";
    case TLS1_AD_RECORD_OVERFLOW:
      return "record overflow";
    case SSL3_AD_DECOMPRESSION_FAILURE:
      return "decompression failure";
    case SSL3_AD_HANDSHAKE_FAILURE:
      return "handshake failure";
    case SSL3_AD_NO_CERTIFICATE:
      return "no certificate";
    case SSL3_AD_BAD_CERTIFICATE:
      return "bad certificate";
    case SSL3_AD_UNSUPPORTED_CERTIFICATE:
      return "unsupported certificate";
    case SSL3_AD_CERTIFICATE_REVOKED:
      return "certificate revoked";
    case SSL3_AD_CERTIFICATE_EXPIRED:
      return "certificate expired";
    case SSL3_AD_CERTIFICATE_UNKNOWN:
      return "certificate unknown";
    case SSL3_AD_ILLEGAL_PARAMETER:
      return "illegal parameter";
    case TLS1_AD_UNKNOWN_CA:
      return "unknown CA";
    case TLS1_AD_ACCESS_DENIED:
      return "access denied";
    case TLS1_AD_DECODE_ERROR:
      return "decode error";
    case TLS1_AD_DECRYPT_ERROR:
      return "decrypt error";
    case TLS1_AD_EXPORT_RESTRICTION:
      return "export restriction";
    case TLS1_AD_PROTOCOL_VERSION:
      return "protocol version";
    case TLS1_AD_INSUFFICIENT_SECURITY:
      return "insufficient security";
    case TLS1_AD_INTERNAL_ERROR:
      return "internal error";
    case TLS1_AD_USER_CANCELLED:
      return "user canceled";
    case TLS1_AD_NO_RENEGOTIATION:
      return "no renegotiation";
    case TLS1_AD_UNSUPPORTED_EXTENSION:
      return "unsupported extension";
    case TLS1_AD_CERTIFICATE_UNOBTAINABLE:
      return "certificate unobtainable";
    case TLS1_AD_UNRECOGNIZED_NAME:
      return "unrecognized name";
    case TLS1_AD_BAD_CERTIFICATE_STATUS_RESPONSE:
      return "bad certificate status response";
    case TLS1_AD_BAD_CERTIFICATE_HASH_VALUE:
      return "bad certificate hash value";
    case TLS1_AD_UNKNOWN_PSK_IDENTITY:
      return "unknown PSK identity";
    case TLS1_AD_NO_APPLICATION_PROTOCOL:
      return "no application protocol";
    default:
      return "unknown";
  }
}

const char* SSL_alert_desc_string(int value) {
  switch (value & 0xff) {
    case SSL3_AD_CLOSE_NOTIFY:
      return "CN";
    case SSL3_AD_UNEXPECTED_MESSAGE:
      return "UM";
    case SSL3_AD_BAD_RECORD_MAC:
      return "BM";
    case TLS1_AD_DECRYPTION_FAILED:
      return "DC";
    case TLS1_AD_RECORD_OVERFLOW:
      return "RO";
    case SSL3_AD_DECOMPRESSION_FAILURE:
      return "DF";
    case SSL3_AD_HANDSHAKE_FAILURE:
      return "HF";
    case SSL3_AD_NO_CERTIFICATE:
      return "NC";
    case SSL3_AD_BAD_CERTIFICATE:
      return "BC";
    case SSL3_AD_UNSUPPORTED_CERTIFICATE:
      return "UC";
    case SSL3_AD_CERTIFICATE_REVOKED:
      return "CR";
    case SSL3_AD_CERTIFICATE_EXPIRED:
      return "CE";
    case SSL3_AD_CERTIFICATE_UNKNOWN:
      return "CU";
    case SSL3_AD_ILLEGAL_PARAMETER:
      return "IP";
    case TLS1_AD_UNKNOWN_CA:
      return "CA";
    case TLS1_AD_ACCESS_DENIED:
      return "AD";
    case TLS1_AD_DECODE_ERROR:
      return "DE";
    case TLS1_AD_DECRYPT_ERROR:
      return "CY";
    case TLS1_AD_EXPORT_RESTRICTION:
      return "ER";
    case TLS1_AD_PROTOCOL_VERSION:
      return "PV";
    case TLS1_AD_INSUFFICIENT_SECURITY:
      return "IS";
    case TLS1_AD_INTERNAL_ERROR:
      return "IE";
    case TLS1_AD_USER_CANCELLED:
      return "US";
    case TLS1_AD_NO_RENEGOTIATION:
      return "NR";
    case TLS1_AD_UNSUPPORTED_EXTENSION:
      return "UE";
    case TLS1_AD_CERTIFICATE_UNOBTAINABLE:
      return "CO";
    case TLS1_AD_UNRECOGNIZED_NAME:
      return "UN";
    case TLS1_AD_BAD_CERTIFICATE_STATUS_RESPONSE:
      return "BR";
    case TLS1_AD_BAD_CERTIFICATE_HASH_VALUE:
      return "BH";
    case TLS1_AD_UNKNOWN_PSK_IDENTITY:
      return "UP";
    default:
      return "UK";
  }
}

}  // extern "C"

extern "C" {

// The message callback: each record header read and written (SSL3_RT_HEADER);
// the messages inside records are not reported (docs/compat.md, deviations).
void SSL_CTX_set_msg_callback(SSL_CTX* ctx,
                              void (*cb)(int, int, int, const void*, size_t, SSL*, void*)) {
  if (ctx != nullptr) ctx->msg_cb = cb;
}
void SSL_set_msg_callback(SSL* s, void (*cb)(int, int, int, const void*, size_t, SSL*, void*)) {
  if (s != nullptr) s->msg_cb = cb;
}

// Read-ahead is never used (docs/compat.md, deviations): records are read
// one at a time, which is what OpenSSL does without it.
void SSL_set_read_ahead(SSL* s, int yes) {}
int SSL_get_read_ahead(const SSL* s) {
  return 0;
}

}  // extern "C"

extern "C" {

// The message callback that prints what it is told (here: record headers).
void SSL_trace(int write_p, int version, int content_type, const void* buf, size_t len, SSL* ssl,
               void* arg) {
  BIO* bio = static_cast<BIO*>(arg);
  if (bio == nullptr || buf == nullptr || content_type != SSL3_RT_HEADER || len < 5) return;
  const auto* h = static_cast<const unsigned char*>(buf);
  BIO_printf(bio,
             "%s Record\nHeader:\n  Version = 0x%02x%02x\n  Content Type = %d\n  Length = %d\n",
             write_p ? "Sent" : "Received", h[1], h[2], h[0], (h[3] << 8) | h[4]);
}

}  // extern "C"
