#!/bin/sh
# DNS SRV failover as a desk phone does it, against a real DNS server
# (dns_lib.sh): a line's one server is pbx.test without a port, and
# _sip._udp.pbx.test has two SRV records, priority 10 a.pbx.test (a
# Kamailio on 10.0.0.1) and priority 20 b.pbx.test (one on 10.0.0.2). The
# line registers on a.pbx.test; nftables then drops every packet to and
# from it, the next keep-alive gets no answer, and the line fails over to
# b.pbx.test on a non-last server's budget (+/- 200 ms, from the
# keep-alive's first send on the wire), as `sipsentry plan` of the same
# line with the two targets as addresses says. The fault is lifted and the
# failback probe, one failback interval later, brings the line back to
# a.pbx.test, the primary's first target. The events name the targets;
# the Kamailios logged b's REGISTERs, then a's. About 12 s.
# Usage: srv_failover_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/dns_lib.sh"

start_dns "--srv-host=_sip._udp.pbx.test,a.pbx.test,$sip_port,10,100" \
  "--srv-host=_sip._udp.pbx.test,b.pbx.test,$sip_port,20,100" \
  "--host-record=a.pbx.test,$primary" "--host-record=b.pbx.test,$backup" || exit 1
start_servers || exit 1
start_capture || exit 1
srv_config 60 4s || exit 1
config=$work/sipsentry.yaml

# The engine's timeline: a.pbx.test is a non-last place of the walk, so its
# budget is a non-last server's; the failback probe comes one failback
# interval after the failover.
budget=$(plan_times "$work/twin.yaml" "primary unavailable: " | head -n 1)
planned_sends=$(plan_offsets "$work/twin.yaml" "REGISTER -> primary (walk")
failover_at=$(plan_times "$work/twin.yaml" "FAILOVER" | head -n 1)
probe_at=$(plan_times "$work/twin.yaml" "(failback probe)" | head -n 1)
probe_interval=$(seconds_between "$failover_at" "$probe_at")
echo "plan: budget ${budget}s, sends at $planned_sends ms; failback probe ${probe_interval}s after the failover"

# `plan --resolve` shows the targets the line would use right now, in SRV
# order.
DESK_PASSWORD=s3cret "$sipsentry" plan -c "$config" --resolve --line desk1 >"$work/plan" 2>&1
expect_exit "plan --resolve" 0 $?
expect_exit "plan --resolve lists a.pbx.test, then b.pbx.test" 0 "$(awk '
  /a\.pbx\.test/ && !a { a = NR } /b\.pbx\.test/ && !b { b = NR }
  END { exit !(a && b && a <= b) }' "$work/plan"; echo $?)"

mark=$(dns_mark)
start_sipsentry
expect_event "registered on a.pbx.test, the primary's first target" "event=registered server=primary" \
  "$(target_field target a.pbx.test udp)"
expect_exit "dnsmasq was asked for _sip._udp.pbx.test's SRV records" 0 \
  "$([ "$(dns_asked "$mark" SRV _sip._udp.pbx.test)" -ge 1 ]; echo $?)"
expect_exit "and for a.pbx.test's address" 0 "$([ "$(dns_asked "$mark" A a.pbx.test)" -ge 1 ]; echo $?)"

fault_at=$(date +%s.%N)
fault_rule "ip saddr $primary" drop
fault_rule "ip daddr $primary" drop
wait_for "$work/sipsentry.log" "event=failover " 10
expect_exit "failover" 0 $?
expect_event "failover from a.pbx.test to b.pbx.test on a keep-alive's timeout" "event=failover " \
  "method=OPTIONS" "reason=timeout" "$(target_field from_target a.pbx.test udp)" \
  "$(target_field to_target b.pbx.test udp)"
failover=$(event_time "event=failover ")
# The fault goes at once: the failback probe, a failback interval later,
# finds a.pbx.test answering.
lift_faults
lifted_at=$(date +%s.%N)

