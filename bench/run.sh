#!/bin/bash
# The benchmark of issue 11: sipsentry with N lines between two Kamailio
# registrars on loopback, then SIPp doing the same REGISTER work; prints one
# markdown table. See usage below, and "Benchmark" in README.md.
# shellcheck source-path=SCRIPTDIR
set -u

usage() {
  cat <<'EOF_USAGE'
Usage: bench/run.sh [--lines N] [--soak SECONDS] [--no-idle-run] [--sipsentry PATH]

Starts two Kamailio registrars on 127.0.0.1 (free ports, digest auth, sized
for many lines), runs `sipsentry run` on N two-server UDP lines (keep-alive
30 s, observation 60 s, startup.rate 1000), then SIPp making the same N
REGISTERs with digest auth at the same rate against the same registrar, then
sipsentry on 10 lines idle; prints one markdown table of the figures, each
with issue 11's target and whether it is met. Progress goes to stderr.

  --lines N          lines of the main run (default 10000)
  --soak SECONDS     keep the main run going until SECONDS after its start and
                     report its RSS then (3600 for "after an hour"); adds the
                     time to the run
  --no-idle-run      skip the 10-line run (about 35 s)
  --sipsentry PATH   the binary (default build/src/sipsentry of this checkout)

Time: bounded at 240 s + 3 s per 1,000 lines + the soak (4.5 minutes at
10,000 lines; a normal run takes about 3). Everything it starts is stopped
when it ends or is interrupted. Only loopback is used. Needs kamailio, sipp,
curl and python3 (packaging/install-deps.sh). Exit status 0 when every
figure was measured (whether or not it meets its target), 1 otherwise.
EOF_USAGE
}

repo=$(cd "$(dirname "$0")/.." && pwd)
lines=10000 soak=0 idle_option="" sipsentry=$repo/build/src/sipsentry
while [ $# -gt 0 ]; do
  case $1 in
    --lines) lines=${2:-}; shift 2 || break ;;
    --soak) soak=${2:-}; shift 2 || break ;;
    --no-idle-run) idle_option=--no-idle-run; shift ;;
    --sipsentry) sipsentry=${2:-}; shift 2 || break ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
case "$lines$soak" in
  *[!0-9]*|"") echo "bench: --lines and --soak take a whole number" >&2; exit 2 ;;
esac
[ "$lines" -ge 1 ] || { echo "bench: --lines must be at least 1" >&2; exit 2; }
[ -x "$sipsentry" ] || {
  echo "bench: no $sipsentry; build it: cmake --build build --target sipsentry" >&2; exit 2; }
for tool in kamailio sipp curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done

# The integration tests' registrar, tuned as the benchmark needs it
# (tests/integration/kamailio.cfg.in, WITH_BENCH).
integration_dir=$repo/tests/integration
# shellcheck disable=SC2034 # read by lib.sh's start_kamailio
kamailio_args="-A WITH_BENCH -m 256 -M 16"
# shellcheck source=../tests/integration/lib.sh
. "$integration_dir/lib.sh"
# lib.sh's cleanup runs on EXIT; a signal must end the script to get there.
trap 'exit 130' INT TERM HUP

password=s3cret
primary_port=$(free_port)
backup_port=$(free_port)
start_kamailio primary "$primary_port" "$password" || exit 1
start_kamailio backup "$backup_port" "$password" || exit 1

revision=$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
machine="$cpu, $(nproc) cores, Linux $(uname -r)"
heading="sipsentry $revision, $lines lines, $(date -u '+%Y-%m-%d %H:%M UTC'); $machine;"
heading="$heading load average at start $(cut -d' ' -f1-3 /proc/loadavg)"

python3 "$repo/bench/measure.py" --sipsentry "$sipsentry" --work "$work" \
  --lines "$lines" --soak "$soak" $idle_option --password "$password" \
  --registrar-ports "$primary_port" "$backup_port" \
  --registrar-logs "$work/primary/log" "$work/backup/log" \
  --sip-port "$(free_port)" --metrics-port "$(free_port)" --sipp-port "$(free_port)" \
  --idle-sip-port "$(free_port)" --idle-metrics-port "$(free_port)" \
  --heading "$heading" &
measure_pid=$!
started_pids="$started_pids $measure_pid"
wait "$measure_pid"
