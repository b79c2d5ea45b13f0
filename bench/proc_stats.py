"""CPU time and memory of another process, read while it runs."""

import ctypes
import time

_libc = ctypes.CDLL(None, use_errno=True)


def cpu_seconds(pid):
    """The process's CPU time (user and system, all its threads, those that
    ended too), to the nanosecond: its POSIX CPU clock. /proc/PID/stat counts
    in 10 ms ticks, too coarse for an idle process over a short window."""
    clock = ctypes.c_int()
    error = _libc.clock_getcpuclockid(pid, ctypes.byref(clock))
    if error:
        raise OSError(error, f"no CPU clock for process {pid}")
    return time.clock_gettime(clock.value)


def memory_mb(pid, field):
    """A field of /proc/PID/status in MB (10^6 bytes, the unit of issue 11's
    targets): VmRSS (resident now) or VmHWM (the most it was resident)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024 / 1e6
    raise KeyError(f"{field} not in /proc/{pid}/status")


def sleep_until(moment):
    """Sleeps until the moment (time.monotonic()) if it is ahead."""
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)
