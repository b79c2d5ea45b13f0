#!/bin/sh
# `sipsentry run` against two real Kamailio registrars on loopback: the line
# registers on the primary with digest auth; when the primary stops, the next
# OPTIONS keep-alive finds it unavailable (icmp over UDP, tcp_refused over
# TCP) and the line registers on the backup; when the primary is back, the
# failback probe moves the line home. Asserted in sipsentry's event log and
# in what each server received.
# Usage: failover_test.sh SIPSENTRY udp|tcp
set -u
sipsentry=$1
transport=$2
. "$(dirname "$0")/lib.sh"

primary_port=$(free_port)
backup_port=$(free_port)
start_kamailio primary "$primary_port" "s3cret" || exit 1
start_kamailio backup "$backup_port" "s3cret" || exit 1

# A port of its own for /metrics: the default 9730 is shared by every test
# that runs at the same time.
metrics_port=$(free_port)
cat >"$work/sipsentry.yaml" <<YAML
metrics: {listen: "127.0.0.1:$metrics_port"}
sip: {bind: "127.0.0.1:0"}
defaults:
  timers: {t1: 100ms}
  keepalive_interval: 1s
  observe: {interval: 0}
  failback: {interval: 4s}
lines:
  - name: desk
    user: "1001"
    password_env: DESK_PASSWORD
    servers:
      - {name: primary, address: 127.0.0.1, port: $primary_port, transport: $transport, expires: 60}
      - {name: backup, address: 127.0.0.1, port: $backup_port, transport: $transport, expires: 60}
YAML
log="$work/sipsentry.log"
DESK_PASSWORD=s3cret "$sipsentry" run -c "$work/sipsentry.yaml" >"$log" 2>&1 &
sipsentry_pid=$!
started_pids="$started_pids $sipsentry_pid"

wait_for "$log" "event=registered server=primary" 10
expect_exit "registered on the primary" 0 $?
case $transport in udp) reason=icmp ;; *) reason=tcp_refused ;; esac

stop_kamailio primary
wait_for "$log" "event=failover from=primary to=backup method=OPTIONS reason=$reason" 10
expect_exit "failover to the backup with reason $reason" 0 $?
expect_output "registered on the backup" "$log" "event=registered server=backup"

primary_log_before_restart="$work/primary/log.first"
cp "$work/primary/log" "$primary_log_before_restart"
start_kamailio primary "$primary_port" "s3cret" || exit 1
wait_for "$log" "event=failback from=backup to=primary" 15
expect_exit "failback to the primary" 0 $?
expect_output "probe succeeded" "$log" "event=failback_probe result=success"

# What the servers saw: the backup a challenged then answered REGISTER; the
# restarted primary the failback probe, challenged then answered.
expect_output "backup received REGISTER over $transport" "$work/backup/log" \
  "received REGISTER from 127.0.0.1:[0-9]+ over $transport"
registers=$(grep -c "received REGISTER" "$work/primary/log")
[ "$registers" -ge 2 ]
expect_exit "restarted primary received the probe and its digest answer" 0 $?

kill -TERM "$sipsentry_pid"
wait "$sipsentry_pid"
expect_exit "SIGTERM stops sipsentry cleanly" 0 $?
expect_output "stop is logged" "$log" 'msg=stopped'
expect_absent "the password never reaches the log" "s3cret" "$log"

finish
