#!/bin/sh
# Two shards of one configuration file, scraped by one real Prometheus job:
# two Kamailio registrars on loopback, `sipsentry run --shard 1/2` and
# `--shard 2/2` from the same file, each on its own --metrics-listen port.
# Every line runs in exactly one instance, the one `sipsentry validate
# --shard` names (its 5 sipsentry_line_state series, all from there), also
# after a SIGHUP that adds a line. Then the primary stops: every line fails
# over, and the alert rules of packaging/prometheus are active once per line
# over the two instances (pending or firing: the rules' `for` of 5 and 30
# minutes is Prometheus's own clock, not what sharding could break), never
# twice and never for a line missing; every expression of the Grafana
# dashboard evaluates, no line shows twice, and the per-line queries show
# each line once. Expressions are read from the dashboard and the rules at
# test time. A shard that gets no line runs too: it warns and is ready.
# Usage: prometheus_shards_test.sh SIPSENTRY SOURCE_DIR
set -u
sipsentry=$1
source_dir=$(cd "$2" && pwd)
. "$(dirname "$0")/lib.sh"
shards="$(dirname "$0")/prometheus_shards.py"
queries="$(dirname "$0")/prometheus_queries.py"
dashboard="$source_dir/packaging/grafana/sipsentry-dashboard.json"
rules="$source_dir/packaging/prometheus/sipsentry-alerts.yml"

primary_port=$(free_port)
backup_port=$(free_port)
prometheus_port=$(free_port)
prometheus="http://127.0.0.1:$prometheus_port"
shard_port_1=$(free_port)
shard_port_2=$(free_port)
file_metrics_port=$(free_port)
start_kamailio primary "$primary_port" "s3cret" || exit 1
start_kamailio backup "$backup_port" "s3cret" || exit 1

config="$work/sipsentry.yaml"
# write_config NAME...: one line per name, all alike, on the two registrars.
# The file's own metrics.listen is one both instances override.
write_config() {
  fast_config_head "{listen: \"127.0.0.1:$file_metrics_port\"}" >"$config"
  n=0
  for name in "$@"; do
    n=$((n + 1))
    cat >>"$config" <<YAML
  - {name: $name, user: "30$n", password_env: LINE_PASSWORD, servers: [
      {name: pbx-a, address: 127.0.0.1, port: $primary_port, expires: 60},
      {name: pbx-b, address: 127.0.0.1, port: $backup_port, expires: 60}]}
YAML
  done
}

# expect_owners: $work/owners, "LINE INSTANCE" for every line of the file,
# from `validate --shard`; each line must be listed by exactly one shard.
expect_owners() {
  : >"$work/owners"
  for k in 1 2; do
    eval "port=\$shard_port_$k"
    LINE_PASSWORD=s3cret "$sipsentry" validate -c "$config" --shard "$k/2" >"$work/validate-$k"
    expect_exit "validate --shard $k/2" 0 $?
    sed -n "s/^\([a-z0-9-]*\): .*/\1 127.0.0.1:$port/p" "$work/validate-$k" >>"$work/owners"
  done
  sed -n 's/^  - {name: \([^,]*\),.*/\1/p' "$config" | sort >"$work/names"
  cut -d' ' -f1 "$work/owners" | sort >"$work/listed"
  expect_exit "the two shards list every line of the file once" 0 \
    "$(cmp -s "$work/names" "$work/listed"; echo $?)"
  for k in 1 2; do
    expect_output "shard $k/2 runs some of the lines" "$work/validate-$k" \
      "^shard $k/2: [1-9][0-9]* of $(wc -l <"$work/names") lines$"
  done
}

write_config desk-1 desk-2 desk-3 desk-4 desk-5 desk-6
expect_owners
for k in 1 2; do
  eval "port=\$shard_port_$k"
  LINE_PASSWORD=s3cret "$sipsentry" run -c "$config" --shard "$k/2" \
    --metrics-listen "127.0.0.1:$port" >"$work/shard-$k.log" 2>&1 &
  pid=$!
  started_pids="$started_pids $pid"
  eval "shard_pid_$k=$pid"
