#!/usr/bin/env python3
"""serve_bench: the fleet through `metersim serve`, as a user runs it (issue 13).

  tests/bench/serve_bench.py BUILD_DIR [--platform xianfeng|cnmcsp|xintian] [--meters 100000]
      [--days 365] [--chunk-days 30] [--accelerated-s 0] [--keep-temp]

1. Writes a config in a temp dir: stepped clock from 2026-01-01 00:00, zone +08:00, the one
   platform on a free port (no push URL), a fleet of --meters meters of the platform's money
   model (xf-nb-money, cn-nb-money, xt-nb-meter), admin on a free port.
2. Starts `metersim serve --config`, times exec to the first `GET /admin/health` 200, reads RSS.
3. Advances the clock --days over HTTP (`POST /admin/clock/advance`, --chunk-days at a time),
   timing each advance (wall) and metersim's CPU (utime + stime from /proc), RSS after each; a
   `GET /admin/meters?limit=100` is timed after every advance.
4. Reads `GET /admin/fleet/checksum` and runs `fleet_bench --serve-model MODEL --meters N --days D`
   (the same fleet built the way serve builds it, the engine alone): the checksums must match,
   and serve's wall time is compared with fleet_bench's CPU.
5. With --accelerated-s S > 0: a second start with `clock: { mode: accelerated, speed: 3600 }`,
   S seconds of wall time, then `/admin/health`'s clock lag read back (goal < 1 s).

Prints PASS/MISS lines for the goals of issue 13 items 1, 3 and 5. Exit 0 when it ran (MISS
lines included), 1 on an error.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import http.client

MODELS = {"xianfeng": "xf-nb-money", "cnmcsp": "cn-nb-money", "xintian": "xt-nb-meter"}
SETTINGS = {
    "xianfeng": '{ listen: 127.0.0.1:%d, company_code: "000000", key: k, merchant_id: m }',
    "cnmcsp": "{ listen: 127.0.0.1:%d, app_token: t, app_secret: s }",
    "xintian": "{ listen: 127.0.0.1:%d, app_id: a, app_secret: s }",
}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg=""):
    print(msg, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / CLK_TCK


def vm_mib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def load():
    return os.getloadavg()[0]


class admin:
    def __init__(self, port):
        self.port = port
        self.conn = None

    def call(self, method, path, body=None, timeout=3600):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        data = json.dumps(body) if body is not None else None
        self.conn.request(method, path, body=data,
                          headers={"Content-Type": "application/json"} if data else {})
        r = self.conn.getresponse()
        text = r.read()
        if r.status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {r.status}: {text[:200]!r}")
        return json.loads(text)


def config_yaml(platform, port, admin_port, meters, clock):
    return "\n".join([
        'state: ":memory:"',
        'timezone: "+08:00"',
        f"clock: {clock}",
        "conformance: lenient",
        f"admin: {{ listen: 127.0.0.1:{admin_port} }}",
        "platforms:",
        f"  {platform}: " + SETTINGS[platform] % port,
        "fleet:",
        f'  - {{ platform: {platform}, model: {MODELS[platform]}, count: {meters}, id_prefix: "0760" }}',
        "",
    ])


def start(metersim, tmp, name, text):
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    logf = open(os.path.join(tmp, name + ".log"), "w")
    t0 = time.monotonic()
    p = subprocess.Popen([metersim, "serve", "--config", path], stdout=logf, stderr=subprocess.STDOUT)
    return p, t0


def wait_health(p, port, t0, limit=120):
    while time.monotonic() - t0 < limit:
        if p.poll() is not None:
            raise RuntimeError(f"metersim exited with {p.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/admin/health")
            r = c.getresponse()
            body = r.read()
            if r.status == 200:
                return time.monotonic() - t0, json.loads(body)
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError("metersim did not answer /admin/health")


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def verdict(ok):
    return "PASS" if ok else "MISS"


def fleet_bench(build, model, meters, days):
    exe = os.path.join(build, "tests", "bench", "fleet_bench")
    out = subprocess.run([exe, "--serve-model", model, "--meters", str(meters), "--days", str(days)],
                         capture_output=True, text=True, check=True).stdout
    figures = {}
    for line in out.splitlines():
        parts = line.split()
        if line.strip().startswith("checksum"):
            figures["checksum"] = parts[-1]
        elif line.strip().startswith("run CPU"):
            figures["cpu"] = float(parts[2])
    return figures


def start_serve(args, metersim, tmp, name, clock):
    """metersim serve on a bench config with `clock`: (process, start time, admin port)."""
    a_port, p_port = free_port(), free_port()
    text = config_yaml(args.platform, p_port, a_port, args.meters, clock)
    p, t0 = start(metersim, tmp, name, text)
    return p, t0, a_port


def run_year(args, metersim, tmp):
    p, t0, a_port = start_serve(args, metersim, tmp, "year", '{ mode: stepped, start: "2026-01-01 00:00:00" }')
    res = {}
    try:
        res["startup"], _ = wait_health(p, a_port, t0)
        res["rss_start"] = vm_mib(p.pid, "VmRSS")
        ad = admin(a_port)
        log(f"  start-up {res['startup']:.2f} s, RSS {res['rss_start']:.1f} MiB, load {load():.2f}")
        done, wall, cpu, worst_list = 0, 0.0, 0.0, 0.0
        while done < args.days:
            step = min(args.chunk_days, args.days - done)
            c0, w0 = cpu_seconds(p.pid), time.monotonic()
            ad.call("POST", "/admin/clock/advance", {"seconds": step * 86400})
            w = time.monotonic() - w0
            c = cpu_seconds(p.pid) - c0
            wall += w
            cpu += c
            done += step
            l0 = time.monotonic()
            page = ad.call("GET", "/admin/meters?limit=100")
            lt = time.monotonic() - l0
            worst_list = max(worst_list, lt)
            if len(page.get("meters", [])) != min(100, args.meters):
                raise RuntimeError("GET /admin/meters?limit=100: wrong page")
            log(f"  day {done:4d}: advance {w:7.2f} s wall, {c:7.2f} s CPU, RSS "
                f"{vm_mib(p.pid, 'VmRSS'):7.1f} MiB, /admin/meters?limit=100 {lt * 1000:.1f} ms, "
                f"load {load():.2f}")
        res.update(wall=wall, cpu=cpu, list_ms=worst_list * 1000,
                   rss_end=vm_mib(p.pid, "VmRSS"), hwm=vm_mib(p.pid, "VmHWM"))
        try:
            res["checksum"] = ad.call("GET", "/admin/fleet/checksum")["checksum"]
        except RuntimeError as e:  # a build without the endpoint
            res["checksum"] = f"n/a ({e})"
    finally:
        stop(p)
    return res


def run_accelerated(args, metersim, tmp):
    p, t0, a_port = start_serve(args, metersim, tmp, "accel",
                                '{ mode: accelerated, speed: 3600, start: "2026-01-01 00:00:00" }')
    try:
        wait_health(p, a_port, t0)
        worst = 0.0
        end = time.monotonic() + args.accelerated_s
        c0 = cpu_seconds(p.pid)
        while time.monotonic() < end:
            time.sleep(1)
            _, h = wait_health(p, a_port, time.monotonic())
            worst = max(worst, float(h["clock_lag"]["wall_s"]), float(h["clock_lag"]["max_wall_s"]))
        cpu = cpu_seconds(p.pid) - c0
    finally:
        stop(p)
    return worst, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("--platform", choices=sorted(MODELS), default="xianfeng")
    ap.add_argument("--meters", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--chunk-days", type=int, default=30)
    ap.add_argument("--accelerated-s", type=int, default=0)
    ap.add_argument("--skip-engine", action="store_true", help="do not run fleet_bench")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    metersim = os.path.join(args.build, "tools", "metersim")
    if not os.access(metersim, os.X_OK):
        log(f"serve_bench: {metersim} not found (build the metersim target)")
        return 1
    tmp = tempfile.mkdtemp(prefix="serve_bench.")
    try:
        model = MODELS[args.platform]
        log(f"serve_bench: {args.meters} {model} meters on {args.platform}, {args.days} days, "
            f"load {load():.2f}")
        r = run_year(args, metersim, tmp)
        eng = None if args.skip_engine else fleet_bench(args.build, model, args.meters, args.days)
        log("")
        log(f"  serve: {args.days} days in {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU; RSS at start "
            f"{r['rss_start']:.1f} MiB, after {r['rss_end']:.1f} MiB (peak {r['hwm']:.1f}); "
            f"checksum {r['checksum']}")
        if eng:
            log(f"  fleet_bench (engine alone, same fleet): {eng['cpu']:.2f} s CPU, checksum {eng['checksum']}")
        log(f"  load at the end {load():.2f}")
        log("")
        year = args.days >= 365 and args.meters >= 100_000
        if args.meters >= 1_000_000:
            log(f"{verdict(r['startup'] < 10)} start-up of {args.meters} meters < 10 s: {r['startup']:.2f} s")
            log(f"{verdict(r['rss_start'] < 1536)} RSS at start < 1.5 GiB: {r['rss_start']:.1f} MiB")
            per_day = r["wall"] / args.days
            log(f"{verdict(per_day < 5)} a simulated day < 5 s: {per_day:.2f} s")
            log(f"{verdict(r['list_ms'] < 50)} GET /admin/meters?limit=100 < 50 ms: {r['list_ms']:.1f} ms (worst)")
        elif year:
            log(f"{verdict(r['wall'] < 30)} a year of {args.meters} meters through serve < 30 s wall: {r['wall']:.2f} s")
            log(f"{verdict(r['rss_end'] < 200)} RSS after the year < 200 MB: {r['rss_end']:.1f} MiB")
        if eng:
            log(f"{verdict(r['wall'] <= 1.2 * eng['cpu'])} serve within 20 % of fleet_bench: "
                f"{r['wall']:.2f} s / {eng['cpu']:.2f} s = {r['wall'] / eng['cpu'] * 100:.0f} %")
            same = r["checksum"] == eng["checksum"]
            log(f"{verdict(same)} checksum equal to fleet_bench's: {r['checksum']} / {eng['checksum']}")
        if args.accelerated_s > 0:
            lag, cpu = run_accelerated(args, metersim, tmp)
            log(f"{verdict(lag < 1)} speed 3600, {args.meters} meters, {args.accelerated_s} s: worst "
                f"clock lag {lag:.3f} s (CPU {cpu / args.accelerated_s * 100:.0f} % of a core), load {load():.2f}")
        return 0
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        log(f"serve_bench: error: {e}")
        return 1
    finally:
        if args.keep_temp:
            log(f"  temp dir kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
