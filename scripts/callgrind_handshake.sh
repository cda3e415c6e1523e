#!/bin/sh
# Instructions per handshake, for each side of each library, counted by
# callgrind: timing on the shared machines moves a few percent from run to
# run, instruction counts do not. TLS 1.3: full with the ECDSA and the RSA
# chain, resumed with stateless and with stateful tickets. TLS 1.2: full
# ECDHE-ECDSA and ECDHE-RSA (AES-128-GCM) handshakes, resumed ones from an
# RFC 5077 ticket (stateless) and from a session id (stateful).
#
#   scripts/callgrind_handshake.sh [ADIEU_BENCH] [HANDSHAKES]
#
# ADIEU_BENCH defaults to build/release/bench/adieu-bench (cmake --preset
# release && cmake --build --preset release --target adieu-bench); HANDSHAKES
# defaults to 20. LIBS="openssl" (or "adieu") restricts the libraries,
# VERSIONS="1.3" (or "1.2") the versions; an adieu-bench older than its
# --version option (before TLS 1.2) needs VERSIONS=1.3.
#
# Each run is `valgrind --tool=callgrind --collect-atstart=no adieu-bench
# --callgrind-side=SIDE --lib=LIB --chain=CHAIN [--resume=MODE]
# [--version=1.2] --handshakes=N`: the bench does 2 unmeasured handshakes (the
# second already resumed), then N handshakes with collection toggled on only
# inside the calls made on SIDE's object (creating it, the handshake, reading
# the tickets), so the total Ir divided by N is that side's instructions per
# handshake. libcrypto's allocation hooks are off in this mode.
set -eu

bench=${1:-build/release/bench/adieu-bench}
handshakes=${2:-20}
libs=${LIBS:-adieu openssl}
versions=${VERSIONS:-1.3 1.2}

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

# instructions LIB SIDE CHAIN MODE VERSION: prints Ir per handshake, or "nan".
# MODE is full, stateless or stateful; VERSION 1.3 or 1.2.
instructions() {
  out="$work/$1.$2.$3.$4.$5.out"
  resume=""
  [ "$4" = full ] || resume="--resume=$4"
  version=""
  [ "$5" = 1.3 ] || version="--version=$5"
  if valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out" \
      "$bench" --callgrind-side="$2" --lib="$1" --chain="$3" $resume $version \
      --handshakes="$handshakes" >"$work/stdout" 2>"$work/stderr"; then
    awk -v n="$handshakes" '/^summary:/ { printf "%.0f\n", $2 / n; found = 1; exit }
                            END { if (!found) print "nan" }' "$out"
  else
    echo "callgrind_handshake.sh: $1 $2 $3 $4 TLS $5 failed:" >&2
    tail -5 "$work/stderr" >&2
    echo nan
  fi
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "nan";
                                   else printf "%.3f\n", a / b }'
}

printf '%-36s %14s %14s %8s\n' "instructions per handshake" adieu openssl "ratio"
lines=""
# VERSION:CHAIN:MODE; TLS 1.3 names stay as they were, TLS 1.2's start with tls12.
runs=""
for v in $versions; do
  case $v in
    1.3) runs="$runs 1.3:ecdsa:full 1.3:rsa:full 1.3:ecdsa:stateless 1.3:ecdsa:stateful" ;;
    1.2) runs="$runs 1.2:ecdsa:full 1.2:rsa:full 1.2:ecdsa:stateless 1.2:ecdsa:stateful" ;;
    *)
      echo "callgrind_handshake.sh: VERSIONS: 1.3 and/or 1.2, not $v" >&2
      exit 2
      ;;
  esac
done
for run in $runs; do
  version=${run%%:*}
  rest=${run#*:}
  chain=${rest%%:*}
  mode=${rest#*:}
  for side in client server; do
    adieu=nan
    openssl=nan
    for lib in $libs; do
      count=$(instructions "$lib" "$side" "$chain" "$mode" "$version")
      case $lib in
        adieu) adieu=$count ;;
        openssl) openssl=$count ;;
      esac
    done
    r=$(ratio "$adieu" "$openssl")
    prefix=""
    label_prefix=""
    if [ "$version" = 1.2 ]; then
      prefix="tls12_"
      label_prefix="TLS 1.2 "
    fi
    if [ "$mode" = full ]; then
      label="$label_prefix$chain $side"
      name="instr_${prefix}${chain}_${side}"
    else
      label="${label_prefix}resumed $mode $side"
      name="instr_${prefix}resumed_${mode}_${side}"
    fi
    printf '%-36s %14s %14s %8s\n' "$label" "$adieu" "$openssl" "$r"
    lines="$lines
$name $adieu $openssl $r"
  done
done
echo
echo "# name adieu openssl ratio(adieu/openssl)"
echo "$lines" | sed '/^$/d'
