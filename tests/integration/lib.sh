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
