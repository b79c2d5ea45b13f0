#!/bin/sh
# TLS certificate expiry against real Kamailio TLS servers: "soon" presents
# a certificate that expires in 3 days, "old" one that expired 2 days ago,
# "fine" one valid for 30 days, "future" one valid only from tomorrow.
# `check` warns (exit 1) for soon and is critical (exit 2) for old and
# future, naming the server and the days, in text,
# Nagios and JSON; `run` exposes
# sipsentry_tls_certificate_expiry_timestamp_seconds with the notAfter
# openssl prints, none for the UDP server, shows it on the status page and
# in the API, and follows a reload (a new line's server read at once, a
# removed line's series gone). TLS verification is off for the SIP
# requests, so that the lines register and the verdicts are the
# certificates' alone: the expiry comes from sipsentry's own handshake.
# Usage: tls_expiry_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"

make_tls_files || { cat "$work/tls/log"; exit 1; }
tls="$work/tls"

# dated_certificate NAME START END: $tls/NAME.pem for server.key, signed by
# the test CA, valid from START to END (YYYYmmddHHMMSSZ). OpenSSL 3.0's
# `x509 -req` has -days only; `openssl ca` takes any dates.
dated_certificate() {
  mkdir -p "$tls/issued"
  [ -f "$tls/index.txt" ] || { : >"$tls/index.txt"; echo 01 >"$tls/serial"; }
  cat >"$tls/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $tls/index.txt
new_certs_dir = $tls/issued
serial = $tls/serial
default_md = sha256
policy = any_name
unique_subject = no
[any_name]
commonName = supplied
CNF
  openssl ca -batch -notext -config "$tls/ca.cnf" -cert "$tls/ca.pem" -keyfile "$tls/ca.key" \
    -in "$tls/server.csr" -out "$tls/$1.pem" -startdate "$2" -enddate "$3" >>"$tls/log" 2>&1
}
utc() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
# The certificate that expires in 3 days, as the issue asks: `x509 -days 3`.
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
  -out "$tls/soon.pem" -days 3 >>"$tls/log" 2>&1 || { cat "$tls/log"; exit 1; }
dated_certificate old "$(utc '-10 days')" "$(utc '-2 days')" || { cat "$tls/log"; exit 1; }
dated_certificate fine "$(utc '-1 day')" "$(utc '+30 days')" || { cat "$tls/log"; exit 1; }
dated_certificate future "$(utc '+1 day')" "$(utc '+30 days')" || { cat "$tls/log"; exit 1; }
# not_after NAME: the certificate's notAfter in Unix seconds, as openssl says.
not_after() {
  date -u -d "$(openssl x509 -in "$tls/$1.pem" -noout -enddate | cut -d= -f2)" +%s
}

for name in soon old fine future; do
  eval "${name}_udp=\$(free_port) ${name}_tls=\$(free_port)"
  eval "kamailio_certificate=\$tls/$name.pem start_kamailio $name \$${name}_udp s3cret \$${name}_tls" ||
    exit 1
done
gone_tls=$(free_port)
metrics_port=$(free_port)
base="http://127.0.0.1:$metrics_port"

# write_config LINE...: the lines named, on their own Kamailio each; soon
# and gone (no server on its TLS port) have soon's UDP port as a backup.
write_config() {
  cat <<YAML
metrics: {listen: "127.0.0.1:$metrics_port"}
sip: {bind: "127.0.0.1:0"}
startup: {rate: 100, jitter: 0s}
defaults: {timers: {t1: 100ms}, observe: {interval: 2s}, tls: {verify: false}}
lines:
YAML
  for line in "$@"; do
    eval "tls_port=\$${line}_tls"
    printf '  - {name: %s, user: "1001", password_env: PASSWORD, servers: [\n' "$line"
    printf '      {name: %s-tls, address: 127.0.0.1, port: %s, transport: tls}' "$line" "$tls_port"
    case $line in soon | gone)
      printf ',\n      {name: %s-udp, address: 127.0.0.1, port: %s, transport: udp}' "$line" "$soon_udp"
    esac
    printf ']}\n'
  done
}
config="$work/sipsentry.yaml"
write_config soon old gone >"$config"

# --- sipsentry check -------------------------------------------------------
PASSWORD=s3cret "$sipsentry" check -c "$config" --line soon >"$work/check-soon" 2>&1
expect_exit "check: a certificate expiring in 3 days is a warning" 1 $?
expect_output "check names the server and the days" "$work/check-soon" \
  "^soon: WARNING, registered on primary soon-tls; certificate of soon-tls expires [0-9-]+ [0-9:]+Z \(in 2 days\)$"
expect_output "check shows the expiry beside the server" "$work/check-soon" \
  "^  primary soon-tls tls 127.0.0.1:$soon_tls: up: .*; certificate expires .* \(in 2 days\)$"

PASSWORD=s3cret "$sipsentry" check -c "$config" --line old >"$work/check-old" 2>&1
expect_exit "check: an expired certificate is critical" 2 $?
expect_output "check says how long ago it expired" "$work/check-old" \
  "^old: CRITICAL, registered on primary old-tls; certificate of old-tls expired .* \(2 days ago\)$"

# A configuration of its own, so that the others' outputs stay as they are.
write_config future >"$work/future.yaml"
PASSWORD=s3cret "$sipsentry" check -c "$work/future.yaml" >"$work/check-future" 2>&1
expect_exit "check: a certificate not yet valid is critical" 2 $?
expect_output "check says from when it is valid" "$work/check-future" \
  "^future: CRITICAL, registered on primary future-tls; certificate of future-tls not valid before [0-9-]+ [0-9:]+Z$"

