#!/bin/sh
# A blackhole of the primary, then its end (spec.md §3, §5), in a network
# namespace of the test's own: nftables drops every packet to and from the
# registered line's primary. The next OPTIONS keep-alive goes out with the
# planned retransmissions and nothing comes back; the line fails over to the
# backup on the planned budget (+/- 200 ms, measured on the wire from the
# keep-alive's first send to the failover event). A failback probe during
# the blackhole fails after its own budget (64*T1); the fault is then
# lifted and the next probe, one failback interval later, moves the line
# home. Each step is held to `sipsentry plan`'s timeline and to what each
# Kamailio logged. About 25 s.
# Usage: netns_blackhole_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/netns_lib.sh"

start_servers || exit 1
start_capture || exit 1
netns_config udp 1 60 4s
config=$work/sipsentry.yaml
# The engine's timeline when the primary goes silent: a REGISTER walk
# there, whose schedule a keep-alive OPTIONS shares (both non-INVITE, same
# non-last budget); then the failback probes.
budget=$(plan_times "$config" "primary unavailable: " | head -n 1)
planned_sends=$(plan_offsets "$config" "REGISTER -> primary (walk")
failover_at=$(plan_times "$config" "FAILOVER" | head -n 1)
probe_at=$(plan_times "$config" "(failback probe)" | head -n 1)
probe_failed_at=$(plan_times "$config" "failback probe unavailable" | head -n 1)
next_probe_at=$(plan_times "$config" "(failback probe)" | sed -n 2p)
probe_interval=$(seconds_between "$failover_at" "$probe_at")
probe_budget=$(seconds_between "$probe_at" "$probe_failed_at")
next_probe_interval=$(seconds_between "$probe_failed_at" "$next_probe_at")
echo "plan: budget ${budget}s, sends at $planned_sends ms; failback probe ${probe_interval}s" \
  "after the failover, gives up after ${probe_budget}s, next ${next_probe_interval}s later"

start_sipsentry

fault_at=$(date +%s.%N)
fault_rule "ip saddr $primary" drop
fault_rule "ip daddr $primary" drop
wait_for "$work/sipsentry.log" "event=failover " 10
expect_output "failover to the backup on a keep-alive's timeout" "$work/sipsentry.log" \
  "event=failover from=primary to=backup method=OPTIONS reason=timeout"

# The first request after the fault: the keep-alive that got no answer.
# shellcheck disable=SC2046 # the fields of a capture line, split on purpose
set -- $(first_unanswered "$primary" "$fault_at")
keepalive_sent=${1:-0} method=${2:-none} sends=${5:-} offsets=${7:-}
expect_exit "the first request into the blackhole is an OPTIONS keep-alive ($method)" 0 \
  "$([ "$method" = OPTIONS ]; echo $?)"
offsets_within "the keep-alive's retransmissions follow the plan" "$offsets" "$planned_sends" 100
failover=$(event_time "event=failover ")
delay=$(seconds_between "$keepalive_sent" "$failover")
within "failover after the budget, from the keep-alive's first send" "$delay" "$budget" 0.2
echo "measured: keep-alive sent $sends times at $offsets ms; failover ${delay}s after its first send"

# What the servers saw: nothing reached the primary; the backup's REGISTER
# (challenged, then answered) came at the failover.
expect_exit "nothing reached the primary during the blackhole" 0 \
  "$(server_received primary "$fault_at")"
expect_exit "the backup received REGISTER with and without credentials" 2 \
  "$(server_received backup "$fault_at" REGISTER)"
# shellcheck disable=SC2046 # the fields of a capture line, split on purpose
set -- $(first_after "$backup" "$fault_at")
within "the backup's REGISTER left at the failover" "$(seconds_between "$failover" "${1:-0}")" 0 0.2

# A failback probe during the blackhole: sent a failback interval after the
# failover, retransmitted to 64*T1, unavailable at its budget.
wait_for "$work/sipsentry.log" "event=failback_probe result=unavailable" $((${probe_budget%.*} + 8))
expect_exit "the failback probe during the blackhole is unavailable" 0 $?
probe_failed=$(event_time "event=failback_probe result=unavailable")
# shellcheck disable=SC2046 # the fields of a capture line, split on purpose
set -- $(first_after "$primary" "$failover")
probe_sent=${1:-0} probe_offsets=${7:-}
within "probe sent a failback interval after the failover" \
  "$(seconds_between "$failover" "$probe_sent")" "$probe_interval" 0.2
offsets_within "the probe's retransmissions follow the plan" "$probe_offsets" \
  "$(plan_offsets "$config" "REGISTER -> primary (failback probe" "$probe_failed_at")" 100
within "probe unavailable at its budget" "$(seconds_between "$probe_sent" "$probe_failed")" \
  "$probe_budget" 0.2

# The end of the blackhole: the next probe, a failback interval later,
# brings the line home.
echo "faults matched: $(fault_counts | tr '\n' ';')"
lift_faults
lifted_at=$(date +%s.%N)
wait_for "$work/sipsentry.log" "event=failback from=backup to=primary" $((${next_probe_interval%.*} + 3))
expect_exit "failback to the primary once the blackhole ends" 0 $?
failback=$(event_time "event=failback from=backup to=primary")
within "failback one failback interval after the failed probe" \
  "$(seconds_between "$probe_failed" "$failback")" "$next_probe_interval" 0.2
expect_output "the probe succeeded" "$work/sipsentry.log" "event=failback_probe result=success"
expect_exit "the primary received the probe, challenged then answered" 2 \
  "$(server_received primary "$lifted_at" REGISTER)"
echo "measured: probe unavailable $(seconds_between "$probe_sent" "$probe_failed")s after" \
  "its send; failback $(seconds_between "$probe_failed" "$failback")s after that"

stop_sipsentry
finish
