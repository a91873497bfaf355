#!/usr/bin/env bash
# Times the scenario runner (issue 6, "Tests and figures"): the whole shipped library
# (scenarios/*.yaml) in one `metersim run`, and one scenario simulating a year of 1,000 meters
# (tests/bench/scenarios/year-1000-meters.yaml). Goal: the whole library in under 10 s.
#   tests/bench/scenario_bench.sh BUILD_DIR
# Prints wall, user and system seconds and peak RSS of each run, with the load average before
# it; exits 1 when a run fails (an expectation that does not hold is a bug, not a figure).
# Needs only bash and python3 (for the clock and getrusage), as tools/bootstrap.sh installs.
set -euo pipefail
build=${1:?usage: tests/bench/scenario_bench.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
metersim="$build/tools/metersim"
[[ -x $metersim ]] || { echo "scenario_bench: $metersim not found (build the metersim target)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run LABEL FILES...: one `metersim run ... --junit`, output kept in $tmp, figures printed.
# Prints "PASS"/"MISS" for the library goal from the wall time.
run() {
  local label=$1
  shift
  python3 - "$label" "$tmp" "$metersim" "$@" <<'PY'
import os, resource, subprocess, sys, time
label, tmp, exe, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
load = " ".join(open("/proc/loadavg").read().split()[:3])
junit = os.path.join(tmp, label + ".xml")
with open(os.path.join(tmp, label + ".log"), "wb") as log:
    t0 = time.monotonic()
    rc = subprocess.call([exe, "run", *files, "--junit", junit], stdout=log, stderr=subprocess.STDOUT)
    wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if rc != 0:
    sys.stderr.write(f"scenario_bench: {label} failed (exit {rc}); the end of its output:\n")
    sys.stderr.write("".join(open(os.path.join(tmp, label + ".log"), errors="replace").readlines()[-40:]))
    sys.exit(1)
print(f"{label:<18} {len(files):3d} file(s)  wall {wall:6.2f} s  user {ru.ru_utime:6.2f} s  "
      f"sys {ru.ru_stime:5.2f} s  peak RSS {ru.ru_maxrss / 1024:6.1f} MiB  load before {load}")
if label == "library":
    verdict = "PASS" if wall < 10 else "MISS"
    print(f"{verdict} the whole library in under 10 s ({wall:.2f} s)")
PY
}

echo "== scenario_bench ($(nproc) CPUs)"
run library "$root"/scenarios/*.yaml
run year-1000-meters "$here/scenarios/year-1000-meters.yaml"
