#!/usr/bin/env bash
# One entry point for a fresh Debian machine: installs what is missing, builds, then
#   tools/dev.sh serve [metersim serve flags]   runs `metersim serve` (embedded default config)
#   tools/dev.sh test  [ctest flags]            runs the whole test suite
#   tools/dev.sh bench                          builds and runs the benchmarks in tests/bench/
#   tools/dev.sh build                          only builds (into ./build, or $METERSIM_BUILD_DIR)
#   tools/dev.sh fuzz [--seconds N] [TARGET...] builds the libFuzzer targets of tests/fuzz/ with
#                                               clang (./build-fuzz) and runs each N seconds
#                                               (60), one after another; exit 1 on a crash
#   tools/dev.sh sanitize [TEST_EXE...]         builds with ASan + UBSan (./build-sanitize) and
#                                               runs the whole suite under them, or only the
#                                               named test executables (meters_tests, ...)
# fuzz and sanitize build at low priority (nice) in build directories of their own.
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-build}
[ $# -gt 0 ] && shift

build_dir=${METERSIM_BUILD_DIR:-build}
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
jobs=${METERSIM_JOBS:-2}

tools/bootstrap.sh

case "$what" in
  fuzz)      exec tools/fuzz.sh "$@" ;;
  sanitize)
    dir=${METERSIM_SANITIZE_DIR:-build-sanitize}
    # Benchmarks off: their figures mean nothing under ASan. The dashboard's browser test is
    # left out: it drives chromium against the binary, no C++ of ours runs in it.
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETERSIM_WERROR=$werror \
      -DMETERSIM_SANITIZE=ON -DMETERSIM_BENCH=OFF >/dev/null
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    if [ $# -gt 0 ]; then
      nice -n 19 cmake --build "$dir" -j"$jobs" --target "$@"
      for exe in "$@"; do
        path=$(find "$dir/tests" -type f -name "$exe" -perm -u+x | head -1)
        [ -n "$path" ] || { echo "sanitize: no test executable $exe" >&2; exit 2; }
        echo "== $exe under ASan + UBSan"
        "$path"
      done
      exit 0
    fi
    nice -n 19 cmake --build "$dir" -j"$jobs"
    exec ctest --test-dir "$dir" --output-on-failure -j2 -E '^dashboard\.' ;;
esac

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETERSIM_WERROR=$werror >/dev/null
cmake --build "$build_dir"

case "$what" in
  build) ;;
  serve) exec "$build_dir/tools/metersim" serve "$@" ;;
  test)  exec ctest --test-dir "$build_dir" --output-on-failure -j2 "$@" ;;
  bench) exec tests/bench/run_all.sh "$build_dir" "$@" ;;
  *) echo "usage: tools/dev.sh build|serve|test|bench|fuzz|sanitize [args]" >&2; exit 2 ;;
esac
