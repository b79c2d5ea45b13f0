#!/bin/sh
# ICMP unreachable from the primary (spec.md §2), in a network namespace of
# the test's own: nftables rejects the line's UDP packets to the registered
# primary with ICMP port unreachable. The next OPTIONS keep-alive fails over
# at once with reason icmp, without waiting out its budget and without a
# retransmission; nothing reached the primary, the backup got the REGISTER.
# About 6 s.
# Usage: netns_unreachable_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/netns_lib.sh"

start_servers || exit 1
start_capture || exit 1
netns_config udp 1 60 60s
start_sipsentry

fault_at=$(date +%s.%N)
fault_rule "ip daddr $primary udp dport $sip_port" reject
wait_for "$work/sipsentry.log" "event=failover " 5
expect_output "failover on the keep-alive with reason icmp" "$work/sipsentry.log" \
  "event=failover from=primary to=backup method=OPTIONS reason=icmp"

# shellcheck disable=SC2046 # the fields of a capture line, split on purpose
set -- $(first_unanswered "$primary" "$fault_at")
keepalive_sent=${1:-0} method=${2:-none} sends=${5:-0}
expect_exit "the first request rejected is an OPTIONS keep-alive ($method)" 0 \
  "$([ "$method" = OPTIONS ]; echo $?)"
expect_exit "no retransmission after the ICMP error" 1 "$sends"
expect_output "the primary's address answered with ICMP port unreachable" "$work/capture" \
  "icmp $primary $client 3 3$"
delay=$(seconds_between "$keepalive_sent" "$(event_time "event=failover ")")
# The event log keeps whole milliseconds: "at once" is within 100 ms.
within "failover at once, not at the 1.5 s budget" "$delay" 0 0.1
echo "measured: failover ${delay}s after the keep-alive's send (budget 1.5s)"

expect_exit "nothing reached the primary after the fault" 0 "$(server_received primary "$fault_at")"
expect_exit "the backup received REGISTER with and without credentials" 2 \
  "$(server_received backup "$fault_at" REGISTER)"
echo "faults matched: $(fault_counts | tr '\n' ';')"

stop_sipsentry
finish
