# Shared helpers for the integration tests (sourced, POSIX sh, after
# setting $sipsentry): free ports, a real Kamailio registrar on loopback, and
# cleanup of every process started. A script outside this directory (the
# benchmark) sets $integration_dir to it first: a sourced sh file cannot
# know its own path.

integration_dir=${integration_dir:-$(dirname "$0")}
. "$integration_dir/../assertions.sh"

work=$(mktemp -d)
started_pids=""

cleanup() {
  # Every process started and its children (Kamailio's workers), taken
  # before the main processes go and their children are re-parented.
  all_pids=$started_pids
  for pid in $started_pids; do all_pids="$all_pids $(pgrep -P "$pid" | tr '\n' ' ')"; done
  # shellcheck disable=SC2086 # lists of pids
  kill -CONT $all_pids 2>/dev/null
  # shellcheck disable=SC2086
  kill $started_pids 2>/dev/null
  # Kamailio's children follow their main process; wait for them to go,
  # and kill whatever is still there after 2 s.
  # shellcheck disable=SC2086
  wait_gone 20 $all_pids || kill -KILL $all_pids 2>/dev/null
  rm -rf "$work"
}

# wait_gone TENTHS PID...: waits up to TENTHS tenths of a second for every
# PID to end; fails when one is still there.
wait_gone() {
  tenths=$1
  shift
  for _ in $(seq 1 "$tenths"); do
    alive=""
    for waited_pid in "$@"; do kill -0 "$waited_pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && return 0
    sleep 0.1
  done
  return 1
}
trap cleanup EXIT

# A port free for both UDP and TCP on 127.0.0.1.
free_port() {
  python3 - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port)); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
print(port)
PY
}

# make_tls_files: a throwaway CA ($work/tls/ca.pem) and a server
# certificate it signed for 127.0.0.1 ($work/tls/server.pem, server.key).
make_tls_files() {
  dir="$work/tls"
  [ -f "$dir/server.pem" ] && return 0
  mkdir -p "$dir"
  printf 'subjectAltName=IP:127.0.0.1\n' >"$dir/server.ext"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -days 2 -subj "/CN=sipsentry test CA" >"$dir/log" 2>&1 &&
  openssl req -newkey rsa:2048 -nodes -keyout "$dir/server.key" -out "$dir/server.csr" \
    -subj "/CN=127.0.0.1" >>"$dir/log" 2>&1 &&
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -out "$dir/server.pem" -days 2 -extfile "$dir/server.ext" >>"$dir/log" 2>&1
}

# start_kamailio NAME PORT PASSWORD [TLS_PORT] [UAS_PORT]: starts a
# registrar (with TLS on TLS_PORT when given and not empty, certificate from
# make_tls_files; relaying calls to a UAS on 127.0.0.1:UAS_PORT, -A
# WITH_CALLS, when UAS_PORT is given); its main pid is in $NAME_pid.
# $kamailio_args, when set, adds words to its command line (the benchmark's
# tuning: -A WITH_BENCH and memory sizes); $kamailio_address, when set, is
# the address it listens on instead of 127.0.0.1 (a test in its own network
# namespace gives each server an address of its own); $kamailio_certificate,
# when set, is the TLS certificate it presents instead of server.pem (one
# for server.key: tls_expiry_test.sh's dated ones).
start_kamailio() {
  name=$1 port=$2 password=$3 tls_port=${4:-} uas_port=${5:-}
  listen_address=${kamailio_address:-127.0.0.1}
  modules=$(dirname "$(find /usr/lib -name registrar.so -path '*kamailio*' | head -n 1)")
  mkdir -p "$work/$name"
  sed -e "s|@ADDRESS@|$listen_address|g" -e "s|@PORT@|$port|g" -e "s|@PASSWORD@|$password|g" -e "s|@MODULES@|$modules/|g" \
    -e "s|@TLS_PORT@|$tls_port|g" -e "s|@TLS_CONFIG@|$work/$name/tls.cfg|g" \
    -e "s|@UAS_PORT@|$uas_port|g" \
    "$integration_dir/kamailio.cfg.in" >"$work/$name/kamailio.cfg"
  defines=""
  if [ -n "$tls_port" ]; then
    make_tls_files || { cat "$work/tls/log"; return 1; }
    printf '[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\nprivate_key = %s\ncertificate = %s\n' \
      "$work/tls/server.key" "${kamailio_certificate:-$work/tls/server.pem}" >"$work/$name/tls.cfg"
    defines="-A WITH_TLS"
  fi
  [ -n "$uas_port" ] && defines="$defines -A WITH_CALLS"
  # shellcheck disable=SC2086 # defines and kamailio_args are lists of words
  kamailio -f "$work/$name/kamailio.cfg" -DD -E -Y "$work/$name" -P "$work/$name/pid" \
    $defines ${kamailio_args:-} >"$work/$name/log" 2>&1 &
  pid=$!
  started_pids="$started_pids $pid"
  eval "${name}_pid=$pid"
  # Ready when it answers an OPTIONS (about a second; sipsentry is the
  # client at hand, so the server log shows these OPTIONS too).
  for _ in $(seq 1 50); do
    "$sipsentry" probe "sip:$listen_address:$port" --timeout 200ms >/dev/null 2>&1 && return 0
  done
  echo "kamailio $name did not start:"; cat "$work/$name/log"; return 1
}

