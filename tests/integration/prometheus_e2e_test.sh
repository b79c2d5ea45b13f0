#!/bin/sh
# The dashboard and the alert rules against a real Prometheus: two Kamailio
# registrars on loopback, two `sipsentry run` instances between them with
# the lines split over them (each line on one instance, as sharding does),
# and a Prometheus server that scrapes both as one job every second and
# loads the alert rules. The primary stops (failover) and comes back
# (failback); then every PromQL expression of the dashboard and of the rules
# is evaluated through Prometheus's HTTP API and must parse and return data
# (prometheus_queries.py says how an alert condition that is false may
# return nothing), the state panels must show every line, the one with a
# single server too, and no panel may show a line or a server once per
# instance. The histograms are about servers (spec.md §8): both instances
# have lines on pbx-a and pbx-b, and their panels show the servers of the
# selected lines, with metrics.per_line_histograms on one instance too.
# During the outage the primary-down and on-backup conditions must hold on
# real data.
# Test calls: the registrars relay calls (-A WITH_CALLS) to a SIPp callee
# that answers. Line desk calls every 2 s and sends nothing else to its
# server, so its INVITE or BYE is what finds the stopped primary unavailable
# and fails over; line annex's only server is gone, so its calls fail. The
# test-call alerts must fire for those two lines, from the instance that
# runs each, and the test-call panels show both.
# TLS: line secure reaches pbx-a over TLS, whose test certificate is valid
# for 2 days: the certificate panel and the expiring rule's condition have
# real data.
# Usage: prometheus_e2e_test.sh SIPSENTRY SOURCE_DIR
set -u
sipsentry=$1
source_dir=$(cd "$2" && pwd)
. "$(dirname "$0")/lib.sh"
queries="$(dirname "$0")/prometheus_queries.py"
dashboard="$source_dir/packaging/grafana/sipsentry-dashboard.json"
rules="$source_dir/packaging/prometheus/sipsentry-alerts.yml"

primary_port=$(free_port)
primary_tls_port=$(free_port)
backup_port=$(free_port)
gone_port=$(free_port)
callee_port=$(free_port)
metrics_port_1=$(free_port)
metrics_port_2=$(free_port)
prometheus_port=$(free_port)
prometheus="http://127.0.0.1:$prometheus_port"
instance_1="127.0.0.1:$metrics_port_1"
instance_2="127.0.0.1:$metrics_port_2"
start_sipp callee call_answer.xml "$callee_port" || exit 1
start_kamailio primary "$primary_port" "s3cret" "$primary_tls_port" "$callee_port" || exit 1
start_kamailio backup "$backup_port" "s3cret" "" "$callee_port" || exit 1

reception="{name: reception, user: \"2001\", password_env: RECEPTION_PASSWORD, servers: [
      {name: pbx-a, address: 127.0.0.1, port: $primary_port, expires: 60},
      {name: pbx-b, address: 127.0.0.1, port: $backup_port, expires: 60}]}"
lobby="{name: lobby, user: \"2002\", password_env: RECEPTION_PASSWORD, servers: [
      {name: pbx-b, address: 127.0.0.1, port: $backup_port, expires: 60}]}"
desk="{name: desk, user: \"2003\", password_env: RECEPTION_PASSWORD, keepalive_interval: 0,
     test_call: {target: \"sip:echo@127.0.0.1\", interval: 2s, duration: 200ms}, servers: [
      {name: pbx-a, address: 127.0.0.1, port: $primary_port, expires: 60},
      {name: pbx-b, address: 127.0.0.1, port: $backup_port, expires: 60}]}"
annex="{name: annex, user: \"2004\", password_env: RECEPTION_PASSWORD,
     test_call: {target: \"sip:echo@127.0.0.1\", interval: 2s}, servers: [
      {name: pbx-gone, address: 127.0.0.1, port: $gone_port}]}"
