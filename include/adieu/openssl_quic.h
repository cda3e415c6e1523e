/*
 * adieu/openssl_quic.h: the declarations of OpenSSL 3.2-3.5's QUIC API that
 * OpenSSL 3.0's headers lack, with OpenSSL's names, constants and
 * signatures, for programs built against Debian 12's OpenSSL 3.0 headers and
 * run on adieu's libssl.so.3. Code written for OpenSSL 3.5's QUIC compiles
 * with one extra include:
 *
 *   #include <openssl/ssl.h>
 *   #include <adieu/openssl_quic.h>
 *
 * With OpenSSL 3.2+ headers this header declares nothing (they already
 * have all of it).
 *
 * What each function does on adieu, and where it differs from OpenSSL, is in
 * docs/compat.md ("QUIC"). In short: a QUIC connection object is made with
 * SSL_new() on a context of OSSL_QUIC_client_method(); a server's
 * connections come from a listener (SSL_new_listener, SSL_listen,
 * SSL_accept_connection); streams are SSL objects of their own
 * (SSL_new_stream, SSL_accept_stream), and SSL_read / SSL_write on the
 * connection object use its default stream. SSL_get_shutdown on a
 * connection reads its end as CONNECTION_CLOSE tells it (rule R48 of
 * openssl-shutdown-behavior.md, the shutdown rules docs/compat.md follows).
 */
#ifndef ADIEU_OPENSSL_QUIC_H
#define ADIEU_OPENSSL_QUIC_H

#include <openssl/bio.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#if OPENSSL_VERSION_NUMBER < 0x30200000L

