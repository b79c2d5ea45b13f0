#!/bin/sh
# config/srv.yaml, the example of servers resolved by DNS SRV, stays a good
# file: `validate --strict` with its passwords set accepts it and lists its
# three lines, and `plan` draws a timeline for each (no DNS is asked: plan
# without --resolve works from the file alone).
# Usage: srv_example_test.sh SIPSENTRY SOURCE_DIR
set -u
sipsentry=$1
example=$2/config/srv.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../assertions.sh"

with_secrets() {
  RECEPTION_SIP_PASSWORD=x WAREHOUSE_SIP_PASSWORD=x LOBBY_SIP_PASSWORD=x "$sipsentry" "$@"
}

with_secrets validate --strict -c "$example" >"$work/out" 2>"$work/err"
expect_exit "validate --strict accepts config/srv.yaml" 0 $?
expect_exit "nothing on stderr" 0 "$(wc -c <"$work/err")"
for line in reception warehouse lobby; do
  expect_output "validate lists $line" "$work/out" "^$line: pbx "
done
expect_output "the lobby's fixed last resort keeps its address" "$work/out" \
  "^lobby: .*survival udp 192\.0\.2\.20:5060"

for line in reception warehouse lobby; do
  with_secrets plan -c "$example" --line "$line" >"$work/plan" 2>&1
  expect_exit "plan of $line" 0 $?
done
finish