done

start_prometheus "$prometheus_port" "$rules" "127.0.0.1:$shard_port_1" "127.0.0.1:$shard_port_2"

show_logs() {
  for k in 1 2; do echo "--- shard $k/2"; tail -n 15 "$work/shard-$k.log"; done
  echo "--- prometheus"; tail -n 15 "$work/prometheus.log"
}
# within SECONDS COMMAND...: runs COMMAND until it succeeds; prints its
# output of the last try.
within() {
  end=$(( $(date +%s) + $1 ))
  shift
  while :; do
    "$@" >"$work/last" 2>&1 && { cat "$work/last"; return 0; }
    [ "$(date +%s)" -ge "$end" ] && break
    sleep 0.5
  done
  cat "$work/last"
  return 1
}
lines_on() { "$queries" "$prometheus" nonempty "count(sipsentry_line_active_server{role=\"$1\"} == 1) == $2"; }

within 20 lines_on primary 6
expect_exit "Prometheus sees the 6 lines registered on the primary" 0 $?
[ "$failures" -eq 0 ] || { show_logs; finish; exit 1; }
"$queries" "$prometheus" nonempty 'count(up{job="sipsentry"} == 1) == 2'
expect_exit "both instances are up in one job" 0 $?
within 5 "$shards" "$prometheus" placement "$work/owners"
expect_exit "every line runs in the instance of its shard, and only there" 0 $?

# A reload reads the whole file again: the new line joins one shard only.
write_config desk-1 desk-2 desk-3 desk-4 desk-5 desk-6 desk-7
expect_owners
# shellcheck disable=SC2154 # set by eval above
kill -HUP "$shard_pid_1" "$shard_pid_2"
for k in 1 2; do
  wait_for "$work/shard-$k.log" "reloaded .*\(shard $k/2: [0-9]+ of 7 lines\)" 5
  expect_exit "shard $k/2 reloaded its part of the 7 lines" 0 $?
done
within 20 lines_on primary 7
expect_exit "Prometheus sees the 7 lines registered on the primary" 0 $?
within 5 "$shards" "$prometheus" placement "$work/owners"
expect_exit "after the reload too, every line runs in its shard's instance only" 0 $?

# A shard that holds none of the lines is no error for run: it warns, and
# /healthz says it is ready.
for k in $(seq 1 16); do
  LINE_PASSWORD=s3cret "$sipsentry" validate -c "$config" --shard "$k/16" | grep -q "^shard $k/16: 0 of 7 lines$" &&
    break
done
empty_port=$(free_port)
LINE_PASSWORD=s3cret "$sipsentry" run -c "$config" --shard "$k/16" \
  --metrics-listen "127.0.0.1:$empty_port" >"$work/empty.log" 2>&1 &
empty_pid=$!
started_pids="$started_pids $empty_pid"
ready() { curl -sf "http://127.0.0.1:$empty_port/healthz" >/dev/null; }
within 5 ready
expect_exit "an empty shard ($k/16) is ready" 0 $?
expect_output "an empty shard warns" "$work/empty.log" \
  "level=warn .*shard $k/16 holds none of the 7 line\(s\) of "
kill "$empty_pid"

stop_kamailio primary
within 15 lines_on backup 7
expect_exit "every line fails over to the backup" 0 $?
within 30 "$shards" "$prometheus" alerts "$work/owners" SipsentryPrimaryDown SipsentryLineOnBackup
expect_exit "the line alerts are active once per line over the two instances" 0 $?
"$queries" "$prometheus" rules >"$work/rules" 2>&1
expect_exit "Prometheus evaluates every alert rule without error" 0 $?
grep FAIL "$work/rules"
"$shards" "$prometheus" dashboard "$work/owners" "$dashboard"
expect_exit "every dashboard expression evaluates and shows each line once" 0 $?
[ "$failures" -eq 0 ] || show_logs
finish
