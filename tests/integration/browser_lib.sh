# A real headless Chromium for the integration tests (sourced, POSIX sh,
# after lib.sh): the DOM a page builds (dump_dom) and a picture of it
# (screenshot). Each run has a throwaway profile and home under
# $work/chromium/N, reaches nothing but loopback, and leaves no process
# behind: `timeout` leads a process group of its own, Chromium's zygotes,
# renderers and GPU process stay in it, and the whole group is killed when
# the run ends; its crash handlers, which start sessions of their own, are
# found by the run's directory in their arguments.
# shellcheck disable=SC2154 # $work and $integration_dir come from lib.sh

chromium_runs=0
chromium_group=""

# run_chromium STDOUT_FILE ARGUMENT...: one headless Chromium run; its
# stderr goes to $work/chromium/N/stderr, shown when it fails.
run_chromium() {
  stdout_file=$1
  shift
  chromium_runs=$((chromium_runs + 1))
  run_dir="$work/chromium/$chromium_runs"
  mkdir -p "$run_dir/home"
  # Chromium refuses to start its sandbox as root (CI runs as root); as
  # another user it keeps it.
  sandbox=""
  [ "$(id -u)" -eq 0 ] && sandbox=--no-sandbox
  # Every name but 127.0.0.1 fails to resolve, so that neither the page nor
  # Chromium's own services (updates, sync, translation, safe browsing)
  # can reach past loopback; the flags after it stop those services from
  # trying. The network service runs inside the browser process so that
  # its net log can be written (out of process, this version crashes on
  # the log's file); --disable-crashpad-for-testing would break it too.
  # shellcheck disable=SC2086 # sandbox is one flag or none
  HOME="$run_dir/home" XDG_CONFIG_HOME="$run_dir/home/.config" \
    XDG_CACHE_HOME="$run_dir/home/.cache" \
    timeout 60 chromium --headless=new $sandbox --disable-gpu \
    --user-data-dir="$run_dir/profile" \
    --host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" \
    --no-first-run --no-default-browser-check --disable-default-apps --disable-sync \
    --disable-background-networking --disable-component-update --disable-extensions \
    --disable-features=Translate,MediaRouter,OptimizationHints,NetworkTimeServiceQuerying,AutofillServerCommunication --dns-prefetch-disable \
    --disable-client-side-phishing-detection --disable-domain-reliability \
    --disable-crash-reporter --disable-dev-shm-usage \
    --enable-features=NetworkServiceInProcess2 --log-net-log="$run_dir/netlog.json" \
    "$@" >"$stdout_file" 2>"$run_dir/stderr" &
  chromium_group=$!
  wait "$chromium_group"
  chromium_status=$?
  stop_chromium
  if [ "$chromium_status" -ne 0 ]; then
    echo "chromium $* failed (exit $chromium_status; 124: timed out); its stderr:"
    cat "$run_dir/stderr"
  fi
  return "$chromium_status"
}

# stop_chromium: kills what is left of the current run (its process group,
# its crash handlers) and waits until it is gone; also on the way out of a
# failed test.
stop_chromium() {
  [ -n "$chromium_group" ] || return 0
  kill -KILL -- "-$chromium_group" 2>/dev/null
  for _ in $(seq 1 50); do
    run_pids=$(pgrep -f -- "$run_dir/")
    # shellcheck disable=SC2086 # a list of pids
    [ -n "$run_pids" ] && kill -KILL $run_pids 2>/dev/null
    pgrep -g "$chromium_group" >/dev/null || [ -n "$run_pids" ] || break
    sleep 0.1
  done
  chromium_group=""
}
trap 'stop_chromium; cleanup' EXIT

# chromium_leftovers: the processes of any Chromium run of this test that
# are still there (none, when every run cleaned up after itself).
chromium_leftovers() {
  pgrep -af -- "$work/chromium/"
}

# chromium_traffic: where the runs so far went, from their net logs
# (chromium_netlog.py says how it reads them).
chromium_traffic() {
  python3 "$integration_dir/chromium_netlog.py" "$work"/chromium/*/netlog.json
}

# dump_dom URL OUTFILE: the DOM Chromium built from URL, serialized. A page
# that failed to load still exits 0, with nothing written.
dump_dom() {
  run_chromium "$2" --dump-dom "$1" || return 1
  [ -s "$2" ] && return 0
  echo "chromium built no DOM from $1; its stderr:"
  cat "$run_dir/stderr"
  return 1
}

# screenshot URL PNG [WIDTHxHEIGHT]: a PNG of the page in a window of that
# size (1280x800 by default).
screenshot() {
  size=${3:-1280x800}
  rm -f "$2"
  mkdir -p "$(dirname "$2")"
  run_chromium "$work/chromium/screenshot.out" --hide-scrollbars \
    --window-size="${size%x*},${size#*x}" --screenshot="$2" "$1" || return 1
  [ -s "$2" ] && return 0
  echo "chromium took no screenshot of $1; its stderr:"
  cat "$run_dir/stderr"
  return 1
}
