"""Following the logs of sipsentry and of the Kamailio registrars as they
grow, without re-reading them."""

import collections
import datetime
import os
import re
import time


class LogFollower:
    """The complete lines a file gained since the last call."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.partial = ""

    def new_lines(self, upto=None):
        """Reads up to byte `upto` (a size taken earlier), or to the end."""
        if not os.path.exists(self.path):
            return []
        with open(self.path, errors="replace") as log:
            log.seek(self.offset)
            text = log.read() if upto is None else log.read(max(0, upto - self.offset))
            self.offset = log.tell()
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()
        return lines

    def size(self):
        return os.path.getsize(self.path) if os.path.exists(self.path) else 0


_REQUEST = re.compile(r"received (\w+) from ")


class RegistrarLogs:
    """The requests the registrars received, by method: each Kamailio of the
    tests logs "received METHOD from IP:PORT" for every one
    (tests/integration/kamailio.cfg.in). A request is a transaction: a
    REGISTER answered with a challenge is one, the authorised REGISTER that
    follows is another. Sources are not told apart (sipsentry sends from a
    socket per timer profile, on ports of its choosing): the benchmark has
    one client at a time, and counts from a read made before it starts."""

    def __init__(self, paths):
        self.followers = [LogFollower(path) for path in paths]
        self.counts = collections.Counter()

    def mark(self):
        """The logs' sizes now: reading takes time, so a window's ends are
        marked first and counted up to later."""
        return [follower.size() for follower in self.followers]

    def read(self, upto=None):
        """Counts the requests logged since the last read, up to a mark."""
        for index, follower in enumerate(self.followers):
            for line in follower.new_lines(None if upto is None else upto[index]):
                found = _REQUEST.search(line)
                if found:
                    self.counts[found.group(1)] += 1

    def requests(self, method=None):
        """Requests read so far: of one method, or all."""
        return self.counts[method] if method else sum(self.counts.values())


_TIMESTAMP = re.compile(r"^ts=(\S+) ")
_REGISTERED = re.compile(r" line=(\S+) event=registered ")
_STATE = re.compile(r" event=state ")
_RELOADED = re.compile(
    r' msg="reloaded [^"]*: (\d+) kept, (\d+) restarted, (\d+) added, (\d+) removed"')


def log_time(line, wall_to_monotonic):
    """The time of a sipsentry log line ("ts=…Z", milliseconds) on the
    monotonic clock."""
    stamp = _TIMESTAMP.match(line).group(1)
    wall = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    return wall + wall_to_monotonic


class DaemonLog:
    """What a `sipsentry run` logged (text format, info level): when each line
    first registered, how many state changes, the reloads' summaries. Times
    are on the monotonic clock, the log's wall-clock stamps moved by the
    clocks' difference when they are read (within a fraction of a second of
    being written): the wall clock of a virtual machine can jump."""

    def __init__(self, path):
        self.follower = LogFollower(path)
        self.registered_at = {}
        self.state_changes = 0
        self.reloads = []  # (time, kept, restarted, added, removed)
        self.last_lines = collections.deque(maxlen=10)

    def update(self):
        wall_to_monotonic = time.monotonic() - time.time()
        for line in self.follower.new_lines():
            self.last_lines.append(line)
            if _STATE.search(line):
                self.state_changes += 1
            found = _REGISTERED.search(line)
            if found:
                self.registered_at.setdefault(found.group(1), log_time(line, wall_to_monotonic))
            found = _RELOADED.search(line)
            if found:
                self.reloads.append((log_time(line, wall_to_monotonic), *map(int, found.groups())))

    def tail(self):
        return "\n".join(self.last_lines)
