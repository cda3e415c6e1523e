#!/usr/bin/env bash
# case.sh NAME: one small interop script, run by harness_test.sh with
# ADIEU_SERVER and ADIEU_CLIENT pointing at fake_peer (FAKE_PEER set by the
# caller). Each case ends with finish(), whose exit status is the result.
source "$(dirname "$0")/../lib.sh"

case "$1" in
  server)  # start an adieu-server, one passing check, stop it
    start_adieu_server srv && pass "server started"
    stop_server
    ;;
  server-left-running)  # finish() itself must stop and judge it
    start_adieu_server srv && pass "server started"
    ;;
  client)  # one adieu-client run, one passing check
    PORT=9
    run_adieu_client cli ''
    pass "client ran"
    ;;
  no-checks)  # nothing at all
    ;;
  *)
    echo "unknown case $1" >&2
    exit 2
    ;;
esac
finish "harness case $1"
