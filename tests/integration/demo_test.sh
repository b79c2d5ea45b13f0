#!/bin/sh
# The README's main job, packaging/demo.sh, as a user runs it (with the
# binary already built): the demo pair comes up, the three lines register
# on pbx-a (one over TLS, whose 10-day certificate the metric shows and
# `check` warns of), `demo.sh primary-down` makes them fail over to pbx-b as
# the README says (in the metrics, the status page and the API), and
# stopping the demo stops every process it started.
# Usage: demo_test.sh SIPSENTRY SOURCE_DIR
set -u
sipsentry=$1
cd "$2" || exit 1
. tests/assertions.sh
demo_dir=$(mktemp -d)
export SIPSENTRY_BIN=$sipsentry SIPSENTRY_DEMO_DIR=$demo_dir
out="$demo_dir/demo.out"
scrape="$demo_dir/metrics"

packaging/demo.sh >"$out" 2>&1 &
demo_pid=$!
trap 'kill -TERM $demo_pid 2>/dev/null; sleep 1; rm -rf "$demo_dir"' EXIT

# scrape_until PATTERN SECONDS: until a scrape has a line matching PATTERN.
scrape_until() {
  end=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -le "$end" ]; do
    curl -sf http://127.0.0.1:9730/metrics >"$scrape" 2>/dev/null && grep -qE -- "$1" "$scrape" && return 0
    sleep 0.2
  done
  echo "no /$1/ in the metrics; the demo said:"; cat "$out"
  return 1
}

scrape_until '^sipsentry_line_active_server\{line="reception",role="primary",server="pbx-a"\} 1' 15
expect_exit "reception registers on pbx-a" 0 $?
scrape_until '^sipsentry_line_active_server\{line="warehouse",role="primary",server="pbx-a"\} 1' 5
expect_exit "warehouse registers on pbx-a" 0 $?
scrape_until '^sipsentry_line_active_server\{line="lobby",role="primary",server="pbx-a"\} 1' 10
expect_exit "lobby registers on pbx-a over TLS" 0 $?

# The demo's certificate ends in 10 days: the metric says when, as openssl
# reads it, and `check` (the README's command) warns of it.
scrape_until '^sipsentry_tls_certificate_expiry_timestamp_seconds\{line="lobby",server="pbx-a"\}' 10
not_after=$(date -u -d "$(openssl x509 -enddate -noout -in "$demo_dir/tls/server.pem" | cut -d= -f2)" +%s)
expect_output "the metric is the certificate's notAfter" "$scrape" \
  "^sipsentry_tls_certificate_expiry_timestamp_seconds\\{line=\"lobby\",server=\"pbx-a\"\\} $not_after\$"
expect_exit "… 10 days from now" 0 \
  "$([ $((not_after - $(date +%s))) -gt $((9 * 86400)) ] && [ $((not_after - $(date +%s))) -le $((10 * 86400)) ]; echo $?)"
DEMO_SIP_PASSWORD=demo-only-password "$sipsentry" check -c config/demo.yaml >"$demo_dir/check.out" 2>&1
expect_exit "check warns of the certificate" 1 $?
expect_output "… naming it" "$demo_dir/check.out" \
  "^lobby: WARNING, registered on primary pbx-a; certificate of pbx-a expires .* \\(in (9|10) days\\)"
expect_output "the demo says where the metrics are" "$out" "metrics at http://127.0.0.1:9730/metrics"

packaging/demo.sh primary-down >"$demo_dir/down.out" 2>&1
expect_exit "primary-down" 0 $?
scrape_until '^sipsentry_failovers_total\{from="pbx-a",line="reception",method="OPTIONS",reason="icmp",to="pbx-b"\} 1' 10
expect_exit "reception fails over to pbx-b (icmp)" 0 $?
scrape_until '^sipsentry_failovers_total\{from="pbx-a",line="warehouse",method="OPTIONS",reason="tcp_refused",to="pbx-b"\} 1' 10
expect_exit "warehouse fails over to pbx-b (tcp_refused)" 0 $?
scrape_until '^sipsentry_failovers_total\{from="pbx-a",line="lobby",method="OPTIONS",reason="tcp_refused",to="pbx-b"\} 1' 10
expect_exit "lobby fails over to pbx-b (tcp_refused)" 0 $?
expect_output "the log reads as the README shows" "$out" \
  "level=info line=reception event=failover from=pbx-a to=pbx-b method=OPTIONS reason=icmp"

# The status page and the API show the same, as the README's walk-through.
curl -s http://127.0.0.1:9730/api/v1/lines/reception >"$demo_dir/reception.json"
expect_text "the API shows reception on pbx-b" "$demo_dir/reception.json" \
  '"registered_role":"backup","registered_server":"pbx-b"'
curl -s http://127.0.0.1:9730/ >"$demo_dir/page.html"
expect_text "the status page shows the three lines on the backup" "$demo_dir/page.html" \
  '<span class="num">3</span> on backup'
# /probe, as the README's walk-through: the stopped primary refuses, the backup answers.
curl -s 'http://127.0.0.1:9730/probe?target=sip:127.0.0.1:5070' >"$demo_dir/probe_a"
expect_text "/probe finds pbx-a unavailable (icmp)" "$demo_dir/probe_a" \
  'probe_sip_unavailable_reason{reason="icmp"} 1'
curl -s 'http://127.0.0.1:9730/probe?target=sip:127.0.0.1:5080' >"$demo_dir/probe_b"
expect_text "/probe finds pbx-b answering" "$demo_dir/probe_b" 'probe_sip_status_code 200'

packaging/demo.sh primary-up >"$demo_dir/up.out" 2>&1
expect_exit "primary-up" 0 $?

kill -TERM "$demo_pid"
wait "$demo_pid"
expect_output "sipsentry stopped cleanly" "$out" "msg=stopped"
pgrep -f "$demo_dir" >/dev/null
expect_exit "no demo process is left" 1 $?
finish
