/* A small HTTPS server written the usual OpenSSL way, for the "real
 * program" test: built against OpenSSL's headers and libssl, run on adieu
 * through LD_LIBRARY_PATH (and on OpenSSL itself).
 *   https_server CERT KEY COUNT   serves COUNT connections on 127.0.0.1,
 *                                 printing "port N" first. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void serve(SSL_CTX* ctx, int fd) {
  SSL* ssl = SSL_new(ctx);
  char req[4096];
  int used = 0, r;
  static const char body[] = "hello from the adieu compat test server\n";
  char resp[512];
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) != 1) {
    fprintf(stderr, "accept failed\n");
    ERR_print_errors_fp(stderr);
    SSL_free(ssl);
    return;
  }
  printf("handshake %s %s sni=%s\n", SSL_get_version(ssl),
         SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)),
         SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)
             ? SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)
             : "-");
  while (used < (int)sizeof(req) - 1) {
    r = SSL_read(ssl, req + used, (int)sizeof(req) - 1 - used);
    if (r <= 0) break;
    used += r;
    req[used] = 0;
    if (strstr(req, "\r\n\r\n") != NULL) break;
  }
  req[used] = 0;
  printf("request line: %.*s\n", (int)strcspn(req, "\r\n"), req);
  snprintf(resp, sizeof(resp),
           "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
           strlen(body), body);
  if (SSL_write(ssl, resp, (int)strlen(resp)) <= 0) ERR_print_errors_fp(stderr);
  /* The classic two-step close: send ours, then wait for the peer's. */
  r = SSL_shutdown(ssl);
  if (r == 0) {
    char drain[256];
    int n;
    while ((n = SSL_read(ssl, drain, sizeof(drain))) > 0) {
    }
    printf("peer close: %s\n",
           SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN ? "close_notify" : "no close_notify");
    ERR_clear_error();
    r = SSL_shutdown(ssl);
  }
  printf("shutdown %d\n", r);
  fflush(stdout);
  SSL_free(ssl);
}

int main(int argc, char** argv) {
  SSL_CTX* ctx;
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int lfd, count, one = 1;
  if (argc != 4) {
    fprintf(stderr, "usage: %s CERT KEY COUNT\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  count = atoi(argv[3]);
  ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr*)&addr, sizeof(addr)) != 0 || listen(lfd, 8) != 0) return 1;
  getsockname(lfd, (struct sockaddr*)&addr, &len);
  printf("port %d\n", ntohs(addr.sin_port));
  fflush(stdout);
  while (count-- > 0) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) break;
    serve(ctx, fd);
    close(fd);
  }
  close(lfd);
  SSL_CTX_free(ctx);
  return 0;
}
