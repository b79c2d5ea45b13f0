#!/bin/sh
# What Sofia-SIP's TLS leak (tests/lsan.supp) costs per reconnection (not in
# CI; README "Hardening and soak"). One line over TLS to a real Kamailio with
# TLS; the Kamailio is stopped and started RECONNECTS times, and each time
# the line registers again over a new TLS connection. Two measures:
#  - with --sanitize-binary (a -DSIPSENTRY_SANITIZE=ON build): LeakSanitizer's
#    leaked bytes at exit, without the suppression, for a run with 1
#    reconnection and one with RECONNECTS: (B(N) - B(1)) / (N - 1) bytes;
#  - with --binary (the release build): VmRSS after the first 5
#    reconnections and at the end, divided by the reconnections between.
# Usage: tests/soak/tls_leak.sh [--reconnects 40] [--binary build/src/sipsentry]
#                               [--sanitize-binary build-sanitize/src/sipsentry]
set -u
reconnects=40
binary=build/src/sipsentry
sanitize_binary=""
while [ $# -gt 0 ]; do
  case $1 in
    --reconnects) reconnects=$2 ;;
    --binary) binary=$2 ;;
    --sanitize-binary) sanitize_binary=$2 ;;
    *) echo "usage: $0 [--reconnects N] [--binary PATH] [--sanitize-binary PATH]" >&2; exit 2 ;;
  esac
  shift 2
done
sipsentry=$binary  # lib.sh's start_kamailio probes with it
integration_dir="$(cd "$(dirname "$0")/../integration" && pwd)"
. "$integration_dir/lib.sh"

port=$(free_port)
tls_port=$(free_port)
secret="tls-leak-secret"
start_kamailio registrar "$port" "$secret" "$tls_port" || exit 1
cat >"$work/sipsentry.yaml" <<YAML
sip: {bind: "127.0.0.1:0"}
metrics: {listen: "127.0.0.1:$(free_port)"}
startup: {jitter: 0s}
defaults: {timers: {t1: 100ms}, keepalive_interval: 1s, register_retry_interval: 1s,
           tls: {ca_file: "$work/tls/ca.pem"}}
lines:
  - {name: secure, user: "4001", password_env: TLS_PASSWORD, servers: [
      {name: tls, address: 127.0.0.1, port: $tls_port, transport: tls, expires: 60}]}
YAML

registrations() { grep -c "line=secure event=registered" "$1"; }

# reconnect LOG N: N times, stop the registrar, start it again and wait
# until the line registered once more (a new TLS connection).
reconnect() {
  for _ in $(seq 1 "$2"); do
    before=$(registrations "$1")
    stop_kamailio registrar
    start_kamailio registrar "$port" "$secret" "$tls_port" >/dev/null || return 1
    for _ in $(seq 1 200); do
      [ "$(registrations "$1")" -gt "$before" ] && break
      sleep 0.1
    done
    [ "$(registrations "$1")" -gt "$before" ] || { echo "no re-registration"; tail "$1"; return 1; }
  done
}

# run_sipsentry BINARY LOG: starts it; waits for its first registration.
run_sipsentry() {
  TLS_PASSWORD=$secret "$1" run -c "$work/sipsentry.yaml" >"$2" 2>&1 &
  run_pid=$!
  started_pids="$started_pids $run_pid"
  wait_for "$2" "line=secure event=registered" 20 || { echo "did not register:"; cat "$2"; exit 1; }
}

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# The release build: RSS per reconnection.
run_sipsentry "$binary" "$work/release.log"
reconnect "$work/release.log" 5 || exit 1
rss_before=$(rss "$run_pid")
reconnect "$work/release.log" "$reconnects" || exit 1
rss_after=$(rss "$run_pid")
kill -TERM "$run_pid"; wait "$run_pid"
echo "release: VmRSS ${rss_before} kB after 5 reconnections, ${rss_after} kB after $reconnects more:" \
  "$(( (rss_after - rss_before) * 1024 / reconnects )) bytes per reconnection"

[ -n "$sanitize_binary" ] || exit 0
# The sanitizer build: LeakSanitizer's total at exit, Sofia's leak unsuppressed.
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=/dev/null
leaked() {  # leaked N: bytes LeakSanitizer reports after N reconnections
  run_sipsentry "$sanitize_binary" "$work/sanitize-$1.log"
  reconnect "$work/sanitize-$1.log" "$1" >&2 || exit 1
  kill -TERM "$run_pid"; wait "$run_pid"
  sed -n 's/^SUMMARY: AddressSanitizer: \([0-9]*\) byte.*/\1/p' "$work/sanitize-$1.log" | grep . || echo 0
}
one=$(leaked 1)
many=$(leaked "$reconnects")
echo "sanitize: LeakSanitizer $one bytes leaked after 1 reconnection, $many after $reconnects:" \
  "$(( (many - one) / (reconnects - 1) )) bytes per reconnection"
grep -h -A3 "^Direct leak\|^Indirect leak" "$work/sanitize-$reconnects.log" | grep -E "leak of|#[0-9] " | head -n 40
