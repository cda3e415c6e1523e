#!/usr/bin/env bash
# adieu in one minute: builds adieu-server and adieu-client (release preset),
# starts the server on 127.0.0.1 with the test certificates, sends it a line
# with the client, and shows the handshake parameters, the echoed data, and
# how each side's connection ended (both close_notify alerts crossed).
#
#   ./demo.sh            exit status 0 when both sides ended cleanly
set -euo pipefail
cd "$(dirname "$0")"

echo "== building adieu-server and adieu-client (cmake --preset release)"
cmake --preset release >/dev/null
cmake --build --preset release -j"${JOBS:-2}" --target adieu-server adieu-client >/dev/null

SERVER=build/release/tools/adieu-server
CLIENT=build/release/tools/adieu-client
DATA=tests/data
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo
echo "== starting: $SERVER -accept 127.0.0.1:0 -cert $DATA/ecdsa-fullchain.pem -key $DATA/ecdsa-leaf.key -naccept 1 -verbose"
"$SERVER" -accept 127.0.0.1:0 -cert "$DATA/ecdsa-fullchain.pem" -key "$DATA/ecdsa-leaf.key" \
  -naccept 1 -verbose >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.err")
  [[ -n "$port" ]] && break
  sleep 0.05
done
if [[ -z "$port" ]]; then
  echo "adieu-server did not start:" >&2
  cat "$work/server.err" >&2
  exit 1
fi
echo "   listening on 127.0.0.1:$port"

echo
echo "== client: echo 'hello, adieu' | $CLIENT -connect 127.0.0.1:$port -servername localhost -CAfile $DATA/ecdsa-root.pem"
set +e
echo 'hello, adieu' | "$CLIENT" -connect "127.0.0.1:$port" -servername localhost \
  -CAfile "$DATA/ecdsa-root.pem" >"$work/client.out" 2>"$work/client.err"
client_status=$?
set -e
wait "$server_pid" || true
server_pid=

echo "   client (stderr): handshake parameters and how its connection ended"
sed 's/^/     /' "$work/client.err"
echo "   client (stdout): what the server echoed"
sed 's/^/     /' "$work/client.out"
echo
echo "== server: one line per connection"
sed 's/^/     /' "$work/server.out"
echo

clean="ended: read=close_notify_received write=close_notify_sent: clean"
if [[ $client_status == 0 ]] && grep -qF "$clean" "$work/client.err" &&
  grep -qF "$clean" "$work/server.out" && grep -qx 'hello, adieu' "$work/client.out"; then
  echo "== both sides sent and received close_notify: a clean end on both sides"
  exit 0
fi
echo "== the demo did not end cleanly (client exit status $client_status)" >&2
exit 1