secure="{name: secure, user: \"2005\", password_env: RECEPTION_PASSWORD,
     tls: {ca_file: \"$work/tls/ca.pem\"}, servers: [
      {name: pbx-a, address: 127.0.0.1, port: $primary_tls_port, transport: tls, expires: 60}]}"
# start_sipsentry N METRICS LINE...: instance N of the job, with the metrics
# settings METRICS (a YAML flow mapping) and those lines.
start_sipsentry() {
  n=$1 metrics=$2
  shift 2
  {
    fast_config_head "$metrics"
    for line in "$@"; do printf '  - %s\n' "$line"; done
  } >"$work/sipsentry-$n.yaml"
  RECEPTION_PASSWORD=s3cret "$sipsentry" run -c "$work/sipsentry-$n.yaml" \
    >"$work/sipsentry-$n.log" 2>&1 &
  started_pids="$started_pids $!"
}
# Instance 2 keeps its histograms per line too, so that the panels and the
# rules are seen to work with both label sets.
start_sipsentry 1 "{listen: \"$instance_1\"}" "$reception" "$annex" "$secure"
start_sipsentry 2 "{listen: \"$instance_2\", per_line_histograms: true}" "$lobby" "$desk"

start_prometheus "$prometheus_port" "$rules" "$instance_1" "$instance_2"

# within SECONDS MODE ARG...: waits until `prometheus_queries.py URL MODE
# ARG...` succeeds.
within() {
  end=$(( $(date +%s) + $1 ))
  shift
  while [ "$(date +%s)" -le "$end" ]; do
    "$queries" "$prometheus" "$@" && return 0
    sleep 0.5
  done
  return 1
}
# until_sample SECONDS EXPR: waits until Prometheus returns a sample for EXPR.
until_sample() { within "$1" nonempty "$2"; }
show_logs() {
  for n in 1 2; do echo "--- sipsentry $n"; tail -n 20 "$work/sipsentry-$n.log"; done
  echo "--- prometheus"; tail -n 20 "$work/prometheus.log"
  echo "--- sipp callee"; tail -n 20 "$work/callee/log"
}

until_sample 20 'sipsentry_line_active_server{line="reception",role="primary"} == 1'
expect_exit "Prometheus sees the line registered on the primary" 0 $?
[ "$failures" -eq 0 ] || { show_logs; finish; exit 1; }
until_sample 10 'count(up{job="sipsentry"} == 1) == 2'
expect_exit "both instances are up" 0 $?
until_sample 10 'sipsentry_test_calls_total{line="desk",server="pbx-a",result="answered"}'
expect_exit "a test call is answered through the primary" 0 $?
until_sample 10 'min by (job, server) (sipsentry_tls_certificate_expiry_timestamp_seconds) - time() > 0 < 14 * 86400'
expect_exit "the expiring-certificate condition holds for pbx-a's 2-day certificate" 0 $?

# A call that got its 18x waits for its answer and does not fail over, so
# the primary stops just after one of desk's calls ended (each takes 0.5 s
# of its 2 s: setup 0.3 s, held 0.2 s): the next call's INVITE finds it gone.
desk_calls() { grep -c 'line=desk event=test_call' "$work/sipsentry-2.log"; }
calls=$(desk_calls)
for _ in $(seq 1 60); do [ "$(desk_calls)" -gt "$calls" ] && break; sleep 0.05; done
stop_kamailio primary
until_sample 15 'sipsentry_line_active_server{line="reception",role="backup"} == 1'
expect_exit "Prometheus sees the failover to the backup" 0 $?
"$queries" "$prometheus" nonempty 'sipsentry_server_up{role="primary"} == 0'
expect_exit "the primary-down condition holds during the outage" 0 $?
"$queries" "$prometheus" nonempty 'sipsentry_line_active_server{role="backup"} == 1'
expect_exit "the on-backup condition holds during the outage" 0 $?
until_sample 10 'sipsentry_test_calls_total{line="desk",server="pbx-b",result="answered"}'
expect_exit "a test call is answered through the backup" 0 $?
"$queries" "$prometheus" nonempty 'sipsentry_failovers_total{line="desk",method=~"INVITE|BYE"}'
expect_exit "the test call's INVITE or BYE failed over" 0 $?

