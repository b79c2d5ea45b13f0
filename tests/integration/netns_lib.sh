# Shared helpers for the network-fault tests (sourced, POSIX sh, after
# setting $sipsentry, in place of lib.sh): the script runs again in network
# and PID namespaces of its own, where a primary and a backup Kamailio
# registrar and sipsentry each have an address on the namespace's loopback,
# and nftables rules in the namespace make the primary lose packets, go
# silent or answer with ICMP unreachable. The host's interfaces and rules
# are never touched: the namespaces and their rules go when the script ends,
# and with the PID namespace every process in it goes too, even when ctest
# kills the script at its timeout and no trap runs.

if [ -z "${SIPSENTRY_NETNS:-}" ]; then
  if ! unshare --net --pid --fork --mount-proc true 2>/dev/null; then
    echo "SKIP: cannot create network and PID namespaces (unshare --net --pid needs root)"
    exit 77
  fi
  # --kill-child: if unshare is killed, its child (the script, PID 1 of the
  # new namespace) is killed, and the kernel then kills every process in it.
  SIPSENTRY_NETNS=1 exec unshare --net --pid --fork --mount-proc --kill-child sh "$0" "$@"
fi

netns_dir=$(dirname "$0")
primary=10.0.0.1 backup=10.0.0.2 client=10.0.0.3 sip_port=5060
ip link set lo up || exit 1
for address in $primary $backup $client; do ip addr add "$address/32" dev lo || exit 1; done
# All three addresses are local: every packet between them crosses the
# input hook once, at its receiver, so a rule there drops it on the way and
# no sender sees an error of its own.
if ! nft -f - <<NFT; then
table inet faults {
  chain input { type filter hook input priority 0; policy accept; }
}
NFT
  echo "SKIP: nftables cannot create a table in the namespace"
  exit 77
fi

. "$netns_dir/lib.sh"

# fault_rule MATCH VERDICT: an nftables rule in the input chain, with a
# counter (see fault_counts): packets that MATCH get VERDICT (drop, reject).
fault_rule() {
  # shellcheck disable=SC2086 # the match is a list of words
  nft add rule inet faults input $1 counter $2
}

# lift_faults: every fault rule goes; the network is whole again.
lift_faults() { nft flush chain inet faults input; }

# fault_counts: the packets each rule matched, one "MATCH: N packets" a line.
fault_counts() {
  nft list chain inet faults input |
    sed -n 's/^[[:space:]]*\(.*\) counter packets \([0-9]*\) bytes.*/\1: \2 packets/p'
}

# start_servers: the primary on $primary and the backup on $backup, both on
# port 5060, with password s3cret.
start_servers() {
  kamailio_address=$primary
  start_kamailio primary "$sip_port" s3cret || return 1
  kamailio_address=$backup
  start_kamailio backup "$sip_port" s3cret
}

# start_capture: records, with the time each left, the SIP requests and
# responses sent on the namespace's loopback ($work/capture), including
# those a fault then drops; returns when the capture is listening.
start_capture() {
  python3 -u "$netns_dir/sip_capture.py" capture >"$work/capture" 2>"$work/capture.err" &
  started_pids="$started_pids $!"
  wait_for "$work/capture.err" "^listening" 5 || { cat "$work/capture.err"; return 1; }
}

# capture_query ARGS...: sip_capture.py's analysis of $work/capture.
capture_query() { python3 "$netns_dir/sip_capture.py" "$@" <"$work/capture"; }

# netns_config TRANSPORT LINES EXPIRES FAILBACK [T2 [RETRY]]: writes
# $work/sipsentry.yaml: LINES lines (desk1, desk2 …; users 1001 …) on the
# primary and the backup over TRANSPORT with EXPIRES; T1 100 ms, T2 (4s
# unless given), the RETRY mapping ({count: 3} unless given), a keep-alive
# each second, no observation probes, failback every FAILBACK; debug events
# (each request's outcome).
netns_config() {
  {
    printf 'metrics: {listen: "127.0.0.1:9730"}\nsip: {bind: "%s:0"}\n' "$client"
    printf 'log: {level: debug}\nstartup: {jitter: 0s}\ndefaults:\n'
    printf '  timers: {t1: 100ms, t2: %s}\n  retry: %s\n' "${5:-4s}" "${6:-"{count: 3}"}"
    printf '  keepalive_interval: 1s\n  observe: {interval: 0}\n  failback: {interval: %s}\n' "$4"
    echo "lines:"
    for n in $(seq 1 "$2"); do
      printf '  - {name: desk%d, user: "%d", password_env: DESK_PASSWORD, servers: [\n' "$n" $((1000 + n))
      printf '      {name: primary, address: %s, transport: %s, expires: %s},\n' "$primary" "$1" "$3"
      printf '      {name: backup, address: %s, transport: %s, expires: %s}]}\n' "$backup" "$1" "$3"
    done
  } >"$work/sipsentry.yaml"
}