# The first request after the fault: the keep-alive that got no answer.
# shellcheck disable=SC2046 # the fields of a capture line, split on purpose
set -- $(first_unanswered "$primary" "$fault_at")
keepalive_sent=${1:-0} method=${2:-none} sends=${5:-} offsets=${7:-}
expect_same "the first request into the blackhole is an OPTIONS keep-alive" OPTIONS "$method"
offsets_within "the keep-alive's retransmissions follow the plan" "$offsets" "$planned_sends" 100
delay=$(seconds_between "$keepalive_sent" "$failover")
within "failover on a non-last server's budget, from the keep-alive's first send" "$delay" "$budget" 0.2
detection=$(grep -m 1 "event=failover " "$work/sipsentry.log" | sed -n 's/.* detection=\([0-9.]*\)s.*/\1/p')
within "the failover's own detection time is the budget" "${detection:-0}" "$budget" 0.2
echo "measured: keep-alive sent $sends times at $offsets ms; failover ${delay}s after its first send" \
  "(detection=${detection}s)"

# b.pbx.test's Kamailio: the REGISTER, challenged then answered, at the failover.
expect_exit "b.pbx.test received REGISTER with and without credentials" 2 \
  "$(count_by 2 server_received backup "$fault_at" REGISTER)"
# shellcheck disable=SC2046 # the fields of a capture line, split on purpose
set -- $(first_after "$backup" "$fault_at")
backup_register=${1:-0}
within "b.pbx.test's REGISTER left at the failover" "$(seconds_between "$failover" "$backup_register")" 0 0.2

wait_for "$work/sipsentry.log" "event=failback " $((${probe_interval%.*} + 3))
expect_exit "failback" 0 $?
expect_event "failback from b.pbx.test to a.pbx.test" "event=failback " \
  "$(target_field from_target b.pbx.test udp)" "$(target_field to_target a.pbx.test udp)"
expect_output "the failback probe succeeded" "$work/sipsentry.log" "event=failback_probe result=success"
failback=$(event_time "event=failback ")
within "failback one failback interval after the failover" \
  "$(seconds_between "$failover" "$failback")" "$probe_interval" 0.2
echo "measured: failback $(seconds_between "$failover" "$failback")s after the failover"

# a.pbx.test's Kamailio: the failback probe, challenged then answered,
# after b's REGISTERs.
expect_exit "a.pbx.test received the probe and its digest answer" 2 \
  "$(count_by 2 server_received primary "$lifted_at" REGISTER)"
# shellcheck disable=SC2046 # the fields of a capture line, split on purpose
set -- $(first_after "$primary" "$lifted_at")
expect_exit "b.pbx.test's REGISTER came before a.pbx.test's probe" 0 \
  "$(awk -v b="$backup_register" -v a="${1:-0}" 'BEGIN { exit !(b > 0 && a > b) }'; echo $?)"

stop_sipsentry

# check of the SRV line: registered on a.pbx.test, the primary's first
# target, so on the primary; its default timeout waits for the walk over
# both targets, the same as for the twin's two servers by address.
json_field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
DESK_PASSWORD=s3cret timed "$sipsentry" check -c "$work/sipsentry.yaml" --format json
expect_exit "check of the SRV line" 0 "$status"
expect_same "check names the target it registered on" a.pbx.test \
  "$(json_field "$work/out" "d['lines'][0]['registered_target']['host']")"
expect_same "check says the line is on its primary" True \
  "$(json_field "$work/out" "d['lines'][0]['on_primary']")"
srv_timeout=$(json_field "$work/out" "d['timeout_seconds']")
DESK_PASSWORD=s3cret timed "$sipsentry" check -c "$work/twin.yaml" --format json
expect_same "check waits for the SRV walk as for the twin's two servers" \
  "$(json_field "$work/out" "d['timeout_seconds']")" "$srv_timeout"
echo "measured: check of the SRV line, default timeout ${srv_timeout}s"

dns_isolated
finish
