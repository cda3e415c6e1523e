/* A small HTTPS client written the usual OpenSSL way (see https_server.c).
 *   https_client HOST PORT CAFILE   GETs / and prints the response. */
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int tcp_connect(const char* host, const char* port) {
  struct addrinfo hints, *res, *ai;
  int fd = -1;
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
  for (ai = res; ai != NULL; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    if (fd >= 0) close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

int main(int argc, char** argv) {
  SSL_CTX* ctx;
  SSL* ssl;
  char request[256], buf[4096];
  int fd, n, err, ret;
  if (argc != 4) {
    fprintf(stderr, "usage: %s HOST PORT CAFILE\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  if (SSL_CTX_load_verify_locations(ctx, argv[3], NULL) != 1) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  fd = tcp_connect(argv[1], argv[2]);
  if (fd < 0) {
    perror("connect");
    return 1;
  }
  ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  if (SSL_connect(ssl) != 1) {
    fprintf(stderr, "handshake failed\n");
    ERR_print_errors_fp(stderr);
    return 1;
  }
  printf("handshake %s %s verify=%ld\n", SSL_get_version(ssl),
         SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)), SSL_get_verify_result(ssl));
  snprintf(request, sizeof(request), "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n");
  if (SSL_write(ssl, request, (int)strlen(request)) <= 0) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  /* Read to the end of the response: the server closes with close_notify. */
  while ((n = SSL_read(ssl, buf, sizeof(buf) - 1)) > 0) {
    buf[n] = 0;
    fputs(buf, stdout);
  }
  err = SSL_get_error(ssl, n);
  printf("\nend of response: %s\n", err == SSL_ERROR_ZERO_RETURN ? "close_notify"
                                    : err == SSL_ERROR_SSL       ? "error"
                                                                 : "other");
  if (err == SSL_ERROR_SSL) ERR_print_errors_fp(stdout);
  ret = SSL_shutdown(ssl);
  printf("shutdown %d\n", ret);
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  return err == SSL_ERROR_ZERO_RETURN && ret == 1 ? 0 : 1;
}
