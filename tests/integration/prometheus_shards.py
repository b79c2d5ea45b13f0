#!/usr/bin/env python3
"""Asks a real Prometheus that scrapes several `sipsentry run --shard K/N`
instances in one job whether the instances split the lines and whether the
dashboard and the alert rules see every line once (prometheus_shards_test.sh).

OWNERS is a file of "LINE INSTANCE" lines: the instance (its scrape address)
that `sipsentry validate --shard` says runs the line.

  prometheus_shards.py URL placement OWNERS
      every line has its 5 sipsentry_line_state series, all from its owner,
      and no other line is scraped
  prometheus_shards.py URL alerts OWNERS ALERT...
      every active (pending or firing) alert about a line is there once, from
      the line's owner, and for every line (the lines are configured alike);
      each ALERT named is active for every line
  prometheus_shards.py URL dashboard OWNERS DASHBOARD
      every expression evaluates without error; no line is shown twice or by
      an instance that does not run it; a query whose legend names no label
      but the line shows each line once, or none at all; the panels of the
      "Lines" row show every line (but one on SRV targets only: these lines
      have none)
"""
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "packaging"))
import prometheus_queries  # noqa: E402
import promql_exprs  # noqa: E402

# Labels that tell instances apart; the rest says what a series is about.
INSTANCE_LABELS = {"instance", "alertstate"}
STATE_SERIES_PER_LINE = 5  # registering, registered, unregistered, rejected, auth_failed


class Checks:
    def __init__(self):
        self.passes = self.failures = 0

    def expect(self, ok, message):
        if ok:
            self.passes += 1
        else:
            self.failures += 1
            print(f"FAIL: {message}")
        return ok


def read_owners(path):
    with open(path, encoding="utf-8") as f:
        return dict(line.split() for line in f if line.strip())


def identity(labels):
    """What a series or an alert is about, whichever instance reports it."""
    return tuple(sorted((k, v) for k, v in labels.items() if k not in INSTANCE_LABELS))


def check_line_labels(checks, where, labelled, owners):
    """Series or alerts that name a line: each once, from the line's owner."""
    counts = collections.Counter(identity(labels) for labels in labelled)
    for key, count in counts.items():
        checks.expect(count == 1, f"{where}: {dict(key)} comes from {count} instances")
    for labels in labelled:
        line = labels["line"]
        checks.expect(line in owners, f"{where}: line {line} is not in the file")
        if "instance" in labels and line in owners:
            checks.expect(labels["instance"] == owners[line],
                          f"{where}: line {line} from {labels['instance']}, not {owners[line]}")


def placement(url, owners):
    checks = Checks()
    samples = prometheus_queries.query(url, "sipsentry_line_state")[2]
    by_line = collections.defaultdict(list)
    for sample in samples:
        by_line[sample["metric"]["line"]].append(sample["metric"]["instance"])
    checks.expect(set(by_line) == set(owners),
                  f"lines scraped {sorted(by_line)}, expected {sorted(owners)}")
    for line, instances in sorted(by_line.items()):
        checks.expect(len(instances) == STATE_SERIES_PER_LINE,
                      f"line {line}: {len(instances)} sipsentry_line_state series")
        checks.expect(set(instances) == {owners.get(line)},
                      f"line {line} scraped from {sorted(set(instances))}, runs on {owners.get(line)}")
    return checks


def alerts(url, owners, required):
    checks = Checks()
    active = [a["labels"] for a in prometheus_queries.api(url, "/api/v1/alerts")["data"]["alerts"]
              if a["state"] in ("pending", "firing")]
    about_lines = [labels for labels in active if "line" in labels]
    check_line_labels(checks, "alert", about_lines, owners)
    lines_of = collections.defaultdict(set)
    for labels in about_lines:
        lines_of[labels["alertname"]].add(labels["line"])
    for name in required:
        checks.expect(name in lines_of, f"alert {name} is active for no line")
    for name, lines in sorted(lines_of.items()):
        missing = sorted(set(owners) - lines)
        checks.expect(not missing, f"alert {name} is not active for {missing}")
    print(f"active alerts about lines: "
          f"{ {name: len(lines) for name, lines in sorted(lines_of.items())} }")
    return checks


def legend_labels(target):
    return set(re.findall(r"\{\{\s*(\w+)\s*\}\}", target.get("legendFormat", "")))


def panels_of_row(dashboard, title):
    row, found = None, []
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            row = panel["title"]
        elif row == title:
            found.append(panel)
    return found


def evaluate(url, checks, where, expr, owners):
    status, error, samples = prometheus_queries.query(url, promql_exprs.substitute(expr))
    checks.expect(status == "success", f"{where}: {error}\n  {expr}")
    check_line_labels(checks, where, [s["metric"] for s in samples if "line" in s["metric"]],
                      owners)
    return samples


def dashboard_checks(url, owners, path):
    checks = Checks()
    results = {where: evaluate(url, checks, where, expr, owners)
               for where, expr in promql_exprs.dashboard_exprs(path)}
    with open(path, encoding="utf-8") as f:
        dashboard = json.load(f)
    lines_row = {panel["title"] for panel in panels_of_row(dashboard, "Lines")}
    checks.expect(lines_row, 'no panel in the "Lines" row')
    for panel in dashboard["panels"]:
        shown = set()
        for target in panel.get("targets", []):
            where = f'panel "{panel["title"]}" {target["refId"]}'
            lines = [s["metric"].get("line") for s in results[where]]
            shown |= set(lines)
            if legend_labels(target) == {"line"} and lines:
                checks.expect(sorted(lines) == sorted(owners),
                              f"{where}: lines {sorted(lines)}, expected each of "
                              f"{sorted(owners)} once")
        exprs = [target["expr"] for target in panel.get("targets", [])]
        if panel["title"] in lines_row and not prometheus_queries.srv_only(exprs):
            missing = sorted(set(owners) - shown)
            checks.expect(not missing, f'panel "{panel["title"]}" does not show {missing}')
    return checks


def main(argv):
    url, mode, owners = argv[1], argv[2], read_owners(argv[3])
    if mode == "placement":
        checks = placement(url, owners)
    elif mode == "alerts":
        checks = alerts(url, owners, argv[4:])
    else:
        checks = dashboard_checks(url, owners, argv[4])
    print(f"{checks.passes} passed, {checks.failures} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
