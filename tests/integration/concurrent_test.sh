#!/bin/sh
# redundancy: concurrent (issue #15) on the wire, against two real Kamailio
# registrars (pbx-a the primary, pbx-b the backup) that relay test calls to
# a SIPp callee. One `sipsentry run`, one line, sending from 127.0.0.2 (which
# tells its requests apart from start_kamailio's readiness probes in the
# registrars' logs): registrations of 10 s refreshed at 9 s, a test call
# every 2 s, register_retry_interval 3 s. Keep-alives are off: a keep-alive
# would find a dead pbx-a before a test call does, and what is checked here
# is that the test call moves on by itself.
#
# 1. Start-up: the line registers with both at once, each on a Call-ID of its
#    own, and refreshes each on that Call-ID; both hold a registration
#    (sipsentry_server_registered), pbx-a is the active server and test
#    calls go through it.
# 2. pbx-a dies (its port closed: an ICMP error): the next test call's
#    INVITE to pbx-a fails at once and goes to pbx-b right after, with no
#    REGISTER first (pbx-b's registration stays the start-up one, its
#    Call-ID unchanged); pbx-a has lost its registration, pbx-b is active.
# 3. pbx-a's own retries, every 3 s, fail while it is dead; it starts again,
#    and its next retry registers there: the line fails back, and test
#    calls go through pbx-a again, while pbx-b keeps its registration.
# Times are checked against the plan with a tolerance of 1 s.
# Usage: concurrent_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"

start_calling_pair || exit 1
metrics_port=$(free_port)

expires=10
refresh=9         # refresh_ratio 0.9 of the 10 s granted
retry_interval=3  # register_retry_interval
tolerance=1
concurrent_address=127.0.0.2
scrape="$work/metrics"

cat >"$work/concurrent.yaml" <<YAML
metrics: {listen: "127.0.0.1:$metrics_port"}
sip: {bind: "$concurrent_address:0"}
startup: {jitter: 0s}
log: {level: debug}
defaults:
  timers: {t1: 100ms}
  keepalive_interval: 0s
  observe: {interval: 0s}
  redundancy: concurrent
  register_retry_interval: ${retry_interval}s
lines:
  - name: desk
    user: "1001"
    password_env: DESK_PASSWORD
    test_call: {target: "sip:echo@127.0.0.1", interval: 2s, duration: 200ms}
    servers:
      - {name: pbx-a, address: 127.0.0.1, port: $primary_port, expires: $expires}
      - {name: pbx-b, address: 127.0.0.1, port: $backup_port, expires: $expires}
YAML
DESK_PASSWORD=s3cret "$sipsentry" run -c "$work/concurrent.yaml" >"$work/concurrent.log" 2>&1 &
started_pids="$started_pids $!"

# expect_metrics CHECK PBX_A_REGISTERED PBX_B_REGISTERED ACTIVE: scrapes
# until sipsentry_server_registered is the given 1/0 on pbx-a and pbx-b and
# sipsentry_line_active_server is 1 on ACTIVE (up to 3 s: a scrape reads
# the state after the event that changed it).
expect_metrics() {
  wanted="a=$2 b=$3 active=$4"
  for _ in $(seq 1 30); do
    curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$scrape" 2>/dev/null
    seen="a=$(series sipsentry_server_registered primary pbx-a)"
    seen="$seen b=$(series sipsentry_server_registered backup pbx-b)"
    seen="$seen active=$(grep -E '^sipsentry_line_active_server\{.*\} 1$' "$scrape" |
      sed -E 's/.*server="([^"]*)".*/\1/')"
    [ "$seen" = "$wanted" ] && break
    sleep 0.1
  done
  if [ "$seen" = "$wanted" ]; then passes=$((passes + 1)); else
    echo "FAIL: $1: metrics say $seen, expected $wanted"; failures=$((failures + 1)); fi
}

# series FAMILY ROLE SERVER: desk's sample of FAMILY on SERVER in the scrape.
series() {
  grep -F "$1{line=\"desk\",role=\"$2\",server=\"$3\"} " "$scrape" | awk '{ print $NF }'
}

