#!/bin/sh
# The status page as a browser shows it: `sipsentry run`'s page at /, read
# by a real headless Chromium (Debian's chromium), against two real Kamailio
# registrars on loopback. The demo's two lines (reception over UDP,
# warehouse over TCP, on pbx-a with pbx-b as backup) and lobby, whose only
# server is named <script>alert(1)</script>. From the DOM Chromium built:
# each line's row and state, the server's name as text and no script
# element, nothing fetched from anywhere else, the refresh when asked for;
# after pbx-a stops, reception and warehouse on pbx-b by a failover and
# lobby unregistered, the worst first. With --screenshot PNG it then also
# takes a picture of the page (red, amber and green at once): the README's.
# Usage: status_page_browser_test.sh SIPSENTRY [--screenshot PNG]
set -u
sipsentry=$1
png=""
if [ "${2:-}" = --screenshot ]; then png=${3:?--screenshot needs a file name}; fi
. "$(dirname "$0")/lib.sh"
. "$integration_dir/browser_lib.sh"

# No skip: CI installs chromium through packaging/install-deps.sh.
if ! command -v chromium >/dev/null; then
  echo "FAIL: chromium is not installed (packaging/install-deps.sh installs it)"
  exit 1
fi

start_registrar_pair || exit 1
config="$work/sipsentry.yaml"
base="http://127.0.0.1:$metrics_port"
{
  fast_config_head "{listen: \"127.0.0.1:$metrics_port\"}"
  for line in "reception udp 1001" "warehouse tcp 1002"; do
    # shellcheck disable=SC2086 # the line's name, transport and user
    set -- $line
    cat <<YAML
  - name: $1
    user: "$3"
    password_env: DEMO_SIP_PASSWORD
    servers:
      - {name: pbx-a, address: 127.0.0.1, port: $primary_port, transport: $2, expires: 60}
      - {name: pbx-b, address: 127.0.0.1, port: $backup_port, transport: $2, expires: 60}
YAML
  done
  # Line names are metric labels; a server's name is free text.
  cat <<YAML
  - name: lobby
    user: "1003"
    password_env: DEMO_SIP_PASSWORD
    servers:
      - {name: "<script>alert(1)</script>", address: 127.0.0.1, port: $primary_port, expires: 60}
YAML
} >"$config"
DEMO_SIP_PASSWORD=s3cret "$sipsentry" run -c "$config" >"$work/log" 2>&1 &
started_pids="$started_pids $!"

# page_facts QUERY NAME: the page at /QUERY as Chromium built it, read by
# status_dom.py into $work/NAME.facts (its DOM in $work/NAME.dom).
page_facts() {
  dump_dom "$base/$1" "$work/$2.dom" &&
    python3 "$integration_dir/status_dom.py" "$work/$2.dom" "$base/$1" >"$work/$2.facts"
}

# until_page SECONDS NAME PATTERN...: reads the page again until its facts
# match every extended regex PATTERN, for at most SECONDS.
until_page() {
  seconds=$1 name=$2
  shift 2
  end=$(($(date +%s) + seconds))
  while page_facts "" "$name"; do
    missing=""
    for pattern in "$@"; do
      grep -qE -- "$pattern" "$work/$name.facts" || missing=$pattern
    done
    [ -z "$missing" ] && return 0
    if [ "$(date +%s)" -ge "$end" ]; then
      echo "FAIL: after $seconds s the page has no /$missing/; its facts and sipsentry's log:"
      cat "$work/$name.facts" "$work/log"
      return 1
    fi
    sleep 0.5
  done
  return 1
}

# --- All three lines registered on pbx-a (green), pbx-b observed up.
until_page 15 start \
  "^row reception \[rank3\] \| registered \| pbx-a \(primary\) " \
  "^row warehouse \[rank3\] \| registered \| pbx-a \(primary\) " \
  "^row lobby \[rank3\] \| registered \| <script>alert\(1\)</script> \(primary\) " \
  "^server reception \| backup pbx-b \| up \| OPTIONS \| 200 \| RTT " \
  "^server warehouse \| backup pbx-b \| up \| OPTIONS \| 200 \| RTT "
expect_exit "the browser shows both demo lines and lobby registered on pbx-a" 0 $?
expect_output "lobby's server name is a text node of the DOM" "$work/start.facts" \
  "^text .*<script>alert\(1\)</script>"
expect_text "… and the DOM has no script element at all" "$work/start.facts" "elements script=0"
expect_absent "the page loads nothing (no script, image, frame, stylesheet, CSS url)" \
  "asset " "$work/start.facts"
expect_absent "… and links nowhere off its host" "offsite " "$work/start.facts"

page_facts "?refresh=30" refresh
expect_text "?refresh=30 gives the meta refresh" "$work/refresh.facts" "refresh 30"
expect_absent "… which the page has only when asked for" "refresh " "$work/start.facts"

# --- pbx-a stops: the demo lines fail over to pbx-b (amber), lobby, which
# has no backup, becomes unregistered (red) and comes first.
stop_kamailio primary
until_page 15 after \
  "^row reception \[rank1\] \| registered \| pbx-b \(backup\) .* \| failover pbx-a .* pbx-b by [A-Z]+ \([a-z_0-9]+\) " \
  "^row warehouse \[rank1\] \| registered \| pbx-b \(backup\) .* \| failover pbx-a .* pbx-b by [A-Z]+ \([a-z_0-9]+\) " \
  "^row lobby \[rank0\] \| unregistered " \
  "^server reception \| primary pbx-a \| down "
expect_exit "the browser shows the failover and lobby unregistered" 0 $?
first_row=$(grep -m 1 "^row " "$work/after.facts" | cut -d " " -f 2)
expect_exit "the worst line, lobby, is the first row ($first_row)" 0 \
  "$([ "$first_row" = lobby ]; echo $?)"
expect_output "… and its server's name is still text" "$work/after.facts" \
  "^text .*<script>alert\(1\)</script>"
expect_text "… and still no script element" "$work/after.facts" "elements script=0"

if [ -n "$png" ]; then
  screenshot "$base/" "$png" 1280x800
  expect_exit "the screenshot is taken" 0 $?
  # optipng when it is there: the README's picture shrinks by about a third.
  command -v optipng >/dev/null && optipng -quiet -o2 "$png"
  python3 - "$png" >"$work/png.check" <<'PY'
import os, struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
# A blank page (no fonts: no text) is a few kB; text, tables and colours more.
print(f"{width}x{height} {len(data) // 1024} kB",
      "ok" if 20_000 < len(data) < 300_000 else "size out of 20 kB to 300 kB")
PY
  expect_output "the screenshot is a 1280x800 PNG of 20 kB to 300 kB" "$work/png.check" \
    "^1280x800 [0-9]+ kB ok$"
  cat "$work/png.check"
fi

# --- Chromium itself: no process left behind; it connected to sipsentry
# only and asked for nothing but its pages (its own services tried other
# hosts, which --host-resolver-rules keeps them from).
expect_exit "no Chromium process outlived its run" 1 \
  "$(chromium_leftovers >"$work/leftovers"; [ -s "$work/leftovers" ]; echo $?)"
chromium_traffic >"$work/traffic"
expect_text "Chromium's net log has the page's request" "$work/traffic" "page $base/?refresh=30"
grep -v -e "^page $base/" -e "^connect 127\.0\.0\.1:$metrics_port$" "$work/traffic" \
  >"$work/elsewhere"
expect_exit "… and no other request or connection ($(tr '\n' ' ' <"$work/elsewhere"))" 1 \
  "$([ -s "$work/elsewhere" ]; echo $?)"

finish
