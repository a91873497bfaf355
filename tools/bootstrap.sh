#!/usr/bin/env bash
# Installs every Debian package that metersim's build, tests, benchmarks and tools need.
# Idempotent: packages already present are skipped, and apt is not touched when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config lld
  libboost1.81-dev            # Asio + Beast (HTTP server and client)
  libssl-dev                  # MD5, SHA-256, Base64, 3DES, TLS (listeners, pushes, metersim cert)
  nlohmann-json3-dev libfmt-dev libyaml-cpp-dev libcli11-dev
  libsqlite3-dev sqlite3
  doctest-dev libbenchmark-dev
  curl wrk nginx-light        # benchmarks: load generator and the static ceiling
  python3                     # tests/bench/platform_bench.py (standard library only)
  clang libclang-rt-14-dev    # tools/dev.sh fuzz: libFuzzer with ASan + UBSan (tests/fuzz/)
  python3-yaml                # tests/fuzz/make_seeds.py reads the scenarios' call steps
  libjs-chart.js              # the dashboard's charts, embedded in metersim at build time
  chromium nodejs             # the dashboard's browser test (tests/dashboard/)
)
# Debian's nodejs leaves npm to its own package; other builds (NodeSource) ship it inside.
command -v npm >/dev/null 2>&1 || packages+=(npm)

# The browser test's one npm package (playwright-core, which downloads no browser), from the lock.
npm_ci() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/dashboard"
  if [ ! -d "$dir/node_modules/playwright-core" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    echo "bootstrap: npm ci in tests/dashboard"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#packages[@]} packages present"
  npm_ci
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
npm_ci
