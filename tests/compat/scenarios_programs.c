/* What real programs rely on beyond the basics: a write of zero bytes
 * (Python's send(b"")), encrypted keys opened with the context's password
 * callback (curl, libpq, stunnel). */
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "scenarios.h"

void sc_zero_byte_write(void) {
  Pair p;
  PairOptions o = pair_defaults();
  size_t n = 99;
  char buf[8];
  pair_connect(&p, &o);
  STEP("C write 0", p.c, p.c_net, SSL_write(p.c, "", 0));
  STEP("C write_ex 0", p.c, p.c_net, SSL_write_ex(p.c, "", 0, &n));
  say("written=%zu", n);
  STEP("C write_ex NULL 0", p.c, p.c_net, SSL_write_ex(p.c, NULL, 0, &n));
  say("written=%zu", n);
  STEP("C write 3", p.c, p.c_net, SSL_write(p.c, "abc", 3));
  c2s(&p);
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  pair_free(&p);
}

static int password_calls;
static int password_cb(char* buf, int size, int rwflag, void* userdata) {
  const char* pw = (const char*)userdata;
  ++password_calls;
  say("  password callback: rwflag=%d userdata=%s", rwflag, pw);
  if ((int)strlen(pw) >= size) return 0;
  memcpy(buf, pw, strlen(pw));
  return (int)strlen(pw);
}

/* The test's key, written encrypted under "sesame" to a temporary file. */
static void write_encrypted_key(char* path) {
  int fd;
  FILE* f;
  EVP_PKEY* key;
  BIO* in = BIO_new_file(data_file("ecdsa-leaf.key"), "r");
  SETUP(in != NULL);
  key = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
  BIO_free(in);
  SETUP(key != NULL);
  strcpy(path, "/tmp/compat-key-XXXXXX");
  SETUP((fd = mkstemp(path)) >= 0);
  SETUP((f = fdopen(fd, "w")) != NULL);
  SETUP(PEM_write_PKCS8PrivateKey(f, key, EVP_aes_128_cbc(), NULL, 0, NULL, (void*)"sesame") == 1);
  fclose(f);
  EVP_PKEY_free(key);
}

void sc_passwd_cb(void) {
  char path[64];
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SETUP(ctx != NULL);
  write_encrypted_key(path);
  SETUP(SSL_CTX_use_certificate_chain_file(ctx, data_file("ecdsa-fullchain.pem")) == 1);
  SSL_CTX_set_default_passwd_cb(ctx, password_cb);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, (void*)"wrong");
  say("get cb=%d userdata=%s", SSL_CTX_get_default_passwd_cb(ctx) == password_cb,
      (const char*)SSL_CTX_get_default_passwd_cb_userdata(ctx));
  say("wrong password: use_PrivateKey_file=%d",
      SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM));
  ERR_clear_error();
  SSL_CTX_set_default_passwd_cb_userdata(ctx, (void*)"sesame");
  say("right password: use_PrivateKey_file=%d",
      SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM));
  say("check_private_key=%d", SSL_CTX_check_private_key(ctx));
  say("callback calls=%d", password_calls);
  unlink(path);
  SSL_CTX_free(ctx);
}
