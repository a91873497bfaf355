#!/usr/bin/env bash
# TLS figures (issue #18): requests per second of `metersim serve`'s admin listener over plain
# HTTP and over HTTPS, kept alive, and new connections per second (one request each: for HTTPS,
# a full handshake each), with wrk. Goal: HTTPS kept alive serves at least half of plain HTTP's
# rate (PASS/MISS line).
# Usage: tests/bench/tls_bench.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=${1:?usage: tls_bench.sh BUILD_DIR [SECONDS]}
secs=${2:-5}
exe="$build/tools/metersim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$exe" cert --out "$work" >/dev/null

serve_pid=""
port=""
run_serve() {  # $1: config file; sets serve_pid and port (the admin's)
  "$exe" serve --config "$1" >"$work/serve.out" 2>&1 &
  serve_pid=$!
  for _ in $(seq 100); do
    port=$(grep -o 'admin 127.0.0.1:[0-9]*' "$work/serve.out" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && return
    sleep 0.1
  done
  echo "serve did not start: $(cat "$work/serve.out")" >&2; exit 1
}
stop_serve() { kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; }
rate() {  # wrk's requests/sec
  wrk "$@" 2>/dev/null | awk '/Requests\/sec/ {print int($2)}'
}

printf 'state: ":memory:"\nclock: { mode: stepped }\nadmin: { listen: "127.0.0.1:0" }\nplatforms: {}\nfleet: []\n' >"$work/plain.yaml"
printf 'state: ":memory:"\nclock: { mode: stepped }\nadmin: { listen: "127.0.0.1:0", tls: { cert: "%s", key: "%s" } }\nplatforms: {}\nfleet: []\n' \
  "$work/cert.pem" "$work/key.pem" >"$work/tls.yaml"

echo "load: $(uptime | sed 's/.*load average/load average/')"
run_serve "$work/plain.yaml"
plain_kept=$(rate -t2 -c32 -d"${secs}s" "http://127.0.0.1:$port/admin/health")
plain_new=$(rate -t2 -c32 -d"${secs}s" -H 'Connection: close' "http://127.0.0.1:$port/admin/health")
stop_serve
run_serve "$work/tls.yaml"
tls_kept=$(rate -t2 -c32 -d"${secs}s" "https://127.0.0.1:$port/admin/health")
tls_new=$(rate -t2 -c32 -d"${secs}s" -H 'Connection: close' "https://127.0.0.1:$port/admin/health")
stop_serve

echo "GET /admin/health, 32 connections, ${secs}s each:"
echo "  plain HTTP, kept alive:      $plain_kept requests/s"
echo "  HTTPS, kept alive:           $tls_kept requests/s"
echo "  plain HTTP, new connection:  $plain_new connections/s"
echo "  HTTPS, new connection:       $tls_new handshakes/s (one request each)"
if [ "$tls_kept" -ge $((plain_kept / 2)) ]; then
  echo "PASS https kept alive >= half of plain http ($tls_kept vs $plain_kept)"
else
  echo "MISS https kept alive >= half of plain http ($tls_kept vs $plain_kept)"
fi
