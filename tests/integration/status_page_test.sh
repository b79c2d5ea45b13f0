#!/bin/sh
# The status page and the JSON API of `sipsentry run`, against two real
# Kamailio registrars on loopback: /api/v1/lines with check's fields, one
# line by name and 404 for an unknown one, the recent events, the page with
# its rows worst first and a server named with a <script> tag shown as text,
# and both following the lines when the primary stops (desk fails over,
# lobby, which has no backup, becomes unregistered).
# Usage: status_page_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"

start_registrar_pair || exit 1
config="$work/sipsentry.yaml"
base="http://127.0.0.1:$metrics_port"

# Line names are metric labels (letters, digits, '_', '.', '-'); a server's
# name is free text from the configuration, so the script goes there.
cat >"$config" <<YAML
metrics: {listen: "127.0.0.1:$metrics_port"}
sip: {bind: "127.0.0.1:$sip_port"}
startup: {rate: 100, jitter: 0s}
defaults:
  timers: {t1: 100ms}
  keepalive_interval: 1s
  observe: {interval: 1s}
  failback: {interval: 60s}
  register_retry_interval: 2s
lines:
  - name: desk
    user: "1001"
    password_env: DESK_PASSWORD
    servers:
      - {name: primary, address: 127.0.0.1, port: $primary_port, expires: 60}
      - {name: "<script>alert(1)</script>", address: 127.0.0.1, port: $backup_port, expires: 60}
  - name: lobby
    user: "1002"
    password_env: DESK_PASSWORD
    servers:
      - {name: primary, address: 127.0.0.1, port: $primary_port, expires: 60}
YAML

DESK_PASSWORD=s3cret "$sipsentry" run -c "$config" >"$work/log" 2>&1 &
started_pids="$started_pids $!"

# field URL PYTHON_EXPRESSION: the expression over the JSON body `j`.
field() {
  curl -s "$1" | python3 -c "import json, sys; j = json.load(sys.stdin); print($2)" 2>/dev/null
}

# until_field SECONDS URL EXPRESSION VALUE: asks until the field has the value.
until_field() {
  end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -le "$end" ]; do
    [ "$(field "$2" "$3")" = "$4" ] && return 0
    sleep 0.2
  done
  echo "FAIL: $3 of $2 is '$(field "$2" "$3")', expected $4"
  return 1
}

# --- Both lines registered on the primary, the backup observed up.
until_field 10 "$base/api/v1/lines/desk" "j['status']" ok
expect_exit "desk is ok on its primary" 0 $?
until_field 10 "$base/api/v1/lines/lobby" "j['registered_role']" primary
expect_exit "lobby is registered on its primary" 0 $?

curl -s -D "$work/headers" "$base/api/v1/lines" >"$work/lines.json"
expect_output "the API answers JSON" "$work/headers" "^Content-Type: application/json"
python3 - "$work/lines.json" >"$work/lines.check" 2>&1 <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
assert body["schema"] == 1 and body["matched"] == 2 and body["offset"] == 0, body
desk, lobby = body["lines"]
# check --format json's line fields, and the API's three.
for key in ["name", "status", "state", "reason", "timed_out", "registered_server",
            "registered_role", "on_primary", "failover_detected", "failover", "servers",
            "test_call", "since", "last_switch"]:
    assert key in desk, key
assert desk["name"] == "desk" and desk["state"] == "registered" and desk["on_primary"]
assert desk["registered_server"] == "primary" and desk["last_switch"] is None
backup = desk["servers"][1]
assert backup["name"] == "<script>alert(1)</script>" and backup["role"] == "backup", backup
assert backup["method"] == "OPTIONS" and backup["up"] and backup["status"] == 200, backup
# A round trip on loopback may take under the millisecond it is counted in.
assert backup["rtt_seconds"] >= 0 and "retry_after_until" in backup, backup
assert lobby["name"] == "lobby" and len(lobby["servers"]) == 1
print("ok")
PY
expect_text "/api/v1/lines has check's fields and the API's" "$work/lines.check" "ok"

status=$(curl -s -o "$work/nobody.json" -w "%{http_code}" "$base/api/v1/lines/nobody")
expect_exit "an unknown line is 404" 404 "$status"
expect_text "… with a JSON error" "$work/nobody.json" '"error":"no line named nobody"'
status=$(curl -s -o /dev/null -w "%{http_code}" -X POST "$base/api/v1/lines")
expect_exit "the API is read-only" 405 "$status"
expect_exit "?limit= beyond 1000 is refused" 400 \
  "$(curl -s -o /dev/null -w "%{http_code}" "$base/api/v1/lines?limit=5000")"
expect_exit "a page of one" 1 "$(field "$base/api/v1/lines?offset=1&limit=1" "len(j['lines'])")"
expect_exit "a state filter" 2 "$(field "$base/api/v1/lines?state=registered" "j['matched']")"

curl -s -D "$work/page.headers" "$base/" >"$work/page.html"
expect_output "the page is HTML" "$work/page.headers" "^Content-Type: text/html"
expect_text "the page shows the server's name as text" "$work/page.html" \
  "&lt;script&gt;alert(1)&lt;/script&gt;"
expect_absent "the page never holds the raw tag" "<script" "$work/page.html"
expect_text "the page has a row for desk" "$work/page.html" "<b>desk</b>"
expect_text "… and for lobby" "$work/page.html" "<b>lobby</b>"
expect_text "both on their primary" "$work/page.html" '<span class="num">2</span> ok'

# --- The primary stops: desk fails over, lobby has nowhere to go (by icmp,
# or by timeout while a Kamailio worker still holds the port).
last=$(field "$base/api/v1/events" "j['last_sequence']")
stop_kamailio primary
until_field 15 "$base/api/v1/lines/desk" "j['registered_role']" backup
expect_exit "the API shows desk on its backup" 0 $?
until_field 15 "$base/api/v1/lines/lobby" "j['state']" unregistered
expect_exit "the API shows lobby unregistered" 0 $?
expect_exit "desk's last switch is the failover" 0 \
  "$([ "$(field "$base/api/v1/lines/desk" "j['last_switch']['kind']")" = failover ]; echo $?)"
field "$base/api/v1/events?since=$last" "'\n'.join(e['text'] for e in j['events'])" \
  >"$work/events.txt"
expect_output "the events since then hold desk's failover" "$work/events.txt" \
  "^line=desk event=failover from=primary to=.*script.* method=[A-Z]+ reason=[a-z_0-9]+"

curl -s "$base/?line=desk" >"$work/desk.html"
expect_output "the page shows desk's failover" "$work/desk.html" \
  "failover primary &rarr; &lt;script&gt;alert\(1\)&lt;/script&gt; by [A-Z]+ \([a-z_0-9]+\)"
expect_text "… on its backup" "$work/desk.html" '<span class="num">1</span> on backup'
expect_absent "… filtered to desk" "<b>lobby</b>" "$work/desk.html"
expect_absent "… and still no raw tag" "<script" "$work/desk.html"
curl -s "$base/?refresh=5" >"$work/page.html"
expect_output "lobby is failed and comes first" "$work/page.html" \
  "state rank0\">unregistered</span>"
first_row=$(grep -o "<b>[a-z]*</b>" "$work/page.html" | head -1)
expect_exit "the worst line is the first row ($first_row)" 0 \
  "$([ "$first_row" = "<b>lobby</b>" ]; echo $?)"
expect_text "the page refreshes when asked to" "$work/page.html" \
  '<meta http-equiv="refresh" content="5">'

finish
