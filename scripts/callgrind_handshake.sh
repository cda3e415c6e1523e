#!/bin/sh
# Instructions per TLS 1.3 handshake (full with the ECDSA and the RSA chain;
# resumed with stateless and with stateful tickets), for each side of each
# library, counted by callgrind: timing on the shared machines moves a few percent from
# run to run, instruction counts do not.
#
#   scripts/callgrind_handshake.sh [ADIEU_BENCH] [HANDSHAKES]
#
# ADIEU_BENCH defaults to build/release/bench/adieu-bench (cmake --preset
# release && cmake --build --preset release --target adieu-bench); HANDSHAKES
# defaults to 20. LIBS="openssl" (or "adieu") restricts the libraries.
#
# Each run is `valgrind --tool=callgrind --collect-atstart=no adieu-bench
# --callgrind-side=SIDE --lib=LIB --chain=CHAIN [--resume=MODE] --handshakes=N`:
# the bench does 2 unmeasured handshakes (the second already resumed), then N handshakes with collection toggled on only
# inside the calls made on SIDE's object (creating it, the handshake, reading
# the tickets), so the total Ir divided by N is that side's instructions per
# handshake. libcrypto's allocation hooks are off in this mode.
set -eu

bench=${1:-build/release/bench/adieu-bench}
handshakes=${2:-20}
libs=${LIBS:-adieu openssl}

if ! command -v valgrind >/dev/null 2>&1; then
  echo "callgrind_handshake.sh: valgrind is not installed (apt-get install valgrind)" >&2
  exit 2
fi
if [ ! -x "$bench" ]; then
  echo "callgrind_handshake.sh: no adieu-bench at $bench" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# instructions LIB SIDE CHAIN MODE: prints Ir per handshake, or "nan". MODE is
# full, stateless or stateful.
instructions() {
  out="$work/$1.$2.$3.$4.out"
  resume=""
  [ "$4" = full ] || resume="--resume=$4"
  if valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out" \
      "$bench" --callgrind-side="$2" --lib="$1" --chain="$3" $resume --handshakes="$handshakes" \
      >"$work/stdout" 2>"$work/stderr"; then
    awk -v n="$handshakes" '/^summary:/ { printf "%.0f\n", $2 / n; found = 1; exit }
                            END { if (!found) print "nan" }' "$out"
  else
    echo "callgrind_handshake.sh: $1 $2 $3 $4 failed:" >&2
    tail -5 "$work/stderr" >&2
    echo nan
  fi
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "nan";
                                   else printf "%.3f\n", a / b }'
}

printf '%-28s %14s %14s %8s\n' "instructions per handshake" adieu openssl "ratio"
lines=""
for run in ecdsa.full rsa.full ecdsa.stateless ecdsa.stateful; do
  chain=${run%.*}
  mode=${run#*.}
  for side in client server; do
    adieu=nan
    openssl=nan
    for lib in $libs; do
      count=$(instructions "$lib" "$side" "$chain" "$mode")
      case $lib in
        adieu) adieu=$count ;;
        openssl) openssl=$count ;;
      esac
    done
    r=$(ratio "$adieu" "$openssl")
    if [ "$mode" = full ]; then
      label="$chain $side"
      name="instr_${chain}_${side}"
    else
      label="resumed $mode $side"
      name="instr_resumed_${mode}_${side}"
    fi
    printf '%-28s %14s %14s %8s\n' "$label" "$adieu" "$openssl" "$r"
    lines="$lines
$name $adieu $openssl $r"
  done
done
echo
echo "# name adieu openssl ratio(adieu/openssl)"
echo "$lines" | sed '/^$/d'
