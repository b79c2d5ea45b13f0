#!/bin/sh
# A record set that changes under a registered line, against a real DNS
# server (dns_lib.sh): _sip._udp.pbx.test first names a.pbx.test (a
# Kamailio on 10.0.0.1); the line registers there. The record set then
# changes to 50 SRV records of one priority, t1 … t50.pbx.test, all on a
# Kamailio on 10.0.0.2. dnsmasq gives its records a TTL of 2 s, so sipsentry
# asks again at its TTL floor (30 s, src/resolve/cache_policy.h; not
# sooner, not later), sees the new set, and at the line's next refresh
# (every 9 s: expires 10) the line registers at one of the new targets and
# leaves a.pbx.test (still in the zone) alone. /metrics stays valid (promtool) and bounded: no
# series names the old target, and the line has no more series than before
# the change, although the set grew to 50. The floor cannot be shortened
# from outside, so the test waits for it: about 45 s.
# Usage: srv_ttl_change_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/dns_lib.sh"

ttl_floor=30 refresh=9

start_dns "--srv-host=_sip._udp.pbx.test,a.pbx.test,$sip_port,10,100" \
  "--host-record=a.pbx.test,$primary" || exit 1
start_servers || exit 1
srv_config 10 4s || exit 1

start_sipsentry
expect_event "registered on a.pbx.test" "event=registered server=primary" \
  "$(target_field target a.pbx.test udp)"

# scrape FILE: /metrics into FILE, which promtool checks; its number of
# series in $series.
scrape() {
  curl -sf "http://127.0.0.1:9730/metrics" >"$1"
  expect_exit "/metrics answers" 0 $?
  promtool check metrics <"$1" >"$1.promtool" 2>&1
  expect_exit "promtool check metrics ($(cat "$1.promtool"))" 0 $?
  series=$(grep -vc '^#' "$1")
}
scrape "$work/metrics.before"
series_before=$series

# a.pbx.test itself stays in the zone: the server was moved in the SRV
# records, not switched off, and the line keeps its registration there
# until its refresh (a host removed from the zone would fail the line's
# keep-alive with `dns` once its address's TTL ran out, as on a phone).
fifty="--host-record=a.pbx.test,$primary"
for n in $(seq 1 50); do
  fifty="$fifty --srv-host=_sip._udp.pbx.test,t$n.pbx.test,$sip_port,10,10 --host-record=t$n.pbx.test,$backup"
done
# shellcheck disable=SC2086 # a list of dnsmasq options
change_dns $fifty || exit 1
changed_at=$(date +%s.%N)

# The line moves when the set is resolved again (at most the floor after
# the last lookup) and its next refresh comes (at most 9 s later).
deadline=$(($(date +%s) + ttl_floor + refresh + 6))
while [ "$(server_received backup "$changed_at" REGISTER)" -eq 0 ] && [ "$(date +%s)" -le "$deadline" ]; do
  sleep 0.2
done
moved=$(grep -h "received REGISTER " "$work/backup/log" | sed -n 's/.* at=\([0-9.]*\)$/\1/p' |
  awk -v t="$changed_at" '$1 > t { print; exit }')
expect_exit "a REGISTER reached the new targets' Kamailio" 0 "$([ -n "$moved" ]; echo $?)"
moved=${moved:-0}
expect_output "registered on one of the new targets" "$work/sipsentry.log" \
  "event=registered server=primary.* target=\"?t[0-9]+\\.pbx\\.test:$sip_port;transport=udp"

# When sipsentry asked: the SRV queries' times (dnsmasq logs whole seconds).
srv_query_times() {
  grep -F "query[SRV] _sip._udp.pbx.test from" "$dns_log" | cut -c1-15 |
    while read -r stamp; do date -d "$stamp" +%s; done
}
first_query=$(srv_query_times | head -n 1)
requery=$(srv_query_times | awk -v t="${changed_at%.*}" '$1 >= t { print; exit }')
expect_exit "the record set was asked for again after the change" 0 "$([ -n "$requery" ]; echo $?)"
requery=${requery:-0}
within "asked again at the TTL floor, although the TTL is ${dns_ttl}s" \
  "$((requery - first_query))" "$ttl_floor" 1.5
expect_exit "the line moved at its next refresh after the new set" 0 \
  "$(awk -v q="$requery" -v m="$moved" -v r="$refresh" 'BEGIN { exit !(m >= q - 1 && m <= q + r + 1.5) }'; echo $?)"
echo "measured: asked again $((requery - first_query))s after the first lookup;" \
  "moved $(seconds_between "$requery" "$moved")s after that ($(seconds_between "$changed_at" "$moved")s after the change)"

# The old target is left alone: the keep-alives go to the new one.
sleep 3
expect_exit "nothing more reached a.pbx.test" 0 \
  "$(server_received primary "$(awk -v m="$moved" 'BEGIN { printf "%.3f", m + 1 }')")"
expect_exit "the keep-alives reach the new target" 0 \
  "$([ "$(server_received backup "$moved" OPTIONS)" -ge 2 ]; echo $?)"

scrape "$work/metrics.after"
series_after=$series
expect_absent "no series names the old target" "a.pbx.test" "$work/metrics.after"
expect_absent "nor its address" "$primary" "$work/metrics.after"
expect_exit "no more series than before the change ($series_before, then $series_after)" 0 \
  "$([ "$series_after" -le "$series_before" ]; echo $?)"
echo "measured: $series_before series before the change, $series_after after"
# Which ones came, if any: the label sets without their values.
series_of() { grep -v '^#' "$1" | sed 's/ [^ ]*$//' | sort >"$1.series"; }
series_of "$work/metrics.before"
series_of "$work/metrics.after"
comm -13 "$work/metrics.before.series" "$work/metrics.after.series" | sed 's/^/new series: /'

stop_sipsentry
dns_isolated
finish
