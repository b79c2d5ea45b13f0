#!/bin/sh
# The soak (not in CI; README "Hardening and soak"): a release `sipsentry run`
# with LINES lines and fast timers for MINUTES minutes. Odd lines have the
# hostile server as primary (every case of its catalogue at random, a good
# 200 every third answer), even lines a flapping server (good for 40 s,
# silent for 20 s); every line's backup is a real Kamailio. Every minute it
# prints sipsentry's VmRSS and open file descriptors; at the end the verdict:
# after a warm-up of W = min(5, MINUTES/3) minutes, every sample from minute
# 2W on must lie within ±10 % of the median of minutes W..2W (exit 0), else
# exit 1.
# Usage: tests/soak/run.sh [--minutes 60] [--lines 100] [--interval 60]
#                          [--binary build/src/sipsentry]
set -u
minutes=60 lines=100 interval=60
sipsentry=build/src/sipsentry
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2 ;;
    --lines) lines=$2 ;;
    --interval) interval=$2 ;;  # seconds between samples (60: one a minute)
    --binary) sipsentry=$2 ;;
    *) echo "usage: $0 [--minutes N] [--lines N] [--interval SECONDS] [--binary PATH]" >&2; exit 2 ;;
  esac
  shift 2
done
[ -x "$sipsentry" ] || { echo "no sipsentry at $sipsentry (build it: cmake --build build)" >&2; exit 2; }
integration_dir="$(cd "$(dirname "$0")/../integration" && pwd)"
. "$integration_dir/lib.sh"
hostile="$integration_dir/../hostile/hostile_sip_server.py"

secret="soak-secret"
hostile_port=$(free_port)
flapping_port=$(free_port)
backup_port=$(free_port)
metrics_port=$(free_port)
start_kamailio backup "$backup_port" "$secret" || exit 1
# Quiet: their logs would grow by a line an answer.
python3 "$hostile" --port "$hostile_port" --mode random --seed 12 --good-every 3 --quiet \
  >"$work/hostile.log" 2>&1 &
started_pids="$started_pids $!"
python3 "$hostile" --port "$flapping_port" --case good_200 --flap 40:20 --quiet \
  >"$work/flapping.log" 2>&1 &
started_pids="$started_pids $!"
sleep 1

config="$work/sipsentry.yaml"
{
  # Failback every second: each probe is a dialog of its own, whose memory
  # once stayed for good (257 bytes a probe).
  fast_config_head "{listen: \"127.0.0.1:$metrics_port\"}" | sed 's/^  failback: .*/  failback: {interval: 1s}/'
  for n in $(seq 1 "$lines"); do
    primary=$hostile_port
    [ $((n % 2)) -eq 0 ] && primary=$flapping_port
    printf '  - {name: line%s, user: "%s", password_env: SOAK_PASSWORD, register_retry_interval: 2s, servers: [{name: primary, address: 127.0.0.1, port: %s, expires: 10}, {name: backup, address: 127.0.0.1, port: %s, expires: 30}]}\n' \
      "$n" "$((3000 + n))" "$primary" "$backup_port"
  done
} >"$config"
SOAK_PASSWORD=$secret "$sipsentry" run -c "$config" >"$work/sipsentry.log" 2>&1 &
sipsentry_pid=$!
started_pids="$started_pids $sipsentry_pid"

samples="$work/samples"
total() { grep -E "^$1[{ ]" "$work/metrics" | awk '{s += $NF} END {print s + 0}'; }
echo "soak: $lines lines, $minutes min, a sample every $interval s (pid $sipsentry_pid)"
echo "elapsed_s  rss_kb  fds  requests  failback_probes"
deadline=$(( $(date +%s) + minutes * 60 ))
started=$(date +%s)
while [ "$(date +%s)" -lt "$deadline" ]; do
  sleep "$interval"
  if ! kill -0 "$sipsentry_pid" 2>/dev/null; then
    echo "FAIL: sipsentry stopped"; tail -n 20 "$work/sipsentry.log"; exit 1
  fi
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$sipsentry_pid/status")
  fds=$(ls "/proc/$sipsentry_pid/fd" | wc -l)
  elapsed=$(( $(date +%s) - started ))
  curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$work/metrics"
  requests=$(total sipsentry_requests_total)
  probes=$(total sipsentry_failback_probes_total)
  printf '%9s  %6s  %3s  %8s  %15s\n' "$elapsed" "$rss" "$fds" "$requests" "$probes"
  printf '%s %s %s\n' "$elapsed" "$rss" "$fds" >>"$samples"
done
curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$work/metrics"
echo "dropped: $(grep -E '^sipsentry_sip_messages_dropped_total' "$work/metrics" | tr '\n' ' ')"
echo "failovers: $(total sipsentry_failovers_total), failbacks: $(total sipsentry_failbacks_total)"

python3 - "$samples" "$minutes" <<'PY'
import statistics, sys
rows = [tuple(map(int, line.split())) for line in open(sys.argv[1])]
minutes = int(sys.argv[2])
warm = min(5, minutes / 3) * 60
base = [r for r in rows if warm <= r[0] <= 2 * warm]
late = [r for r in rows if r[0] > 2 * warm]
if not base or not late:
    sys.exit("verdict: too few samples (run longer or sample more often)")
ok = True
for column, name in ((1, "rss_kb"), (2, "fds")):
    median = statistics.median(r[column] for r in base)
    low, high = min(r[column] for r in late), max(r[column] for r in late)
    flat = 0.9 * median <= low and high <= 1.1 * median
    ok &= flat
    print("verdict: %s median %g over %d..%d s; later %g..%g (%+.1f %%): %s" % (
        name, median, warm, 2 * warm, low, high, 100 * (high - median) / median,
        "flat" if flat else "NOT FLAT"))
sys.exit(0 if ok else 1)
PY
