#!/bin/sh
# `sipsentry run`, built with AddressSanitizer and UndefinedBehaviorSanitizer,
# serving 24 lines with short timers whose primary is the hostile server
# (hostile_sip_server.py: every case of its catalogue in turn, a good 200
# every third answer) and whose backup is a real Kamailio, for about 60 s,
# with a SIGHUP every 5 s (one of them with a broken file) and a scrape every
# 2 s. It stays up; every scrape passes promtool; no sanitizer report and no
# leak at the end; the password is in neither log nor metrics; responses were
# dropped and counted; the hostile server served every case of its catalogue.
# Usage: hostile_test.sh SIPSENTRY [SECONDS]
set -u
sipsentry=$1
duration=${2:-60}
integration_dir="$(cd "$(dirname "$0")/../integration" && pwd)"
. "$integration_dir/lib.sh"
hostile="$(dirname "$0")/hostile_sip_server.py"

# The sanitizer options of tests/run-all.sh, also when ctest is run by hand.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:fast_unwind_on_malloc=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$integration_dir/../lsan.supp}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

secret="hostile-Secret-4e1b9d"
hostile_port=$(free_port)
backup_port=$(free_port)
metrics_port=$(free_port)
start_kamailio backup "$backup_port" "$secret" || exit 1
python3 "$hostile" --port "$hostile_port" --mode cycle --good-every 3 >"$work/hostile.log" 2>&1 &
hostile_pid=$!
started_pids="$started_pids $hostile_pid"
wait_for "$work/hostile.log" "^listening" 5 || { echo "hostile server did not start"; cat "$work/hostile.log"; exit 1; }

config="$work/sipsentry.yaml"
log="$work/sipsentry.log"
# write_config EXPIRES: 24 lines between the hostile primary and the backup;
# the reloads alternate EXPIRES so that every line is restarted by them.
write_config() {
  fast_config_head "{listen: \"127.0.0.1:$metrics_port\"}" >"$config"
  sed -i 's/^  failback: .*/  failback: {interval: 2s}\n  register_retry_interval: 2s/' "$config"
  for n in $(seq 1 24); do
    printf '  - {name: line%s, user: "%s", password_env: HOSTILE_PASSWORD, servers: [{name: hostile, address: 127.0.0.1, port: %s, expires: %s}, {name: backup, address: 127.0.0.1, port: %s, expires: 30}]}\n' \
      "$n" "$((2000 + n))" "$hostile_port" "$1" "$backup_port" >>"$config"
  done
}
write_config 5
HOSTILE_PASSWORD=$secret "$sipsentry" run -c "$config" >"$log" 2>&1 &
sipsentry_pid=$!
started_pids="$started_pids $sipsentry_pid"

scrapes=0 scrape_failures=0 promtool_failures=0 reloads=0
deadline=$(( $(date +%s) + duration ))  # (wait_for sets $end)
tick=0
while [ "$(date +%s)" -lt "$deadline" ]; do
  sleep 1
  tick=$((tick + 1))
  kill -0 "$sipsentry_pid" 2>/dev/null || break
  if [ $((tick % 2)) -eq 0 ]; then
    scrapes=$((scrapes + 1))
    if curl -sf --max-time 5 "http://127.0.0.1:$metrics_port/metrics" >"$work/scrape"; then
      cat "$work/scrape" >>"$work/all-scrapes"
      promtool check metrics <"$work/scrape" >"$work/promtool.out" 2>&1 || {
        promtool_failures=$((promtool_failures + 1)); cat "$work/promtool.out"; }
    else
      scrape_failures=$((scrape_failures + 1))
    fi
  fi
  if [ $((tick % 5)) -eq 0 ]; then
    reloads=$((reloads + 1))
    if [ "$reloads" -eq 3 ]; then
      # A broken file: refused, the old configuration runs on.
      cp "$config" "$work/good.yaml"
      printf 'lines:\n  - {name: broken, servers: 7}\n' >"$config"
      kill -HUP "$sipsentry_pid"
      wait_for "$log" "reload refused" 10
      expect_exit "a broken file is refused" 0 $?
      curl -sf --max-time 5 "http://127.0.0.1:$metrics_port/metrics" >"$work/scrape"
      expect_output "the refusal is in the metrics" "$work/scrape" '^sipsentry_config_last_reload_successful 0$'
      expect_output "the old lines run on" "$work/scrape" 'sipsentry_line_state\{line="line24"'
      cp "$work/good.yaml" "$config"
    else
      write_config $((reloads % 2 * 3 + 5))
      kill -HUP "$sipsentry_pid"
    fi
  fi
done

kill -0 "$sipsentry_pid" 2>/dev/null
expect_exit "sipsentry is still running after ${duration} s" 0 $?
expect_exit "every scrape answered ($scrapes)" 0 "$scrape_failures"
expect_exit "promtool passes every scrape" 0 "$promtool_failures"
expect_output "good reloads are applied" "$log" "reloaded "
dropped=$(grep -E '^sipsentry_sip_messages_dropped_total' "$work/scrape" | awk '{s += $NF} END {print s + 0}')
[ "$dropped" -gt 0 ]
expect_exit "responses were dropped and counted ($dropped)" 0 $?
grep -E '^sipsentry_sip_messages_dropped_total' "$work/scrape"
registered=$(grep -cE '^sipsentry_line_registered\{[^}]*\} 1$' "$work/all-scrapes")
[ "$registered" -gt 0 ]
expect_exit "lines do register in between ($registered line-scrapes)" 0 $?

# Every case of the catalogue was served at least once.
missing=""
for case in $(python3 "$hostile" --list); do
  grep -q "answered case=$case " "$work/hostile.log" || missing="$missing $case"
done
expect_exit "the hostile server served every case (missing:${missing:- none})" 0 "$( [ -z "$missing" ]; echo $?)"
echo "hostile answers: $(grep -c '^answered' "$work/hostile.log")"

# A clean stop: exit 0, and LeakSanitizer (on at exit) found nothing.
kill -TERM "$sipsentry_pid"
wait "$sipsentry_pid"
expect_exit "SIGTERM stops it cleanly (no leak report)" 0 $?
started_pids=$(echo "$started_pids" | sed "s/ $sipsentry_pid\b//")

expect_absent "no UndefinedBehaviorSanitizer report" "runtime error" "$log"
expect_absent "no AddressSanitizer report" "ERROR: AddressSanitizer" "$log"
expect_absent "no LeakSanitizer report" "ERROR: LeakSanitizer" "$log"
expect_absent "the password is not in the log" "$secret" "$log"
expect_absent "the password is not in /metrics" "$secret" "$work/all-scrapes"
if [ "$failures" -gt 0 ]; then echo "--- sipsentry log (last 40 lines)"; tail -n 40 "$log"; fi
# HOSTILE_KEEP=DIR keeps the logs and scrapes for a look.
[ -n "${HOSTILE_KEEP:-}" ] && cp -r "$work" "$HOSTILE_KEEP"
finish
