#!/usr/bin/env python3
"""Asks a real Prometheus, through its HTTP API on loopback, about the
dashboard's and the alert rules' expressions (prometheus_e2e_test.sh).

  prometheus_queries.py URL nonempty EXPR    exit 0 when EXPR returns a sample
  prometheus_queries.py URL every DASHBOARD RULES
      every expression parses (status success) and returns a sample that is a
      number; an expression that ends in a comparison with a number (an alert
      condition, an annotation) may return nothing while all is well, and
      then its left side must return one; an expression on SRV targets only
      (SRV_ONLY) may return nothing, since the test's servers have no SRV
  prometheus_queries.py URL rules            every loaded rule evaluates without error
  prometheus_queries.py URL firing ALERT [LABEL=VALUE...]
      exit 0 when an alert of that name with those labels is firing
  prometheus_queries.py URL lines DASHBOARD TITLE LINE...
      the dashboard panel called TITLE shows every LINE (its queries together)
  prometheus_queries.py URL servers DASHBOARD TITLE LINES SERVER...
      with the line variable set to the regular expression LINES, the panel
      called TITLE shows exactly the SERVERs (a series that is a number each)
  prometheus_queries.py URL distinct DASHBOARD
      no panel shows a line or a server twice when several sipsentry
      instances share the lines: its series differ by more than their
      instance label, unless its legend names the instance
"""
import json
import math
import os
import re
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "packaging"))
import promql_exprs  # noqa: E402


def api(url, path, **params):
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{url}{path}?{query}", timeout=10) as response:
        return json.load(response)


def query(url, expr):
    """(status, error, samples) of an instant query at the server's now."""
    try:
        answer = api(url, "/api/v1/query", query=expr)
    except urllib.error.HTTPError as error:  # 400: a bad expression
        answer = json.load(error)
    samples = answer.get("data", {}).get("result", []) if answer["status"] == "success" else []
    return answer["status"], answer.get("error", ""), samples


# Families with series only for some kinds of line: lines registered on an
# SRV target (the test's servers are configured by address) and lines with
# redundancy: concurrent (the test's lines are successive). These return
# nothing here, and their expressions are held to parse only; the SRV tests
# and integration.concurrent check the families.
SRV_ONLY = ("sipsentry_line_active_target_info", "sipsentry_server_registered")


def srv_only(exprs):
    """True when the expressions select SRV_ONLY families and nothing else."""
    names = [n for expr in exprs for n in re.findall(r"\bsipsentry_\w+", expr)]
    return bool(names) and all(name in SRV_ONLY for name in names)


def numbers(samples):
    return [float(s["value"][1]) for s in samples if not math.isnan(float(s["value"][1]))]


def check_every(url, dashboard, rules):
    passes = failures = 0
    exprs = promql_exprs.dashboard_exprs(dashboard) + promql_exprs.rules_exprs(rules)
    for where, raw in exprs:
        expr = promql_exprs.substitute(raw)
        status, error, samples = query(url, expr)
        if status != "success":
            print(f"FAIL: {where}: {error}\n  {expr}")
            failures += 1
            continue
        how = "as is"
        # An empty condition is asked without its comparison; an `or` of
        # conditions, each side so (a side on SRV-only families may be empty).
        for side in promql_exprs.alternatives(expr) if not numbers(samples) else []:
            left = promql_exprs.without_comparison(side)
            if left != expr:
                how = "left of its comparison (empty as a whole: the condition is false)"
                _, _, samples = query(url, left)
            if numbers(samples):
                break
        if numbers(samples):
            print(f"ok: {where}: {len(samples)} series, {how}")
            passes += 1
        elif srv_only([expr]):
            print(f"ok: {where}: parses; empty, as no line here is on an SRV target or concurrent")
            passes += 1
        else:
            print(f"FAIL: {where}: no sample that is a number ({len(samples)} series)\n  {expr}")
            failures += 1
    return passes, failures


def check_rules(url):
    passes = failures = 0
    for group in api(url, "/api/v1/rules")["data"]["groups"]:
        for rule in group["rules"]:
            if rule.get("health") == "ok" and not rule.get("lastError"):
                passes += 1
            else:
                print(f"FAIL: rule {rule['name']}: {rule.get('health')} {rule.get('lastError')}")
                failures += 1
    if passes + failures == 0:
        print("FAIL: Prometheus loaded no rule")
        failures += 1
    return passes, failures


def firing(url, name, labels):
    for alert in api(url, "/api/v1/alerts")["data"]["alerts"]:
        if (alert["state"] == "firing" and alert["labels"].get("alertname") == name
                and all(alert["labels"].get(k) == v for k, v in labels.items())):
            return True
    return False


def panel_exprs(dashboard, title):
    return [target["expr"] for panel, target in promql_exprs.panel_targets(dashboard)
            if panel == title]


def check_lines(url, dashboard, title, lines):
    exprs = panel_exprs(dashboard, title)
    shown = set()
    for expr in exprs:
        shown |= {s["metric"].get("line") for s in query(url, promql_exprs.substitute(expr))[2]}
    missing = sorted(set(lines) - shown)
    for line in missing:
        print(f'FAIL: panel "{title}" does not show line {line}')
    if not exprs:
        print(f'FAIL: no panel "{title}"')
    failures = len(missing) + (0 if exprs else 1)
    return len(lines) - len(missing), failures


def check_servers(url, dashboard, title, lines, servers):
    exprs = panel_exprs(dashboard, title)
    shown = set()
    for expr in exprs:
        samples = query(url, promql_exprs.substitute(expr, lines))[2]
        shown |= {s["metric"].get("server") for s in samples
                  if not math.isnan(float(s["value"][1]))}
    wrong = sorted(shown ^ set(servers), key=str)
    for server in wrong:
        print(f'FAIL: panel "{title}" with lines {lines} '
              f'{"shows" if server in shown else "does not show"} server {server}')
    if not exprs:
        print(f'FAIL: no panel "{title}"')
    return len(shown & set(servers)), len(wrong) + (0 if exprs else 1)


def check_distinct(url, dashboard):
    passes = failures = 0
    for title, target in promql_exprs.panel_targets(dashboard):
        if "{{instance}}" in target.get("legendFormat", ""):
            continue
        series = [tuple(sorted((k, v) for k, v in s["metric"].items() if k != "instance"))
                  for s in query(url, promql_exprs.substitute(target["expr"]))[2]]
        twice = sorted({labels for labels in series if series.count(labels) > 1})
        for labels in twice:
            print(f'FAIL: panel "{title}" {target["refId"]} shows {dict(labels)} '
                  "once per instance")
        passes, failures = passes + (not twice), failures + len(twice)
    return passes, failures


def main(argv):
    url, mode = argv[1], argv[2]
    if mode == "nonempty":
        return 0 if numbers(query(url, argv[3])[2]) else 1
    if mode == "firing":
        return 0 if firing(url, argv[3], dict(a.split("=", 1) for a in argv[4:])) else 1
    if mode == "every":
        passes, failures = check_every(url, argv[3], argv[4])
    elif mode == "lines":
        passes, failures = check_lines(url, argv[3], argv[4], argv[5:])
    elif mode == "servers":
        passes, failures = check_servers(url, argv[3], argv[4], argv[5], argv[6:])
    elif mode == "distinct":
        passes, failures = check_distinct(url, argv[3])
    else:
        passes, failures = check_rules(url)
    print(f"{passes} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
