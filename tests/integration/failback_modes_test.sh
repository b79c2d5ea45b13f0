#!/bin/sh
# failback.mode registration and new_requests (issue #15) on the wire, against
# two real Kamailio registrars (pbx-a the primary, pbx-b the backup) that
# relay test calls to a SIPp callee. Two `sipsentry run` instances, one line
# each, with failback.interval 300 s, so that a timer's probe cannot be what
# moves a line: `registration` (no test call) and `new_requests` (a test call
# every 2 s). Registrations of 10 s are refreshed at 9 s (refresh_ratio 0.9).
# Each instance sends from an address of its own (127.0.0.2, 127.0.0.3: its
# requests leave from any free port), which tells them apart in the
# registrars' logs (Kamailio logs each request's source and arrival).
#
# 1. pbx-a stops: both lines fail over to pbx-b; pbx-a starts again at once.
#    registration: no REGISTER reaches pbx-a before the refresh (9 s after
#    the line registered on pbx-b) less pbx-a's non-last budget (15 × T1 =
#    1.5 s): the probe leads the refresh by it, so that a pbx-a still down
#    leaves the refresh to pbx-b on time; the line fails back then.
#    new_requests: meanwhile test calls' INVITEs go to pbx-a and are
#    answered there, while the line stays registered on pbx-b until its own
#    refresh moves it back.
# 2. pbx-a goes silent (SIGSTOP): both lines fail over again. registration:
#    1.5 s before the refresh is due, the REGISTER to pbx-a, with that
#    budget; the probe is logged unavailable when it runs out, and the
#    refresh reaches pbx-b then, when it is due, on the Call-ID of the
#    line's registration there. new_requests: a test call's INVITE waits out
#    pbx-a's budget, then goes through pbx-b with no REGISTER before it.
# 3. pbx-a dies (its port closed): the same, but an ICMP error ends pbx-a's
#    turn at once: the refresh reaches pbx-b 1.5 s early, the INVITE right
#    after its refusal.
# Times are checked against the plan with a tolerance of 1 s.
# Usage: failback_modes_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"

start_calling_pair || exit 1

refresh_ratio=0.9
budget=1.5      # pbx-a's non-last budget: (1 + 2 + 4 + 8) × T1 100 ms
tolerance=1

# start_sipsentry MODE ADDRESS [LINE_YAML]: an instance with failback.mode
# MODE, sending from ADDRESS (kept as $MODE_address), and the line desk
# (plus LINE_YAML, e.g. its test call); its log is $work/MODE.log.
start_sipsentry() {
  mode=$1 address=$2
  eval "${mode}_address=$address"
  cat >"$work/$mode.yaml" <<YAML
metrics: {listen: "127.0.0.1:$(free_port)"}
sip: {bind: "$address:0"}
startup: {jitter: 0s}
log: {level: debug}
defaults:
  timers: {t1: 100ms}
  keepalive_interval: 1s
  failback: {mode: $mode, interval: 300s}
lines:
  - name: desk
    user: "1001"
    password_env: DESK_PASSWORD
    ${3:-}
    servers:
      - {name: pbx-a, address: 127.0.0.1, port: $primary_port, expires: 10}
      - {name: pbx-b, address: 127.0.0.1, port: $backup_port, expires: 10}
YAML
  DESK_PASSWORD=s3cret "$sipsentry" run -c "$work/$mode.yaml" >"$work/$mode.log" 2>&1 &
  started_pids="$started_pids $!"
}

# refresh_due MODE MARK EXTENDED_REGEX: when the registration that the first
# such event (registered or refreshed) after MARK lines reports is due for
# its refresh: refresh_ratio × the expiry the registrar granted, after it.
refresh_due() {
  expires=$(since "$1" "$2" | grep -E -m 1 -- "$3" | sed -E 's/.* expires=([0-9.]+)s.*/\1/')
  awk -v t="$(event_time "$@")" -v e="$expires" -v r="$refresh_ratio" \
    'BEGIN { printf "%.6f", t + r * e }'
}

show_logs() {
  for name in registration new_requests; do echo "--- $name"; grep -v "msg=\"sofia" "$work/$name.log"; done
  for name in primary backup; do echo "--- $name"; grep -v "received OPTIONS" "$work/$name/log"; done
}

start_sipsentry registration 127.0.0.2
start_sipsentry new_requests 127.0.0.3 \
  'test_call: {target: "sip:echo@127.0.0.1", interval: 2s, duration: 200ms}'
for mode in registration new_requests; do
  wait_event "$mode" 0 "event=registered server=pbx-a" 10
  expect_exit "$mode: registered on pbx-a" 0 $?
done
[ "$failures" -eq 0 ] || { show_logs; finish; exit 1; }

# --- 1. pbx-a stops and starts again at once.
stop_kamailio primary
for mode in registration new_requests; do
  wait_event "$mode" 0 "event=registered server=pbx-b" 10
  expect_exit "$mode: failed over to pbx-b" 0 $?
done
start_kamailio primary "$primary_port" "s3cret" "" "$callee_port" || exit 1

