# Shared helpers for the tests of servers given by name against a real DNS
# server (sourced, POSIX sh, after setting $sipsentry, in place of lib.sh):
# the script runs in the network, PID and mount namespaces of netns_lib.sh
# (Kamailios on 10.0.0.1 and 10.0.0.2, sipsentry on 10.0.0.3, nftables
# fault rules), and in its mount namespace /etc/resolv.conf and /etc/hosts
# are files of the test's own: the only nameserver is a dnsmasq the test
# starts on 127.0.0.1:53 of the namespace, with the records the test gives.
# sipsentry's resolver (c-ares) reads those files as it would on a host, so
# the tests need no test-only setting; and since the namespace has no
# device but its loopback, no query can leave it (dns_isolated checks).
# The machine's own files, interfaces and DNS servers are never touched.

. "$(dirname "$0")/netns_lib.sh"

# The TTL dnsmasq gives its own records (--local-ttl), in seconds.
dns_ttl=${dns_ttl:-2}
dns_log=$work/dnsmasq.log
: >"$dns_log"
dns_pid=""

printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' >"$work/resolv.conf"
# localhost only: every other name must come from dnsmasq.
printf '127.0.0.1 localhost\n' >"$work/hosts"
# netns_lib.sh's `unshare --mount-proc` made a mount namespace of the
# script's own (with private propagation): these binds stay in it.
if ! mount --bind "$work/resolv.conf" /etc/resolv.conf 2>/dev/null ||
   ! mount --bind "$work/hosts" /etc/hosts 2>/dev/null; then
  echo "SKIP: cannot bind a resolv.conf and a hosts file in the test's mount namespace"
  exit 77
fi

# start_dns RECORD...: dnsmasq on 127.0.0.1:53 with the RECORDs (its own
# options: --host-record=NAME,ADDRESS, --srv-host=_sip._udp.NAME,TARGET,PORT,
# PRIORITY,WEIGHT, --naptr-record=..., --txt-record=...), authoritative for
# .test (any other name there is NXDOMAIN, nothing is forwarded), every
# query logged to $dns_log; returns once it serves.
# dns_starts: how many times dnsmasq said it started.
dns_starts() { grep -c "started, version" "$dns_log"; }

start_dns() {
  starts_before=$(dns_starts)
  dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file="$work/dnsmasq.pid" \
    --user=root --listen-address=127.0.0.1 --bind-interfaces --port=53 \
    --no-resolv --no-hosts --local=/test/ --local-ttl="$dns_ttl" \
    --log-queries --log-facility="$dns_log" "$@" 2>>"$dns_log" &
  dns_pid=$!
  started_pids="$started_pids $dns_pid"
  for _ in $(seq 1 50); do
    [ "$(dns_starts)" -gt "$starts_before" ] && return 0
    kill -0 "$dns_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "dnsmasq did not start:"; cat "$dns_log"; return 1
}

# stop_dns: dnsmasq goes (its port closed: a query gets ICMP unreachable).
stop_dns() {
  [ -n "$dns_pid" ] || return 0
  kill "$dns_pid" 2>/dev/null
  wait "$dns_pid" 2>/dev/null
  dns_pid=""
}

# change_dns RECORD...: the record set changes: dnsmasq starts again on
# the same port with these RECORDs (it reads records only at start).
change_dns() { stop_dns; start_dns "$@"; }

# freeze_dns / thaw_dns: dnsmasq stops answering (its socket stays open, so
# a query is not refused: it gets no answer at all), then answers again.
freeze_dns() { kill -STOP "$dns_pid"; }
thaw_dns() { kill -CONT "$dns_pid"; }

# dns_mark: the query log's current length, for dns_queries_since.
dns_mark() { wc -l <"$dns_log" | tr -d ' '; }

# dns_queries_since MARK [TYPE]: the queries (of TYPE: A, AAAA, SRV, NAPTR)
# dnsmasq logged after MARK, one "TYPE NAME" a line.
dns_queries_since() {
  tail -n +"$(($1 + 1))" "$dns_log" |
    sed -n 's/.*query\[\([A-Z]*\)\] \([^ ]*\) from .*/\1 \2/p' | grep -E "^${2:-[A-Z]+} "
}

# dns_asked MARK TYPE NAME: how many TYPE queries for NAME came after MARK.
dns_asked() { dns_queries_since "$1" "$2" | grep -cxF "$2 $3"; }

# dns_isolated: the checks that no query can leave: the namespace has no
# device but lo, the only nameserver is dnsmasq, and dnsmasq forwarded
# nothing (it has no upstream server).
dns_isolated() {
  expect_same "the namespace has no device but lo" "lo" \
    "$(ip -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' ' | sed 's/ $//')"
  expect_same "the resolver's only nameserver is dnsmasq" "nameserver 127.0.0.1" \
    "$(grep '^nameserver' /etc/resolv.conf)"
  expect_absent "dnsmasq forwarded no query" "forwarded" "$dns_log"
}

# expect_same NAME EXPECTED ACTUAL: two strings are equal.
expect_same() {
  if [ "$2" = "$3" ]; then passes=$((passes + 1)); else
    echo "FAIL: $1: '$3', expected '$2'"; failures=$((failures + 1)); fi
}

# timed CMD...: runs CMD, its output in $work/out, its exit status in
# $status and how long it took in $took (seconds with milliseconds).
timed() {
  started=$(date +%s.%N)
  "$@" >"$work/out" 2>&1
  status=$?
  took=$(seconds_between "$started" "$(date +%s.%N)")
}

# srv_config EXPIRES FAILBACK: $work/sipsentry.yaml for one line, desk1,
# whose one server, primary, is pbx.test without a port or a transport
# (RFC 3263: NAPTR, then SRV), with netns_config's timers (T1 100 ms, a
# keep-alive each second, failback every FAILBACK); and $work/twin.yaml, the
# same line with two servers by address (primary 10.0.0.1, backup
# 10.0.0.2, UDP): SRV targets a.pbx.test and b.pbx.test take the places of
# those two, so `sipsentry plan` of the twin is the SRV line's timeline.
srv_config() {
  netns_config udp 1 "$1" "$2"
  mv "$work/sipsentry.yaml" "$work/twin.yaml"
  sed -e '/{name: backup,/d' \
    -e "s|{name: primary, address: $primary, transport: udp, expires: \\([^}]*\\)},|{name: primary, address: pbx.test, expires: \\1}]}|" \
    "$work/twin.yaml" >"$work/sipsentry.yaml"
  grep -q "address: pbx.test, expires: $1}]}" "$work/sipsentry.yaml" ||
    { echo "srv_config: no SRV server in:"; cat "$work/sipsentry.yaml"; return 1; }
}

# target_field FIELD HOST TRANSPORT: the regex of an event's FIELD (target,
# from_target, to_target) naming HOST:5060 over TRANSPORT.
target_field() {
  printf '(^| )%s="?%s:%s;transport=%s"?( |$)' "$1" "$(printf %s "$2" | sed 's/\./\\./g')" \
    "$sip_port" "$3"
}

# expect_event NAME EVENT REGEX...: the first event of sipsentry's log that
# contains EVENT (e.g. "event=failover ") matches every REGEX.
expect_event() {
  name=$1 event=$2
  shift 2
  line=$(grep -m 1 -F -- "$event" "$work/sipsentry.log")
  for regex in "$@"; do
    if printf '%s\n' "$line" | grep -qE -- "$regex"; then passes=$((passes + 1)); else
      echo "FAIL: $name: /$regex/ not in: ${line:-(no $event)}"; failures=$((failures + 1))
    fi
  done
}
