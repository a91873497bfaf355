#!/usr/bin/env bash
# Runs the benchmarks and prints their figures (the goals are in issue 2, "Tests and figures";
# platform_bench.py: issue 3, with its own goals and PASS/MISS lines).
#   tests/bench/run_all.sh BUILD_DIR [fleet_bench flags...]
# Add a benchmark: one more line in the list below.
set -euo pipefail
build=${1:?usage: tests/bench/run_all.sh BUILD_DIR [fleet_bench flags]}
shift
bench="$build/tests/bench"

run() {
  echo "== $*"
  "$@"
  echo
}

run "$bench/fleet_bench" "$@"
run "$bench/scheduler_bench"
run "$bench/state_bench"
run "$(dirname "$0")/state_crash_test.py" --exe "$build/tools/metersim" --trials 20
run "$(dirname "$0")/platform_bench.py" "$build"
run "$(dirname "$0")/scenario_bench.sh" "$build"
run "$(dirname "$0")/load_bench.py" "$build"
run "$(dirname "$0")/tls_bench.sh" "$build"