# start_sipsentry: `sipsentry run` on $work/sipsentry.yaml, its log in
# $work/sipsentry.log; returns once every line is registered on the primary
# and a keep-alive was answered there.
start_sipsentry() {
  DESK_PASSWORD=s3cret "$sipsentry" run -c "$work/sipsentry.yaml" >"$work/sipsentry.log" 2>&1 &
  sipsentry_pid=$!
  started_pids="$started_pids $sipsentry_pid"
  last_line=$(grep -c "name: desk" "$work/sipsentry.yaml")
  wait_for "$work/sipsentry.log" "line=desk$last_line event=registered server=primary( |$)" 10
  expect_exit "registered on the primary" 0 $?
  wait_for "$work/sipsentry.log" "event=request server=primary( target=[^ ]+)? method=OPTIONS outcome=2xx" 5
  expect_exit "keep-alives answered" 0 $?
}

# stop_sipsentry: SIGTERM, and sipsentry stops cleanly.
stop_sipsentry() {
  kill -TERM "$sipsentry_pid"
  wait "$sipsentry_pid"
  expect_exit "SIGTERM stops sipsentry cleanly" 0 $?
}

# event_time EXTENDED_REGEX: the time (seconds since the epoch, with
# milliseconds) of the first event of sipsentry's log that matches.
event_time() {
  ts=$(grep -E -- "$1" "$work/sipsentry.log" | head -n 1 | sed -n 's/^ts=\([^ ]*\) .*/\1/p')
  [ -n "$ts" ] && date -u -d "$ts" +%s.%3N
}

# plan_times CONFIG PATTERN: the times (seconds from the start) of the lines
# of `sipsentry plan -c CONFIG` for desk1 (the primary goes silent) that
# contain PATTERN, one a line; the engine's own timeline, for the tests to
# hold the wire to.
plan_times() {
  DESK_PASSWORD=s3cret "$sipsentry" plan -c "$1" --line desk1 2>/dev/null | grep -F -- "$2" |
    awk '{ split($1, t, ":"); printf "%.3f\n", t[1] * 3600 + t[2] * 60 + t[3] }'
}

# plan_offsets CONFIG PATTERN [BEFORE]: the same (those before the time
# BEFORE) as milliseconds from the first, on one line with commas (the form
# of sip_capture.py's OFFSETS).
plan_offsets() {
  plan_times "$1" "$2" | awk -v before="${3:-1e9}" '$1 >= before + 0 { exit }
    NR == 1 { first = $1 } { printf "%s%d", (NR > 1 ? "," : ""), ($1 - first) * 1000 + 0.5 }
    END { print "" }'
}

# within NAME ACTUAL EXPECTED TOLERANCE: seconds, |ACTUAL - EXPECTED| <= TOLERANCE.
within() {
  if awk -v a="$2" -v e="$3" -v t="$4" 'BEGIN { d = a - e; exit !(d <= t && -d <= t) }'; then
    passes=$((passes + 1))
  else
    echo "FAIL: $1: $2 s, expected $3 s +/- $4 s"; failures=$((failures + 1))
  fi
}

# seconds_between FROM TO: TO - FROM with milliseconds.
seconds_between() { awk -v f="$1" -v t="$2" 'BEGIN { printf "%.3f\n", t - f }'; }

# offsets_within NAME ACTUAL EXPECTED TOLERANCE_MS: two lists of offsets in
# milliseconds (a,b,c) have as many items, each within the tolerance.
offsets_within() {
  if awk -v a="$2" -v e="$3" -v t="$4" 'BEGIN {
      n = split(a, x, ","); if (n != split(e, y, ",")) exit 1
      for (i = 1; i <= n; i++) { d = x[i] - y[i]; if (d > t || -d > t) exit 1 } }'; then
    passes=$((passes + 1))
  else
    echo "FAIL: $1: sent at $2 ms, planned $3 ms (+/- $4 ms)"; failures=$((failures + 1))
  fi
}

# first_after ADDRESS TIME: sip_capture.py's line for the first request
# sent to ADDRESS after TIME.
first_after() {
  capture_query transactions "$1" | awk -v t="$2" '$1 > t { print; exit }'
}

# first_unanswered ADDRESS TIME: the same for the first request that ADDRESS
# never answered, sent at most a second before TIME: a keep-alive in flight
# when the fault came is the first to go unanswered.
first_unanswered() {
  capture_query transactions "$1" | awk -v t="$2" '$1 > t - 1 && $6 == 0 { print; exit }'
}

# server_received NAME AFTER [METHOD]: how many requests (or METHODs) the
# server logged as received after the time AFTER.
server_received() {
  grep -E "received ${3:-[A-Z]+} " "$work/$1/log" |
    sed -n 's/.* at=\([0-9.]*\)$/\1/p' | awk -v t="$2" '$1 > t { n++ } END { print n + 0 }'
}
