// SSL_CONF_*: settings by name, as configuration files ("CipherString",
// SSL_CONF_FLAG_FILE) and command lines ("-cipher", SSL_CONF_FLAG_CMDLINE)
// give them, OpenSSL 3.0's ssl_conf.c table applied to a context or an SSL
// through the ordinary setters. SSL_CONF_cmd returns 2 (the value was used),
// 1 (a switch, no value), 0 (a bad value), -2 (an unknown or, for this role,
// not allowed command) or -3 (a value missing); with
// SSL_CONF_FLAG_SHOW_ERRORS the failures say why on the queue. Commands for
// what adieu lacks (signature algorithm lists, server info files, record
// padding) are refused with 0, never taken without effect.
#include <openssl/conf.h>
#include <openssl/pem.h>
#include <strings.h>

#include <cstring>
#include <string>

#include "compat/internal.h"

struct ssl_conf_ctx_st {
  unsigned int flags = 0;
  std::string prefix;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  std::string cert_file;  // the last Certificate, for SSL_CONF_CTX_finish
  bool key_given = false;
};

namespace adieu::compat {
namespace {

using Handler = int (*)(SSL_CONF_CTX*, const char*);

// Where a command may be used.
constexpr unsigned kServer = 1, kClient = 2, kCertificate = 4;

struct Command {
  const char* file_name;  // SSL_CONF_FLAG_FILE
  const char* cmd_name;   // SSL_CONF_FLAG_CMDLINE (after the "-")
  Handler handler;
  unsigned only;    // 0: any role
  int value_type;   // SSL_CONF_TYPE_*
  uint64_t option;  // switches: the option they set (or clear, with `clear`)
  bool clear;
};

void set_option(SSL_CONF_CTX* c, uint64_t op, bool on) {
  if (c->ssl != nullptr) {
    on ? SSL_set_options(c->ssl, op) : SSL_clear_options(c->ssl, op);
  } else {
    on ? SSL_CTX_set_options(c->ctx, op) : SSL_CTX_clear_options(c->ctx, op);
  }
}

int cipher_string(SSL_CONF_CTX* c, const char* v) {
  return c->ssl != nullptr ? SSL_set_cipher_list(c->ssl, v) : SSL_CTX_set_cipher_list(c->ctx, v);
}
int ciphersuites(SSL_CONF_CTX* c, const char* v) {
  return c->ssl != nullptr ? SSL_set_ciphersuites(c->ssl, v) : SSL_CTX_set_ciphersuites(c->ctx, v);
}
int groups(SSL_CONF_CTX* c, const char* v) {
  return static_cast<int>(c->ssl != nullptr ? SSL_set1_groups_list(c->ssl, v)
                                            : SSL_CTX_set1_groups_list(c->ctx, v));
}
// "automatic" (a file) or "auto" (a command line) keeps the list, as 1.0.2's
// automatic choice; one group name makes it the only group.
int ecdh_parameters(SSL_CONF_CTX* c, const char* v) {
  if ((c->flags & SSL_CONF_FLAG_FILE) != 0 &&
      (strcasecmp(v, "+automatic") == 0 || strcasecmp(v, "automatic") == 0)) {
    return 1;
  }
  if ((c->flags & SSL_CONF_FLAG_CMDLINE) != 0 && std::strcmp(v, "auto") == 0) return 1;
  if (std::strchr(v, ':') != nullptr) return 0;
  return groups(c, v);
}

int version_by_name(const char* v, bool* ok) {
  static const struct {
    const char* name;
    int version;
  } kNames[] = {{"None", 0},
                {"SSLv3", SSL3_VERSION},
                {"TLSv1", TLS1_VERSION},
                {"TLSv1.1", TLS1_1_VERSION},
                {"TLSv1.2", TLS1_2_VERSION},
                {"TLSv1.3", TLS1_3_VERSION},
                {"DTLSv1", DTLS1_VERSION},
                {"DTLSv1.2", DTLS1_2_VERSION}};
  for (const auto& n : kNames) {
    if (strcasecmp(v, n.name) == 0) {
      *ok = true;
      return n.version;
    }
  }
  *ok = false;
  return 0;
}
int min_protocol(SSL_CONF_CTX* c, const char* v) {
  bool ok = false;
  int version = version_by_name(v, &ok);
  if (!ok) return 0;
  return c->ssl != nullptr ? SSL_set_min_proto_version(c->ssl, version)
                           : SSL_CTX_set_min_proto_version(c->ctx, version);
}
int max_protocol(SSL_CONF_CTX* c, const char* v) {
  bool ok = false;
  int version = version_by_name(v, &ok);
  if (!ok) return 0;
  return c->ssl != nullptr ? SSL_set_max_proto_version(c->ssl, version)
                           : SSL_CTX_set_max_proto_version(c->ctx, version);
}

// A comma- (or colon-, space-) separated list, each name optionally with
// "-" (clear) or "+" (set); `apply` returns false for an unknown name.
template <typename Apply>
int each_name(const char* v, Apply apply) {
  std::string list(v);
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find_first_of(", :", pos);
    if (end == std::string::npos) end = list.size();
    std::string name = list.substr(pos, end - pos);
    pos = end + 1;
    if (name.empty()) continue;
    bool on = true;
    if (name[0] == '-' || name[0] == '+') {
      on = name[0] == '+';
      name.erase(0, 1);
    }
    if (!apply(name, on)) return 0;
  }
  return 1;
}

// "Protocol": which versions are on ("ALL", "-TLSv1.1", ...).
int protocol(SSL_CONF_CTX* c, const char* v) {
  static const struct {
    const char* name;
    uint64_t op;
  } kProtocols[] = {{"ALL", SSL_OP_NO_SSL_MASK},     {"SSLv2", 0},
                    {"SSLv3", SSL_OP_NO_SSLv3},      {"TLSv1", SSL_OP_NO_TLSv1},
                    {"TLSv1.1", SSL_OP_NO_TLSv1_1},  {"TLSv1.2", SSL_OP_NO_TLSv1_2},
                    {"TLSv1.3", SSL_OP_NO_TLSv1_3},  {"DTLSv1", SSL_OP_NO_DTLSv1},
                    {"DTLSv1.2", SSL_OP_NO_DTLSv1_2}};
  return each_name(v, [c](const std::string& name, bool on) {
    for (const auto& p : kProtocols) {
      if (strcasecmp(name.c_str(), p.name) == 0) {
        set_option(c, p.op, !on);  // "TLSv1.2" on = NO_TLSv1_2 off
        return true;
      }
    }
    return false;
  });
}

// "Options": OpenSSL's option names; the inverted ones ("SessionTicket",
// "Compression", ...) clear an SSL_OP_NO_* bit when on.
int options(SSL_CONF_CTX* c, const char* v) {
  static const struct {
    const char* name;
    uint64_t op;
    bool inverted;
  } kOptions[] = {
      {"SessionTicket", SSL_OP_NO_TICKET, true},
      {"EmptyFragments", SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS, true},
      {"Bugs", SSL_OP_ALL, false},
      {"Compression", SSL_OP_NO_COMPRESSION, true},
      {"ServerPreference", SSL_OP_CIPHER_SERVER_PREFERENCE, false},
      {"NoResumptionOnRenegotiation", SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION, false},
      {"DHSingle", SSL_OP_SINGLE_DH_USE, false},
      {"ECDHSingle", SSL_OP_SINGLE_ECDH_USE, false},
      {"UnsafeLegacyRenegotiation", SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION, false},
      {"UnsafeLegacyServerConnect", SSL_OP_LEGACY_SERVER_CONNECT, false},
      {"NoRenegotiation", SSL_OP_NO_RENEGOTIATION, false},
      {"EncryptThenMac", SSL_OP_NO_ENCRYPT_THEN_MAC, true},
      {"AllowNoDHEKEX", SSL_OP_ALLOW_NO_DHE_KEX, false},
      {"PrioritizeChaCha", SSL_OP_PRIORITIZE_CHACHA, false},
      {"MiddleboxCompat", SSL_OP_ENABLE_MIDDLEBOX_COMPAT, false},
      {"AntiReplay", SSL_OP_NO_ANTI_REPLAY, true},
      {"ExtendedMasterSecret", SSL_OP_NO_EXTENDED_MASTER_SECRET, true},
      {"CANames", SSL_OP_DISABLE_TLSEXT_CA_NAMES, true},
      {"KTLS", SSL_OP_ENABLE_KTLS, false},
      {"ClientRenegotiation", SSL_OP_ALLOW_CLIENT_RENEGOTIATION, false},
      {"IgnoreUnexpectedEOF", SSL_OP_IGNORE_UNEXPECTED_EOF, false},
  };
  return each_name(v, [c](const std::string& name, bool on) {
    for (const auto& o : kOptions) {
      if (strcasecmp(name.c_str(), o.name) == 0) {
        set_option(c, o.op, o.inverted ? !on : on);
        return true;
      }
    }
    return false;
  });
}

// "Peer" is a client's; the others a server's (a name of the other role is
// unknown).
int verify_mode(SSL_CONF_CTX* c, const char* v) {
  int mode = 0;
  const bool server = (c->flags & SSL_CONF_FLAG_SERVER) != 0;
  const bool client = (c->flags & SSL_CONF_FLAG_CLIENT) != 0;
  int ok = each_name(v, [&](const std::string& name, bool on) {
    static const struct {
      const char* name;
      int bits;
      bool server;
    } kModes[] = {
        {"Peer", SSL_VERIFY_PEER, false},
        {"Request", SSL_VERIFY_PEER, true},
        {"Require", SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, true},
        {"Once", SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, true},
        {"RequestPostHandshake", SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE, true},
        {"RequirePostHandshake",
         SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, true}};
    for (const auto& m : kModes) {
      if ((m.server ? server : client) && strcasecmp(name.c_str(), m.name) == 0) {
        mode = on ? mode | m.bits : mode & ~m.bits;
        return true;
      }
    }
    return false;
  });
  if (ok == 0) return 0;
  if (c->ssl != nullptr) {
    SSL_set_verify(c->ssl, mode, nullptr);
  } else {
    SSL_CTX_set_verify(c->ctx, mode, nullptr);
  }
  return 1;
}

int certificate(SSL_CONF_CTX* c, const char* v) {
  c->cert_file = v;
  if (c->ssl != nullptr) {
    return SSL_use_certificate_file(c->ssl, v, SSL_FILETYPE_PEM);
  }
  return SSL_CTX_use_certificate_chain_file(c->ctx, v);
}
int private_key(SSL_CONF_CTX* c, const char* v) {
  c->key_given = true;
  return c->ssl != nullptr ? SSL_use_PrivateKey_file(c->ssl, v, SSL_FILETYPE_PEM)
                           : SSL_CTX_use_PrivateKey_file(c->ctx, v, SSL_FILETYPE_PEM);
}

SSL_CTX* context_of(SSL_CONF_CTX* c) {
  return c->ssl != nullptr ? SSL_get_SSL_CTX(c->ssl) : c->ctx;
}

// Chain and verify stores: certificates added to a store of their own.
int add_to_store(SSL_CONF_CTX* c, const char* file, const char* dir, bool verify) {
  SSL_CTX* ctx = context_of(c);
  X509_STORE* st = nullptr;
  if (ctx == nullptr) return 0;
  if (verify) {
    SSL_CTX_get0_verify_cert_store(ctx, &st);
    if (st == nullptr) {
      if ((st = X509_STORE_new()) == nullptr) return 0;
      SSL_CTX_set0_verify_cert_store(ctx, st);
    }
  } else {
    st = SSL_CTX_get_cert_store(ctx);  // chains are built from the trust store
    if (st == nullptr) return 0;
  }
  return X509_STORE_load_locations(st, file, dir) == 1 ? 1 : 0;
}
int chain_ca_file(SSL_CONF_CTX* c, const char* v) {
  return add_to_store(c, v, nullptr, false);
}
int chain_ca_path(SSL_CONF_CTX* c, const char* v) {
  return add_to_store(c, nullptr, v, false);
}
int verify_ca_file(SSL_CONF_CTX* c, const char* v) {
  return add_to_store(c, v, nullptr, true);
}
int verify_ca_path(SSL_CONF_CTX* c, const char* v) {
  return add_to_store(c, nullptr, v, true);
}
int request_ca_file(SSL_CONF_CTX* c, const char* v) {
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(v);
  if (names == nullptr) return 0;
  if (c->ssl != nullptr) {
    SSL_set_client_CA_list(c->ssl, names);
  } else {
    SSL_CTX_set_client_CA_list(c->ctx, names);
  }
  return 1;
}
// DH parameters: read (a file that holds none is an error) and not used.
int dh_parameters(SSL_CONF_CTX* c, const char* v) {
  BIO* in = BIO_new_file(v, "r");
  EVP_PKEY* params = in != nullptr ? PEM_read_bio_Parameters(in, nullptr) : nullptr;
  BIO_free(in);
  if (params == nullptr) return 0;
  int ok = c->ssl != nullptr ? SSL_set0_tmp_dh_pkey(c->ssl, params)
                             : SSL_CTX_set0_tmp_dh_pkey(c->ctx, params);
  if (ok != 1) EVP_PKEY_free(params);
  return ok;
}
int num_tickets(SSL_CONF_CTX* c, const char* v) {
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (end == v || *end != '\0' || n < 0) return 0;
  return c->ssl != nullptr ? SSL_set_num_tickets(c->ssl, static_cast<size_t>(n))
                           : SSL_CTX_set_num_tickets(c->ctx, static_cast<size_t>(n));
}
// What adieu cannot apply: refused.
int not_available(SSL_CONF_CTX*, const char*) {
  return 0;
}

#define SWITCH(name, op) \
  { nullptr, name, nullptr, 0, SSL_CONF_TYPE_NONE, op, false }
#define SWITCH_OFF(name, op) \
  { nullptr, name, nullptr, 0, SSL_CONF_TYPE_NONE, op, true }

const Command kCommands[] = {
    SWITCH("no_ssl3", SSL_OP_NO_SSLv3),
    SWITCH("no_tls1", SSL_OP_NO_TLSv1),
    SWITCH("no_tls1_1", SSL_OP_NO_TLSv1_1),
    SWITCH("no_tls1_2", SSL_OP_NO_TLSv1_2),
    SWITCH("no_tls1_3", SSL_OP_NO_TLSv1_3),
    SWITCH("bugs", SSL_OP_ALL),
    SWITCH("no_comp", SSL_OP_NO_COMPRESSION),
    SWITCH_OFF("comp", SSL_OP_NO_COMPRESSION),
    SWITCH("ecdh_single", SSL_OP_SINGLE_ECDH_USE),
    SWITCH("no_ticket", SSL_OP_NO_TICKET),
    SWITCH("serverpref", SSL_OP_CIPHER_SERVER_PREFERENCE),
    SWITCH("legacy_renegotiation", SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION),
    SWITCH("client_renegotiation", SSL_OP_ALLOW_CLIENT_RENEGOTIATION),
    SWITCH("legacy_server_connect", SSL_OP_LEGACY_SERVER_CONNECT),
    SWITCH("no_renegotiation", SSL_OP_NO_RENEGOTIATION),
    SWITCH("no_resumption_on_reneg", SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION),
    SWITCH_OFF("no_legacy_server_connect", SSL_OP_LEGACY_SERVER_CONNECT),
    SWITCH("allow_no_dhe_kex", SSL_OP_ALLOW_NO_DHE_KEX),
    SWITCH("prioritize_chacha", SSL_OP_PRIORITIZE_CHACHA),
    SWITCH_OFF("no_middlebox", SSL_OP_ENABLE_MIDDLEBOX_COMPAT),
    SWITCH_OFF("anti_replay", SSL_OP_NO_ANTI_REPLAY),
    SWITCH("no_anti_replay", SSL_OP_NO_ANTI_REPLAY),
    SWITCH("no_etm", SSL_OP_NO_ENCRYPT_THEN_MAC),
    SWITCH("no_ems", SSL_OP_NO_EXTENDED_MASTER_SECRET),
    SWITCH("ktls", SSL_OP_ENABLE_KTLS),
    SWITCH("ignore_unexpected_eof", SSL_OP_IGNORE_UNEXPECTED_EOF),
    {"SignatureAlgorithms", "sigalgs", not_available, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"ClientSignatureAlgorithms", "client_sigalgs", not_available, 0, SSL_CONF_TYPE_STRING, 0,
     false},
    {"Curves", "curves", groups, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"Groups", "groups", groups, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"ECDHParameters", "named_curve", ecdh_parameters, kServer, SSL_CONF_TYPE_STRING, 0, false},
    {"CipherString", "cipher", cipher_string, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"Ciphersuites", "ciphersuites", ciphersuites, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"Protocol", nullptr, protocol, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"MinProtocol", "min_protocol", min_protocol, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"MaxProtocol", "max_protocol", max_protocol, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"Options", nullptr, options, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"VerifyMode", nullptr, verify_mode, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"Certificate", "cert", certificate, kCertificate, SSL_CONF_TYPE_FILE, 0, false},
    {"PrivateKey", "key", private_key, kCertificate, SSL_CONF_TYPE_FILE, 0, false},
    {"ServerInfoFile", nullptr, not_available, kServer | kCertificate, SSL_CONF_TYPE_FILE, 0,
     false},
    {"ChainCAPath", "chainCApath", chain_ca_path, kCertificate, SSL_CONF_TYPE_DIR, 0, false},
    {"ChainCAFile", "chainCAfile", chain_ca_file, kCertificate, SSL_CONF_TYPE_FILE, 0, false},
    {"VerifyCAPath", "verifyCApath", verify_ca_path, kCertificate, SSL_CONF_TYPE_DIR, 0, false},
    {"VerifyCAFile", "verifyCAfile", verify_ca_file, kCertificate, SSL_CONF_TYPE_FILE, 0, false},
    {"RequestCAFile", "requestCAFile", request_ca_file, kCertificate, SSL_CONF_TYPE_FILE, 0, false},
    {"ClientCAFile", nullptr, request_ca_file, kCertificate, SSL_CONF_TYPE_FILE, 0, false},
    {"DHParameters", "dhparam", dh_parameters, kServer | kCertificate, SSL_CONF_TYPE_FILE, 0,
     false},
    {"RecordPadding", "record_padding", not_available, 0, SSL_CONF_TYPE_STRING, 0, false},
    {"NumTickets", "num_tickets", num_tickets, kServer, SSL_CONF_TYPE_STRING, 0, false},
};

// The command `cmd` names for this context's flags and prefix; nullptr when
// none (or not allowed in this role).
const Command* find_command(const SSL_CONF_CTX* c, const char* cmd) {
  if (cmd == nullptr) return nullptr;
  const bool cmdline = (c->flags & SSL_CONF_FLAG_CMDLINE) != 0;
  const bool file = (c->flags & SSL_CONF_FLAG_FILE) != 0;
  if (cmdline) {
    if (*cmd != '-') return nullptr;
    ++cmd;
  }
  if (!c->prefix.empty()) {
    const size_t n = c->prefix.size();
    if ((cmdline ? std::strncmp(cmd, c->prefix.c_str(), n)
                 : strncasecmp(cmd, c->prefix.c_str(), n)) != 0) {
      return nullptr;
    }
    cmd += n;
  }
  for (const Command& command : kCommands) {
    const bool match =
        (cmdline && command.cmd_name != nullptr && std::strcmp(cmd, command.cmd_name) == 0) ||
        (file && command.file_name != nullptr && strcasecmp(cmd, command.file_name) == 0);
    if (!match) continue;
    if ((command.only & kServer) != 0 && (c->flags & SSL_CONF_FLAG_SERVER) == 0) return nullptr;
    if ((command.only & kClient) != 0 && (c->flags & SSL_CONF_FLAG_CLIENT) == 0) return nullptr;
    if ((command.only & kCertificate) != 0 && (c->flags & SSL_CONF_FLAG_CERTIFICATE) == 0) {
      return nullptr;
    }
    return &command;
  }
  return nullptr;
}

int conf_cmd(SSL_CONF_CTX* c, const char* cmd, const char* value) {
  if (cmd == nullptr) {
    COMPAT_RAISE(nullptr, SSL_R_INVALID_NULL_CMD_NAME);
    return 0;
  }
  const bool show = (c->flags & SSL_CONF_FLAG_SHOW_ERRORS) != 0;
  // The errors name the command without a command line's "-".
  const char* shown = (c->flags & SSL_CONF_FLAG_CMDLINE) != 0 && *cmd == '-' ? cmd + 1 : cmd;
  const Command* command = find_command(c, cmd);
  if (command == nullptr) {
    if (show) ERR_raise_data(ERR_LIB_SSL, SSL_R_UNKNOWN_CMD_NAME, "cmd=%s", shown);
    return -2;
  }
  if (command->value_type == SSL_CONF_TYPE_NONE) {
    if (c->ctx != nullptr || c->ssl != nullptr) set_option(c, command->option, !command->clear);
    return 1;
  }
  if (value == nullptr) {
    if (show) ERR_raise_data(ERR_LIB_SSL, SSL_R_BAD_VALUE, "cmd=%s, value=<EMPTY>", shown);
    return -3;
  }
  if (c->ctx == nullptr && c->ssl == nullptr) return 2;  // nothing to apply it to
  if (command->handler(c, value) > 0) return 2;
  if (show) ERR_raise_data(ERR_LIB_SSL, SSL_R_BAD_VALUE, "cmd=%s, value=%s", shown, value);
  return 0;
}

}  // namespace
}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

