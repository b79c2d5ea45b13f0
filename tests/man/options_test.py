#!/usr/bin/env python3
"""sipsentry(8) documents every command of `sipsentry --help`, and every
option of each command's `--help` in that command's own subsection.

Usage: options_test.py SIPSENTRY sipsentry.8.gz
"""
import os
import re
import subprocess
import sys


def help_text(sipsentry, *args):
    return subprocess.run([sipsentry, *args, "--help"], capture_output=True, text=True,
                          check=True).stdout


def commands(sipsentry):
    text = help_text(sipsentry).split("Subcommands:", 1)[1]
    return re.findall(r"^  (\w+)\s", text, re.M)


def long_options(sipsentry, command):
    options = set(re.findall(r"(--[a-z][a-z-]*)", help_text(sipsentry, command)))
    return sorted(options - {"--help"})


def sections(page):
    """{command: text of its subsection} from the rendered page."""
    env = dict(os.environ, MANWIDTH="200", MANROFFSEQ="")
    text = subprocess.run(["man", "-E", "UTF-8", "-l", page], env=env, check=True,
                          capture_output=True, text=True).stdout.replace("\u2010", "-")
    found = {}
    for match in re.finditer(r"^   (\w+)([^\n]*)\n(.*?)(?=^   \w|^[A-Z])", text, re.M | re.S):
        found[match.group(1)] = match.group(0)
    return found


def main(sipsentry, page):
    documented = sections(page)
    passes = failures = 0
    listed = commands(sipsentry)
    if len(listed) < 5:
        print(f"FAIL: only {listed} read from sipsentry --help")
        failures += 1
    for command in listed:
        section = documented.get(command)
        if section is None:
            print(f"FAIL: no subsection for the command {command}")
            failures += 1
            continue
        passes += 1
        for option in long_options(sipsentry, command):
            if re.search(re.escape(option) + r"(?![\w-])", section):
                passes += 1
            else:
                print(f"FAIL: {command} {option} is not in its subsection")
                failures += 1
    print(f"{passes} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
