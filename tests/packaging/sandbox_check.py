#!/usr/bin/env python3
"""Reads an strace log of `sipsentry run` (strace -f) and checks it against
the sandbox of packaging/sipsentry.service: every system call inside the
unit's SystemCallFilter (as `systemd-analyze syscall-filter` expands its
groups), every socket of a family in RestrictAddressFamilies, and no memory
both writable and executable (MemoryDenyWriteExecute).

Usage: sandbox_check.py UNIT STRACE_LOG
"""
import re
import subprocess
import sys


def unit_settings(path, key):
    values = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(key + "="):
                values.append(line.split("=", 1)[1].strip())
    return values


def syscall_groups():
    """{"@group": [members, "@subgroups"]} from systemd-analyze."""
    out = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"],
                         capture_output=True, text=True, check=True).stdout
    groups, current = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            current = line.strip()
            groups[current] = []
        elif current and line.strip() and not line.strip().startswith("#"):
            groups[current].append(line.strip())
    return groups


def expand(names, groups, seen=None):
    seen = set() if seen is None else seen
    result = set()
    for name in names:
        if name.startswith("@"):
            if name not in seen:
                seen.add(name)
                result |= expand(groups.get(name, []), groups, seen)
        else:
            result.add(name)
    return result


def allowed_syscalls(unit):
    groups = syscall_groups()
    allowed, denied = set(), set()
    for value in unit_settings(unit, "SystemCallFilter"):
        if value.startswith("~"):
            denied |= expand(value[1:].split(), groups)
        else:
            allowed |= expand(value.split(), groups)
    return allowed - denied


def main(unit, log):
    allowed = allowed_syscalls(unit)
    families = set(" ".join(unit_settings(unit, "RestrictAddressFamilies")).split())
    used, bad_families, wx = set(), set(), []
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            match = re.match(r"^\d+\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()", line)
            if not match:
                continue
            name = match.group(1) or match.group(2)
            used.add(name)
            socket = re.match(r"^\d+\s+socket(?:pair)?\((AF_\w+)", line)
            if socket and socket.group(1) not in families:
                bad_families.add(socket.group(1))
            if re.match(r"^\d+\s+(mmap|mprotect)\(.*PROT_WRITE\|PROT_EXEC", line):
                wx.append(line.strip())
    # The first execve is strace starting sipsentry; systemd allows it too.
    outside = sorted(used - allowed - {"execve"})
    problems = {
        "the trace shows sipsentry at work": (
            [] if len(used) >= 40 else [f"only {len(used)} system calls in the trace"]),
        "every system call inside SystemCallFilter": [
            f"{name} would get EPERM" for name in outside],
        "every socket family inside RestrictAddressFamilies": sorted(bad_families),
        "no writable and executable memory (MemoryDenyWriteExecute)": wx[:5],
    }
    failures = 0
    for check, found in problems.items():
        for problem in found:
            print(f"FAIL: {check}: {problem}")
        failures += 1 if found else 0
    print(f"{len(used)} distinct system calls: {', '.join(sorted(used))}")
    print(f"{len(problems) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