# call_ids SERVER METHOD: the distinct Call-IDs of the line's METHODs there.
call_ids() { requests "$1" "$2" concurrent | awk '{ print $2 }' | sort -u; }

show_logs() {
  echo "--- sipsentry"; grep -v "msg=\"sofia" "$work/concurrent.log"
  for name in primary backup; do echo "--- $name"; grep -v "received OPTIONS" "$work/$name/log"; done
}

# --- 1. Start-up: registered with both at once.
for server in pbx-a pbx-b; do
  wait_event concurrent 0 "event=server_registered server=$server" 10
  expect_exit "start-up: $server holds a registration" 0 $?
done
wait_event concurrent 0 "event=registered server=pbx-a" 5
expect_exit "start-up: the line is registered, active on pbx-a" 0 $?
[ "$failures" -eq 0 ] || { show_logs; finish; exit 1; }
a_registered=$(event_time concurrent 0 "event=server_registered server=pbx-a")
b_registered=$(event_time concurrent 0 "event=server_registered server=pbx-b")
expect_near "start-up: both registrations come at once" "$b_registered" "$a_registered"
since concurrent 0 | grep -m 1 "event=registered server=" >"$work/first_active"
expect_text "start-up: the line's first active server is pbx-a, whichever answered first" \
  "$work/first_active" "event=registered server=pbx-a"
for _ in $(seq 1 20); do  # the registrars' log lines may come a moment late
  start_a_id=$(call_ids primary REGISTER)
  start_b_id=$(call_ids backup REGISTER)
  [ -n "$start_a_id" ] && [ -n "$start_b_id" ] && break
  sleep 0.1
done
expect_exit "start-up: one Call-ID on pbx-a, another on pbx-b" 0 \
  "$([ "$(printf '%s\n' "$start_a_id" | grep -c .)" -eq 1 ] &&
    [ "$(printf '%s\n' "$start_b_id" | grep -c .)" -eq 1 ] &&
    [ "$start_a_id" != "$start_b_id" ]; echo $?)"
expect_metrics "start-up: both hold a registration, pbx-a active" 1 1 pbx-a

# expect_refresh SERVER REGISTERED: the line's refresh reaches SERVER 9 s
# after its registration there (at REGISTERED).
expect_refresh() {
  for _ in $(seq 1 130); do
    refreshed=$(first_request_after "$1" REGISTER concurrent "$(plus "$2" 1)")
    [ -n "$refreshed" ] && break
    sleep 0.1
  done
  expect_near "start-up: the refresh reaches $1 when due" "${refreshed%% *}" "$(plus "$2" "$refresh")"
}
expect_refresh primary "$a_registered"
expect_refresh backup "$b_registered"
expect_exit "refreshes: pbx-a's on its start-up Call-ID" 0 \
  "$([ "$(call_ids primary REGISTER)" = "$start_a_id" ]; echo $?)"
expect_exit "refreshes: pbx-b's on its start-up Call-ID" 0 \
  "$([ "$(call_ids backup REGISTER)" = "$start_b_id" ]; echo $?)"

wait_event concurrent 0 "event=test_call result=answered invite_server=pbx-a bye_server=pbx-a" 5
expect_exit "start-up: test calls answered through pbx-a" 0 $?
expect_exit "start-up: their INVITEs reach pbx-a" 0 \
  "$([ "$(requests primary INVITE concurrent | wc -l)" -gt 0 ]; echo $?)"
expect_exit "start-up: no INVITE reaches pbx-b" 0 "$(requests backup INVITE concurrent | wc -l)"
[ "$failures" -eq 0 ] || { show_logs; finish; exit 1; }

# --- 2. pbx-a dies. Just after a test call ended (each takes 0.5 s of its
# 2 s), so that the next one's INVITE is what finds pbx-a gone, and at least
# 3 s before pbx-a's refresh is due, which would find it first.
mark=$(wc -l <"$work/concurrent.log")
for _ in 1 2 3 4 5 6; do
  wait_event concurrent "$mark" "event=test_call" 5 || break
  mark=$(wc -l <"$work/concurrent.log")
  a_refresh_due=$(plus "$(requests primary REGISTER concurrent | awk 'END { print $1 }')" "$refresh")
  awk -v due="$a_refresh_due" -v now="$(date +%s.%N)" 'BEGIN { exit !(due - now > 3) }' && break