SSL_CONF_CTX* SSL_CONF_CTX_new(void) {
  return guard<SSL_CONF_CTX*>(nullptr, [] { return new SSL_CONF_CTX; });
}
void SSL_CONF_CTX_free(SSL_CONF_CTX* cctx) {
  delete cctx;
}
unsigned int SSL_CONF_CTX_set_flags(SSL_CONF_CTX* cctx, unsigned int flags) {
  if (cctx == nullptr) return 0;
  return cctx->flags |= flags;
}
unsigned int SSL_CONF_CTX_clear_flags(SSL_CONF_CTX* cctx, unsigned int flags) {
  if (cctx == nullptr) return 0;
  return cctx->flags &= ~flags;
}
int SSL_CONF_CTX_set1_prefix(SSL_CONF_CTX* cctx, const char* pre) {
  if (cctx == nullptr) return 0;
  return guard<int>(nullptr, 0, [&] {
    cctx->prefix = pre != nullptr ? pre : "";
    return 1;
  });
}
void SSL_CONF_CTX_set_ssl(SSL_CONF_CTX* cctx, SSL* ssl) {
  if (cctx == nullptr) return;
  cctx->ssl = ssl;
  cctx->ctx = nullptr;
}
void SSL_CONF_CTX_set_ssl_ctx(SSL_CONF_CTX* cctx, SSL_CTX* ctx) {
  if (cctx == nullptr) return;
  cctx->ctx = ctx;
  cctx->ssl = nullptr;
}

