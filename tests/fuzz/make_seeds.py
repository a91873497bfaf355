#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/) into OUT/<target>/.

Seeds come from what the project ships and the vendors' own documents:
  - every JSON example of the three vendor documents (SPECS/*.txt), as JSON, as request bodies
    to each of the vendor's paths, and as HTTP requests and answers around them;
  - every `call` step of the shipped scenarios (scenarios/, tests/data/scenarios/), as the
    vendor target's input "METHOD PATH?QUERY\\nBODY", and every scenario file whole;
  - the embedded default config and the test configs;
  - the decimals of all the above, and a few hand-written edge cases.
Usage: make_seeds.py REPO SPECS OUT
"""
import json
import os
import re
import sys
import urllib.parse

import yaml

repo, specs, out = sys.argv[1], sys.argv[2], sys.argv[3]
counts = {}


def seed(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    n = counts.get(target, 0)
    counts[target] = n + 1
    with open(os.path.join(d, f"seed-{n:05d}"), "wb") as f:
        f.write(data)


def json_blocks(text):
    """The balanced {...} blocks of a text that parse as JSON."""
    found, depth, start = [], 0, None
    for i, ch in enumerate(text):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                block = text[start:i + 1]
                try:
                    json.loads(block)
                    found.append(block)
                except ValueError:
                    pass
    return found


vendors = {
    "cnmcsp": ("cnmcsp-cis-interface.txt", r"/rest/Standard/[A-Za-z/]+"),
    "xianfeng": ("xianfeng-iotcloud-web-api.txt", r"/iotcloud/app/[A-Za-z]+/v1\.0\.0/[A-Za-z]+"),
    "xintian": ("xintian-interface.txt", r"/api/[A-Za-z]+/[A-Za-z]+"),
}
decimals = set()
for vendor, (doc, path_re) in vendors.items():
    if not os.path.isfile(os.path.join(specs, doc)):
        print(f"seeds: {specs}/{doc} not found: no seeds from the {vendor} document", file=sys.stderr)
        continue
    text = open(os.path.join(specs, doc), encoding="utf-8").read()
    blocks = json_blocks(text)
    paths = sorted(set(re.findall(path_re, text)))
    for b in blocks:
        seed("json", b)
        decimals.update(re.findall(r"-?\d+\.\d+", b))
        for p in paths:
            seed(vendor, f"POST {p}\n{b}")
        seed("http_request", f"POST {paths[0] if paths else '/'} HTTP/1.1\r\nHost: x\r\nContent-Type: "
             f"application/json\r\nContent-Length: {len(b.encode())}\r\n\r\n{b}")
        seed("http_response", b"\x10" + f"HTTP/1.1 200 OK\r\nContent-Length: {len(b.encode())}\r\n\r\n{b}".encode())
        if vendor == "xintian" and "DataList" in b:
            seed("xintian_billing", b)

# The scenarios: whole files, and each call step as a vendor request.
scenario_files = []
for d in ("scenarios", "tests/data/scenarios", "tests/bench/scenarios"):
    full = os.path.join(repo, d)
    if os.path.isdir(full):
        scenario_files += [os.path.join(full, f) for f in sorted(os.listdir(full)) if f.endswith(".yaml")]


def calls(node):
    if isinstance(node, dict):
        if isinstance(node.get("call"), dict):
            yield node["call"]
        for v in node.values():
            yield from calls(v)
    elif isinstance(node, list):
        for v in node:
            yield from calls(v)


for path in scenario_files:
    text = open(path, encoding="utf-8").read()
    seed("scenario", text)
    decimals.update(re.findall(r"-?\d+\.\d+", text))
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        continue
    for c in calls(doc):
        platform = c.get("platform")
        if platform not in vendors or not isinstance(c.get("path"), str):
            continue
        target = c["path"]
        if isinstance(c.get("query"), dict):
            target += "?" + urllib.parse.urlencode({k: str(v) for k, v in c["query"].items()})
        body = c.get("body", "")
        body = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        seed(platform, f"{c.get('method', 'POST')} {target}\n{body}")
        seed("json", body)

# Configs: the embedded default (the raw string of tools/config_default.cpp) and the test ones.
default = open(os.path.join(repo, "tools/config_default.cpp"), encoding="utf-8").read()
for raw in re.findall(r'R"\w*\((.*?)\)\w*"', default, re.S):
    seed("config", raw)
cfg_dir = os.path.join(repo, "tests/data/config")
for f in sorted(os.listdir(cfg_dir)):
    seed("config", open(os.path.join(cfg_dir, f), encoding="utf-8").read())

for d in sorted(decimals) + ["0", "-0.0001", "999999999999.9999", "-999999999999.9999", "1.", ".5", "1e3",
                             "00012.3400", "+1", "--1", "1.23456"]:
    seed("decimal", d)

for raw in [
        "GET /admin/health HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a?x=1&y=%20z&w=%zz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
]:
    seed("http_request", raw)
for raw in [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.0 200 OK\r\n\r\n{\"code\":0}",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Internal\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
]:
    seed("http_response", b"\x07" + raw.encode())
# The §3.6.2 answer (the document gives its fields as a table, xintian-interface.txt lines 480-494):
# strict, lenient (ResultCode as text, DataList a single object), refusal, another meter's entry.
for raw in [
        '{"ResultCode":1,"DataList":[{"MeterAddr":"20260000000101","UnitPrice":2.5,"Remnant":"100.00",'
        '"ValveMode":1,"RemnantTime":"2026-01-01 00:00:00","LastPayMoney":50,"LastPayTime":"2026-01-01 08:00:00"}]}',
        '{"ResultCode":"1","DataList":{"MeterAddr":"20260000000101","UnitPrice":"3.1000","Remnant":-2.5,"ValveMode":3}}',
        '{"ResultCode":0,"Message":"请求失败"}',
        '{"ResultCode":1,"DataList":[{"MeterAddr":"20260000000999","UnitPrice":2.5,"Remnant":1,"ValveMode":2},'
        '{"MeterAddr":"20260000000101","UnitPrice":2.5,"Remnant":0,"ValveMode":2}]}',
]:
    seed("xintian_billing", raw)

for t, n in sorted(counts.items()):
    print(f"seeds: {t}: {n}")
