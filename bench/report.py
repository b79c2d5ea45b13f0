"""The benchmark's one table: each figure, issue 11's target for it, and
whether it is met."""

from dataclasses import dataclass
from typing import Optional

from sipp_peer import SippRun


@dataclass
class Window:
    """CPU of sipsentry over a window of its run, and the requests the
    registrars received from it meanwhile."""
    percent: float
    start_s: float  # after sipsentry started
    seconds: float
    requests: int

    def where(self):
        return f"{self.start_s:.0f}–{self.start_s + self.seconds:.0f} s after start"


@dataclass
class Figures:
    lines: int
    registration_s: Optional[float] = None
    storm_cpu_s: Optional[float] = None
    storm_registers: Optional[int] = None
    storm_options: Optional[int] = None
    quiet: Optional[Window] = None
    quiet_note: str = ""
    traffic: Optional[Window] = None
    traffic_expected_rate: Optional[float] = None
    series: Optional[int] = None
    line_series: Optional[int] = None
    scrape_s: Optional[float] = None
    scrape_bytes: Optional[int] = None
    scrape_cpu_s: Optional[float] = None
    rss_startup_mb: Optional[float] = None
    rss_peak_mb: Optional[float] = None
    soak_s: Optional[int] = None
    rss_soak_mb: Optional[float] = None
    reload_s: Optional[float] = None
    reload_kept_all: Optional[bool] = None
    reload_detail: str = ""
    sipp: Optional[SippRun] = None
    sipp_transactions: Optional[int] = None
    rate: int = 1000
    idle_lines: Optional[int] = None
    idle: Optional[Window] = None

    def storm_transactions(self):
        if self.storm_registers is None:
            return None
        return self.storm_registers + self.storm_options

    def sipsentry_us_per_transaction(self):
        if self.storm_cpu_s is None or not self.storm_transactions():
            return None
        return 1e6 * self.storm_cpu_s / self.storm_transactions()

    def sipp_us_per_transaction(self):
        if self.sipp is None or not self.sipp_transactions:
            return None
        return 1e6 * self.sipp.cpu_seconds / self.sipp_transactions


def met(value, limit):
    if value is None:
        return "—"
    return "yes" if value <= limit else "**no**"


def number(value, format_spec, unit=""):
    return "not measured" if value is None else f"{value:{format_spec}}{unit}"


def rows(f):
    """(figure, measured, target, met) for every figure of the table."""
    n = f"{f.lines:,}"
    yield ("time to register all lines (start to the last line's first `registered`)",
           number(f.registration_s, ".1f", " s"),
           f"paced by startup.rate: {f.lines / 1000:g} s + 1 s jitter", "—")
    quiet = f.quiet
    yield (f"steady CPU, no traffic due ({quiet.where()}, {quiet.requests} requests)" if quiet
           else f"steady CPU, no traffic due {f.quiet_note}".strip(),
           number(quiet and quiet.percent, ".2f", " % of a core"), "≤ 1 %",
           met(quiet and quiet.percent, 1.0))
    traffic = f.traffic
    if traffic:
        rate = traffic.requests / traffic.seconds
        yield (f"steady CPU with keep-alive and observation traffic ({traffic.where()}, "
               f"{rate:.1f} requests/s seen by the registrars, {f.traffic_expected_rate:.1f} due)",
               f"{traffic.percent:.2f} % of a core", "≤ 5 %", met(traffic.percent, 5.0))
    else:
        yield ("steady CPU with keep-alive and observation traffic", "not measured", "≤ 5 %",
               "—")
    ours, theirs = f.sipsentry_us_per_transaction(), f.sipp_us_per_transaction()
    done = (f": {f.storm_cpu_s:.2f} s over {f.storm_transactions():,} transactions "
            f"({f.storm_registers:,} REGISTERs, challenged and authorised, + "
            f"{f.storm_options:,} OPTIONS to the backup), as the registrars received them"
            ) if ours is not None else ""
    yield ("CPU per SIP transaction, sipsentry (whole process, from exec to the last line's "
           f"registration){done}", number(ours, ".0f", " µs"), "≤ SIPp's",
           "—" if ours is None or theirs is None else met(ours, theirs))
    sipp = f.sipp
    done = (f": {sipp.cpu_seconds:.2f} s (wait4) over {f.sipp_transactions:,} transactions in "
            f"{sipp.wall_seconds:.1f} s, exit code {sipp.exit_code}"
            f"{' (killed at its bound)' if sipp.killed else ''}") if sipp else ""
    yield (f"CPU per SIP transaction, SIPp: {n} REGISTERs with digest auth at {f.rate}/s{done}",
           number(theirs, ".0f", " µs"), "—", "—")
    ratio = ours / theirs if ours is not None and theirs else None
    yield ("ratio sipsentry / SIPp", number(ratio, ".2f"), "≤ 1.0", met(ratio, 1.0))
    per_line = f.line_series / f.lines if f.line_series is not None else None
    yield ("series on /metrics (all; those with a line label, per line)",
           f"{number(f.series, ',')} ({number(per_line, '.1f')} per line)",
           "≤ 24 per line, ≤ 250,000 at 10,000 lines", met(per_line, 24))
    yield ("one scrape: size", number(f.scrape_bytes and f.scrape_bytes / 1e6, ".1f", " MB"),
           "—", "—")
    cost = f"; it cost sipsentry {f.scrape_cpu_s:.2f} s of CPU" if f.scrape_s is not None else ""
    yield (f"one scrape: time (curl{cost})",
           number(f.scrape_s and 1000 * f.scrape_s, ".0f", " ms"), "≤ 250 ms",
           met(f.scrape_s, 0.25))
    yield ("RSS after start-up (VmRSS at the end of the no-traffic window)",
           number(f.rss_startup_mb, ".0f", " MB"), "≤ 100 MB", met(f.rss_startup_mb, 100))
    yield ("RSS peak (VmHWM before stopping)", number(f.rss_peak_mb, ".0f", " MB"), "≤ 150 MB",
           met(f.rss_peak_mb, 150))
    if f.soak_s:
        yield (f"RSS after {f.soak_s} s (--soak)", number(f.rss_soak_mb, ".0f", " MB"),
               "≤ 100 MB after an hour", met(f.rss_soak_mb, 100))
    kept = {None: "not checked", True: "every line kept its state",
            False: f"**not every line kept its state** ({f.reload_detail})"}[f.reload_kept_all]
    yield (f"SIGHUP reload of {n} unchanged lines (signal to the `reloaded` log line); {kept}",
           number(f.reload_s, ".2f", " s"), "< 2 s, every line's state kept",
           "—" if f.reload_s is None else
           met(f.reload_s if f.reload_kept_all else float("inf"), 2.0))
    if f.idle_lines:
        idle = f.idle
        yield (f"{f.idle_lines} lines, idle" +
               (f" ({idle.where()}, {idle.requests} requests)" if idle else ""),
               number(idle and idle.percent, ".3f", " % of a core"), "≤ 0.05 %",
               met(idle and idle.percent, 0.05))


def render(figures):
    table = ["| figure | measured | target (issue 11) | met |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(figures)]
    return "\n".join(table)
