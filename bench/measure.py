#!/usr/bin/env python3
"""The measuring half of bench/run.sh (which starts the two Kamailio
registrars and gives this their ports and logs): runs `sipsentry run` on N
lines and reads its figures from /proc, its log, /metrics and the
registrars' logs; then SIPp doing the same REGISTER work; then, optionally,
sipsentry on 10 lines; and prints one markdown table. Every process it starts
it stops, and the whole run is bounded (an alarm)."""

import argparse
import os
import signal
import sys
import time

from daemon import (KEEPALIVE_S, OBSERVE_S, STARTUP_JITTER_S, STARTUP_RATE, BenchError,
                    Daemon)
from logs import RegistrarLogs
from proc_stats import cpu_seconds, memory_mb, sleep_until
from report import Figures, Window, render
from sipp_peer import run_sipp

# Users of the three runs: separate ranges, so each REGISTER adds a contact
# the registrar does not hold yet, as at a real start-up.
DAEMON_FIRST_USER = 100000
IDLE_FIRST_USER = 200000
SIPP_FIRST_USER = 300000
# Kept from the edges of each window: log timestamps and timers are not
# exact to the millisecond.
MARGIN_S = 1.0
# The shortest no-traffic window worth a figure.
SHORTEST_WINDOW_S = 5.0
IDLE_LINES = 10

started = time.monotonic()


def progress(text):
    print(f"bench [{time.monotonic() - started:5.0f} s] {text}", file=sys.stderr, flush=True)


def bound_s(lines, soak_s):
    """The whole run's limit: about 4.5 minutes at 10,000 lines."""
    return 240 + 3 * lines // 1000 + soak_s


def measure_window(daemon, registrars, start, end):
    """sipsentry's CPU share between two moments (time.monotonic()), and
    the requests the registrars received from it meanwhile."""
    progress(f"window {start - daemon.launched:.0f}–{end - daemon.launched:.0f} s after start")
    sleep_until(start)
    cpu_at_start, at_start = cpu_seconds(daemon.pid), time.monotonic()
    mark_at_start = registrars.mark()
    sleep_until(end)
    cpu_at_end, at_end = cpu_seconds(daemon.pid), time.monotonic()
    mark_at_end = registrars.mark()
    registrars.read(mark_at_start)
    before = registrars.requests()
    registrars.read(mark_at_end)
    seconds = at_end - at_start
    return Window(100 * (cpu_at_end - cpu_at_start) / seconds, at_start - daemon.launched, seconds,
                  registrars.requests() - before)


def quiet_window(daemon, registrars):
    """From the last line's registration to the first keep-alive due (the
    first registration + keepalive_interval): nothing is due in between, the
    observation of the backup having gone out at each line's start. None
    when the start-up took longer than that."""
    first_registration = min(daemon.log.registered_at.values())
    start = time.monotonic() + MARGIN_S
    end = first_registration + KEEPALIVE_S - MARGIN_S
    if end - start < SHORTEST_WINDOW_S:
        return None
    return measure_window(daemon, registrars, start, end)


def traffic_window(daemon, registrars):
    """One observation interval (a multiple of the keep-alive's), starting
    when every line is on its periodic schedule: each line's first
    keep-alive is due keepalive_interval after its registration, its second
    observation observe_interval after its start; so each line sends exactly
    its share in the window."""
    start = max(daemon.log.registered_at.values()) + max(KEEPALIVE_S, OBSERVE_S) + MARGIN_S
    return measure_window(daemon, registrars, start, start + OBSERVE_S)


def measure_storm(daemon, registrars, figures):
    """From exec to the last line's registration; the transactions are all
    the registrars received since `daemon` started."""
    registers_before = registrars.requests("REGISTER")
    options_before = registrars.requests("OPTIONS")
    deadline = daemon.launched + daemon.lines / STARTUP_RATE + STARTUP_JITTER_S + 60
    daemon.wait_registered(deadline)
    figures.storm_cpu_s, mark = cpu_seconds(daemon.pid), registrars.mark()
    figures.registration_s = max(daemon.log.registered_at.values()) - daemon.launched
    registrars.read(mark)
    figures.storm_registers = registrars.requests("REGISTER") - registers_before
    figures.storm_options = registrars.requests("OPTIONS") - options_before
    progress(f"{daemon.lines} lines registered in {figures.registration_s:.1f} s, "
             f"{figures.storm_cpu_s:.2f} s of CPU")


def measure_scrape(daemon, figures):
    cpu_before = cpu_seconds(daemon.pid)
    scrape = daemon.scrape()
    figures.scrape_cpu_s = cpu_seconds(daemon.pid) - cpu_before
    figures.series, figures.line_series = scrape.series, scrape.line_series
    figures.scrape_s, figures.scrape_bytes = scrape.seconds, scrape.size
    if scrape.registered != daemon.lines:
        raise BenchError(f"/metrics says {scrape.registered:.0f} of {daemon.lines} lines "
                         "registered")


