#!/usr/bin/env bash
# SNI: the client sends the name it verifies; adieu-server with two
# certificates (-cert/-cert2) picks the one whose names match the client's
# SNI, the first one otherwise.
source "$(dirname "$0")/lib.sh"
use_cert ecdsa
OTHER=$D/other-name-leaf.pem  # DNS:other.test only

log "== openssl s_client -servername other.test / localhost / none -> adieu-server -cert -cert2"
start_adieu_server so.srv -cert "$FULLCHAIN" -key "$KEY" -cert2 "$OTHER" \
  -key2 "$D/other-name-leaf.key" -cert_chain2 "$CHAIN" -naccept 3
run_openssl_client other 'sni\n' 'sni' -CAfile "$ROOT" -verify_return_error \
  -servername other.test -verify_hostname other.test
expect_status "s_client (other.test) succeeds" "$RC" 0
expect_grep "other.test got the second certificate" "$WORK/other.cli.out" \
  "subject=O = adieu tests, CN = other.test"
expect_grep "and verified it" "$WORK/other.cli.out" "Verify return code: 0 (ok)"
run_openssl_client local 'sni\n' 'sni' -CAfile "$ROOT" -verify_return_error \
  -verify_hostname localhost
expect_status "s_client (localhost) succeeds" "$RC" 0
expect_grep "localhost got the first certificate" "$WORK/local.cli.out" \
  "subject=O = adieu tests, CN = localhost"
run_peer_client none 'sni\n' 'sni' openssl s_client -connect "127.0.0.1:$PORT" -noservername \
  -CAfile "$ROOT" -verify_return_error
expect_status "s_client (no SNI) succeeds" "$RC" 0
expect_grep "no SNI got the first certificate" "$WORK/none.cli.out" \
  "subject=O = adieu tests, CN = localhost"
wait_exit "$SERVER_PID" 5
expect_count "adieu-server saw the SNI sent" "$WORK/so.srv.out" "sni=other.test" 1
expect_count "adieu-server saw the SNI sent" "$WORK/so.srv.out" "sni=localhost" 1
expect_count "adieu-server saw no SNI once" "$WORK/so.srv.out" "sni=none" 1
expect_count "every connection ended cleanly" "$WORK/so.srv.out" "$CLEAN" 3

log "== adieu-client checks the name: other.test against a localhost certificate"
start_openssl_server os.srv -cert "$CERT" -cert_chain "$CHAIN" -key "$KEY" -naccept 1
run_adieu_client os 'x\n' -CAfile "$ROOT" -servername other.test
wait_exit "$SERVER_PID" 5
expect_nonzero "adieu-client refuses" "$RC"
expect_grep "adieu-client refuses the name" "$WORK/os.cli.err" \
  "fatal alert sent: certificate_unknown"

log "== adieu-client -servername adieu.test -> gnutls-serv (the name reaches it)"
start_gnutls_server gs.srv --echo -a --x509certfile "$FULLCHAIN" --x509keyfile "$KEY"
run_adieu_client gs 'sni\n' -CAfile "$ROOT" -servername adieu.test
sleep 0.1
stop_server
expect_status "adieu-client ends cleanly" "$RC" 0
expect_grep "gnutls-serv got the SNI" "$WORK/gs.srv.out" "Given server name[1]: adieu.test"
expect_grep "adieu-client verified adieu.test" "$WORK/gs.cli.err" "sni=adieu.test"

finish "SNI"