#ifdef __cplusplus
extern "C" {
#endif

/* --- Methods */
const SSL_METHOD* OSSL_QUIC_client_method(void);
const SSL_METHOD* OSSL_QUIC_client_thread_method(void);
const SSL_METHOD* OSSL_QUIC_server_method(void);

/* --- Poll descriptors (bio.h in 3.2+) */
#define BIO_POLL_DESCRIPTOR_TYPE_NONE 0
#define BIO_POLL_DESCRIPTOR_TYPE_SOCK_FD 1
#define BIO_POLL_DESCRIPTOR_TYPE_SSL 2
#define BIO_POLL_DESCRIPTOR_CUSTOM_START 8192

typedef struct bio_poll_descriptor_st {
  uint32_t type;
  union {
    int fd;
    void* custom;
    uintptr_t custom_ui;
    SSL* ssl;
  } value;
} BIO_POLL_DESCRIPTOR;

/* --- Datagram BIO pair (bio.h in 3.2+): two datagram BIOs, each reading
 * what the other writes, one datagram per BIO_write / BIO_read. */
int BIO_new_bio_dgram_pair(BIO** bio1, size_t writebuf1, BIO** bio2, size_t writebuf2);

/* --- Datagram BIO pair (bio.h in 3.2+): two BIOs, each reading what the
 * other writes, one datagram per BIO_write / BIO_read, each direction
 * holding at most `writebufN` bytes (0: a default of 9 x 64 KiB). A
 * datagram larger than the reader's buffer is cut, as recv() cuts one.
 * Provided by adieu's libssl, since libcrypto 3.0 has none. */
int BIO_new_bio_dgram_pair(BIO** bio1, size_t writebuf1, BIO** bio2, size_t writebuf2);

/* --- Event handling */
int SSL_handle_events(SSL* s);
int SSL_get_event_timeout(SSL* s, struct timeval* tv, int* is_infinite);
int SSL_get_rpoll_descriptor(SSL* s, BIO_POLL_DESCRIPTOR* desc);
int SSL_get_wpoll_descriptor(SSL* s, BIO_POLL_DESCRIPTOR* desc);
int SSL_net_read_desired(SSL* s);
int SSL_net_write_desired(SSL* s);
int SSL_set_blocking_mode(SSL* s, int blocking);
int SSL_get_blocking_mode(SSL* s);
int SSL_set1_initial_peer_addr(SSL* s, const BIO_ADDR* peer_addr);

/* --- Object kinds */
SSL* SSL_get0_connection(SSL* s);
int SSL_is_connection(SSL* s);
int SSL_is_listener(SSL* ssl);
SSL* SSL_get0_listener(SSL* s);

/* --- Listeners (server) */
#define SSL_LISTENER_FLAG_NO_ACCEPT (1UL << 0)
SSL* SSL_new_listener(SSL_CTX* ctx, uint64_t flags);
#define SSL_ACCEPT_CONNECTION_NO_BLOCK (1UL << 0)
SSL* SSL_accept_connection(SSL* ssl, uint64_t flags);
size_t SSL_get_accept_connection_queue_len(SSL* ssl);
int SSL_listen(SSL* ssl);

/* --- Streams */
#define SSL_STREAM_TYPE_NONE 0
#define SSL_STREAM_TYPE_READ (1U << 0)
#define SSL_STREAM_TYPE_WRITE (1U << 1)
#define SSL_STREAM_TYPE_BIDI (SSL_STREAM_TYPE_READ | SSL_STREAM_TYPE_WRITE)
int SSL_get_stream_type(SSL* s);
uint64_t SSL_get_stream_id(SSL* s);
int SSL_is_stream_local(SSL* s);

#define SSL_DEFAULT_STREAM_MODE_NONE 0
#define SSL_DEFAULT_STREAM_MODE_AUTO_BIDI 1
#define SSL_DEFAULT_STREAM_MODE_AUTO_UNI 2
int SSL_set_default_stream_mode(SSL* s, uint32_t mode);

#define SSL_STREAM_FLAG_UNI (1U << 0)
#define SSL_STREAM_FLAG_NO_BLOCK (1U << 1)
#define SSL_STREAM_FLAG_ADVANCE (1U << 2)
SSL* SSL_new_stream(SSL* s, uint64_t flags);

#define SSL_INCOMING_STREAM_POLICY_AUTO 0
#define SSL_INCOMING_STREAM_POLICY_ACCEPT 1
#define SSL_INCOMING_STREAM_POLICY_REJECT 2
int SSL_set_incoming_stream_policy(SSL* s, int policy, uint64_t aec);

#define SSL_ACCEPT_STREAM_NO_BLOCK (1U << 0)
SSL* SSL_accept_stream(SSL* s, uint64_t flags);
size_t SSL_get_accept_stream_queue_len(SSL* s);

int SSL_stream_conclude(SSL* ssl, uint64_t flags);

typedef struct ssl_stream_reset_args_st {
  uint64_t quic_error_code;
} SSL_STREAM_RESET_ARGS;
int SSL_stream_reset(SSL* ssl, const SSL_STREAM_RESET_ARGS* args, size_t args_len);

#define SSL_STREAM_STATE_NONE 0
#define SSL_STREAM_STATE_OK 1
#define SSL_STREAM_STATE_WRONG_DIR 2
#define SSL_STREAM_STATE_FINISHED 3
#define SSL_STREAM_STATE_RESET_LOCAL 4
#define SSL_STREAM_STATE_RESET_REMOTE 5
#define SSL_STREAM_STATE_CONN_CLOSED 6
int SSL_get_stream_read_state(SSL* ssl);
int SSL_get_stream_write_state(SSL* ssl);
int SSL_get_stream_read_error_code(SSL* ssl, uint64_t* app_error_code);
int SSL_get_stream_write_error_code(SSL* ssl, uint64_t* app_error_code);

/* --- The connection's end */
typedef struct ssl_shutdown_ex_args_st {
  uint64_t quic_error_code;
  const char* quic_reason;
} SSL_SHUTDOWN_EX_ARGS;

#define SSL_SHUTDOWN_FLAG_RAPID (1U << 0)
#define SSL_SHUTDOWN_FLAG_NO_STREAM_FLUSH (1U << 1)
#define SSL_SHUTDOWN_FLAG_NO_BLOCK (1U << 2)
#define SSL_SHUTDOWN_FLAG_WAIT_PEER (1U << 3)
int SSL_shutdown_ex(SSL* ssl, uint64_t flags, const SSL_SHUTDOWN_EX_ARGS* args, size_t args_len);

#define SSL_CONN_CLOSE_FLAG_LOCAL (1U << 0)
#define SSL_CONN_CLOSE_FLAG_TRANSPORT (1U << 1)
typedef struct ssl_conn_close_info_st {
  uint64_t error_code, frame_type;
  const char* reason;
  size_t reason_len;
  uint32_t flags;
} SSL_CONN_CLOSE_INFO;
int SSL_get_conn_close_info(SSL* ssl, SSL_CONN_CLOSE_INFO* info, size_t info_len);

/* --- Values */
#define SSL_VALUE_CLASS_GENERIC 0
#define SSL_VALUE_CLASS_FEATURE_REQUEST 1
#define SSL_VALUE_CLASS_FEATURE_PEER_REQUEST 2
#define SSL_VALUE_CLASS_FEATURE_NEGOTIATED 3

#define SSL_VALUE_NONE 0
#define SSL_VALUE_QUIC_STREAM_BIDI_LOCAL_AVAIL 1
#define SSL_VALUE_QUIC_STREAM_BIDI_REMOTE_AVAIL 2
#define SSL_VALUE_QUIC_STREAM_UNI_LOCAL_AVAIL 3
#define SSL_VALUE_QUIC_STREAM_UNI_REMOTE_AVAIL 4
#define SSL_VALUE_QUIC_IDLE_TIMEOUT 5
#define SSL_VALUE_EVENT_HANDLING_MODE 6
#define SSL_VALUE_STREAM_WRITE_BUF_SIZE 7
#define SSL_VALUE_STREAM_WRITE_BUF_USED 8
#define SSL_VALUE_STREAM_WRITE_BUF_AVAIL 9

#define SSL_VALUE_EVENT_HANDLING_MODE_INHERIT 0
#define SSL_VALUE_EVENT_HANDLING_MODE_IMPLICIT 1
#define SSL_VALUE_EVENT_HANDLING_MODE_EXPLICIT 2

int SSL_get_value_uint(SSL* s, uint32_t class_, uint32_t id, uint64_t* v);
int SSL_set_value_uint(SSL* s, uint32_t class_, uint32_t id, uint64_t v);

#define SSL_get_generic_value_uint(ssl, id, v) \
  SSL_get_value_uint((ssl), SSL_VALUE_CLASS_GENERIC, (id), (v))
#define SSL_set_generic_value_uint(ssl, id, v) \
  SSL_set_value_uint((ssl), SSL_VALUE_CLASS_GENERIC, (id), (v))
#define SSL_get_feature_request_uint(ssl, id, v) \
  SSL_get_value_uint((ssl), SSL_VALUE_CLASS_FEATURE_REQUEST, (id), (v))
#define SSL_set_feature_request_uint(ssl, id, v) \
  SSL_set_value_uint((ssl), SSL_VALUE_CLASS_FEATURE_REQUEST, (id), (v))
#define SSL_get_feature_negotiated_uint(ssl, id, v) \
  SSL_get_value_uint((ssl), SSL_VALUE_CLASS_FEATURE_NEGOTIATED, (id), (v))
#define SSL_get_quic_stream_bidi_local_avail(ssl, value) \
  SSL_get_generic_value_uint((ssl), SSL_VALUE_QUIC_STREAM_BIDI_LOCAL_AVAIL, (value))
#define SSL_get_quic_stream_bidi_remote_avail(ssl, value) \
  SSL_get_generic_value_uint((ssl), SSL_VALUE_QUIC_STREAM_BIDI_REMOTE_AVAIL, (value))
#define SSL_get_quic_stream_uni_local_avail(ssl, value) \
  SSL_get_generic_value_uint((ssl), SSL_VALUE_QUIC_STREAM_UNI_LOCAL_AVAIL, (value))
#define SSL_get_quic_stream_uni_remote_avail(ssl, value) \
  SSL_get_generic_value_uint((ssl), SSL_VALUE_QUIC_STREAM_UNI_REMOTE_AVAIL, (value))

/* --- Reason codes (sslerr.h in 3.2+) */
#define SSL_R_NO_STREAM 355
#define SSL_R_CONN_USE_ONLY 356
#define SSL_R_STREAM_FINISHED 365
#define SSL_R_STREAM_RECV_ONLY 366
#define SSL_R_STREAM_RESET 375
#define SSL_R_STREAM_SEND_ONLY 379
#define SSL_R_QUIC_PROTOCOL_ERROR 382
#define SSL_R_QUIC_NETWORK_ERROR 387
#define SSL_R_QUIC_HANDSHAKE_LAYER_ERROR 393
#define SSL_R_STREAM_COUNT_LIMITED 411
#define SSL_R_FEATURE_NOT_RENEGOTIABLE 413
#define SSL_R_FEATURE_NEGOTIATION_NOT_COMPLETE 417
#define SSL_R_UNSUPPORTED_CONFIG_VALUE 414

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_VERSION_NUMBER < 0x30200000L */
#endif /* ADIEU_OPENSSL_QUIC_H */