int SSL_CONF_cmd(SSL_CONF_CTX* cctx, const char* cmd, const char* value) {
  if (cctx == nullptr) return 0;
  return guard<int>(nullptr, 0, [&] { return conf_cmd(cctx, cmd, value); });
}

// The arguments consumed (1 or 2), 0 when argv[0] is no command, -1 on error.
int SSL_CONF_cmd_argv(SSL_CONF_CTX* cctx, int* pargc, char*** pargv) {
  if (cctx == nullptr || pargv == nullptr || *pargv == nullptr || **pargv == nullptr) return 0;
  if (pargc != nullptr && *pargc <= 0) return 0;
  char* arg = (*pargv)[0];
  char* value = (pargc == nullptr || *pargc > 1) ? (*pargv)[1] : nullptr;
  const unsigned saved = cctx->flags;
  cctx->flags = (cctx->flags & ~SSL_CONF_FLAG_FILE) | SSL_CONF_FLAG_CMDLINE;
  const int r = SSL_CONF_cmd(cctx, arg, value);
  cctx->flags = saved;
  int used = r == 2 ? 2 : r == 1 ? 1 : r == -2 ? 0 : -1;
  if (used > 0) {
    *pargv += used;
    if (pargc != nullptr) *pargc -= used;
  }
  return used;
}

