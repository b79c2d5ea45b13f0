#!/bin/sh
# /probe, blackbox_exporter's multi-target pattern, on `sipsentry run`: a
# real Prometheus scrapes two targets through it with the README's
# relabel_configs (a Kamailio registrar that answers, and a closed UDP port
# that ICMP refuses), and sees probe_success 1 and 0 with the reason; the
# answer passes promtool's lint; a target outside probe.allowed_targets is
# refused with 403 and the registrar receives nothing; a REGISTER module's
# credentials (password_env) get a 200; and the scrape's timeout header
# bounds a probe of a silent server, while /metrics answers meanwhile; a
# module's CA file verifies a TLS target; more than 32 probes at once are
# 503; a reload brings new allowed targets and modules; and a daemon
# stopped with a probe waiting still stops within 2 s.
# Usage: probe_endpoint_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"
queries="$(dirname "$0")/prometheus_queries.py"

port=$(free_port)
tls_port=$(free_port)
closed=$(free_port)
silent=$(free_port)
metrics_port=$(free_port)
prometheus_port=$(free_port)
base="http://127.0.0.1:$metrics_port"
prometheus="http://127.0.0.1:$prometheus_port"
log="$work/registrar/log"
start_kamailio registrar "$port" "s3cret" "$tls_port" || exit 1

# A silent UDP server: it reads every request and answers none.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    s.recv(65535)
' "$silent" &
started_pids="$started_pids $!"

# Names are not in the list: localhost (the registrar, by name) is refused.
cat >"$work/sipsentry.yaml" <<YAML
metrics: {listen: "127.0.0.1:$metrics_port"}
sip: {bind: "127.0.0.1:0"}
startup: {jitter: 0s}
modules:
  sip_options: {timeout: 3s}
  sip_register: {method: REGISTER, user: "1001", password_env: PROBE_PASSWORD}
  patient: {timeout: 30s}
  sip_tcp: {transport: tcp}
  sip_tls: {tls: {ca_file: "$work/tls/ca.pem"}}
probe:
  allowed_targets: [127.0.0.0/8, "::1"]
lines:
  - name: reception
    user: "1002"
    password_env: PROBE_PASSWORD
    keepalive_interval: 0
    observe: {interval: 0}
    servers: [{address: 127.0.0.1, port: $port, expires: 60}]
YAML
PROBE_PASSWORD=s3cret "$sipsentry" run -c "$work/sipsentry.yaml" >"$work/sipsentry.log" 2>&1 &
started_pids="$started_pids $!"
wait_for "$work/sipsentry.log" "line=reception .*registered" 10
expect_exit "the daemon's line registers" 0 $?

# probe QUERY [CURL_ARGS...]: GET /probe?QUERY; the body in $work/body, the
# HTTP status printed.
probe() {
  query=$1
  shift
  curl -s -o "$work/body" -w '%{http_code}' "$@" "$base/probe?$query"
}
received() { grep -cE "received $1 from 127.0.0.1" "$log"; }

# The standard multi-target scrape configuration of the README.
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s}
scrape_configs:
  - job_name: sip_probe
    metrics_path: /probe
    params: {module: [sip_options]}
    scrape_interval: 2s
    scrape_timeout: 2s
    static_configs:
      - targets: ["sip:127.0.0.1:$port", "sip:127.0.0.1:$closed"]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:$metrics_port
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
started_pids="$started_pids $prometheus_pid"

until_sample() {
  end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -le "$end" ]; do
    "$queries" "$prometheus" nonempty "$2" && return 0
    sleep 0.5
  done
  return 1
}
until_sample 20 "probe_success{job=\"sip_probe\",instance=\"sip:127.0.0.1:$port\"} == 1"
expect_exit "Prometheus: the registrar's probe succeeds" 0 $?
until_sample 10 "probe_success{instance=\"sip:127.0.0.1:$closed\"} == 0"
expect_exit "Prometheus: the closed port's probe fails" 0 $?
"$queries" "$prometheus" nonempty \
  "probe_sip_unavailable_reason{instance=\"sip:127.0.0.1:$closed\",reason=\"icmp\"} == 1"
expect_exit "Prometheus: the closed port is unavailable for icmp" 0 $?
"$queries" "$prometheus" nonempty "probe_sip_status_code{instance=\"sip:127.0.0.1:$port\"} == 200"
expect_exit "Prometheus: the registrar answered 200" 0 $?
"$queries" "$prometheus" nonempty "probe_sip_unavailable_reason{instance=\"sip:127.0.0.1:$port\"}"
expect_exit "Prometheus: no unavailable reason for the registrar" 1 $?
"$queries" "$prometheus" nonempty 'up{job="sip_probe"} == 0'
expect_exit "Prometheus: both scrapes are up" 1 $?

