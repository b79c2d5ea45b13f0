#!/usr/bin/env python3
"""The Grafana dashboard parses, has the datasource and line variables, and
names only metrics that exist: every sipsentry_ name in its expressions (and
in the alert rules) is in spec.md §8's table or in src/metrics/families.cc.
Per-line metrics follow the line variable; the histograms, which are about
servers (spec.md §8), are grouped by server and never by line, and their
panels show the servers of the selected lines. Nothing splits by instance:
with lines sharded over several sipsentry instances behind one scrape job,
a line is on one instance and a server's histograms are summed over all.
With promtool, every expression also parses as PromQL (offline, as a
recording rule).

Usage: dashboard_test.py DASHBOARD ALERT_RULES SPEC_OR_EMPTY FAMILIES_CC [PROMTOOL]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promql_exprs  # noqa: E402

HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
# Metrics that are Prometheus's own, not sipsentry's.
PROMETHEUS_METRICS = {"up"}
# Metrics without a line label, which the line variable cannot select.
NOT_PER_LINE = PROMETHEUS_METRICS | {
    "sipsentry_build_info",
    "sipsentry_config_last_reload_successful",
    "sipsentry_config_last_reload_success_timestamp_seconds",
}
# spec.md §8: distributions are about servers, summed over the lines that
# share a server name. They carry `line` only with
# metrics.per_line_histograms: true, so no query selects or groups them by it.
PER_SERVER = {
    "sipsentry_request_duration_seconds",
    "sipsentry_failover_detection_seconds",
    "sipsentry_test_call_setup_seconds",
    "sipsentry_test_call_post_dial_delay_seconds",
}
# How a per-server panel follows the line variable: it keeps the servers of
# the selected lines.
SERVERS_OF_LINES = 'and on (server) group by (server) (sipsentry_line_active_server{line=~"$line"})'


class Checks:
    def __init__(self):
        self.passes = 0
        self.failures = 0

    def expect(self, ok, what):
        if ok:
            self.passes += 1
        else:
            self.failures += 1
            print(f"FAIL: {what}")


def known_metrics(spec, families_cc):
    from_spec = set()
    if spec:
        with open(spec, encoding="utf-8") as f:
            from_spec = set(re.findall(r"^\| `(sipsentry_\w+)`", f.read(), re.M))
    else:
        print("note: no spec.md beside the repository; families.cc alone names the metrics")
    with open(families_cc, encoding="utf-8") as f:
        from_code = set(re.findall(r'"(sipsentry_\w+)"', f.read()))
    return from_spec, from_code


def metric_names(expr):
    """Every metric name an expression selects (not functions, labels or keywords)."""
    expr = re.sub(r'"[^"]*"', '""', expr)       # label values
    expr = re.sub(r"\{[^}]*\}", "{}", expr)     # label matchers
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = set()
    for match in re.finditer(r"(?<![\w:.$])([a-zA-Z_:][\w:]*)\s*(\(|\{|\[|$|\s|\))", expr):
        name, after = match.group(1), match.group(2)
        if after == "(":
            continue  # a function or an aggregation
        if name in {"and", "or", "unless", "offset", "bool", "time", "inf", "nan"}:
            continue
        names.add(name)
    return names


def selectors(expr):
    """(metric name, label matchers) of every vector selector of an expression."""
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    found = []
    for match in re.finditer(r"(?<![\w:.$\"])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?\s*(\()?", expr):
        name, matchers, call = match.groups()
        if call or name in {"and", "or", "unless", "offset", "bool", "time", "inf", "nan"}:
            continue
        found.append((name, matchers or ""))
    return found


def label_names(matchers):
    return set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", re.sub(r'"[^"]*"', '""', matchers)))


def grouping_labels(expr):
    """The label lists of every `by (...)` clause of an expression."""
    return [{label.strip() for label in labels.split(",") if label.strip()}
            for labels in re.findall(r"\bby\s*\(([^)]*)\)", expr)]


def check_aggregation(where, expr, checks):
    """Per-server families: grouped by server, never by line or instance."""
    per_server = {base_name(name, PER_SERVER) for name, _ in selectors(expr)} & PER_SERVER
    if not per_server:
        return
    for name, matchers in selectors(expr):
        if base_name(name, PER_SERVER) in PER_SERVER:
            checks.expect("line" not in label_names(matchers),
                          f"{where}: {name} has no line label by default: {matchers}")
    groups = grouping_labels(expr)
    checks.expect(groups and all("server" in g and not g & {"line", "instance"} for g in groups),
                  f"{where}: {sorted(per_server)} summed by server, not by line or instance: {expr}")


def base_name(name, known):
    for suffix in HISTOGRAM_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in known:
            return name[: -len(suffix)]
    return name


def check_dashboard(dashboard, checks):
    checks.expect(dashboard.get("schemaVersion", 0) >= 36, "schemaVersion is Grafana 9 or later")
    checks.expect(dashboard.get("uid") == "sipsentry", "uid is sipsentry")
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    checks.expect(variables.get("datasource", {}).get("type") == "datasource"
                  and variables["datasource"].get("query") == "prometheus",
                  "a Prometheus datasource variable")
    for variable in variables.values():
        query = variable.get("query")
        query = query.get("query", "") if isinstance(query, dict) else str(query)
        checks.expect(not re.search(r"\b(instance|job)\b", query),
                      f'variable "{variable["name"]}" picks no instance or job: several '
                      "sipsentry instances share the lines")
    line = variables.get("line", {})
    checks.expect(line.get("query", {}).get("query") ==
                  "label_values(sipsentry_line_registered, line)",
                  "the line variable lists label_values(sipsentry_line_registered, line)")
    ids = [p["id"] for p in dashboard["panels"]]
    checks.expect(len(ids) == len(set(ids)), "panel ids are unique")
    for panel in dashboard["panels"]:
        checks.expect("gridPos" in panel, f'panel "{panel["title"]}" has a gridPos')
        if panel["type"] == "row":
            continue
        sources = [panel.get("datasource")] + [t.get("datasource") for t in panel["targets"]]
        checks.expect(all(s == {"type": "prometheus", "uid": "${datasource}"} for s in sources),
                      f'panel "{panel["title"]}" queries the datasource variable')
        checks.expect(panel["targets"], f'panel "{panel["title"]}" has a query')
        for target in panel["targets"]:
            where = f'panel "{panel["title"]}" {target["refId"]}'
            expr = target["expr"]
            per_server = False
            for name, matchers in selectors(expr):
                if base_name(name, PER_SERVER) in PER_SERVER:
                    per_server = True
                elif name not in NOT_PER_LINE:
                    checks.expect('line=~"$line"' in matchers,
                                  f"{where} follows the line variable in {name}{matchers}")
            checks.expect(not per_server or expr.endswith(SERVERS_OF_LINES),
                          f"{where} shows the servers of the selected lines ({SERVERS_OF_LINES})")
            checks.expect(all("instance" not in g for g in grouping_labels(expr)),
                          f"{where} does not split lines or servers by instance: {expr}")


def check_names(where, expr, known, checks):
    names = metric_names(expr)
    checks.expect(names, f"{where}: selects a metric: {expr}")
    for name in names:
        ok = name in PROMETHEUS_METRICS or base_name(name, known) in known
        checks.expect(ok, f"{where}: {name} is neither in spec.md §8 nor in families.cc")


def check_promql(exprs, promtool, checks):
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"check:expr_{i}", "expr": promql_exprs.substitute(expr)}
        for i, (_, expr) in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump(rules, f)
    try:
        result = subprocess.run([promtool, "check", "rules", f.name],
                                capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    checks.expect(result.returncode == 0,
                  "every dashboard expression parses as PromQL:\n" + result.stdout + result.stderr)


def main(argv):
    dashboard_path, rules_path, spec, families_cc = argv[1:5]
    promtool = argv[5] if len(argv) > 5 else None
    checks = Checks()
    with open(dashboard_path, encoding="utf-8") as f:
        dashboard = json.load(f)
    check_dashboard(dashboard, checks)
    from_spec, from_code = known_metrics(spec, families_cc)
    checks.expect(not spec or len(from_spec) >= 19,
                  f"spec.md §8 lists the 19 metrics ({len(from_spec)} read)")
    checks.expect(from_spec <= from_code, f"families.cc registers spec.md §8's metrics: "
                  f"missing {sorted(from_spec - from_code)}")
    known = from_spec | from_code
    exprs = promql_exprs.dashboard_exprs(dashboard_path)
    for where, expr in exprs + promql_exprs.rules_exprs(rules_path):
        check_names(where, expr, known, checks)
        check_aggregation(where, expr, checks)
    used = set()
    for _, expr in exprs:
        used |= {base_name(n, known) for n in metric_names(expr)}
    checks.expect({"sipsentry_line_active_server", "sipsentry_line_active_target_info",
                   "sipsentry_server_up",
                   "sipsentry_request_duration_seconds", "sipsentry_failover_detection_seconds",
                   "sipsentry_line_state", "sipsentry_failback_probes_total",
                   "sipsentry_failovers_total", "sipsentry_failbacks_total",
                   "sipsentry_test_calls_total", "sipsentry_test_call_setup_seconds",
                   "sipsentry_test_call_post_dial_delay_seconds"} <= used,
                  f"the dashboard shows the main families (uses {sorted(used)})")
    if promtool:
        check_promql(exprs, promtool, checks)
    print(f"{checks.passes} passed, {checks.failures} failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
