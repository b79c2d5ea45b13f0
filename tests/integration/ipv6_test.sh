#!/bin/sh
# IPv6 and local errors against real Kamailio registrars (spec.md §2): a
# server on [::1] probed and registered over TRANSPORT; one `run` process
# whose line has an IPv6 primary and an IPv4 backup (sip.bind of both
# families) registering, failing over and failing back; ICMPv6 unreachable
# as `icmp`; and a request that cannot leave this host (sip.bind IPv4 only,
# an IPv6 server) reported at once as a local error, never the server's
# 32 s timeout. Asserted in sipsentry's output and in what Kamailio logged.
# Usage: ipv6_test.sh SIPSENTRY udp|tcp
set -u
sipsentry=$1
transport=$2
. "$(dirname "$0")/lib.sh"

if ! python3 -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0))' 2>/dev/null; then
  echo "SKIP: no IPv6 loopback (::1) on this host"
  exit 0
fi

v6_port=$(free_port)
v4_port=$(free_port)
closed=$(free_port)
kamailio_address="[::1]"
start_kamailio v6 "$v6_port" "s3cret" || exit 1
kamailio_address=127.0.0.1
start_kamailio v4 "$v4_port" "s3cret" || exit 1
out="$work/out"
v6_log="$work/v6/log"
# received_v6 METHOD: how many METHOD over $transport the IPv6 server logged
# from an IPv6 address.
received_v6() { grep -cE "received $1 from \[?::1\]?:[0-9]+ over $transport" "$v6_log"; }

before=$(received_v6 OPTIONS)
"$sipsentry" probe "sip:[::1]:$v6_port;transport=$transport" >"$out" 2>&1
expect_exit "OPTIONS to [::1] over $transport" 0 $?
expect_output "answered" "$out" "^OPTIONS sip:\[::1\]:$v6_port;transport=$transport: 200 OK after"
expect_exit "the IPv6 server saw one OPTIONS from ::1" $((before + 1)) "$(received_v6 OPTIONS)"

"$sipsentry" probe "sip:[::1]:$closed;transport=$transport" >"$out" 2>&1
expect_exit "closed port on [::1]" 2 $?
case $transport in udp) refused=icmp ;; *) refused=tcp_refused ;; esac
expect_output "ICMPv6 port unreachable / refused is $refused" "$out" "unavailable \($refused\) after 0s"

# No socket of the server's family: a local error at once (exit 3), not
# 32 s of waiting blamed on the server. UDP only: over TCP the kernel
# opens a socket of the server's family for the connection itself.
if [ "$transport" = udp ]; then
  started=$(date +%s)
  "$sipsentry" probe "sip:[::1]:$v6_port" --bind 127.0.0.1:0 --format json >"$out" 2>&1
  expect_exit "IPv4-only bind to an IPv6 server: exit 3" 3 $?
  expect_output "said to be local" "$out" '"local_error":true.*"outcome":"local"'
  elapsed=$(($(date +%s) - started))
  [ "$elapsed" -le 2 ]
  expect_exit "reported at once (took ${elapsed}s of a 32s budget)" 0 $?
fi

metrics_port=$(free_port)
cat >"$work/sipsentry.yaml" <<YAML
metrics: {listen: "127.0.0.1:$metrics_port"}
sip:
  bind: ["127.0.0.1:0", "[::1]:0"]
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
      - {name: v6, address: "::1", port: $v6_port, transport: $transport, expires: 60}
      - {name: v4, address: 127.0.0.1, port: $v4_port, transport: $transport, expires: 60}
YAML
log="$work/sipsentry.log"
DESK_PASSWORD=s3cret "$sipsentry" run -c "$work/sipsentry.yaml" >"$log" 2>&1 &
sipsentry_pid=$!
started_pids="$started_pids $sipsentry_pid"

wait_for "$log" "event=registered server=v6" 10
expect_exit "registered on the IPv6 primary" 0 $?
expect_output "the IPv6 server received REGISTER from ::1" "$v6_log" \
  "received REGISTER from \[?::1\]?:[0-9]+ over $transport"
stop_kamailio v6
wait_for "$log" "event=failover from=v6 to=v4 method=OPTIONS reason=$refused" 10
expect_exit "failover from IPv6 to IPv4 with reason $refused" 0 $?
wait_for "$log" "event=registered server=v4" 5
expect_exit "registered on the IPv4 backup" 0 $?
expect_output "the IPv4 server received REGISTER from 127.0.0.1" "$work/v4/log" \
  "received REGISTER from 127.0.0.1:[0-9]+ over $transport"
kamailio_address="[::1]"
start_kamailio v6 "$v6_port" "s3cret" || exit 1
wait_for "$log" "event=failback from=v4 to=v6" 15
expect_exit "failback to the IPv6 primary" 0 $?
kill -TERM "$sipsentry_pid"
wait "$sipsentry_pid"
expect_exit "SIGTERM stops sipsentry cleanly" 0 $?
[ "$failures" -gt 0 ] && cat "$log"

# sip.bind IPv4 only: the IPv6 primary cannot be reached from here. The
# line moves on at once with reason=local, and the log says why.
if [ "$transport" = udp ]; then
  sed -i 's|  bind: \["127.0.0.1:0", "\[::1\]:0"\]|  bind: 127.0.0.1:0|' "$work/sipsentry.yaml"
  log="$work/sipsentry_v4only.log"
  DESK_PASSWORD=s3cret "$sipsentry" run -c "$work/sipsentry.yaml" >"$log" 2>&1 &
  sipsentry_pid=$!
  started_pids="$started_pids $sipsentry_pid"
  wait_for "$log" "event=registered server=v4" 5
  expect_exit "registered on the IPv4 backup within 5 s (no 32 s wait)" 0 $?
  expect_output "the IPv6 primary was a local error" "$log" "reason=local"
  expect_output "the log says why" "$log" "failed locally: Address family not supported"
  kill -TERM "$sipsentry_pid"
  wait "$sipsentry_pid"
fi

finish
