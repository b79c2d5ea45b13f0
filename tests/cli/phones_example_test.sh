#!/bin/sh
# config/phones.yaml, the example of lines that behave like Polycom and
# Yealink phones (successive and concurrent) and of RFC 5626's back-off, stays a good file: `validate
# --strict` accepts it and says each line's redundancy settings, and `plan`
# shows each mode where it acts (the refresh probing the primary, the
# back-off's bounds).
# Usage: phones_example_test.sh SIPSENTRY SOURCE_DIR
set -u
sipsentry=$1
example=$2/config/phones.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../assertions.sh"

with_secrets() {
  POLYCOM_SIP_PASSWORD=x YEALINK_SIP_PASSWORD=x LOBBY_SIP_PASSWORD=x "$sipsentry" "$@"
}

with_secrets validate --strict -c "$example" >"$work/out" 2>"$work/err"
expect_exit "validate --strict accepts config/phones.yaml" 0 $?
expect_exit "nothing on stderr" 0 "$(wc -c <"$work/err")"
expect_output "the Polycom line tries the primary first" "$work/out" \
  "^polycom-desk: .*; failback at the refresh, and test calls try the primary first$"
expect_output "the Yealink line fails back at the refresh, its primary given 1.5 s" "$work/out" \
  "^yealink-desk: pbx-a .*budget 1\.5s.*; failback at the registration's refresh$"
expect_output "the lobby backs off" "$work/out" \
  "^lobby: .*; register retry RFC 5626 back-off from 30s up to 30m$"

# The Yealink line on its backup since 1.5 s: its refresh is due at 9:01.5
# (0.9 × 600 s later); the probe of the silent primary leads it by the
# primary's 1.5 s, so that the refresh still reaches the backup on time.
with_secrets plan -c "$example" --line yealink-desk --scenario primary-silent >"$work/plan" 2>&1
expect_exit "plan of yealink-desk" 0 $?
expect_output "the refresh probes the primary" "$work/plan" \
  "0:09:00\.000  REGISTER -> pbx-a .*\(failback probe\)"
expect_output "… then refreshes on the backup" "$work/plan" \
  "failback probe unavailable \(timeout\); the refresh goes to the backup"
expect_output "… which is refreshed when due" "$work/plan" "0:09:01\.500  REGISTER -> pbx-b \(refresh\)"
# The Polycom line's test call, on the backup since start-up, tries the
# silent primary first and goes on through the backup after its 7.5 s.
with_secrets plan -c "$example" --line polycom-desk --scenario primary-silent >"$work/plan" 2>&1
expect_exit "plan of polycom-desk" 0 $?
expect_output "the test call's INVITE goes to the primary first" "$work/plan" \
  "0:15:00\.000  INVITE -> pbx-a \(test call\)"
expect_output "… then through the backup" "$work/plan" "0:15:07\.500  INVITE -> pbx-b \(test call\)"
with_secrets plan -c "$example" --line lobby --scenario all-silent >"$work/plan" 2>&1
expect_exit "plan of lobby" 0 $?
expect_output "the back-off's first wait is 30 s to 1 min" "$work/plan" \
  "FAILOVER FAILED: .*walk again in 30s to 1m \(RFC 5626 back-off, drawn at random\)"
expect_output "the concurrent line says so" "$work/out" \
  "^yealink-concurrent: .*; concurrent: registered with every server at once, calls through the first that holds a registration, back to the primary when it registers again$"
# The concurrent line registers with both at once; its primary silent, the
# line settles on the backup after the primary's 7.5 s, and the test call
# goes straight through the backup, with no REGISTER before it.
with_secrets plan -c "$example" --line yealink-concurrent --scenario primary-silent >"$work/plan" 2>&1
expect_exit "plan of yealink-concurrent" 0 $?
expect_output "both registrations go out at once" "$work/plan" \
  "0:00:00\.000  REGISTER -> pbx-b \(registration attempt\)"
expect_output "… the backup becomes active at the primary's budget" "$work/plan" \
  "0:00:07\.500  FAILOVER pbx-a -> pbx-b \(REGISTER, timeout, detected in 7\.5s\)"
expect_output "… and the test call goes through it" "$work/plan" \
  "0:15:00\.000  INVITE -> pbx-b \(test call\)"
finish
