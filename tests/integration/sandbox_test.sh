#!/bin/sh
# Would the systemd unit's sandbox let `sipsentry run` work? Without a
# running systemd to try it, the daemon runs under strace instead, against
# Kamailio registrars over UDP, TCP and TLS, while it serves /metrics, takes
# a SIGHUP, fails over and stops; sandbox_check.py then finds every system
# call outside the unit's SystemCallFilter, every socket family outside
# RestrictAddressFamilies, and any writable and executable memory.
# Skips (77) without strace, systemd-analyze, or permission to trace.
# Usage: sandbox_test.sh SIPSENTRY UNIT
set -u
sipsentry=$1
unit=$2
for tool in strace systemd-analyze; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
strace -f -o /dev/null true 2>/dev/null || { echo "SKIP: strace may not trace here"; exit 77; }
. "$(dirname "$0")/lib.sh"
check="$(dirname "$0")/../packaging/sandbox_check.py"

phone_udp_port=$(free_port)
phone_tcp_port=$(free_port)
secure_port=$(free_port)
metrics_port=$(free_port)
start_kamailio primary "$phone_udp_port" "s3cret" || exit 1
start_kamailio backup "$phone_tcp_port" "s3cret" "$secure_port" || exit 1

cat >"$work/sipsentry.yaml" <<YAML
metrics: {listen: "127.0.0.1:$metrics_port"}
sip: {bind: "127.0.0.1:0"}
log: {level: debug}
defaults: {timers: {t1: 100ms}, keepalive_interval: 1s, observe: {interval: 1s},
           tls: {ca_file: "$work/tls/ca.pem"}}
lines:
  - {name: phone, user: "3001", password_env: PHONE_PASSWORD, servers: [
      {name: udp, address: 127.0.0.1, port: $phone_udp_port, transport: udp},
      {name: tcp, address: 127.0.0.1, port: $phone_tcp_port, transport: tcp}]}
  - {name: secure, user: "3002", password_env: PHONE_PASSWORD, servers: [
      {name: tls, address: 127.0.0.1, port: $secure_port, transport: tls}]}
YAML
PHONE_PASSWORD=s3cret strace -f -qq -o "$work/trace" \
  "$sipsentry" run -c "$work/sipsentry.yaml" --pidfile "$work/pid" >"$work/log" 2>&1 &
strace_pid=$!
started_pids="$started_pids $strace_pid"

wait_for "$work/log" "line=secure event=registered server=tls" 20
expect_exit "registered over TLS under strace" 0 $?
wait_for "$work/log" "line=phone event=registered server=udp" 5
expect_exit "registered over UDP under strace" 0 $?
curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$work/metrics"
expect_exit "/metrics under strace" 0 $?
kill -HUP "$(cat "$work/pid")"
wait_for "$work/log" "msg=\"?reloaded" 5
expect_exit "SIGHUP reloads under strace" 0 $?
stop_kamailio primary
wait_for "$work/log" "line=phone event=failover from=udp to=tcp" 10
expect_exit "failover to TCP under strace" 0 $?
kill -TERM "$(cat "$work/pid")"
wait "$strace_pid"
expect_exit "stops cleanly under strace" 0 $?
[ "$failures" -eq 0 ] || tail -n 30 "$work/log"

"$check" "$unit" "$work/trace" >"$work/check" 2>&1
expect_exit "the sandbox allows everything sipsentry did" 0 $?
cat "$work/check"
finish