expect_exit "an OPTIONS probe answers 200" 200 "$(probe "target=sip:127.0.0.1:$port")"
expect_output "probe_success 1" "$work/body" "^probe_success 1$"
promtool check metrics <"$work/body" >"$work/lint" 2>&1
expect_exit "promtool check metrics accepts the answer" 0 $?
cat "$work/lint"
expect_exit "a closed port's answer is 200 too" 200 "$(probe "target=sip:127.0.0.1:$closed&module=sip_options")"
promtool check metrics <"$work/body" >"$work/lint" 2>&1
expect_exit "promtool check metrics accepts a failed probe's answer" 0 $?
expect_output "the closed port's reason" "$work/body" '^probe_sip_unavailable_reason\{reason="icmp"\} 1$'

# From here on the registrar hears only this script's probes.
kill "$prometheus_pid"
wait_gone 50 "$prometheus_pid"

# Targets outside probe.allowed_targets: refused, nothing sent.
before=$(received OPTIONS)
expect_exit "a name not listed is refused (403)" 403 "$(probe "target=sip:localhost:$port")"
expect_output "the refusal says why" "$work/body" "not in probe.allowed_targets.*nothing was sent"
expect_exit "an address outside the networks is refused (403)" 403 \
  "$(probe "target=sip%3A192.0.2.1%3A5060")"
sleep 0.5
expect_exit "the registrar received nothing from the refused probes" "$before" "$(received OPTIONS)"
expect_exit "an unknown module is 400" 400 "$(probe "target=sip:127.0.0.1:$port&module=nope")"
expect_exit "no target is 400" 400 "$(probe "module=sip_options")"
expect_exit "a module's transport against the target's is 400" 400 \
  "$(probe "target=sip:127.0.0.1:$port;transport=udp&module=sip_tcp")"
before=$(grep -cE "received OPTIONS from 127.0.0.1:[0-9]+ over tcp" "$log")
expect_exit "a module's transport applies to a target without one" 200 \
  "$(probe "target=sip:127.0.0.1:$port&module=sip_tcp")"
expect_output "the TCP probe succeeded" "$work/body" "^probe_success 1$"
expect_exit "the registrar saw the OPTIONS over TCP" $((before + 1)) \
  "$(count_by $((before + 1)) grep -cE "received OPTIONS from 127.0.0.1:[0-9]+ over tcp" "$log")"

# REGISTER with the module's credentials: challenged once, then 200.
before=$(received REGISTER)
expect_exit "a REGISTER probe answers 200" 200 "$(probe "target=sip:127.0.0.1:$port&module=sip_register")"
expect_output "the REGISTER got 200" "$work/body" "^probe_sip_status_code 200$"
expect_output "the REGISTER probe succeeded" "$work/body" "^probe_success 1$"
expect_exit "the registrar saw the REGISTER and its answer to the challenge" $((before + 2)) \
  "$(count_by $((before + 2)) received REGISTER)"
expect_exit "debug=true answers" 200 \
  "$(probe "target=sip:127.0.0.1:$port&module=sip_register&debug=true")"
expect_output "debug=true tells the probe's steps" "$work/body" "^module sip_register: REGISTER sip:127.0.0.1:$port"
cp "$work/body" "$work/debug"

# A silent server: the scrape's timeout (2 s) bounds the probe (budget
# 2 - 0.5 s), though the module would wait 30 s; /metrics answers meanwhile.
started=$(date +%s%N)
probe "target=sip:127.0.0.1:$silent&module=patient" \
  -H "X-Prometheus-Scrape-Timeout-Seconds: 2" >"$work/silent_status" &
silent_probe=$!
sleep 0.3
metrics_started=$(date +%s%N)
curl -s -o /dev/null "$base/metrics"
metrics_ms=$(( ($(date +%s%N) - metrics_started) / 1000000 ))
wait "$silent_probe"
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "silent probe answered after $elapsed_ms ms; /metrics meanwhile in $metrics_ms ms"
expect_exit "the silent probe answers 200" 200 "$(cat "$work/silent_status")"
expect_output "the silent server timed out" "$work/body" '^probe_sip_unavailable_reason\{reason="timeout"\} 1$'
[ "$elapsed_ms" -ge 1400 ] && [ "$elapsed_ms" -lt 2000 ]
expect_exit "answered after the 1.5 s budget and before the scrape's 2 s timeout" 0 $?
[ "$metrics_ms" -lt 500 ]
expect_exit "/metrics is not kept waiting by a probe" 0 $?