def measure_reload(daemon, registrars, figures):
    """SIGHUP with the file unchanged; then whether every line kept its
    state: all kept by the reload's own summary, no state change logged, no
    REGISTER sent, every line still registered on /metrics."""
    registrars.read()
    registers_before = registrars.requests("REGISTER")
    state_changes_before = daemon.log.state_changes
    figures.reload_s, summary = daemon.reload()
    time.sleep(2)  # for whatever a reload that dropped lines would send
    daemon.log.update()
    registrars.read()
    registered = daemon.scrape().registered
    problems = []
    if summary != (daemon.lines, 0, 0, 0):
        problems.append("kept, restarted, added, removed: %d, %d, %d, %d" % summary)
    if daemon.log.state_changes != state_changes_before:
        problems.append(f"{daemon.log.state_changes - state_changes_before} state changes")
    if registrars.requests("REGISTER") != registers_before:
        problems.append("REGISTERs sent")
    if registered != daemon.lines:
        problems.append(f"{registered:.0f} lines registered")
    figures.reload_kept_all, figures.reload_detail = not problems, "; ".join(problems)


def measure_daemon(args, registrars, figures, children):
    daemon = Daemon(args.sipsentry, args.work, "sipsentry", args.lines, DAEMON_FIRST_USER,
                    args.registrar_ports, args.sip_port, args.metrics_port, args.password)
    children.append(daemon.stop)
    progress(f"sipsentry run on {args.lines} lines")
    registrars.read()
    daemon.start()
    measure_storm(daemon, registrars, figures)
    progress("no traffic due: measuring until the first keep-alive is due")
    figures.quiet = quiet_window(daemon, registrars)
    if figures.quiet is None:
        figures.quiet_note = "(none: the start-up outlasted the first keep-alive)"
    figures.rss_startup_mb = memory_mb(daemon.pid, "VmRSS")
    progress("keep-alive and observation traffic: waiting for the steady schedule, then 60 s")
    figures.traffic = traffic_window(daemon, registrars)
    figures.traffic_expected_rate = args.lines / KEEPALIVE_S + args.lines / OBSERVE_S
    progress("one scrape, then a reload")
    measure_scrape(daemon, figures)
    measure_reload(daemon, registrars, figures)
    if args.soak:
        progress(f"soak: until {args.soak} s after start")
        sleep_until(daemon.launched + args.soak)
        daemon.check_running()
        figures.soak_s, figures.rss_soak_mb = args.soak, memory_mb(daemon.pid, "VmRSS")
    figures.rss_peak_mb = memory_mb(daemon.pid, "VmHWM")
    daemon.stop()


def measure_sipp(args, registrars, figures, children):
    progress(f"SIPp: {args.lines} REGISTERs at {STARTUP_RATE}/s")
    registrars.read()
    before = registrars.requests()
    figures.sipp = run_sipp(os.path.join(args.work, "sipp"), args.registrar_ports[0],
                            args.sipp_port, args.lines, STARTUP_RATE, SIPP_FIRST_USER,
                            args.password, timeout_s=args.lines / STARTUP_RATE + 60,
                            on_start=lambda process: children.append(process.kill))
    registrars.read()
    figures.sipp_transactions = registrars.requests() - before


def measure_idle(args, registrars, figures, children):
    progress(f"sipsentry run on {IDLE_LINES} lines, idle")
    figures.idle_lines = IDLE_LINES
    daemon = Daemon(args.sipsentry, args.work, "idle", IDLE_LINES, IDLE_FIRST_USER,
                    args.registrar_ports, args.idle_sip_port, args.idle_metrics_port,
                    args.password)
    children.append(daemon.stop)
    registrars.read()
    daemon.start()
    daemon.wait_registered(daemon.launched + STARTUP_JITTER_S + 30)
    figures.idle = quiet_window(daemon, registrars)
    daemon.stop()


def stop_all(children):
    for stop in reversed(children):
        try:
            stop()
        except (OSError, ValueError):
            pass  # already gone


def on_alarm(signum, frame):
    raise BenchError("the run's time bound was reached")


def on_termination(signum, frame):
    raise BenchError(f"interrupted by signal {signum}")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sipsentry", required=True)
    parser.add_argument("--work", required=True, help="a directory for configs and logs")
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--soak", type=int, default=0, metavar="SECONDS")
    parser.add_argument("--no-idle-run", action="store_true")
    parser.add_argument("--password", required=True, help="the registrars' password")
    parser.add_argument("--registrar-ports", type=int, nargs=2, required=True)
    parser.add_argument("--registrar-logs", nargs=2, required=True)
    parser.add_argument("--sip-port", type=int, required=True)
    parser.add_argument("--metrics-port", type=int, required=True)
    parser.add_argument("--sipp-port", type=int, required=True)
    parser.add_argument("--idle-sip-port", type=int, required=True)
    parser.add_argument("--idle-metrics-port", type=int, required=True)
    parser.add_argument("--heading", default="", help="printed above the table")
    return parser.parse_args()


def main():
    args = parse_arguments()
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_termination)
    signal.signal(signal.SIGHUP, on_termination)
    signal.signal(signal.SIGINT, on_termination)
    signal.alarm(bound_s(args.lines, args.soak))
    registrars = RegistrarLogs(args.registrar_logs)
    figures = Figures(args.lines, rate=STARTUP_RATE)
    children = []
    failure = None
    try:
        measure_daemon(args, registrars, figures, children)
        measure_sipp(args, registrars, figures, children)
        if not args.no_idle_run:
            measure_idle(args, registrars, figures, children)
    except (BenchError, OSError) as error:
        failure = error
    finally:
        signal.alarm(0)
        stop_all(children)
    progress("done" if failure is None else f"stopped: {failure}")
    print(args.heading + "\n" if args.heading else "", end="")
    print(render(figures))
    return 0 if failure is None else 1


if __name__ == "__main__":
    sys.exit(main())
