# Shared helpers for the integration tests (sourced, POSIX sh): free ports,
# a real Kamailio registrar on loopback, and cleanup of every process started.

. "$(dirname "$0")/../assertions.sh"

work=$(mktemp -d)
started_pids=""

cleanup() {
  for pid in $started_pids; do
    kill -CONT "$pid" 2>/dev/null
    kill "$pid" 2>/dev/null
  done
  # Kamailio's children follow their main process; wait for them to go.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=""
    for pid in $started_pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.2
  done
  rm -rf "$work"
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

# start_kamailio NAME PORT PASSWORD: starts a registrar; its main pid is in $NAME_pid.
start_kamailio() {
  name=$1 port=$2 password=$3
  modules=$(dirname "$(find /usr/lib -name registrar.so -path '*kamailio*' | head -n 1)")
  mkdir -p "$work/$name"
  sed -e "s|@PORT@|$port|g" -e "s|@PASSWORD@|$password|g" -e "s|@MODULES@|$modules/|g" \
    "$(dirname "$0")/kamailio.cfg.in" >"$work/$name/kamailio.cfg"
  kamailio -f "$work/$name/kamailio.cfg" -DD -E -Y "$work/$name" -P "$work/$name/pid" \
    >"$work/$name/log" 2>&1 &
  pid=$!
  started_pids="$started_pids $pid"
  eval "${name}_pid=$pid"
  # Ready when it answers OPTIONS (about a second).
  for _ in $(seq 1 50); do
    if grep -q "tcp: 127.0.0.1" "$work/$name/log" 2>/dev/null; then sleep 0.2; return 0; fi
    sleep 0.1
  done
  echo "kamailio $name did not start:"; cat "$work/$name/log"; return 1
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

# stop_kamailio NAME: stops an instance and waits until its port is free.
stop_kamailio() {
  eval "pid=\$${1}_pid"
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}