# start_registrar_pair: Kamailio registrars `primary` on $primary_port and
# `backup` on $backup_port (password s3cret), and free ports for
# sipsentry's metrics ($metrics_port) and SIP ($sip_port).
start_registrar_pair() {
  primary_port=$(free_port)
  backup_port=$(free_port)
  metrics_port=$(free_port)
  sip_port=$(free_port)
  start_kamailio primary "$primary_port" "s3cret" && start_kamailio backup "$backup_port" "s3cret"
}

# udp_port_taken PORT: whether a socket holds UDP PORT on 127.0.0.1.
udp_port_taken() {
  python3 - "$1" <<'PY'
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}

# start_sipp NAME SCENARIO PORT: a SIPp UAS on UDP 127.0.0.1:PORT running
# sipp/SCENARIO (a callee for Kamailio's -A WITH_CALLS); its log and the
# messages it received are under $work/NAME.
start_sipp() {
  name=$1 scenario=$2 port=$3
  mkdir -p "$work/$name"
  sipp -sf "$integration_dir/sipp/$scenario" -i 127.0.0.1 -p "$port" -t u1 -nostdin \
    -trace_msg -message_file "$work/$name/messages" >"$work/$name/log" 2>&1 &
  started_pids="$started_pids $!"
  for _ in $(seq 1 50); do
    udp_port_taken "$port" && return 0
    sleep 0.1
  done
  echo "sipp $name did not start:"; cat "$work/$name/log"; return 1
}

# fast_config_head METRICS: the top of a configuration for the Prometheus
# tests, up to `lines:`: METRICS as its metrics mapping, SIP on loopback, no
# start-up jitter and fast timers (T1 100 ms, a keep-alive and an
# observation each second, failback after 3 s).
fast_config_head() {
  cat <<YAML
metrics: $1
sip: {bind: "127.0.0.1:0"}
startup: {jitter: 0s}
defaults:
  timers: {t1: 100ms}
  keepalive_interval: 1s
  observe: {interval: 1s}
  failback: {interval: 3s}
lines:
YAML
}

# start_prometheus PORT RULES TARGET...: a real Prometheus on 127.0.0.1:PORT
# that scrapes the TARGETs (HOST:PORT) every second as one job, sipsentry,
# and evaluates the RULES file every second; its log is $work/prometheus.log.
start_prometheus() {
  prometheus_listen=127.0.0.1:$1 prometheus_rules=$2
  shift 2
  prometheus_targets=$(printf '"%s", ' "$@")
  cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$prometheus_rules"]
scrape_configs:
  - job_name: sipsentry
    static_configs: [{targets: [${prometheus_targets%, }]}]
YAML
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="$prometheus_listen" >"$work/prometheus.log" 2>&1 &
  started_pids="$started_pids $!"
}

# The processes of one Kamailio instance (main and children).
kamailio_pids() {
  main=$1
  echo "$main $(pgrep -P "$main" | tr '\n' ' ')"
}

