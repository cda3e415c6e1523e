#!/usr/bin/env bash
# Builds and runs every test, as CI does (.ci/run installs the packages first):
#   1. release preset: build everything, ctest (unit, engine and interop tests)
#   2. asan preset (ASan + UBSan): build everything, ctest again
#   3. fuzz preset (clang, libFuzzer): build the fuzz targets, run each briefly
# Every stage runs even when an earlier one failed; the exit status is 1 when
# any failed. JOBS (default 2) sets the build and test parallelism,
# FUZZ_SECONDS (default 6) the time per fuzz target.
set -uo pipefail
cd "$(dirname "$0")/.."

jobs=${JOBS:-2}
fuzz_seconds=${FUZZ_SECONDS:-6}
failed=()
start=$SECONDS

stage() { printf '\n=== %s (%ds)\n' "$*" $((SECONDS - start)); }
run() {
  local name=$1
  shift
  if ! "$@"; then
    echo "=== FAILED: $name"
    failed+=("$name")
    return 1
  fi
}

for preset in release asan; do
  stage "$preset: configure and build"
  if run "$preset build" cmake --preset "$preset" &&
    run "$preset build" cmake --build --preset "$preset" -j"$jobs"; then
    stage "$preset: ctest"
    run "$preset tests" ctest --preset "$preset" -j"$jobs"
    run "$preset bench" "build/$preset/bench/adieu-bench" --quick
    # The interop matrix's table (tests/interop/matrix.sh).
    cat "build/$preset/tests/interop/matrix.txt" 2>/dev/null
  fi
done

if [[ -f tests/fuzz/CMakeLists.txt ]]; then
  stage "fuzz: configure and build"
  # Only the fuzz targets: the rest of the tree was built and tested above.
  if run "fuzz build" cmake --preset fuzz &&
    mapfile -t fuzz_targets < <(cmake --build build/fuzz --target help |
      grep -o '[A-Za-z0-9_]*_fuzzer' | sort -u) &&
    run "fuzz build" cmake --build --preset fuzz -j"$jobs" --target "${fuzz_targets[@]}"; then
    if [[ -f tests/fuzz/run_fuzzers.sh ]]; then
      stage "fuzz: ${fuzz_seconds}s per target"
      run "fuzzing" bash tests/fuzz/run_fuzzers.sh "$fuzz_seconds" build/fuzz
    fi
  fi
fi

stage "done"
if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all stages passed"
