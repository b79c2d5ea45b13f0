"""One `sipsentry run` of the benchmark: its generated configuration, its
process, its log and its metrics."""

import os
import signal
import subprocess
import time
from dataclasses import dataclass

from logs import DaemonLog

# The configuration issue 11 measures: two-server UDP lines, keep-alive 30 s,
# observation 60 s, 1,000 line starts a second, every other key at its
# default (startup.jitter 1 s, expires 3600 s: no refresh within a run).
KEEPALIVE_S = 30
OBSERVE_S = 60
STARTUP_RATE = 1000
STARTUP_JITTER_S = 1
PASSWORD_VARIABLE = "BENCH_PASSWORD"


class BenchError(Exception):
    """A step that could not be measured; the run stops there."""


@dataclass
class Scrape:
    seconds: float
    size: int
    series: int
    line_series: int  # series with a line label
    registered: float  # sum(sipsentry_line_registered)


def write_config(path, lines, first_user, registrar_ports, sip_port, metrics_port):
    """N lines, users first_user…, each with the two registrars in order."""
    servers = ", ".join(f"{{address: 127.0.0.1, port: {port}}}" for port in registrar_ports)
    with open(path, "w") as config:
        config.write(f"""# Written by bench/measure.py: {lines} two-server UDP lines.
metrics: {{listen: "127.0.0.1:{metrics_port}"}}
sip: {{bind: "127.0.0.1:{sip_port}"}}
startup: {{rate: {STARTUP_RATE}}}
defaults:
  keepalive_interval: {KEEPALIVE_S}s
  observe: {{interval: {OBSERVE_S}s}}
lines:
""")
        for index in range(lines):
            user = first_user + index
            config.write(f'  - {{name: line{user}, user: "{user}", '
                         f"password_env: {PASSWORD_VARIABLE}, servers: [{servers}]}}\n")


def exposition_value(line):
    """The value of one exposition line (after the labels)."""
    return float(line.rsplit("}", 1)[-1].split()[0])


class Daemon:
    """`sipsentry run` on `lines` lines, in the directory `work/name`."""

    def __init__(self, binary, work, name, lines, first_user, registrar_ports, sip_port,
                 metrics_port, password):
        self.binary = binary
        self.directory = os.path.join(work, name)
        os.makedirs(self.directory, exist_ok=True)
        self.config = os.path.join(self.directory, "sipsentry.yaml")
        self.lines = lines
        self.metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
        self.password = password
        write_config(self.config, lines, first_user, registrar_ports, sip_port, metrics_port)
        log_path = os.path.join(self.directory, "sipsentry.log")
        self.log_file = open(log_path, "w")
        self.log = DaemonLog(log_path)
        self.process = None
        self.launched = None

    @property
    def pid(self):
        return self.process.pid

    def start(self):
        environment = dict(os.environ, **{PASSWORD_VARIABLE: self.password})
        self.launched = time.monotonic()
        self.process = subprocess.Popen([self.binary, "run", "-c", self.config],
                                        stdout=self.log_file, stderr=subprocess.STDOUT,
                                        env=environment)

    def check_running(self):
        if self.process.poll() is not None:
            self.log.update()
            raise BenchError(f"sipsentry exited ({self.process.returncode}):\n{self.log.tail()}")

    def wait_registered(self, deadline):
        """Until every line logged its first registration (the log, not
        /metrics, is watched: a scrape would add its CPU to the storm's)."""
        while True:
            self.log.update()
            if len(self.log.registered_at) >= self.lines:
                return
            self.check_running()
            if time.monotonic() > deadline:
                raise BenchError(f"{len(self.log.registered_at)} of {self.lines} lines registered "
                                 f"in {time.monotonic() - self.launched:.0f} s")
            time.sleep(0.2)

    def scrape(self):
        """One GET /metrics with curl: its time and size, and what it holds."""
        body = os.path.join(self.directory, "metrics.txt")
        result = subprocess.run(["curl", "-sS", "-o", body, "-w", "%{http_code} %{time_total}",
                                 "--max-time", "60", self.metrics_url],
                                capture_output=True, text=True)
        status, seconds = (result.stdout.split() + ["", ""])[:2]
        if status != "200":
            raise BenchError(f"GET {self.metrics_url}: {status or result.stderr.strip()}")
        scrape = Scrape(float(seconds), os.path.getsize(body), 0, 0, 0.0)
        with open(body) as exposition:
            for line in exposition:
                if line.startswith("#") or not line.strip():
                    continue
                scrape.series += 1
                scrape.line_series += 'line="' in line
                if line.startswith("sipsentry_line_registered{"):
                    scrape.registered += exposition_value(line)
        return scrape

    def reload(self, timeout_s=30):
        """SIGHUP; returns the seconds from the signal to the log line saying
        the reload is done (its millisecond timestamp) and that line's
        (kept, restarted, added, removed)."""
        self.log.update()
        before = len(self.log.reloads)
        signalled = time.monotonic()
        self.process.send_signal(signal.SIGHUP)
        while len(self.log.reloads) == before:
            self.check_running()
            if time.monotonic() > signalled + timeout_s:
                raise BenchError(f"no reload logged {timeout_s} s after SIGHUP")
            time.sleep(0.05)
            self.log.update()
        done, *summary = self.log.reloads[before]
        return max(0.0, done - signalled), tuple(summary)

    def stop(self):
        """SIGTERM (sipsentry stops within 2 s), SIGKILL if it did not."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()
