#!/usr/bin/env python3
"""Runs the first YAML example of scenarios/README.md ("A whole scenario") with metersim, so the
example users copy first is known to pass. Usage: readme_example.py METERSIM README OUT_DIR"""
import os
import re
import subprocess
import sys

metersim, readme, out_dir = sys.argv[1:4]
text = open(readme, encoding="utf-8").read()
section = text[text.index("## A whole scenario"):]
match = re.search(r"```yaml\n(.*?)```", section, re.S)
if not match:
    sys.exit("no ```yaml block under '## A whole scenario' in " + readme)
os.makedirs(out_dir, exist_ok=True)
path = os.path.join(out_dir, "readme-example.yaml")
with open(path, "w", encoding="utf-8") as f:
    f.write(match.group(1))
sys.exit(subprocess.run([metersim, "run", path]).returncode)
