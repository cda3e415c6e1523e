/* The differential scenario program: `compat_scenarios <name>` runs one
 * scenario, `compat_scenarios list` names them all. Built twice (OpenSSL's
 * libssl and libadieu-ssl); run_differential.sh compares the outputs.
 * Every scenario of the table runs twice: as `name` (the contexts of the
 * harness allow up to TLS 1.3, which both ends negotiate) and as
 * `name_tls12` (both ends limited to TLS 1.2). */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "scenarios.h"

typedef struct {
  const char* name;
  void (*run)(void);
} Scenario;

#define SCENARIO(name) \
  { #name, sc_##name }
static const Scenario kScenarios[] = {
    SCENARIO(client_close),
    SCENARIO(second_call_waits),
    SCENARIO(repeat_after_completion),
    SCENARIO(peer_close_buffered),
    SCENARIO(responding_side),
    SCENARIO(half_close),
    SCENARIO(write_after_close),
    SCENARIO(read_after_received),
    SCENARIO(data_then_close),
    SCENARIO(get_error_after_zero),
    SCENARIO(app_data_while_waiting),
    SCENARIO(app_data_read_wait),
    SCENARIO(tickets_during_shutdown),
    SCENARIO(key_update_after_close),
    SCENARIO(key_update_and_data_after_close),
    SCENARIO(no_auto_retry_tickets),
    SCENARIO(no_auto_retry_read),
    SCENARIO(fatal_alert_while_waiting),
    SCENARIO(close_notify_write_blocks),
    SCENARIO(close_notify_write_fails),
    SCENARIO(no_role),
    SCENARIO(in_init),
    SCENARIO(key_update_then_shutdown),
    SCENARIO(key_update_misuse),
    SCENARIO(handshake_alert),
    SCENARIO(eof_default),
    SCENARIO(eof_ignored),
    SCENARIO(eof_while_waiting),
    SCENARIO(eof_while_waiting_ignored),
    SCENARIO(quiet_shutdown),
    SCENARIO(set_shutdown),
    SCENARIO(server_cache),
    SCENARIO(client_session),
    SCENARIO(set_session_live),
    SCENARIO(clear_and_reuse),
    SCENARIO(ssl_bio_free),
    SCENARIO(resume),
    SCENARIO(resume_after_unclean),
    SCENARIO(resume_stateful),
    SCENARIO(resume_twice),
    SCENARIO(ssl_bio_io),
    SCENARIO(ssl_bio_push),
    SCENARIO(session_api),
    SCENARIO(blocking_two_calls),
    SCENARIO(blocking_no_auto_retry),
    SCENARIO(blocking_echo),
    SCENARIO(nonblocking_close),
    SCENARIO(nonblocking_eof),
    SCENARIO(answer_closed_peer),
    SCENARIO(ignored_eof_socket),
    SCENARIO(tcp_reset),
    SCENARIO(defaults),
    SCENARIO(handshake_info),
    SCENARIO(alpn),
    SCENARIO(sni),
    SCENARIO(keylog),
    SCENARIO(write_blocks),
    SCENARIO(peek_and_pending),
    SCENARIO(verify_none_result),
    SCENARIO(ciphersuites),
    SCENARIO(certificates),
    SCENARIO(error_strings),
    SCENARIO(alert_strings),
    SCENARIO(ex_data),
    SCENARIO(stale_error_queue),
    SCENARIO(tls12_only),
    SCENARIO(tls13_only_vs_tls12_peer),
    SCENARIO(no_tickets),
    SCENARIO(bulk),
    SCENARIO(transport_gone),
    SCENARIO(write_retry_moved_buffer),
    SCENARIO(shutdown_behind_pending_write),
    SCENARIO(version_bounds),
    SCENARIO(versions),
    SCENARIO(old_versions),
    SCENARIO(cipher_strings),
    SCENARIO(cipher_strings_unsupported),
    SCENARIO(cipher_list_state),
    SCENARIO(supported_ciphers),
    SCENARIO(cipher_choice),
    SCENARIO(cipher_accessors),
    SCENARIO(negotiated_suites),
    SCENARIO(randoms_and_keys),
    SCENARIO(finished_messages),
    SCENARIO(peer_tmp_key),
    SCENARIO(dual_certificates),
    SCENARIO(hello_request_after_close),
    SCENARIO(hello_request_read_after_close),
    SCENARIO(hello_request_refused),
    SCENARIO(hello_request_renegotiation),
    SCENARIO(tls12_alerts),
    SCENARIO(no_suite_for_version),
    SCENARIO(resume_session_id),
    SCENARIO(verify_callback),
    SCENARIO(verify_untrusted),
    SCENARIO(verify_override),
    SCENARIO(verify_reject),
    SCENARIO(verify_reject_silent),
    SCENARIO(verify_none_callback),
    SCENARIO(verify_host),
    SCENARIO(verify_ctx_param),
    SCENARIO(verify_store),
    SCENARIO(verify_depth),
    SCENARIO(verify_app_callback),
    SCENARIO(verify_client_cert),
    SCENARIO(automatic_chain),
    SCENARIO(post_handshake_auth),
    SCENARIO(session_bytes),
    SCENARIO(early_data_accepted),
    SCENARIO(early_data_refused),
    SCENARIO(early_data_nonblocking),
    SCENARIO(early_data_not_read),
    SCENARIO(early_data_too_much),
    SCENARIO(early_data_no_allowance),
    SCENARIO(early_data_api),
    SCENARIO(zero_byte_write),
    SCENARIO(passwd_cb),
    SCENARIO(groups_list),
    SCENARIO(groups_handshake),
    SCENARIO(certificate_ctrls),
    SCENARIO(info_callback),
    SCENARIO(handshake_clears_queue),
    SCENARIO(conf_commands),
    SCENARIO(server_callbacks),
    SCENARIO(msg_callback),
    SCENARIO(client_hello_split),
    SCENARIO(max_fragment_length),
};

#define TLS12_SUFFIX "_tls12"

int main(int argc, char** argv) {
  size_t i;
  char name[128];
  size_t len;
  if (argc != 2) {
    fprintf(stderr, "usage: %s <scenario>|list\n", argv[0]);
    return 2;
  }
  harness_init();
  snprintf(name, sizeof(name), "%s", argv[1]);
  len = strlen(name);
  if (len > strlen(TLS12_SUFFIX) && strcmp(name + len - strlen(TLS12_SUFFIX), TLS12_SUFFIX) == 0) {
    name[len - strlen(TLS12_SUFFIX)] = '\0';
    harness_tls12 = 1;
  }
  for (i = 0; i < sizeof(kScenarios) / sizeof(kScenarios[0]); ++i) {
    if (strcmp(argv[1], "list") == 0) {
      printf("%s\n%s" TLS12_SUFFIX "\n", kScenarios[i].name, kScenarios[i].name);
    } else if (strcmp(name, kScenarios[i].name) == 0) {
      kScenarios[i].run();
      print_queue();
      return 0;
    }
  }
  if (strcmp(argv[1], "list") == 0) return 0;
  fprintf(stderr, "unknown scenario %s\n", argv[1]);
  return 2;
}