int SSL_CONF_cmd_value_type(SSL_CONF_CTX* cctx, const char* cmd) {
  if (cctx == nullptr) return SSL_CONF_TYPE_UNKNOWN;
  const Command* command = find_command(cctx, cmd);
  return command != nullptr ? command->value_type : SSL_CONF_TYPE_UNKNOWN;
}

// As OpenSSL: with SSL_CONF_FLAG_REQUIRE_PRIVATE, a certificate given without
// a key takes its key from the certificate's file.
int SSL_CONF_CTX_finish(SSL_CONF_CTX* cctx) {
  if (cctx == nullptr) return 0;
  return guard<int>(nullptr, 0, [&] {
    if ((cctx->flags & SSL_CONF_FLAG_REQUIRE_PRIVATE) != 0 && !cctx->cert_file.empty() &&
        !cctx->key_given && (cctx->ctx != nullptr || cctx->ssl != nullptr)) {
      return private_key(cctx, cctx->cert_file.c_str()) > 0 ? 1 : 0;
    }
    return 1;
  });
}

}  // extern "C"

// libcrypto's reading of the configuration's "ssl_conf" module (exported by
// libcrypto for libssl; declared in OpenSSL's internal/sslconf.h).
extern "C" {
int conf_ssl_name_find(const char* name, size_t* idx);
const struct ssl_conf_cmd_st* conf_ssl_get(size_t idx, const char** name, size_t* cnt);
void conf_ssl_get_cmd(const struct ssl_conf_cmd_st* cmd, size_t idx, char** cmdstr, char** arg);

// The commands of the configuration section `name` applied to `ctx`, as
// OpenSSL's ssl_do_config does.
int SSL_CTX_config(SSL_CTX* ctx, const char* name) {
  if (ctx == nullptr || name == nullptr) {
    ERR_raise(ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER);
    return 0;
  }
  return guard<int>(nullptr, 0, [&] {
    size_t idx = 0, count = 0;
    if (conf_ssl_name_find(name, &idx) == 0) {
      ERR_raise_data(ERR_LIB_SSL, SSL_R_INVALID_CONFIGURATION_NAME, "name=%s", name);
      return 0;
    }
    const ssl_conf_cmd_st* cmds = conf_ssl_get(idx, &name, &count);
    SSL_CONF_CTX cctx;
    cctx.ctx = ctx;
    cctx.flags = SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CERTIFICATE | SSL_CONF_FLAG_REQUIRE_PRIVATE |
                 SSL_CONF_FLAG_SHOW_ERRORS;
    const SSL_METHOD* method = SSL_CTX_get_ssl_method(ctx);
    if (method->can_accept) cctx.flags |= SSL_CONF_FLAG_SERVER;
    if (method->can_connect) cctx.flags |= SSL_CONF_FLAG_CLIENT;
    for (size_t i = 0; i < count; ++i) {
      char* cmd = nullptr;
      char* arg = nullptr;
      conf_ssl_get_cmd(cmds, i, &cmd, &arg);
      if (conf_cmd(&cctx, cmd, arg) <= 0) return 0;
    }
    return SSL_CONF_CTX_finish(&cctx);
  });
}

}  // extern "C"