start_kamailio primary "$primary_port" "s3cret" "$primary_tls_port" "$callee_port" ||
  { show_logs; exit 1; }
until_sample 20 'increase(sipsentry_failbacks_total{line="reception"}[1m]) > 0'
expect_exit "Prometheus sees the failback" 0 $?
# A few more scrapes, so that every rate has samples after the failback.
sleep 3

"$queries" "$prometheus" every "$dashboard" "$rules" >"$work/every" 2>&1
expect_exit "every dashboard and rule expression returns data" 0 $?
cat "$work/every"
# The state panels show every line, the one without a backup too.
for panel in "Where each line is registered" "Active server" "Registration state" "Server up"; do
  "$queries" "$prometheus" lines "$dashboard" "$panel" reception lobby
  expect_exit "panel \"$panel\" shows every line" 0 $?
done
# The test-call panels show the line whose calls fail too.
for panel in "Test calls by result" "Test calls answered (last hour)" \
  "Servers that carried the calls"; do
  "$queries" "$prometheus" lines "$dashboard" "$panel" desk annex
  expect_exit "panel \"$panel\" shows both lines with test calls" 0 $?
done
"$queries" "$prometheus" lines "$dashboard" "INVITE and BYE failovers" desk
expect_exit "panel \"INVITE and BYE failovers\" shows line desk" 0 $?
"$queries" "$prometheus" nonempty "sipsentry_test_call_setup_seconds_count{instance=\"$instance_2\",line=\"desk\",server=\"pbx-a\"}"
expect_exit "instance 2's histograms carry the line (metrics.per_line_histograms)" 0 $?
"$queries" "$prometheus" nonempty "sipsentry_request_duration_seconds_count{instance=\"$instance_1\",line!=\"\"}"
expect_exit "instance 1's histograms do not" 1 $?
"$queries" "$prometheus" distinct "$dashboard"
expect_exit "no panel shows a line or a server once per instance" 0 $?
# The histogram panels: the servers of the selected lines, each summed over
# both instances. pbx-gone never answered, so it has no round-trip time;
# only pbx-a failed; desk's calls were answered through both servers.
"$queries" "$prometheus" servers "$dashboard" "Request round-trip time by server" '.*' pbx-a pbx-b
expect_exit "the round-trip panel shows pbx-a and pbx-b" 0 $?
"$queries" "$prometheus" servers "$dashboard" "Request round-trip time by server" lobby pbx-b
expect_exit "the round-trip panel shows only lobby's server when lobby is selected" 0 $?
"$queries" "$prometheus" servers "$dashboard" "Failover detection time by server" '.*' pbx-a
expect_exit "the failover detection panel shows the server that failed" 0 $?
"$queries" "$prometheus" servers "$dashboard" "Failover detection time by server" lobby
expect_exit "the failover detection panel shows nothing for lobby, whose server never failed" 0 $?
for panel in "Call setup time by server" "Post-dial delay by server"; do
  "$queries" "$prometheus" servers "$dashboard" "$panel" desk pbx-a pbx-b
  expect_exit "panel \"$panel\" shows the servers that carried desk's calls" 0 $?
done
within 5 firing SipsentryTestCallsOnBackup line=desk server=pbx-b instance="$instance_2"
expect_exit "SipsentryTestCallsOnBackup fires for desk's calls through pbx-b" 0 $?
within 5 firing SipsentryTestCallsFailing line=annex instance="$instance_1"
expect_exit "SipsentryTestCallsFailing fires for annex" 0 $?
"$queries" "$prometheus" firing SipsentryTestCallsFailing line=desk
expect_exit "SipsentryTestCallsFailing does not fire for desk" 1 $?
"$queries" "$prometheus" rules >"$work/rules" 2>&1
expect_exit "Prometheus evaluates every alert rule without error" 0 $?
grep FAIL "$work/rules"
[ "$failures" -eq 0 ] || show_logs
finish
