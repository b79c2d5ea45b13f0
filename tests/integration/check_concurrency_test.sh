#!/bin/sh
# `sipsentry check` checks its lines at once: 20 lines whose primary stays
# silent (a UDP socket that never reads: no answer, no ICMP) and whose
# backup is a real Kamailio finish within one line's planned walk, as
# `sipsentry plan` prints it from the same engine, not twenty. A --timeout
# shorter than that walk leaves every line critical and says it timed out;
# SIGTERM ends the pass the same way, and still removes the check's own
# registration.
# Usage: check_concurrency_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_lib.sh"

silent_port=$(free_port)
registrar_port=$(free_port)
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").write("bound\n")
time.sleep(600)' "$silent_port" "$work/silent.ready" &
started_pids="$started_pids $!"
wait_for "$work/silent.ready" bound 10 || { echo "the silent primary did not bind"; exit 1; }
start_kamailio registrar "$registrar_port" "$password" || exit 1
config="$work/many.yaml"
lines=20
{
  config_head
  for i in $(seq 1 $lines); do line_yaml "line$i" "$((2000 + i))" "$silent_port" "$registrar_port"; done
} >"$config"

# The engine's plan for one line: when it registers on the backup.
LINE_PASSWORD=$password "$sipsentry" plan -c "$config" --line line1 --scenario primary-silent \
  >"$work/plan.out"
planned=$(sed -nE 's/^  0:00:0?([0-9]+\.[0-9]{3})  registered on backup.*/\1/p' "$work/plan.out" | head -n 1)
[ -n "$planned" ]
expect_exit "the plan says when a line registers on the backup" 0 $?
echo "planned walk of one line: ${planned}s; $lines lines"

started=$(date +%s.%N)
run_check many "$config" --format json
ended=$(date +%s.%N)
expect_exit "silent primary: WARNING" 1 "$status"
expect_json "every line on the backup after a timeout of the primary" "$work/many.out" \
  "[.lines[] | .registered_server == \"backup\" and .failover.reason == \"timeout\" and .servers[0].reason == \"timeout\"] | length == $lines and all"
expect_json "every detection time is the planned walk" "$work/many.out" \
  "[.lines[].failover.detection_seconds | . >= $planned and . <= $planned + 0.2] | all"
# One line's walk, not twenty: the check ends within 1 s of the plan (the
# silent primary's budget decides it), and the whole process, with start-up
# and the un-REGISTERs, within 3 s; twenty walks one after another would
# take $lines times as long.
expect_json "the check took one walk" "$work/many.out" \
  ".elapsed_seconds >= $planned and .elapsed_seconds <= $planned + 1"
wall=$(echo "$ended - $started" | bc)
echo "check of $lines lines took ${wall}s"
[ "$(echo "$wall <= $planned + 3" | bc)" -eq 1 ]
expect_exit "the process took one walk, not $lines" 0 $?

# A --timeout shorter than the walk: every line still registering, critical.
run_check short "$config" --timeout 500ms --format json
expect_exit "timed out: CRITICAL" 2 "$status"
expect_json "timed out: every line says so" "$work/short.out" \
  "[.lines[] | .timed_out and .state == \"registering\" and .status == \"critical\"] | length == $lines and all"
expect_json "timed out: the backups answered, the primary has no result" "$work/short.out" \
  '[.lines[].servers[] | .up] == ([range(20)] | map(false, true)) and ([.lines[].servers[0].reason] | unique) == ["check_timeout"]'
expect_json "timed out: after the timeout" "$work/short.out" \
  '.timeout_seconds == 0.5 and .elapsed_seconds >= 0.5 and .elapsed_seconds < 1.5'
run_check short_text "$config" --timeout 500ms --line line1
expect_output "timed out: the text says so" "$work/short_text.out" \
  "^line1: CRITICAL, not registered: still registering; the check timed out$"

# SIGTERM (timeout(1), a stopped service) while a line registered on its
# primary waits for its silent backup's OPTIONS (7.5 s with the default
# timers): the verdict so far, and the un-REGISTER reaches the primary.
term_config="$work/term.yaml"
{
  printf 'sip: {bind: "127.0.0.1:0"}\nlines:\n'
  line_yaml desk 3001 "$registrar_port" "$silent_port"
} >"$term_config"
registers() { grep -c "received REGISTER" "$work/registrar/log"; }
before=$(registers)
LINE_PASSWORD=$password "$sipsentry" check -c "$term_config" --format json \
  >"$work/term.out" 2>"$work/term.err" &
check_pid=$!
started_pids="$started_pids $check_pid"
for _ in $(seq 1 50); do [ "$(registers)" -ge $((before + 2)) ] && break; sleep 0.1; done
kill -TERM "$check_pid"
wait "$check_pid"
expect_exit "SIGTERM: the verdict so far, WARNING" 1 $?
expect_json "SIGTERM: on the primary, the backup without a result" "$work/term.out" \
  '.lines[0] | .timed_out and .registered_server == "primary" and .servers[1].reason == "check_timeout"'
expect_json "SIGTERM: before the backup's budget" "$work/term.out" '.elapsed_seconds < 7'
expect_exit "SIGTERM: the primary received the un-REGISTER (challenged, then answered)" \
  $((before + 4)) "$(registers)"

expect_absent "the password is in no output" "$password" "$work"/*.out "$work"/*.err
finish
