#!/usr/bin/env bash
# tools/dev.sh fuzz [--seconds N] [--runs N] [TARGET...]: builds the libFuzzer targets of
# tests/fuzz/ with Debian's clang in ./build-fuzz (METERSIM_FUZZ=ON: ASan + UBSan + libFuzzer),
# writes the seed corpora (tests/fuzz/make_seeds.py) and runs each target, one at a time, at
# low priority, for N seconds (default 60) or N runs. A target's corpus grows in
# build-fuzz/corpus/<target>/ from run to run; a crash is kept in build-fuzz/crashes/<target>/
# and makes the whole run exit 1. One summary line per target: executions, coverage (cov, ft),
# corpus size, crashes.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
runs=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) targets+=("${1#fuzz_}"); shift ;;
  esac
done

dir=${METERSIM_FUZZ_DIR:-build-fuzz}
specs=${METERSIM_SPECS:-../shared/specs}
if [ ${#targets[@]} -eq 0 ]; then
  targets=(decimal json http_request http_response xintian_billing config scenario cnmcsp xianfeng xintian)
fi
# Only what the targets need: the four first build without the rest of the tree.
CXX=/usr/bin/clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMETERSIM_FUZZ=ON -DMETERSIM_TESTS=OFF -DMETERSIM_BENCH=OFF >/dev/null
nice -n 19 cmake --build "$dir" -j"${METERSIM_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

rm -rf "$dir/seeds"
python3 tests/fuzz/make_seeds.py . "$specs" "$dir/seeds" >/dev/null

failed=0
for t in "${targets[@]}"; do
  corpus="$dir/corpus/$t"
  crashes="$dir/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit=(-runs="$runs")
  log="$dir/fuzz-$t.log"
  set +e
  nice -n 19 "$dir/tests/fuzz/fuzz_$t" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "$dir/seeds/$t" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || true)
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || true)
  found=$(find "$crashes" -type f | wc -l)
  echo "fuzz_$t: executions $execs, cov ${cov:-?}, ft ${ft:-?}, corpus $(find "$corpus" -type f | wc -l), crashes $found (log $log)"
  if [ $rc -ne 0 ] || [ "$found" -ne 0 ]; then
    failed=1
    grep -E 'ERROR|runtime error|SUMMARY' "$log" | head -5 || true
  fi
done
exit $failed
