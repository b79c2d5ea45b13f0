#!/bin/sh
# `sipsentry run` as operators run it, against two real Kamailio registrars
# on loopback: /healthz and /metrics (spec.md §8 series checked before, after
# the primary stops and after the failback; promtool on a real scrape),
# observation of the idle backup, SIGHUP with a good and a broken file,
# SIGTERM with un-REGISTER, the pid file, the password kept out of metrics,
# log and command line, and one-line errors for what stops a start.
# Usage: daemon_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"

start_registrar_pair || exit 1
config="$work/sipsentry.yaml"
log="$work/sipsentry.log"
scrape="$work/metrics"
pidfile="$work/sipsentry.pid"

# write_config [EXTRA_LINE_YAML]: the desk line, and whatever else is given.
write_config() {
  cat >"$config" <<YAML
metrics: {listen: "127.0.0.1:$metrics_port"}
sip: {bind: "127.0.0.1:$sip_port"}
startup: {rate: 100, jitter: 0s}
defaults:
  timers: {t1: 100ms}
  keepalive_interval: 1s
  observe: {interval: 1s}
  failback: {interval: 3s}
  unregister_on_exit: true
lines:
  - name: desk
    user: "1001"
    password_env: DESK_PASSWORD
    servers:
      - {name: primary, address: 127.0.0.1, port: $primary_port, expires: 60}
      - {name: backup, address: 127.0.0.1, port: $backup_port, expires: 60}
${1:-}
YAML
}

# sample SERIES: the value of one series in the last scrape ("" when absent).
sample() {
  grep -F -- "$1 " "$scrape" | grep -v "^#" | awk '{print $NF}'
}

# scrape_until SERIES VALUE SECONDS: scrapes until the series has the value.
scrape_until() {
  end=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -le "$end" ]; do
    curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$scrape" 2>/dev/null
    [ "$(sample "$1")" = "$2" ] && return 0
    sleep 0.2
  done
  echo "FAIL: $1 is '$(sample "$1")', expected $2"
  return 1
}

expect_sample() {  # expect_sample SERIES VALUE
  if [ "$(sample "$1")" = "$2" ]; then passes=$((passes + 1)); else
    echo "FAIL: $1 is '$(sample "$1")', expected $2"; failures=$((failures + 1)); fi
}

write_config
DESK_PASSWORD=s3cret "$sipsentry" run -c "$config" --pidfile "$pidfile" >"$log" 2>&1 &
sipsentry_pid=$!
started_pids="$started_pids $sipsentry_pid"

# --- Ready, registered on the primary, the backup observed up.
scrape_until 'sipsentry_line_active_server{line="desk",role="primary",server="primary"}' 1 10
expect_exit "registered on the primary" 0 $?
scrape_until 'sipsentry_server_up{line="desk",role="backup",server="backup"}' 1 5
expect_exit "the idle backup is observed up" 0 $?
status=$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$metrics_port/healthz")
expect_exit "/healthz is 200 once the lines started" 200 "$status"
curl -sf "http://127.0.0.1:$metrics_port/" >"$work/index.html"
expect_output "/ links the metrics" "$work/index.html" 'href="/?metrics"'
expect_sample 'sipsentry_line_registered{line="desk"}' 1
expect_sample 'sipsentry_line_state{line="desk",state="registered"}' 1
expect_sample 'sipsentry_line_active_server{line="desk",role="backup",server="backup"}' 0
expect_sample 'sipsentry_server_up{line="desk",role="primary",server="primary"}' 1
expect_sample 'sipsentry_config_last_reload_successful' 1
expect_sample 'sipsentry_build_info{version="0.1.0"}' 1
promtool check metrics <"$scrape" >"$work/promtool.out" 2>&1
expect_exit "promtool finds nothing to say about a real scrape" 0 $?
[ -s "$work/promtool.out" ] && cat "$work/promtool.out"
expect_exit "the pid file names the daemon" "$sipsentry_pid" "$(cat "$pidfile")"
registrations_after_start=$(grep -c "received REGISTER" "$work/backup/log")
expect_exit "the backup holds no registration while it is only observed" 0 "$registrations_after_start"

# --- Garbage at the SIP port is dropped and counted, nothing else happens.
python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b'garbage\r\n\r\n', ('127.0.0.1', $sip_port))"
scrape_until 'sipsentry_sip_messages_dropped_total{reason="malformed"}' 1 5
expect_exit "a malformed datagram is counted" 0 $?
expect_sample 'sipsentry_sip_messages_dropped_total{reason="out_of_range"}' 0
expect_sample 'sipsentry_line_registered{line="desk"}' 1

# --- The primary stops: failover by keep-alive, seen in the metrics.
stop_kamailio primary
scrape_until 'sipsentry_line_active_server{line="desk",role="backup",server="backup"}' 1 10
expect_exit "failed over to the backup" 0 $?
expect_sample 'sipsentry_failovers_total{from="primary",line="desk",method="OPTIONS",reason="icmp",to="backup"}' 1
expect_sample 'sipsentry_line_active_server{line="desk",role="primary",server="primary"}' 0
expect_sample 'sipsentry_server_up{line="desk",role="primary",server="primary"}' 0
# At least the keep-alive's: the observation round probes the dead primary
# every second too, so a slow scrape may already count more.
icmp_failures=$(sample 'sipsentry_server_failures_total{line="desk",reason="icmp",server="primary"}')
[ "${icmp_failures:-0}" -ge 1 ]
expect_exit "the primary's icmp failures are counted ($icmp_failures)" 0 $?
expect_output "the switch is logged at info" "$log" \
  "level=info line=desk event=failover from=primary to=backup method=OPTIONS reason=icmp detection=[0-9.]+s"

