#!/usr/bin/env bash
# Runs every built libFuzzer target for a while over a copy of its seed corpus
# and fails if any of them finds a crash, a leak or a broken invariant.
#
#   tests/fuzz/run_fuzzers.sh [seconds-per-target] [build-dir]
#
# seconds-per-target defaults to 20; build-dir to build/fuzz (the `fuzz`
# preset: cmake --preset fuzz && cmake --build --preset fuzz -j2). Crash
# inputs are kept in a temporary directory whose path is printed.
set -u -o pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
seconds="${1:-20}"
build="${2:-$repo/build/fuzz}"
fuzz_bin="$build/tests/fuzz"

if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: $0 [seconds-per-target] [build-dir]" >&2
  exit 2
fi
mapfile -t fuzzers < <(find "$fuzz_bin" -maxdepth 1 -type f -name '*_fuzzer' -perm -u+x 2>/dev/null | sort)
if [ "${#fuzzers[@]}" -eq 0 ]; then
  echo "no fuzzers in $fuzz_bin: configure with --preset fuzz and build first" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/adieu-fuzz.XXXXXX")"
failed=()
printf '%-28s %-6s %12s %8s %8s\n' target result runs cov corpus
for bin in "${fuzzers[@]}"; do
  name="$(basename "$bin" _fuzzer)"
  corpus="$work/$name/corpus"
  mkdir -p "$corpus" "$work/$name/artifacts"
  if [ -d "$here/corpus/$name" ]; then
    cp -r "$here/corpus/$name/." "$corpus/"
  fi
  log="$work/$name/log"
  # -timeout: one input may take at most 10 s; -rss_limit_mb bounds memory.
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/$name/artifacts/" "$corpus" >"$log" 2>&1
  rc=$?
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)"
  files="$(find "$corpus" -type f | wc -l)"
  if [ "$rc" -eq 0 ]; then
    result=ok
  else
    result=FAIL
    failed+=("$name")
  fi
  printf '%-28s %-6s %12s %8s %8s\n' "$name" "$result" "${runs:-?}" "${cov:-?}" "$files"
  if [ "$rc" -ne 0 ]; then
    echo "---- $name (exit $rc), last lines of $log:"
    tail -n 30 "$log"
    echo "---- crash inputs: $work/$name/artifacts/"
  fi
done

if [ "${#failed[@]}" -ne 0 ]; then
  echo "FAILED: ${failed[*]} (logs and inputs in $work)"
  exit 1
fi
rm -rf "$work"
echo "all ${#fuzzers[@]} fuzzers ran ${seconds}s without a failure"