# TLS: the module's CA file verifies the registrar's certificate; without
# it (the default module: the system store) the handshake fails as tls.
expect_exit "a TLS probe answers" 200 "$(probe "target=sips:127.0.0.1:$tls_port&module=sip_tls")"
expect_output "the TLS probe succeeded with the module's CA" "$work/body" "^probe_success 1$"
not_after=$(date -u -d "$(openssl x509 -enddate -noout -in "$work/tls/server.pem" | cut -d= -f2)" +%s)
expect_output "… with the chain's earliest notAfter, as openssl reads it" "$work/body" \
  "^probe_ssl_earliest_cert_expiry $not_after$"
expect_exit "a TLS probe without the CA answers" 200 "$(probe "target=sips:127.0.0.1:$tls_port")"
expect_output "without the CA it is tls" "$work/body" '^probe_sip_unavailable_reason\{reason="tls"\} 1$'
expect_absent "… and no certificate date, as no SIP answer came" "probe_ssl_earliest_cert_expiry" "$work/body"

# 34 probes of the silent server at once: 32 run, 2 are refused with 503.
curls=""
for n in $(seq 1 34); do
  curl -s -o /dev/null -w '%{http_code}\n' -H "X-Prometheus-Scrape-Timeout-Seconds: 3" \
    "$base/probe?target=sip:127.0.0.1:$silent" >"$work/many.$n" &
  curls="$curls $!"
done
# shellcheck disable=SC2086 # a list of pids
wait $curls
cat "$work"/many.* >"$work/many"
expect_exit "32 of 34 probes at once run" 32 "$(grep -c '^200$' "$work/many")"
expect_exit "2 of 34 probes at once are 503" 2 "$(grep -c '^503$' "$work/many")"

expect_absent "the password appears in no answer or log" "s3cret" "$work/body" "$work/debug" \
  "$work/sipsentry.log"
grep -q "line=reception" "$work/sipsentry.log" && ! grep -q "line=reception .*unregistered" "$work/sipsentry.log"
expect_exit "the daemon's line stayed registered" 0 $?

# A reload (SIGHUP) brings new allowed targets and modules: 127.0.0.2 was
# in 127.0.0.0/8 and is not in 127.0.0.1 alone, and the dropped module is
# unknown.
expect_exit "before the reload 127.0.0.2 is allowed" 200 "$(probe "target=sip:127.0.0.2:$closed")"
daemon_pid=$(pgrep -f "sipsentry run -c $work/sipsentry.yaml")
sed -e 's|allowed_targets: .*|allowed_targets: [127.0.0.1]|' -e '/sip_tcp:/d' "$work/sipsentry.yaml" \
  >"$work/reloaded.yaml"
cp "$work/reloaded.yaml" "$work/sipsentry.yaml"
kill -HUP "$daemon_pid"
wait_for "$work/sipsentry.log" "msg=\"?reloaded" 5
expect_exit "the daemon reloads" 0 $?
expect_exit "after the reload 127.0.0.2 is refused" 403 "$(probe "target=sip:127.0.0.2:$closed")"
expect_exit "after the reload the dropped module is unknown" 400 \
  "$(probe "target=sip:127.0.0.1:$port&module=sip_tcp")"

# SIGTERM while a scrape waits for a probe (9.5 s without the header): the
# daemon stops within 2 s, and the scrape ends with it: answered 503, or,
# when civetweb's stop wins the race with that answer, closed unanswered.
probe "target=sip:127.0.0.1:$silent&module=patient" >"$work/stopping_status" &
waiting=$!
sleep 0.5
started=$(date +%s%N)
kill -TERM "$daemon_pid"
wait_gone 40 "$daemon_pid"
stop_ms=$(( ($(date +%s%N) - started) / 1000000 ))
wait "$waiting"
scrape_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "the daemon stopped in $stop_ms ms with a probe waiting, the scrape ended after $scrape_ms ms"
[ "$stop_ms" -lt 2000 ]
expect_exit "the daemon stops within 2 s with a probe waiting" 0 $?
[ "$scrape_ms" -lt 2000 ]
expect_exit "the waiting scrape ends with the daemon" 0 $?
grep -qE '^(503|000)$' "$work/stopping_status"
expect_exit "the waiting scrape is 503 or closed ($(cat "$work/stopping_status"))" 0 $?
expect_output "it stopped cleanly" "$work/sipsentry.log" "msg=stopped"

[ "$failures" -eq 0 ] || { tail -n 20 "$work/sipsentry.log"; tail -n 5 "$work/prometheus.log"; }
finish