# --- The primary returns: failback after the configured interval.
start_kamailio primary "$primary_port" "s3cret" || exit 1
scrape_until 'sipsentry_failbacks_total{from="backup",line="desk",to="primary"}' 1 10
expect_exit "failed back to the primary" 0 $?
expect_sample 'sipsentry_line_active_server{line="desk",role="primary",server="primary"}' 1
expect_sample 'sipsentry_failback_probes_total{line="desk",result="success"}' 1
expect_output "the failback is logged at info" "$log" "level=info line=desk event=failback from=backup to=primary"

# --- SIGHUP with a good file: desk is kept (its counters too), a line is added.
write_config "  - {name: lobby, user: \"1002\", password_env: DESK_PASSWORD, servers: [{address: 127.0.0.1, port: $backup_port}]}"
kill -HUP "$sipsentry_pid"
wait_for "$log" "reloaded .*: 1 kept, 0 restarted, 1 added, 0 removed" 5
expect_exit "a good reload is logged with what it did" 0 $?
scrape_until 'sipsentry_line_registered{line="lobby"}' 1 10
expect_exit "the added line registers" 0 $?
expect_sample 'sipsentry_failovers_total{from="primary",line="desk",method="OPTIONS",reason="icmp",to="backup"}' 1
expect_sample 'sipsentry_line_registered{line="desk"}' 1

# --- SIGHUP with a broken file: refused with its position, the old one runs on.
cp "$config" "$work/good.yaml"
printf 'defaults:\n  keepalive_intervall: 5s\nlines: []\n' >"$config"
kill -HUP "$sipsentry_pid"
scrape_until 'sipsentry_config_last_reload_successful' 0 5
expect_exit "a broken reload sets config_last_reload_successful to 0" 0 $?
expect_output "the broken file is named with line and column" "$log" \
  "reload refused.*sipsentry.yaml:2:3: error: unknown key 'keepalive_intervall'"
expect_sample 'sipsentry_line_registered{line="lobby"}' 1
kill -0 "$sipsentry_pid"
expect_exit "still running" 0 $?

# --- SIGHUP with the lobby removed: its series go.
write_config
kill -HUP "$sipsentry_pid"
scrape_until 'sipsentry_config_last_reload_successful' 1 5
expect_exit "the fixed file is accepted" 0 $?
if grep -q 'line="lobby"' "$scrape"; then
  echo "FAIL: the removed line's series remain"; failures=$((failures + 1)); else passes=$((passes + 1)); fi

# --- Secrets: nowhere but on the wire.
expect_absent "the password is not in /metrics" "s3cret" "$scrape"
expect_absent "the password is not in the log" "s3cret" "$log"
tr '\0' ' ' <"/proc/$sipsentry_pid/cmdline" >"$work/cmdline"
expect_absent "the password is not on the command line" "s3cret" "$work/cmdline"

# --- SIGTERM: un-REGISTER, then gone within 2 s, pid file removed.
kill -TERM "$sipsentry_pid"
started=$(date +%s%N)
wait "$sipsentry_pid"
expect_exit "SIGTERM stops sipsentry cleanly" 0 $?
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
[ "$elapsed_ms" -le 2000 ]
expect_exit "stopped within 2 s (took ${elapsed_ms} ms)" 0 $?
wait_for "$work/primary/log" "received REGISTER .* expires=0" 2
expect_exit "the primary received the un-REGISTER (unregister_on_exit)" 0 $?
expect_output "the stop is logged" "$log" 'msg=stopped'
[ ! -e "$pidfile" ]
expect_exit "the pid file is removed" 0 $?

# --- What stops a start: one clear line, a non-zero exit.
# Something else holds the metrics port; sipsentry starts only once it does.
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $metrics_port)); s.listen()
open('$work/port-taken', 'w').close(); time.sleep(30)" &
nc_pid=$!
started_pids="$started_pids $nc_pid"
wait_until_file() { for _ in $(seq 1 100); do [ -e "$1" ] && return 0; sleep 0.05; done; return 1; }
wait_until_file "$work/port-taken"
DESK_PASSWORD=s3cret timeout 5 "$sipsentry" run -c "$config" >"$work/err" 2>&1
expect_exit "metrics address in use" 2 $?
expect_output "says so in one line" "$work/err" "^sipsentry run: metrics address 127.0.0.1:$metrics_port is in use"
kill "$nc_pid"

sed -i "s|sip: {bind: \"127.0.0.1:$sip_port\"}|sip: {bind: \"127.0.0.1:$backup_port\"}|" "$config"
DESK_PASSWORD=s3cret timeout 5 "$sipsentry" run -c "$config" >"$work/err" 2>&1
expect_exit "SIP bind failure" 2 $?
expect_output "says so in one line" "$work/err" "^sipsentry run: .*127.0.0.1:$backup_port"

write_config
sed -i 's|password_env: DESK_PASSWORD|password_file: missing-password|' "$config"
timeout 5 "$sipsentry" run -c "$config" >"$work/err" 2>&1
expect_exit "unreadable password file" 3 $?
expect_output "named with file, line and column" "$work/err" "sipsentry.yaml:[0-9]+:[0-9]+: error: .*missing-password"

finish
