#!/bin/sh
# 30 % packet loss both ways between sipsentry and the primary, over UDP
# (spec.md §3), in a network namespace of the test's own: for 5 minutes,
# five lines keep-alive every second and refresh every 27 s, about 1,600
# transactions, half of which need a retransmission. Retransmissions do
# their job: no request times out, no line leaves the primary, nothing
# reaches the backup. Checked in sipsentry's log, on the wire (the capture)
# and in what the primary logged. 5 minutes of wall time, little CPU; set
# SIPSENTRY_LOSS_SECONDS for a shorter run by hand.
#
# Why a false failover is negligible here: each send of a request gets
# through and its answer back with probability 0.7 x 0.7 = 0.49 (Kamailio
# answers every retransmission, OPTIONS and REGISTER alike), so a request
# fails only if all its sends fail: 0.51^S for S sends. In period mode
# (retry.period 6 s, T1 100 ms, T2 200 ms) the plan sends a request 31
# times: 0.51^31 = 8.6e-10 per transaction, about 1.4e-6 for the whole run.
# The default count mode (4 sends) would fail 6.8 % of transactions: with
# such loss a phone fails over, and spec.md says it should.
# Usage: netns_loss_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/netns_lib.sh"
seconds=${SIPSENTRY_LOSS_SECONDS:-300}
lines=5

start_servers || exit 1
start_capture || exit 1
netns_config udp "$lines" 30 60s 200ms "{period: 6s}"
config=$work/sipsentry.yaml
planned_sends=$(plan_times "$config" "REGISTER -> primary (walk" | wc -l)
false_failover=$(awk -v s="$planned_sends" 'BEGIN { printf "%.1e", 0.51 ^ s }')
echo "plan: $planned_sends sends a request to the primary; one fails with probability $false_failover"
[ "$planned_sends" -ge 30 ]
expect_exit "the plan retransmits enough for the loss to be survivable" 0 $?

start_sipsentry
fault_at=$(date +%s.%N)
fault_rule "ip daddr $primary udp dport $sip_port numgen random mod 100 < 30" drop
fault_rule "ip saddr $primary udp sport $sip_port numgen random mod 100 < 30" drop
sleep "$seconds"
echo "faults matched: $(fault_counts | tr '\n' ';')"

log=$work/sipsentry.log
expect_absent "no failover" "event=failover" "$log"
expect_absent "no line left the primary" "to=registering" "$log"
expect_absent "no request timed out" "outcome=timeout" "$log"
expect_exit "sipsentry still runs" 0 "$(kill -0 "$sipsentry_pid"; echo $?)"
finished=$(grep -c "event=request server=primary" "$log")
refreshes=$(grep -c "event=refreshed server=primary" "$log")
# A refresh each 27 s (90 % of 30 s) and its challenge: one each 30 s at least.
expect_exit "every line refreshed on the primary" 0 \
  "$([ "$refreshes" -ge $((lines * (seconds / 30))) ]; echo $?)"

# On the wire: how many transactions needed a retransmission, and how many
# sends the worst one took.
capture_query transactions "$primary" | awk -v t="$fault_at" '$1 > t' >"$work/transactions"
transactions=$(wc -l <"$work/transactions")
retransmitted=$(awk '$5 > 1 { n++ } END { print n + 0 }' "$work/transactions")
retransmissions=$(awk '{ n += $5 - 1 } END { print n + 0 }' "$work/transactions")
most=$(awk '$5 > m { m = $5 } END { print m + 0 }' "$work/transactions")
echo "measured: $transactions transactions on the wire ($finished finished in sipsentry's log," \
  "$refreshes refreshes; start-up included), $retransmitted needed a retransmission, $retransmissions" \
  "retransmissions in all, at most $most sends for one"
# Half should need one (0.51); under 30 % means the loss did not happen.
expect_exit "the loss made retransmissions necessary" 0 \
  "$([ $((retransmitted * 100)) -ge $((transactions * 30)) ]; echo $?)"

# What the servers saw: the primary the lines' requests, retransmissions
# among them (the same Call-ID and CSeq again); the backup no REGISTER.
received=$(grep -c "received [A-Z]* from $client" "$work/primary/log")
distinct=$(grep "received [A-Z]* from $client" "$work/primary/log" |
  sed 's/.* call_id=\([^ ]*\) cseq=\([^ ]*\) .*/\1 \2/' | sort -u | wc -l)
echo "measured: the primary logged $received requests, $distinct distinct:" \
  "$((received - distinct)) retransmissions got through"
expect_exit "the primary logged retransmissions" 0 "$([ "$received" -gt "$distinct" ]; echo $?)"
expect_exit "the backup received no REGISTER" 0 "$(server_received backup 0 REGISTER)"

stop_sipsentry
finish
