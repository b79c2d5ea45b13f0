#!/usr/bin/env python3
"""Every key of the README's configuration reference, with its default, is
in sipsentry.yaml(5): the README's tables are the source of truth.

Usage: config_keys_test.py README.md sipsentry.yaml.5.gz
"""
import os
import re
import subprocess
import sys


def reference_rows(readme):
    """(key, default) for each row of the tables under 'Configuration reference'."""
    text = open(readme, encoding="utf-8").read()
    section = text.split("## Configuration reference", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        keys = [k for k in re.findall(r"`([^`]+)`", cells[0]) if not k.startswith(".")]
        rows.append((keys, cells[2]))
    return rows


def rendered(page):
    env = dict(os.environ, MANWIDTH="200", MANROFFSEQ="")
    out = subprocess.run(["man", "-E", "UTF-8", "-l", page], env=env, check=True,
                         capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", out.replace("\u2010", "-"))


def main():
    rows = reference_rows(sys.argv[1])
    page = rendered(sys.argv[2])
    passes = failures = 0
    for keys, default in rows:
        for key in keys:
            # A top-level key reads as itself; a line's key may stand alone.
            if re.search(r"(?<![\w.])" + re.escape(key) + r"(?![\w])", page):
                passes += 1
            else:
                print(f"FAIL: key {key} is not in the manual page")
                failures += 1
        for value in re.findall(r"`([^`]+)`", default):
            if value in page:
                passes += 1
            else:
                print(f"FAIL: default {value} of {keys[0]} is not in the manual page")
                failures += 1
    if len(rows) < 30:
        print(f"FAIL: only {len(rows)} rows read from the README's reference")
        failures += 1
    print(f"{passes} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