for mode in registration new_requests; do
  probe_at=$(plus "$(refresh_due "$mode" 0 "event=registered server=pbx-b")" "-$budget")
  wait_event "$mode" 0 "event=failback from=pbx-b to=pbx-a" 15
  expect_exit "$mode: failed back to pbx-a" 0 $?
  expect_near "$mode: the failback comes at the refresh, less pbx-a's budget" \
    "$(event_time "$mode" 0 "event=failback from=pbx-b to=pbx-a")" "$probe_at"
  expect_output "$mode: the probe is logged a success" "$work/$mode.log" \
    "line=desk event=failback_probe result=success"
  # The restarted pbx-a's log starts with its restart.
  probe=$(requests primary REGISTER "$mode" | head -n 1)
  expect_near "$mode: pbx-a's first REGISTER since its restart is the refresh's probe" \
    "${probe%% *}" "$probe_at"
  expect_exit "$mode: the probe is a registration of its own (a new Call-ID)" 0 \
    "$(requests backup REGISTER "$mode" | grep -cF " ${probe#* }")"
done

# new_requests: calls through pbx-a while registered on pbx-b.
call_on_primary=$(event_time new_requests 0 \
  "event=test_call result=answered invite_server=pbx-a bye_server=pbx-a")
expect_before "new_requests: a test call answered through pbx-a before the line fails back" \
  "$call_on_primary" "$(event_time new_requests 0 "event=failback from=pbx-b")"
expect_before "new_requests: which came after the line registered on pbx-b" \
  "$(event_time new_requests 0 "event=registered server=pbx-b")" "$call_on_primary"
expect_before "new_requests: pbx-a received its INVITE before any REGISTER" \
  "$(requests primary INVITE new_requests | awk 'NR == 1 { print $1 }')" \
  "$(requests primary REGISTER new_requests | awk 'NR == 1 { print $1 }')"
[ "$failures" -eq 0 ] || { show_logs; finish; exit 1; }

# --- 2. pbx-a goes silent: it holds its port, so no ICMP error tells.
# A call that got its 18x waits for its answer (it is not failed over), so
# pbx-a stops just after one of the calls ended (each takes 0.5 s of its
# 2 s): the next INVITE finds it silent.
registration_mark=$(wc -l <"$work/registration.log")
new_requests_mark=$(wc -l <"$work/new_requests.log")
wait_event new_requests "$new_requests_mark" "event=test_call" 5
new_requests_mark=$(wc -l <"$work/new_requests.log")
# shellcheck disable=SC2046,SC2154 # a list of pids; start_kamailio sets primary_pid
kill -STOP $(kamailio_pids "$primary_pid")
for mode in registration new_requests; do
  wait_event "$mode" "$(eval "echo \$${mode}_mark")" "event=registered server=pbx-b" 10
  expect_exit "$mode: failed over from silent pbx-a" 0 $?
done

# expect_refresh_to_backup MARK BASE_REGEX REASON DELAY: registration's line,
# on pbx-b since the event BASE_REGEX after MARK lines, tries pbx-a pbx-a's
# budget before that registration is due for its refresh; pbx-a is
# unavailable (REASON) after DELAY, and then the refresh reaches pbx-b, on
# the Call-ID of the line's registration there.
# Sets $refreshed_mark, the log line of that refresh.
expect_refresh_to_backup() {
  on_backup=$(event_time registration "$1" "$2")
  probe_end=$(plus "$(plus "$(refresh_due registration "$1" "$2")" "-$budget")" "$4")
  wait_event registration "$1" "event=failback_probe result=unavailable reason=$3" 15
  expect_near "registration, pbx-a $3: the probe fails $4 s after it began, $budget s before the refresh is due" \
    "$(event_time registration "$1" "event=failback_probe result=unavailable reason=$3")" "$probe_end"
  probe_mark=$(mark_before registration "$1" "event=failback_probe result=unavailable")
  wait_event registration "$probe_mark" "event=refreshed server=pbx-b" 5
  expect_exit "registration, pbx-a $3: then refreshed on pbx-b" 0 $?
  registered_call_id=$(requests backup REGISTER registration |
    awk -v t="$on_backup" '$1 <= t { id = $2 } END { print id }')
  for _ in $(seq 1 20); do
    refreshed=$(first_request_after backup REGISTER registration "$(plus "$on_backup" 1)")
    [ -n "$refreshed" ] && break
    sleep 0.1
  done
  expect_near "registration, pbx-a $3: the refresh reaches pbx-b after the probe" \
    "${refreshed%% *}" "$probe_end"
  expect_exit "registration, pbx-a $3: on the Call-ID of the registration with pbx-b" 0 \
    "$([ "${refreshed#* }" = "$registered_call_id" ]; echo $?)"
  since registration "$1" >"$work/registration.tail"
  expect_absent "registration, pbx-a $3: the line stays on pbx-b" "event=failback " \
    "$work/registration.tail"
  refreshed_mark=$(mark_before registration "$probe_mark" "event=refreshed server=pbx-b")
}

expect_refresh_to_backup "$registration_mark" "event=registered server=pbx-b" timeout "$budget"
# The calls that start once the line is on pbx-b: those after the first
# call that ends there (it may have started on pbx-a).
on_backup_mark=$(mark_before new_requests "$new_requests_mark" "event=registered server=pbx-b")
expect_invite_through_backup new_requests \
  "$(($(mark_before new_requests "$on_backup_mark" "event=test_call") + 1))" timeout

# --- 3. pbx-a dies (killed, it answers nothing it had queued): an ICMP
# error answers at once.
new_requests_mark=$(wc -l <"$work/new_requests.log")
primary_family=$(kamailio_pids "$primary_pid")
# shellcheck disable=SC2086 # a list of pids
kill -KILL $primary_family && wait_gone 50 $primary_family
expect_refresh_to_backup "$refreshed_mark" "event=refreshed server=pbx-b" icmp 0
expect_invite_through_backup new_requests "$new_requests_mark" icmp

[ "$failures" -eq 0 ] || show_logs
finish