PASSWORD=s3cret "$sipsentry" check -c "$config" --format nagios >"$work/check-nagios" 2>&1
expect_exit "nagios: the worst, critical" 2 $?
expect_output "nagios perfdata: the days left, warning and critical thresholds" "$work/check-nagios" \
  "'soon/soon-tls cert_days'=(2\.99|3\.00);14:;0: .*'old/old-tls cert_days'=-2\.00;14:;0:"

PASSWORD=s3cret "$sipsentry" check -c "$config" --format json >"$work/check-json" 2>"$work/check-json.err"
python3 - "$work/check-json" "$(not_after soon)" "$(not_after old)" >"$work/json-check" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
servers = {s["name"]: s for line in doc["lines"] for s in line["servers"]}
assert servers["soon-tls"]["certificate_expiry"] == int(sys.argv[2]), servers["soon-tls"]
assert servers["soon-tls"]["certificate_state"] == "expiring"
assert servers["old-tls"]["certificate_expiry"] == int(sys.argv[3]), servers["old-tls"]
assert servers["old-tls"]["certificate_state"] == "expired"
assert servers["soon-udp"]["certificate_expiry"] is None and servers["soon-udp"]["certificate_state"] is None
assert [l["status"] for l in doc["lines"]] == ["warning", "critical", "warning"], doc["lines"]
assert servers["gone-tls"]["certificate_state"] == "unread", servers["gone-tls"]
assert servers["gone-tls"]["certificate_error"] == "connect: Connection refused"
PY
expect_exit "json: each TLS server's notAfter as openssl says, its state, none for UDP" 0 $?
[ "$failures" -eq 0 ] || cat "$work/json-check"

# A handshake that fails is not a certificate problem by itself: gone's TLS
# server is a port nobody listens on; its line registers on its UDP backup
# (a warning, for the backup) and the certificate is only "not read".
PASSWORD=s3cret "$sipsentry" check -c "$config" --line gone >"$work/check-gone" 2>&1
expect_exit "check: an unreadable chain leaves the verdict to the requests" 1 $?
expect_output "check: the chain was not read, and why" "$work/check-gone" \
  "^  primary gone-tls tls 127.0.0.1:$gone_tls: down: .*; certificate not read \(connect: Connection refused\)$"
expect_absent "check: no certificate problem for gone" "certificate of gone-tls" "$work/check-gone"

# --- sipsentry run ---------------------------------------------------------
PASSWORD=s3cret "$sipsentry" run -c "$config" --pidfile "$work/pid" >"$work/log" 2>&1 &
started_pids="$started_pids $!"

# metric LINE SERVER: the expiry series' value, as an integer; empty when none.
metric() {
  curl -s "$base/metrics" |
    awk -v want="sipsentry_tls_certificate_expiry_timestamp_seconds{line=\"$1\",server=\"$2\"}" \
      '$1 == want { printf "%d\n", $2 }'
}
# until_metric SECONDS LINE SERVER VALUE: asks until the series has the value.
until_metric() {
  end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -le "$end" ]; do
    [ "$(metric "$2" "$3")" = "$4" ] && return 0
    sleep 0.2
  done
  return 1
}
until_metric 15 soon soon-tls "$(not_after soon)"
expect_exit "run: soon's expiry is its certificate's notAfter" 0 $?
until_metric 5 old old-tls "$(not_after old)"
expect_exit "run: old's expiry is its certificate's notAfter" 0 $?
curl -s "$base/metrics" >"$work/metrics"
expect_absent "no series for the UDP server" 'tls_certificate_expiry_timestamp_seconds{line="soon",server="soon-udp"}' "$work/metrics"
expect_text "the family has its HELP" "$work/metrics" \
  "# HELP sipsentry_tls_certificate_expiry_timestamp_seconds Unix time of the earliest notAfter"

# The status page: amber within the warning, red once expired.
curl -s "$base/" >"$work/page"
expect_output "page: soon's certificate amber, in 2 days" "$work/page" \
  '<span class="certificate amber">certificate expires [0-9-]+ [0-9:]+Z \(in 2 days\)</span>'
expect_output "page: old's certificate red, 2 days ago" "$work/page" \
  '<span class="certificate down">certificate expired [0-9-]+ [0-9:]+Z \(2 days ago\)</span>'
curl -s "$base/api/v1/lines" | python3 -c "
import json, sys
lines = {l['name']: l for l in json.load(sys.stdin)['lines']}
assert lines['soon']['servers'][0]['certificate_expiry'] == $(not_after soon), lines['soon']
assert lines['old']['servers'][0]['certificate_state'] == 'expired', lines['old']
assert lines['old']['status'] == 'critical', lines['old']
assert lines['soon']['servers'][1]['certificate_expiry'] is None
" >"$work/api" 2>&1
expect_exit "api: the expiry and state per server" 0 $?
[ "$failures" -eq 0 ] || cat "$work/api"

# A reload: old goes (its series with it), fine comes and is read at once.
write_config soon fine gone >"$config"
kill -HUP "$(cat "$work/pid")"
until_metric 15 fine fine-tls "$(not_after fine)"
expect_exit "reload: a new line's TLS server is read at once" 0 $?
curl -s "$base/metrics" >"$work/metrics-reloaded"
expect_absent "reload: a removed line's series is gone" 'line="old"' "$work/metrics-reloaded"
expect_text "reload: an unchanged line keeps its series" "$work/metrics-reloaded" \
  "sipsentry_tls_certificate_expiry_timestamp_seconds{line=\"soon\",server=\"soon-tls\"}"

expect_absent "the password is never printed" "s3cret" "$work/log" "$work/check-soon" \
  "$work/check-old" "$work/check-gone" "$work/check-future" "$work/check-nagios" "$work/check-json" \
  "$work/check-json.err"
[ "$failures" -eq 0 ] || tail -n 30 "$work/log"
finish
