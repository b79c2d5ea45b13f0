#!/bin/sh
# `sipsentry check` against two real Kamailio registrars on loopback: the
# exit codes of spec.md §9 (both up 0, primary stopped 1, both stopped 2,
# bad configuration 3), what the JSON and Nagios outputs say (a concurrent
# line's registration with each server too), --line, the
# un-REGISTER of the check's own binding as the primary received it, and no
# password in any output.
# Usage: check_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_lib.sh"

primary_port=$(free_port)
backup_port=$(free_port)
start_kamailio primary "$primary_port" "$password" || exit 1
start_kamailio backup "$backup_port" "$password" || exit 1
config="$work/check.yaml"
{
  config_head
  line_yaml desk 1001 "$primary_port" "$backup_port"
  line_yaml hall 1002 "$primary_port" "$backup_port"
} >"$config"
# lobby registers with both servers at once (redundancy: concurrent).
concurrent="$work/concurrent.yaml"
{
  config_head
  line_yaml lobby 1003 "$primary_port" "$backup_port"
  echo "    redundancy: concurrent"
} >"$concurrent"

# received NAME [METHOD]: the REGISTERs (or METHODs) the instance logged so far.
received() { grep -c "received ${2:-REGISTER}" "$work/$1/log"; }

# Both up: every line on its primary, every server up.
before=$(received primary)
options_before=$(received backup OPTIONS)
run_check up "$config" --format json
expect_exit "both up: OK" 0 "$status"
expect_json "both up: status ok" "$work/up.out" '.schema == 1 and .status == "ok" and .exit_code == 0'
# The default timeout: the worst walk (t1 100ms: 1.5 s non-last, 6.4 s last) plus 5 s.
expect_json "both up: the default timeout" "$work/up.out" '.timeout_seconds == 12.9'
expect_json "both up: every line on the primary" "$work/up.out" \
  '[.lines[] | .state == "registered" and .registered_server == "primary" and .registered_role == "primary" and (.failover_detected | not)] == [true, true]'
expect_json "both up: every server up, answered, with an RTT" "$work/up.out" \
  '[.lines[].servers[] | .up and .status == 200 and (.rtt_seconds | type == "number")] | all and length == 4'
expect_json "both up: the walk probed the primary, the observation the backup" "$work/up.out" \
  '[.lines[].servers[].method] == ["REGISTER", "OPTIONS", "REGISTER", "OPTIONS"]'
# Two lines, each: REGISTER (401), REGISTER with credentials (200), and the
# same two again with Expires: 0 when the check ends.
expect_exit "both up: the primary saw each line register and un-REGISTER" \
  $((before + 8)) "$(received primary)"
expect_exit "both up: no REGISTER reached the backup" 0 "$(received backup)"
expect_exit "both up: the backup was probed once per line" \
  $((options_before + 2)) "$(received backup OPTIONS)"

# --line limits the check to one line.
before=$(received primary)
run_check one "$config" --line hall --format json
expect_exit "--line: OK" 0 "$status"
expect_json "--line: only that line" "$work/one.out" '[.lines[].name] == ["hall"]'
expect_exit "--line: only its REGISTERs" $((before + 4)) "$(received primary)"
run_check nosuch "$config" --line nosuch
expect_exit "--line naming no line: UNKNOWN" 3 "$status"
expect_text "--line naming no line: says so" "$work/nosuch.out" \
  "UNKNOWN: no line named 'nosuch' in $config"

# Nagios, both up.
run_check nagios_ok "$config" --format nagios
expect_exit "nagios: OK" 0 "$status"
expect_output "nagios: OK status line and an RTT per server" "$work/nagios_ok.out" \
  "^SIPSENTRY OK - 2 line\(s\) registered on their primary, 4 server\(s\) up \| 'desk/primary rtt'=[0-9]+\.[0-9]{3}s;;;0 'desk/backup rtt'=[0-9]+\.[0-9]{3}s;;;0 'hall/primary rtt'=[0-9.]+s;;;0 'hall/backup rtt'=[0-9.]+s;;;0$"

# Text, both up.
run_check text_ok "$config" --line desk
expect_exit "text: OK" 0 "$status"
expect_output "text: the line" "$work/text_ok.out" "^desk: OK, registered on primary primary$"
expect_output "text: its primary" "$work/text_ok.out" \
  "^  primary primary udp 127.0.0.1:$primary_port: up: REGISTER 200 in [0-9.]+m?s$"
expect_output "text: the verdict" "$work/text_ok.out" "^OK: 1 line\(s\): 1 ok, 0 warning, 0 critical"

