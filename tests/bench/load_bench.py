#!/usr/bin/env python3
"""Load benchmark (issue 14): `metersim load` with 100,000 Xianfeng meters pushing to an nginx sink.

    tests/bench/load_bench.py BUILD_DIR [--meters 100000] [--rate 20000] [--duration 20] [--ramp 2]

What it does:
  1. starts Debian's nginx as the CIS sink (answers every push with Xianfeng's success body and logs
     one line per request) and writes a load config (xianfeng on a free port, its report URL at the
     sink, authentication freshness/replay checks off: --open registers the meters in a burst);
  2. runs `metersim load --platform xianfeng --meters N --open --rate R --duration D --ramp RAMP
     --json FILE`, sampling its peak RSS (VmHWM) while it runs;
  3. runs wrk (-t1 -c32) POSTing a body of the pushes' mean size to the same sink for the same
     time, and takes wrk's own CPU time (RUSAGE_CHILDREN) per request;
  4. prints the figures and the goals with PASS/MISS: achieved pushes/s >= 20,000, peak RSS < 300 MB,
     every push delivered once (the sink logged what the JSON says), and metersim's CPU per push
     beside wrk's CPU per request (the load generator's overhead, reported, no goal).
Reuses platform_bench.py's process, nginx and wrk helpers. Every process it starts is stopped on
exit by its own PID. Python 3 standard library only; needs wrk and nginx.
"""

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import platform_bench as pb  # noqa: E402  (the shared helpers)

GOALS = {"rate": 20000.0, "rss_mb": 300.0}
XF_OK = '{"responseCode":"100000","responseMessage":"ok"}'


def config_yaml(a):
    return f"""state: ":memory:"
timezone: "+08:00"
clock: {{ mode: realtime }}
admin: {{ listen: "127.0.0.1:{a['admin']}" }}
platforms:
  xianfeng:
    listen: "127.0.0.1:{a['xianfeng']}"
    company_code: "000000"
    key: bench-key
    merchant_id: bench-merchant
    freshness_window_s: 0
    replay_check: false
    report_url: http://127.0.0.1:{a['sink']}/xianfeng/report
journal: {{ capacity: 1000 }}
"""