# wait_for FILE EXTENDED_REGEX SECONDS: waits until the file has a matching line.
wait_for() {
  file=$1 pattern=$2 limit=$3
  end=$(( $(date +%s) + limit ))
  while [ "$(date +%s)" -le "$end" ]; do
    grep -qE -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# count_by COUNT CMD...: the number CMD prints once it reached COUNT, or
# after 2 s (a Kamailio worker writes its log line a moment after it
# answered, so a count read at once can be one short).
count_by() {
  goal=$1; shift
  for _ in $(seq 1 20); do [ "$("$@")" -ge "$goal" ] && break; sleep 0.1; done
  "$@"
}

# stop_kamailio NAME: stops an instance as a crash would, its main process
# and its workers at once, and waits until they are gone, so that its port
# is closed (an ICMP error, a refused connection) and the same NAME can start
# again at once. Not Kamailio's own shutdown (SIGTERM): on a loaded machine
# that kept the port open and unanswered for seconds, so that a keep-alive
# saw a timeout instead of icmp, and a restart within it refused to run
# ("running process found in the pid file").
stop_kamailio() {
  eval "family=\$(kamailio_pids \"\$${1}_pid\")"
  # shellcheck disable=SC2086 # a list of pids
  kill -KILL $family 2>/dev/null
  # shellcheck disable=SC2086
  wait_gone 50 $family
  rm -f "$work/$1/pid"
}

# --- Times on the wire against a sipsentry instance's log. An instance
# NAME logs (text format) to $work/NAME.log and sends from $NAME_address,
# which tells its requests apart in the registrars' logs (Kamailio logs
# each request's method, source, Call-ID and arrival time). A MARK is a
# number of log lines: what came before it is not searched. Times are
# seconds since the epoch; $tolerance is the slack of expect_near.

# since NAME MARK: NAME's log after its first MARK lines.
since() { tail -n "+$(($2 + 1))" "$work/$1.log"; }

# event_time NAME MARK EXTENDED_REGEX: the time of the first event after
# MARK lines that matches; empty when there is none.
event_time() {
  ts=$(since "$1" "$2" | grep -E -m 1 -- "$3" | sed -E 's/^ts=([^ ]*) .*/\1/')
  [ -n "$ts" ] && date -d "$ts" +%s.%N
}

# mark_before NAME MARK EXTENDED_REGEX: a mark for the first such event
# after MARK lines and what follows it (the number of the line before it).
mark_before() {
  echo $(($2 + $(since "$1" "$2" | grep -nE -m 1 -- "$3" | cut -d: -f1) - 1))
}

# wait_event NAME MARK EXTENDED_REGEX SECONDS: waits for such an event.
wait_event() {
  end=$(($(date +%s) + $4))
  while [ "$(date +%s)" -le "$end" ]; do
    since "$1" "$2" | grep -qE -- "$3" && return 0
    sleep 0.1
  done
  echo "no /$3/ in $1's log"
  return 1
}

# requests SERVER METHOD NAME: "TIME CALL-ID" of each METHOD that the
# registrar SERVER (started by start_kamailio) received from NAME.
requests() {
  eval "address=\$${3}_address"
  grep -F "received $2 from $address:" "$work/$1/log" |
    sed -E 's/.* call_id=([^ ]*) .* at=([0-9.]+).*/\2 \1/'
}

# first_request_after SERVER METHOD NAME TIME: the first such request's
# "TIME CALL-ID" after TIME.
first_request_after() {
  requests "$1" "$2" "$3" | awk -v t="$4" '$1 > t { print; exit }'
}

# count_requests_by SERVER METHOD NAME TIME: how many came by TIME.
count_requests_by() {
  requests "$1" "$2" "$3" | awk -v t="$4" '$1 <= t { n++ } END { print n + 0 }'
}

# expect_near CHECK ACTUAL PLANNED: ACTUAL within $tolerance of PLANNED.
expect_near() {
  if [ -n "$2" ] && awk -v a="$2" -v p="$3" -v t="$tolerance" 'BEGIN { exit !(a - p <= t && p - a <= t) }'
  then passes=$((passes + 1)); else
    echo "FAIL: $1: at ${2:-never}, planned $3 (± $tolerance s)"; failures=$((failures + 1)); fi
}

# expect_before CHECK EARLIER LATER: both times known, EARLIER < LATER.
expect_before() {
  if [ -n "$2" ] && [ -n "$3" ] && awk -v a="$2" -v b="$3" 'BEGIN { exit !(a < b) }'
  then passes=$((passes + 1)); else
    echo "FAIL: $1: ${2:-never} is not before ${3:-never}"; failures=$((failures + 1)); fi
}

# plus A B: the sum of two times (or a time and a duration).
plus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'; }

# start_calling_pair: a SIPp callee that answers every call (on
# $callee_port), and Kamailio registrars `primary` on $primary_port and
# `backup` on $backup_port (password s3cret) that relay calls to it.
start_calling_pair() {
  primary_port=$(free_port)
  backup_port=$(free_port)
  callee_port=$(free_port)
  start_sipp callee call_answer.xml "$callee_port" &&
    start_kamailio primary "$primary_port" "s3cret" "" "$callee_port" &&
    start_kamailio backup "$backup_port" "s3cret" "" "$callee_port"
}

# expect_invite_through_backup NAME MARK REASON: after MARK lines of NAME's
# log (its line's servers pbx-a and pbx-b on the registrars `primary` and
# `backup`), a test call answered through pbx-b whose INVITE went to pbx-a
# first, unavailable (REASON), then at once through pbx-b, with no
# REGISTER before it.
expect_invite_through_backup() {
  wait_event "$1" "$2" "event=test_call result=answered invite_server=pbx-b" 10
  expect_exit "$1, pbx-a $3: a test call answered through pbx-b" 0 $?
  gave_up=$(event_time "$1" "$2" "event=request server=pbx-a method=INVITE outcome=$3")
  expect_exit "$1, pbx-a $3: its INVITE went to pbx-a first" 0 "$([ -n "$gave_up" ]; echo $?)"
  invite=$(first_request_after backup INVITE "$1" "${gave_up:-0}")
  expect_near "$1, pbx-a $3: then to pbx-b at once" "${invite%% *}" "${gave_up:-0}"
  # A REGISTER first would reach pbx-b between the two.
  expect_exit "$1, pbx-a $3: no REGISTER reached pbx-b before that INVITE" \
    "$(count_requests_by backup REGISTER "$1" "$(plus "${gave_up:-0}" -0.01)")" \
    "$(count_requests_by backup REGISTER "$1" "${invite%% *}")"
}