done
stop_kamailio primary
wait_event concurrent "$mark" "event=failover from=pbx-a to=pbx-b method=INVITE reason=icmp" 5
expect_exit "pbx-a dead: a test call's INVITE fails over to pbx-b" 0 $?
expect_output "pbx-a dead: pbx-a lost its registration" "$work/concurrent.log" \
  "line=desk event=server_unregistered server=pbx-a reason=icmp"
expect_invite_through_backup concurrent "$mark" icmp
expect_output "pbx-a dead: the BYE goes through pbx-b too" "$work/concurrent.log" \
  "event=test_call result=answered invite_server=pbx-b bye_server=pbx-b"
expect_exit "pbx-a dead: pbx-b's registration is still the start-up one (its Call-ID)" 0 \
  "$([ "$(call_ids backup REGISTER)" = "$start_b_id" ]; echo $?)"
expect_metrics "pbx-a dead: only pbx-b holds a registration, and is active" 0 1 pbx-b
[ "$failures" -eq 0 ] || { show_logs; finish; exit 1; }

# --- 3. pbx-a's own retry, register_retry_interval after it lost its
# registration, finds it still dead; then pbx-a starts again (its log
# starts with the restart), and its next retry registers there.
lost=$(event_time concurrent "$mark" "event=server_unregistered server=pbx-a")
wait_event concurrent "$mark" "event=request server=pbx-a method=REGISTER outcome=icmp" \
  $((retry_interval + 2))
expect_near "pbx-a dead: its retry comes register_retry_interval after the loss" \
  "$(event_time concurrent "$mark" "event=request server=pbx-a method=REGISTER outcome=icmp")" \
  "$(plus "${lost:-0}" "$retry_interval")"
mark=$(wc -l <"$work/concurrent.log")
start_kamailio primary "$primary_port" "s3cret" "" "$callee_port" || exit 1
wait_event concurrent "$mark" "event=failback from=pbx-b to=pbx-a" $((retry_interval + 3))
expect_exit "pbx-a back: the line fails back to pbx-a" 0 $?
for _ in $(seq 1 20); do
  returned=$(requests primary REGISTER concurrent | head -n 1)
  [ -n "$returned" ] && break
  sleep 0.1
done
last_failure=$(since concurrent 0 |
  grep -E "event=request server=pbx-a method=REGISTER outcome=(icmp|timeout)" | tail -n 1 |
  sed -E 's/^ts=([^ ]*) .*/\1/')
expect_near "pbx-a back: its REGISTER comes register_retry_interval after its last failure" \
  "${returned%% *}" "$(plus "$(date -d "${last_failure:-@0}" +%s.%N)" "$retry_interval")"
failback=$(event_time concurrent "$mark" "event=failback from=pbx-b to=pbx-a")
expect_near "pbx-a back: the failback comes with that registration" "$failback" "${returned%% *}"
since concurrent "$mark" >"$work/back.log"
expect_output "pbx-a back: pbx-a holds a registration again" "$work/back.log" \
  "line=desk event=server_registered server=pbx-a"
expect_metrics "pbx-a back: both hold a registration, pbx-a active" 1 1 pbx-a
failback_mark=$(mark_before concurrent "$mark" "event=failback from=pbx-b to=pbx-a")
wait_event concurrent "$failback_mark" \
  "event=test_call result=answered invite_server=pbx-a bye_server=pbx-a" 5
expect_exit "pbx-a back: the next test call is answered through pbx-a" 0 $?
expect_exit "pbx-a back: no INVITE reaches pbx-b after the failback" 0 \
  "$(requests backup INVITE concurrent | awk -v t="${failback:-0}" '$1 > t' | wc -l)"
expect_exit "pbx-a back: pbx-b kept its start-up registration (its Call-ID)" 0 \
  "$([ "$(call_ids backup REGISTER)" = "$start_b_id" ]; echo $?)"

[ "$failures" -eq 0 ] || show_logs
finish
