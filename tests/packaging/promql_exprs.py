"""The PromQL expressions of the Grafana dashboard and of the alert rules,
for the tests that check them (dashboard_test.py offline, prometheus_e2e_test.py
against a real Prometheus)."""
import json
import re

import yaml

# Grafana's variables, as a query of the dashboard would see them with a
# range of a few minutes (and, unless told otherwise, every line selected).
GRAFANA_VARIABLES = {
    "$__rate_interval": "1m",
    "$__interval": "1m",
}

# A comparison with a number that ends an expression: what makes an alert
# condition (or an annotation) empty while all is well.
TRAILING_COMPARISON = re.compile(r"\s*(==|!=|>=|<=|>|<)\s*-?[0-9.]+\s*$")


def substitute(expr, lines=".*"):
    """The expression as Grafana sends it, the line variable set to the
    regular expression LINES (all of them by default)."""
    for name, value in {**GRAFANA_VARIABLES, "$line": lines}.items():
        expr = expr.replace(name, value)
    return expr


def without_comparison(expr):
    """The expression's left side when it ends in a comparison with a number."""
    return TRAILING_COMPARISON.sub("", expr)


# A top-level `or`, with or without a matching clause.
OR_OPERATOR = re.compile(r"\s+or(\s+on\s*\([^)]*\))?\s+")


def alternatives(expr):
    """The operands of the expression's top-level `or`s (outside any
    parentheses), each a condition of its own; [expr] when it has none."""
    depth, start, sides, i = 0, 0, [], 0
    while i < len(expr):
        if expr[i] in "({[":
            depth += 1
        elif expr[i] in ")}]":
            depth -= 1
        elif depth == 0:
            match = OR_OPERATOR.match(expr, i)
            if match:
                sides.append(expr[start:i])
                start = i = match.end()
                continue
        i += 1
    return sides + [expr[start:]]


def panel_targets(path):
    """(panel title, target) for every query of every panel."""
    with open(path, encoding="utf-8") as f:
        dashboard = json.load(f)
    return [(panel["title"], target)
            for panel in dashboard["panels"] for target in panel.get("targets", [])]


def dashboard_exprs(path):
    """(where, expression) for every panel target and annotation query."""
    with open(path, encoding="utf-8") as f:
        dashboard = json.load(f)
    found = [(f'panel "{title}" {target["refId"]}', target["expr"])
             for title, target in panel_targets(path)]
    for annotation in dashboard["annotations"]["list"]:
        if "expr" in annotation:
            found.append((f'annotation "{annotation["name"]}"', annotation["expr"]))
    for variable in dashboard["templating"]["list"]:
        query = variable.get("query")
        if isinstance(query, dict):
            match = re.fullmatch(r"label_values\((.+), *\w+\)", query["query"])
            if match:
                found.append((f'variable "{variable["name"]}"', match.group(1)))
    return found


def rules_exprs(path):
    """(where, expression) for every alerting or recording rule."""
    with open(path, encoding="utf-8") as f:
        rules = yaml.safe_load(f)
    found = []
    for group in rules["groups"]:
        for rule in group["rules"]:
            name = rule.get("alert") or rule.get("record")
            found.append((f"rule {name}", rule["expr"]))
    return found
