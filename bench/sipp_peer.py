"""SIPp as the benchmark's peer: sipsentry's start-up REGISTER work (one
REGISTER a user, its digest challenge answered) at the same rate against the
same registrar, its CPU time read from wait4's rusage when it exits."""

import os
import subprocess
import time
from dataclasses import dataclass

SCENARIO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "register_auth.xml")


@dataclass
class SippRun:
    cpu_seconds: float
    wall_seconds: float
    exit_code: int  # 0: every call succeeded
    killed: bool  # at the time bound


def write_users(path, count, first_user, password):
    """SIPp's injection file: a user and its [authentication] keyword a call."""
    with open(path, "w") as users:
        users.write("SEQUENTIAL\n")
        for user in range(first_user, first_user + count):
            users.write(f"{user};[authentication username={user} password={password}]\n")


def wait_with_usage(process, timeout_s):
    """Reaps the process with wait4 (killing it at the timeout): its exit
    status, its rusage, whether it was killed."""
    deadline = time.monotonic() + timeout_s
    killed = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline and not killed:
            process.kill()
            killed = True
        time.sleep(0.1)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage, killed


def run_sipp(directory, registrar_port, local_port, calls, rate, first_user, password,
             timeout_s, on_start=None):
    """SIPp making `calls` registrations at `rate` a second from local_port."""
    os.makedirs(directory, exist_ok=True)
    users = os.path.join(directory, "users.csv")
    write_users(users, calls, first_user, password)
    command = ["sipp", "-sf", SCENARIO, "-inf", users, f"127.0.0.1:{registrar_port}",
               "-i", "127.0.0.1", "-p", str(local_port), "-m", str(calls), "-r", str(rate),
               "-nostdin", "-trace_err", "-error_file", os.path.join(directory, "errors.log")]
    started = time.monotonic()
    with open(os.path.join(directory, "screen.log"), "w") as screen:
        process = subprocess.Popen(command, stdout=screen, stderr=subprocess.STDOUT)
    if on_start:
        on_start(process)
    exit_code, usage, killed = wait_with_usage(process, timeout_s)
    return SippRun(usage.ru_utime + usage.ru_stime, time.monotonic() - started, exit_code, killed)
