#!/bin/sh
# The README's main-job command: sipsentry against a demo pair of SIP
# servers on loopback.
#
#   packaging/demo.sh                 installs what is missing, builds, starts two
#                                     Kamailio registrars (pbx-a on 127.0.0.1:5070,
#                                     TLS 5071; pbx-b on 127.0.0.1:5080, TLS 5081),
#                                     with a throwaway certificate that expires
#                                     in 10 days, and runs
#                                     `sipsentry run -c config/demo.yaml` in the
#                                     foreground; Ctrl-C stops everything
#   packaging/demo.sh primary-down    (from a second terminal) stops pbx-a
#   packaging/demo.sh primary-up      starts pbx-a again
#
# SIPSENTRY_BIN names a built binary and skips the build;
# SIPSENTRY_DEMO_DIR is where the servers keep their files (default
# /tmp/sipsentry-demo).
set -eu

cd "$(dirname "$0")/.."
demo_dir=${SIPSENTRY_DEMO_DIR:-/tmp/sipsentry-demo}
primary_port=5070
backup_port=5080
# TLS on the next port of each.
primary_tls_port=5071
backup_tls_port=5081
# A demo password, known to the demo's servers and handed to sipsentry
# through the environment, never on a command line.
export DEMO_SIP_PASSWORD=demo-only-password

modules_dir() {
  dirname "$(find /usr/lib -name registrar.so -path '*kamailio*' | head -n 1)"
}

# make_certificate: a throwaway CA and a certificate for 127.0.0.1 that it
# signed, valid for 10 days from now, so that the status page, the metric
# and `check` show a certificate that expires soon. Made anew each run.
make_certificate() {
  tls="$demo_dir/tls"
  mkdir -p "$tls"
  printf 'subjectAltName=IP:127.0.0.1\n' >"$tls/server.ext"
  { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/ca.key" -out "$tls/ca.pem" \
      -days 365 -subj "/CN=sipsentry demo CA" &&
    openssl req -newkey rsa:2048 -nodes -keyout "$tls/server.key" -out "$tls/server.csr" \
      -subj "/CN=127.0.0.1" &&
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
      -CAcreateserial -out "$tls/server.pem" -days 10 -extfile "$tls/server.ext"; } \
    >"$tls/log" 2>&1 || { echo "demo: openssl failed; its log:" >&2; cat "$tls/log" >&2; return 1; }
  printf '[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\nprivate_key = %s\ncertificate = %s\n' \
    "$tls/server.key" "$tls/server.pem" >"$tls/kamailio-tls.cfg"
}

# start_server NAME PORT TLS_PORT: a registrar in the background, its pid in $demo_dir/NAME.pid.
start_server() {
  name=$1 port=$2 tls_port=$3
  mkdir -p "$demo_dir/$name"
  [ -f "$demo_dir/tls/kamailio-tls.cfg" ] || make_certificate
  sed -e "s|@PORT@|$port|g" -e "s|@TLS_PORT@|$tls_port|g" -e "s|@NAME@|$name|g" \
    -e "s|@TLS_CONFIG@|$demo_dir/tls/kamailio-tls.cfg|g" -e "s|@PASSWORD@|$DEMO_SIP_PASSWORD|g" \
    -e "s|@MODULES@|$(modules_dir)/|g" packaging/demo/kamailio.cfg.in >"$demo_dir/$name/kamailio.cfg"
  kamailio -f "$demo_dir/$name/kamailio.cfg" -DD -E -Y "$demo_dir/$name" \
    -P "$demo_dir/$name/kamailio.pid" >"$demo_dir/$name/log" 2>&1 &
  echo $! >"$demo_dir/$name.pid"
  for _ in $(seq 1 50); do
    ss -lun 2>/dev/null | grep -q "127.0.0.1:$port " &&
      ss -ltn 2>/dev/null | grep -q "127.0.0.1:$tls_port " && return 0
    sleep 0.1
  done
  echo "demo: $name did not start; its log:" >&2
  cat "$demo_dir/$name/log" >&2
  return 1
}

stop_server() {
  pidfile="$demo_dir/$1.pid"
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  # A server that did not stop in 5 s, and any worker of it left behind.
  pkill -KILL -f "$demo_dir/$1/kamailio.cfg" 2>/dev/null || true
  rm -f "$pidfile"
}

case ${1:-run} in
  primary-down)
    stop_server pbx-a
    echo "demo: pbx-a (127.0.0.1:$primary_port) stopped; each line's next keep-alive finds it unavailable"
    exit 0 ;;
  primary-up)
    start_server pbx-a "$primary_port" "$primary_tls_port"
    echo "demo: pbx-a (127.0.0.1:$primary_port) is back; the failback probe moves the lines home"
    exit 0 ;;
  run) ;;
  *) echo "usage: $0 [run|primary-down|primary-up]" >&2; exit 3 ;;
esac

if [ -n "${SIPSENTRY_BIN:-}" ]; then
  sipsentry=$SIPSENTRY_BIN
else
  packaging/install-deps.sh
  build_dir=${SIPSENTRY_BUILD_DIR:-build}
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" --parallel "$(nproc)" --target sipsentry
  sipsentry=$build_dir/src/sipsentry
fi

for port in $primary_port $primary_tls_port $backup_port $backup_tls_port 9730; do
  if ss -ltun 2>/dev/null | grep -q "127.0.0.1:$port "; then
    echo "demo: 127.0.0.1:$port is in use; is another demo running? (stop it with Ctrl-C)" >&2
    exit 1
  fi
done

mkdir -p "$demo_dir"
rm -rf "$demo_dir/tls"  # a certificate of this run's: 10 days from now
cleanup() {
  stop_server pbx-a
  stop_server pbx-b
}
trap cleanup EXIT
trap 'exit 130' INT TERM
start_server pbx-a "$primary_port" "$primary_tls_port"
start_server pbx-b "$backup_port" "$backup_tls_port"

cat <<TEXT
demo: two SIP registrars on loopback: pbx-a 127.0.0.1:$primary_port (primary), pbx-b 127.0.0.1:$backup_port (backup), TLS on $primary_tls_port and $backup_tls_port
demo: metrics at http://127.0.0.1:9730/metrics, health at http://127.0.0.1:9730/healthz
demo: status page at http://127.0.0.1:9730/, JSON at http://127.0.0.1:9730/api/v1/lines
demo: from another terminal: '$0 primary-down' stops pbx-a, '$0 primary-up' starts it again
demo: sipsentry's event log follows; Ctrl-C stops the demo
TEXT
"$sipsentry" run -c config/demo.yaml &
sipsentry_pid=$!
# Forward Ctrl-C and SIGTERM to sipsentry, which stops cleanly, then clean up.
trap 'kill -TERM $sipsentry_pid 2>/dev/null' INT TERM
wait "$sipsentry_pid" || wait "$sipsentry_pid" || true
