/* A TLS server written against OpenSSL's API whose sessions live in Redis,
 * through OpenSSL's external session cache callbacks: several processes
 * running it share their sessions, as a fleet of servers behind one address
 * would. Built against OpenSSL's headers; run on adieu's libssl.so.3
 * (LD_LIBRARY_PATH) or on OpenSSL's, the same program.
 *
 *   - SSL_OP_NO_TICKET: TLS 1.3 tickets are stateful (the ticket is the
 *     session id), TLS 1.2 resumes by session id;
 *   - SSL_CTX_set_session_cache_mode(SERVER | NO_INTERNAL): the callbacks are
 *     the cache;
 *   - new_session_cb: SET adieu:compat:<id hex> <i2d_SSL_SESSION bytes> PX
 *     <the session's timeout>;
 *   - get_session_cb: GET, then d2i_SSL_SESSION; a TLS 1.3 session is single
 *     use (RFC 8446 section 8.1), so it is deleted in the same step (GETDEL
 *     needs Redis 6.2: GET then DEL in a MULTI instead);
 *   - remove_session_cb: DEL.
 *
 * Serves one connection at a time: handshake, reads one line, answers
 * "resumed=yes|no version=TLSv1.x" and closes with close_notify. Prints "port N"
 * first, and on SIGTERM the totals "new=N get=N hits=N remove=N".
 *   compat_session_server CERT_CHAIN KEY REDIS_PORT */
#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static redisContext* redis;
static unsigned long new_calls, get_calls, get_hits, remove_calls;
static volatile sig_atomic_t stop;

static void on_term(int sig) {
  (void)sig;
  stop = 1;
}

/* "adieu:compat:" followed by the id in hex. */
static void redis_key(const unsigned char* id, unsigned int len, char* out) {
  static const char hex[] = "0123456789abcdef";
  unsigned int i;
  strcpy(out, "adieu:compat:");
  out += strlen(out);
  for (i = 0; i < len; ++i) {
    *out++ = hex[id[i] >> 4];
    *out++ = hex[id[i] & 15];
  }
  *out = '\0';
}

static int new_session_cb(SSL* ssl, SSL_SESSION* sess) {
  unsigned int id_len = 0;
  const unsigned char* id = SSL_SESSION_get_id(sess, &id_len);
  char key[16 + 2 * SSL_MAX_SSL_SESSION_ID_LENGTH];
  unsigned char* der = NULL;
  int der_len = i2d_SSL_SESSION(sess, &der);
  long ttl_ms = SSL_SESSION_get_timeout(sess) * 1000L;
  redisReply* reply;
  (void)ssl;
  ++new_calls;
  if (der_len <= 0 || id_len == 0) {
    OPENSSL_free(der);
    return 0;
  }
  redis_key(id, id_len, key);
  reply = redisCommand(redis, "SET %s %b PX %ld", key, der, (size_t)der_len, ttl_ms);
  if (reply == NULL) fprintf(stderr, "redis SET failed: %s\n", redis->errstr);
  freeReplyObject(reply);
  OPENSSL_clear_free(der, (size_t)der_len);
  return 0; /* no reference kept */
}

static SSL_SESSION* get_session_cb(SSL* ssl, const unsigned char* id, int id_len, int* copy) {
  char key[16 + 2 * SSL_MAX_SSL_SESSION_ID_LENGTH];
  redisReply* reply;
  SSL_SESSION* sess = NULL;
  (void)ssl;
  ++get_calls;
  *copy = 0; /* the session returned is the caller's */
  if (id_len <= 0 || id_len > SSL_MAX_SSL_SESSION_ID_LENGTH) return NULL;
  redis_key(id, (unsigned int)id_len, key);
  reply = redisCommand(redis, "GET %s", key);
  if (reply != NULL && reply->type == REDIS_REPLY_STRING) {
    const unsigned char* p = (const unsigned char*)reply->str;
    sess = d2i_SSL_SESSION(NULL, &p, (long)reply->len);
  }
  freeReplyObject(reply);
  if (sess != NULL && SSL_SESSION_get_protocol_version(sess) == TLS1_3_VERSION) {
    /* A TLS 1.3 ticket resumes once, fleet-wide. */
    reply = redisCommand(redis, "DEL %s", key);
    freeReplyObject(reply);
  }
  if (sess != NULL) ++get_hits;
  return sess;
}

static void remove_session_cb(SSL_CTX* ctx, SSL_SESSION* sess) {
  unsigned int id_len = 0;
  const unsigned char* id = SSL_SESSION_get_id(sess, &id_len);
  char key[16 + 2 * SSL_MAX_SSL_SESSION_ID_LENGTH];
  redisReply* reply;
  (void)ctx;
  ++remove_calls;
  if (id_len == 0) return;
  redis_key(id, id_len, key);
  reply = redisCommand(redis, "DEL %s", key);
  freeReplyObject(reply);
}

static void serve(SSL_CTX* ctx, int fd) {
  SSL* ssl = SSL_new(ctx);
  char line[256];
  int n;
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) == 1) {
    n = SSL_read(ssl, line, sizeof line);
    if (n > 0) {
      n = snprintf(line, sizeof line, "resumed=%s version=%s\n",
                   SSL_session_reused(ssl) ? "yes" : "no", SSL_get_version(ssl));
      SSL_write(ssl, line, n);
    }
    if (SSL_shutdown(ssl) == 0) {
      while (SSL_read(ssl, line, sizeof line) > 0) {
      }
      SSL_shutdown(ssl);
    }
  } else {
    ERR_print_errors_fp(stderr);
  }
  ERR_clear_error();
  SSL_free(ssl);
  close(fd);
}

int main(int argc, char** argv) {
  struct sockaddr_in addr;
  socklen_t addr_len = sizeof addr;
  struct timeval timeout = {2, 0};
  struct sigaction sa;
  SSL_CTX* ctx;
  int listener;
  int one = 1;
  static const unsigned char sid_ctx[] = "compat_session_server";
  if (argc != 4) {
    fprintf(stderr, "usage: %s CERT_CHAIN KEY REDIS_PORT\n", argv[0]);
    return 2;
  }
  redis = redisConnectWithTimeout("127.0.0.1", atoi(argv[3]), timeout);
  if (redis == NULL || redis->err) {
    fprintf(stderr, "cannot connect to Redis\n");
    return 1;
  }
  redisSetTimeout(redis, timeout);
  ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx - 1);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
  SSL_CTX_sess_set_new_cb(ctx, new_session_cb);
  SSL_CTX_sess_set_get_cb(ctx, get_session_cb);
  SSL_CTX_sess_set_remove_cb(ctx, remove_session_cb);

  listener = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(listener, 16) != 0 ||
      getsockname(listener, (struct sockaddr*)&addr, &addr_len) != 0) {
    perror("listen");
    return 1;
  }
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: accept() returns EINTR */
  signal(SIGPIPE, SIG_IGN);
  printf("port %d\n", ntohs(addr.sin_port));
  fflush(stdout);
  while (!stop) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) continue;
    serve(ctx, fd);
  }
  printf("new=%lu get=%lu hits=%lu remove=%lu\n", new_calls, get_calls, get_hits, remove_calls);
  SSL_CTX_free(ctx);
  redisFree(redis);
  close(listener);
  return 0;
}
