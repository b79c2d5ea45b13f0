#!/bin/sh
# What Sofia-SIP's TLS leak (tests/lsan.supp) costs per reconnection (not in
# CI; README "Hardening and soak"). One line over TLS to a real Kamailio with
# TLS (keep-alive every second); the Kamailio is stopped and started
# RECONNECTS times, and each time the line's next request opens a new TLS
# connection. Two measures:
#  - the release build (--binary): VmRSS and open descriptors every 10
#    reconnections, after 5 to warm up; the growth over the reconnections;
#  - with --sanitize-binary (a -DSIPSENTRY_SANITIZE=ON build): LeakSanitizer's
#    leaked bytes at exit, without the suppression, for a run with 1
#    reconnection and one with RECONNECTS: (B(N) - B(1)) / (N - 1) bytes.
# --transport tcp runs the same over TCP: the control, what a reconnection
# costs without TLS.
# Usage: tests/soak/tls_leak.sh [--reconnects 60] [--transport tls|tcp]
#          [--binary build/src/sipsentry] [--sanitize-binary build-sanitize/src/sipsentry]
set -u
reconnects=60
transport=tls
binary=build/src/sipsentry
sanitize_binary=""
while [ $# -gt 0 ]; do
  case $1 in
    --reconnects) reconnects=$2 ;;
    --transport) transport=$2 ;;
    --binary) binary=$2 ;;
    --sanitize-binary) sanitize_binary=$2 ;;
    *) echo "usage: $0 [--reconnects N] [--transport tls|tcp] [--binary PATH] [--sanitize-binary PATH]" >&2
       exit 2 ;;
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
server_port=$tls_port
[ "$transport" = tcp ] && server_port=$port
cat >"$work/sipsentry.yaml" <<YAML
sip: {bind: "127.0.0.1:0"}
metrics: {listen: "127.0.0.1:$(free_port)"}
startup: {jitter: 0s}
defaults: {timers: {t1: 100ms}, keepalive_interval: 1s, register_retry_interval: 1s,
           tls: {ca_file: "$work/tls/ca.pem"}}
lines:
  - {name: secure, user: "4001", password_env: TLS_PASSWORD, servers: [
      {name: $transport, address: 127.0.0.1, port: $server_port, transport: $transport, expires: 60}]}
YAML

# reconnect LOG N: N times, stop the registrar, start it again and wait
# until it received a request over TLS (or TCP) from the line (a new connection: the
# old one died with the registrar; its log starts afresh with each start).
reconnect() {
  for _ in $(seq 1 "$2"); do
    stop_kamailio registrar
    start_kamailio registrar "$port" "$secret" "$tls_port" >/dev/null || return 1
    wait_for "$work/registrar/log" "received [A-Z]+ from 127.0.0.1:[0-9]+ over $transport" 20 ||
      { echo "no new $transport connection"; tail "$1"; return 1; }
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

# The release build: RSS (and open descriptors) every 10 reconnections.
fds() { ls "/proc/$1/fd" | wc -l; }
run_sipsentry "$binary" "$work/release.log"
reconnect "$work/release.log" 5 || exit 1
rss_before=$(rss "$run_pid")
echo "release: after 5 reconnections VmRSS ${rss_before} kB, $(fds "$run_pid") fds"
done_count=0
while [ "$done_count" -lt "$reconnects" ]; do
  step=$(( reconnects - done_count < 10 ? reconnects - done_count : 10 ))
  reconnect "$work/release.log" "$step" || exit 1
  done_count=$((done_count + step))
  echo "release: after $((done_count + 5)) reconnections VmRSS $(rss "$run_pid") kB, $(fds "$run_pid") fds"
done
rss_after=$(rss "$run_pid")
kill -TERM "$run_pid"; wait "$run_pid"
echo "release: $(( (rss_after - rss_before) * 1024 / reconnects )) bytes of VmRSS per reconnection" \
  "(${rss_before} -> ${rss_after} kB over $reconnects)"

[ -n "$sanitize_binary" ] || exit 0
# The sanitizer build: LeakSanitizer's total at exit, Sofia's leak unsuppressed.
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=/dev/null
# leaked N: LeakSanitizer's bytes after N reconnections, in $leaked_bytes.
# Not in a $(...) subshell: the registrars it restarts must be in this
# shell's $started_pids for the cleanup to stop them.
leaked() {
  run_sipsentry "$sanitize_binary" "$work/sanitize-$1.log"
  reconnect "$work/sanitize-$1.log" "$1" || exit 1
  kill -TERM "$run_pid"; wait "$run_pid"
  leaked_bytes=$(sed -n 's/^SUMMARY: AddressSanitizer: \([0-9]*\) byte.*/\1/p' "$work/sanitize-$1.log")
  leaked_bytes=${leaked_bytes:-0}
}
leaked 1
one=$leaked_bytes
leaked "$reconnects"
many=$leaked_bytes
echo "sanitize: LeakSanitizer $one bytes leaked after 1 reconnection, $many after $reconnects:" \
  "$(( (many - one) / (reconnects - 1) )) bytes per reconnection"
grep -h -A3 "^Direct leak\|^Indirect leak" "$work/sanitize-$reconnects.log" | grep -E "leak of|#[0-9] " | head -n 40
