#!/usr/bin/env bash
# ctest adieu_bench_quick: runs `adieu-bench --quick` and fails if it printed a
# figure that cannot be true or did not measure everything:
#   - the exit status is not 0 (a measurement failed, or a figure was refused);
#   - the tables say "refused" anywhere;
#   - a line of the --tsv output is not "ok", or its value is not a finite
#     number between its smallest and its largest round;
#   - without --version= or --only= among the arguments: a TLS 1.3 or a TLS 1.2
#     full-handshake figure is missing;
#   - without --only= or --lib=: adieu's QUIC in-memory handshake figure is
#     missing (the loopback section is not required: it needs ngtcp2's tools).
#
#   bench/check_quick.sh ADIEU_BENCH [extra adieu-bench arguments]
set -uo pipefail

bench=${1:?usage: check_quick.sh ADIEU_BENCH [arguments]}
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bench" --quick --tsv="$work/figures.tsv" "$@" >"$work/tables.txt" 2>"$work/stderr.txt"
status=$?
cat "$work/tables.txt" "$work/stderr.txt"
failed=0
if ((status != 0)); then
  echo "check_quick: adieu-bench exited with $status" >&2
  failed=1
fi
if grep -qi 'refused' "$work/tables.txt"; then
  echo "check_quick: the tables refused figures:" >&2
  grep -i 'refused' "$work/tables.txt" >&2
  failed=1
fi
# Both versions are measured unless the arguments choose.
both_versions=1
case " $* " in
  *" --version="* | *" --only="*) both_versions=0 ;;
esac
quic=1
case " $* " in
  *" --only="* | *" --lib="*) quic=0 ;;
esac
# Columns: group name label unit better who value min max rounds of_limit status.
if ! awk -F'\t' -v both_versions="$both_versions" -v quic="$quic" '
  /^#/ || $1 == "group" { next }
  $2 == "hs_ecdsa_client_per_s" { tls13++ }
  $2 == "tls12_hs_ecdsa_client_per_s" { tls12++ }
  $2 == "quic_hs_ecdsa_client_per_s" { quic_hs++ }
  {
    lines++
    if ($12 != "ok") { print "not ok: " $0; bad++; next }
    if ($7 !~ /^-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?$/) {
      print "not a finite value: " $0; bad++; next
    }
    if ($6 != "ratio" && ($7 < $8 || $7 > $9)) { print "value outside its rounds: " $0; bad++ }
  }
  END {
    if (lines < 100) { print "only " lines " figures"; bad++ }
    if (both_versions && (!tls13 || !tls12)) { print "TLS 1.3 or TLS 1.2 handshakes missing"; bad++ }
    if (quic && !quic_hs) { print "QUIC handshakes missing"; bad++ }
    exit bad > 0
  }' "$work/figures.tsv" >&2; then
  echo "check_quick: the --tsv output has figures that are not ok" >&2
  failed=1
fi
exit "$failed"
