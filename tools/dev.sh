#!/usr/bin/env bash
# One entry point for a fresh Debian machine: installs what is missing, builds, then
#   tools/dev.sh serve [metersim serve flags]   runs `metersim serve` (embedded default config)
#   tools/dev.sh test  [ctest flags]            runs the whole test suite
#   tools/dev.sh bench                          builds and runs the benchmarks in tests/bench/
#   tools/dev.sh build                          only builds (into ./build, or $METERSIM_BUILD_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-build}
[ $# -gt 0 ] && shift

build_dir=${METERSIM_BUILD_DIR:-build}
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON

tools/bootstrap.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETERSIM_WERROR=$werror >/dev/null
cmake --build "$build_dir"

case "$what" in
  build) ;;
  serve) exec "$build_dir/tools/metersim" serve "$@" ;;
  test)  exec ctest --test-dir "$build_dir" --output-on-failure -j2 "$@" ;;
  bench) exec tests/bench/run_all.sh "$build_dir" "$@" ;;
  *) echo "usage: tools/dev.sh build|serve|test|bench [args]" >&2; exit 2 ;;
esac