# A concurrent line, both up: registered with both, on the primary.
before=$(received backup)
run_check concurrent_ok "$concurrent" --format json
expect_exit "concurrent, both up: OK" 0 "$status"
expect_json "concurrent, both up: on the primary, both servers holding a registration" \
  "$work/concurrent_ok.out" \
  '.lines[0].registered_server == "primary" and .lines[0].on_primary and ([.lines[0].servers[] | .holds_registration and .method == "REGISTER"] == [true, true])'
expect_exit "concurrent, both up: the backup saw the line register and un-REGISTER" \
  $((before + 4)) "$(received backup)"

# Primary stopped: ICMP at once, every line on the backup.
stop_kamailio primary
run_check concurrent_warn "$concurrent"
expect_exit "concurrent, primary stopped: WARNING" 1 "$status"
expect_output "concurrent, primary stopped: the primary holds none" "$work/concurrent_warn.out" \
  "^  primary primary udp 127.0.0.1:$primary_port: down: REGISTER icmp after [0-9.]+m?s; no registration$"
expect_output "concurrent, primary stopped: the backup holds the line's" "$work/concurrent_warn.out" \
  "^  backup backup udp 127.0.0.1:$backup_port: up: REGISTER 200 in [0-9.]+m?s; holds a registration$"
run_check backup "$config" --format json
expect_exit "primary stopped: WARNING" 1 "$status"
expect_json "primary stopped: status warning" "$work/backup.out" '.status == "warning" and .exit_code == 1'
expect_json "primary stopped: on the backup, failover for icmp" "$work/backup.out" \
  '[.lines[] | .registered_server == "backup" and .registered_role == "backup" and .failover_detected and .failover.from == "primary" and .failover.to == "backup" and .failover.method == "REGISTER" and .failover.reason == "icmp" and (.failover.detection_seconds < 0.5)] == [true, true]'
expect_json "primary stopped: the primary down for icmp" "$work/backup.out" \
  '[.lines[].servers[0] | (.up | not) and .reason == "icmp" and .status == null] == [true, true]'
run_check nagios_warn "$config" --format nagios
expect_exit "nagios: WARNING" 1 "$status"
expect_output "nagios: WARNING names the backup and the reason" "$work/nagios_warn.out" \
  "^SIPSENTRY WARNING - desk: registered on backup backup; failover from primary \(REGISTER, icmp, detected in [0-9]+m?s\); desk/primary down \(icmp\); hall: .* \| "
expect_output "nagios: detection time and U for the down server" "$work/nagios_warn.out" \
  "'desk/primary rtt'=U;;;0 'desk/backup rtt'=[0-9.]+s;;;0 'desk detection'=[0-9]+\.[0-9]{3}s;;;0"
run_check text_warn "$config" --line desk
expect_output "text: the failover" "$work/text_warn.out" \
  "^desk: WARNING, registered on backup backup; failover from primary \(REGISTER, icmp, detected in"
expect_output "text: the primary's reason" "$work/text_warn.out" "^  primary primary udp 127.0.0.1:$primary_port: down: REGISTER icmp after"

# Both stopped: nowhere to register.
stop_kamailio backup
run_check none "$config" --format json
expect_exit "both stopped: CRITICAL" 2 "$status"
expect_json "both stopped: unregistered, every server down" "$work/none.out" \
  '.status == "critical" and ([.lines[] | .state == "unregistered" and .reason == "icmp" and .registered_server == null] == [true, true]) and ([.lines[].servers[].up] | any | not)'
run_check nagios_crit "$config" --format nagios
expect_exit "nagios: CRITICAL" 2 "$status"
expect_output "nagios: CRITICAL" "$work/nagios_crit.out" \
  "^SIPSENTRY CRITICAL - desk: not registered: every server unavailable \(icmp\);"

# A bad configuration: UNKNOWN, every mistake with file:line:column.
printf 'lines:\n  - name: desk\n    usr: "1"\n' >"$work/bad.yaml"
run_check bad "$work/bad.yaml" --format nagios
expect_exit "bad configuration: UNKNOWN" 3 "$status"
expect_output "bad configuration: file:line:column on stderr" "$work/bad.err" "bad.yaml:3:5: error: "
expect_output "bad configuration: nagios UNKNOWN" "$work/bad.out" "^SIPSENTRY UNKNOWN - invalid configuration"
run_check bad_json "$work/bad.yaml" --format json
expect_json "bad configuration: JSON unknown" "$work/bad_json.out" \
  '.status == "unknown" and .exit_code == 3 and (.error | test("invalid configuration")) and .lines == []'
run_check bad_timeout "$config" --timeout soon
expect_exit "bad --timeout: UNKNOWN" 3 "$status"
run_check bad_format "$config" --format xml
expect_exit "bad --format: UNKNOWN" 3 "$status"

expect_absent "the password is in no output" "$password" "$work"/*.out "$work"/*.err
finish
