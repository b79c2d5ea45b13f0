#!/bin/sh
# A TCP connection that goes silent (spec.md §2, §3, §5), in a network
# namespace of the test's own: the line is registered on the primary over
# TCP, then nftables drops every packet the primary sends. The next OPTIONS
# keep-alive still reaches the primary over the established connection (its
# log shows it) but neither the answer nor a TCP acknowledgement comes
# back: the line fails over to the backup on the planned budget (+/- 200 ms)
# with reason timeout. The fault is then lifted, and the first failback
# probe, a failback interval later, brings the line home. About 12 s.
# Usage: netns_tcp_stall_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/netns_lib.sh"

start_servers || exit 1
start_capture || exit 1
netns_config tcp 1 60 4s
config=$work/sipsentry.yaml
budget=$(plan_times "$config" "primary unavailable: " | head -n 1)
failover_at=$(plan_times "$config" "FAILOVER" | head -n 1)
probe_interval=$(seconds_between "$failover_at" "$(plan_times "$config" "(failback probe)" | head -n 1)")
echo "plan: budget ${budget}s over TCP; failback probe ${probe_interval}s after the failover"

start_sipsentry

fault_at=$(date +%s.%N)
fault_rule "ip saddr $primary tcp sport $sip_port" drop
wait_for "$work/sipsentry.log" "event=failover " 10
# The connection was up: the request had no answer in its budget, a
# timeout (tcp_timeout is for a connection that never comes up).
expect_output "failover on the keep-alive with reason timeout" "$work/sipsentry.log" \
  "event=failover from=primary to=backup method=OPTIONS reason=timeout"

# shellcheck disable=SC2046 # the fields of a capture line, split on purpose
set -- $(first_after "$primary" "$fault_at")
keepalive_sent=${1:-0} method=${2:-none} call_id=${3:-none} sends=${5:-0}
expect_exit "the first request into the stalled connection is an OPTIONS ($method)" 0 \
  "$([ "$method" = OPTIONS ]; echo $?)"
failover=$(event_time "event=failover ")
delay=$(seconds_between "$keepalive_sent" "$failover")
within "failover after the budget, from the keep-alive's send" "$delay" "$budget" 0.2
echo "measured: failover ${delay}s after the keep-alive's send; $sends TCP segments carried it"

# What the servers saw: the keep-alive reached the primary (answered, the
# answer lost); the backup got the REGISTER over TCP at the failover.
expect_output "the primary received the keep-alive over the connection" "$work/primary/log" \
  "received OPTIONS from $client:[0-9]+ over tcp .*call_id=$call_id "
expect_exit "the backup received REGISTER with and without credentials" 2 \
  "$(server_received backup "$fault_at" REGISTER)"
expect_output "over TCP" "$work/backup/log" "received REGISTER from $client:[0-9]+ over tcp"

echo "faults matched: $(fault_counts | tr '\n' ';')"
lift_faults
lifted_at=$(date +%s.%N)
wait_for "$work/sipsentry.log" "event=failback from=backup to=primary" $((${probe_interval%.*} + 3))
expect_exit "failback to the primary once the connection works again" 0 $?
failback=$(event_time "event=failback from=backup to=primary")
within "failback on the first probe, a failback interval after the failover" \
  "$(seconds_between "$failover" "$failback")" "$probe_interval" 0.2
expect_exit "the primary received the probe, challenged then answered" 2 \
  "$(server_received primary "$lifted_at" REGISTER)"
echo "measured: failback $(seconds_between "$failover" "$failback")s after the failover"

stop_sipsentry
finish