def bench(args, metersim, wrk, nginx, procs, tmp):
    a = {k: pb.free_port() for k in ("admin", "xianfeng", "sink")}
    sink_dir = os.path.join(tmp, "sink")
    sink_log = os.path.join(sink_dir, "report.log")
    pb.start_nginx(procs, nginx, sink_dir, a["sink"],
                   [dict(path="/xianfeng/report", type="application/json", body=XF_OK, log=sink_log,
                         format="pushes")], "nginx-sink")
    cfg = os.path.join(tmp, "load.yaml")
    with open(cfg, "w") as f:
        f.write(config_yaml(a))
    out_json = os.path.join(tmp, "load.json")
    argv = [metersim, "load", "--config", cfg, "--platform", "xianfeng", "--meters", str(args.meters),
            "--open", "--rate", str(args.rate), "--duration", f"{args.duration}s", "--ramp", f"{args.ramp}s",
            "--json", out_json]
    pb.log("$ " + " ".join(argv))
    with open(os.path.join(tmp, "load.log"), "w") as lf:
        p = procs.start("metersim", argv, stdout=lf, stderr=subprocess.STDOUT)
        hwm = 0
        while p.poll() is None:
            hwm = max(hwm, pb.vm_kib(p.pid, "VmHWM"))
            time.sleep(0.2)
    with open(os.path.join(tmp, "load.log")) as lf:
        text = lf.read()
    pb.log(text.strip().splitlines()[-1] if text.strip() else "(no output)")
    if p.returncode not in (0, 1):
        raise pb.BenchError(f"metersim load exited {p.returncode}:\n{text[-3000:]}")
    with open(out_json) as f:
        s = json.load(f)
    with open(sink_log) as f:
        lines = f.read().splitlines()
    # --open talks to the platform, not to the sink: every line the sink logged is a push attempt.
    sizes = [int(x.split()[2]) for x in lines if len(x.split()) > 2]
    mean_len = int(sum(sizes) / len(sizes)) if sizes else 600

    body = '{"pad":"' + "x" * max(0, mean_len - 160) + '"}'  # headers take about 150 bytes
    script = pb.wrk_script(os.path.join(tmp, "push.lua"), "POST",
                           {"Content-Type": "application/json", "API_ORG_NUM": "000000"}, body)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([wrk, "-t1", "-c32", f"-d{args.duration}s", "--latency", "-s", script,
                        f"http://127.0.0.1:{a['sink']}/xianfeng/report"],
                       capture_output=True, text=True, timeout=args.duration + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise pb.BenchError(f"wrk failed: {r.stderr}")
    w = pb.parse_wrk(r.stdout)
    wrk_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    wrk_us = wrk_cpu * 1e6 / w["requests"] if w["requests"] else float("nan")

    pu = s["pushes"]
    m = s["metersim"]
    rss_mb = hwm / 1024.0
    load1 = os.getloadavg()
    pb.log("")
    pb.log(f"== metersim load: {s['meters']} meters, target {s['target_rate_per_s']} pushes/s, "
           f"{s['duration_s']} s (ramp {args.ramp} s); load average {load1[0]:.2f}")
    pb.log(f"pushes attempted {pu['attempted']}, delivered {pu['delivered']}, failed {pu['failed']}, "
           f"rate {pu['rate_per_s']}/s; CIS p50 {pu['latency_ms']['p50']} ms p99 {pu['latency_ms']['p99']} ms")
    pb.log(f"metersim: cpu {m['cpu_s']} s over the load = {m['cpu_us_per_push']} us/push; peak RSS "
           f"{rss_mb:.1f} MB (VmHWM, --open included); loop lag max {m['loop_lag_ms_max']} ms; "
           f"outbox depth max {m['outbox_depth_max']}")
    pb.log(f"wrk -t1 -c32 POST {len(body)} bytes to the same sink: {w['rps']:.0f} req/s, "
           f"{wrk_us:.2f} us CPU/request (wrk's own)")
    pb.log(f"sink logged {len(lines)} requests (mean {mean_len} bytes)")
    pb.log("")
    rate_ok = pu["rate_per_s"] >= GOALS["rate"]
    pb.log(f"{'PASS' if rate_ok else 'MISS'} pushes/s {pu['rate_per_s']} >= {GOALS['rate']:.0f}")
    rss_ok = rss_mb < GOALS["rss_mb"]
    pb.log(f"{'PASS' if rss_ok else 'MISS'} peak RSS {rss_mb:.1f} MB < {GOALS['rss_mb']:.0f} MB")
    counted = len(lines) == pu["attempted"]
    pb.log(f"{'PASS' if counted else 'MISS'} the sink saw every attempt the JSON counts "
           f"({len(lines)} vs {pu['attempted']})")
    ratio = m["cpu_us_per_push"] / wrk_us if wrk_us and wrk_us == wrk_us else float("nan")
    pb.log(f"INFO overhead per push: metersim {m['cpu_us_per_push']} us CPU vs wrk {wrk_us:.2f} us "
           f"per request ({ratio:.1f}x): a push is made by a meter session, formatted, journaled "
           f"and measured; wrk replays fixed bytes")
    return 0 if (rate_ok and rss_ok and counted) else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir")
    ap.add_argument("--meters", type=int, default=100000)
    ap.add_argument("--rate", type=float, default=20000)
    ap.add_argument("--duration", type=int, default=20, help="seconds of load (and of wrk)")
    ap.add_argument("--ramp", type=int, default=0, help="seconds of ramp (0: the rate compares with the goal as it is)")
    ap.add_argument("--keep-temp", action="store_true")
    args = ap.parse_args()
    metersim, wrk, nginx = pb.find_tools(args.build_dir, "load_bench")
    procs = pb.Procs()
    tmp = tempfile.mkdtemp(prefix="metersim-load-bench-")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        return bench(args, metersim, wrk, nginx, procs, tmp)
    except pb.BenchError as e:
        pb.log(f"\nload_bench: error: {e}")
        return 1
    except KeyboardInterrupt:
        pb.log("\nload_bench: interrupted")
        return 130
    finally:
        procs.stop_all()
        if args.keep_temp:
            pb.log(f"(temp dir kept: {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
