#!/bin/sh
# Names from /etc/hosts, as the system resolves them ("files dns"):
# `sipsentry probe sip:localhost:PORT` and a lab's own name reach a Kamailio
# listening there, with no DNS server asked. Runs sipsentry in a mount
# namespace with its own /etc/hosts and /etc/resolv.conf (a nameserver on a
# closed loopback port), so that the machine's files stay untouched and no
# query leaves the machine; skipped where such a namespace cannot be made.
# Usage: hosts_file_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"

hosts="$work/hosts"
resolv="$work/resolv.conf"
printf '127.0.0.1 localhost\n127.0.0.1 pbx.lab.test\n' >"$hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$resolv"
# in_namespace CMD...: CMD with the test's hosts and resolv.conf.
in_namespace() {
  unshare -m sh -c 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf &&
    shift 2 && exec "$@"' sh "$hosts" "$resolv" "$@"
}
if ! in_namespace true 2>/dev/null; then
  echo "SKIP: cannot bind a hosts file in a mount namespace (unshare -m needs root)"
  exit 77
fi

port=$(free_port)
start_kamailio registrar "$port" "s3cret" || exit 1
out="$work/out"
log="$work/registrar/log"
# From any source address: for a name the probe binds 0.0.0.0 (it calls
# only "localhost" and 127.x loopback targets), and the request then leaves
# from the machine's own address, still over the loopback device.
received() { grep -cE "received OPTIONS from [0-9.]+:[0-9]+ over udp" "$log"; }

sleep 0.2  # the start-up probes logged
before=$(received)
in_namespace "$sipsentry" probe "sip:localhost:$port" >"$out" 2>&1
expect_exit "probe sip:localhost:PORT" 0 $?
expect_output "localhost answers" "$out" "^OPTIONS sip:localhost:$port: 200 OK after"
expect_exit "the server saw the OPTIONS sent to localhost" $((before + 1)) "$(count_by $((before + 1)) received)"

in_namespace "$sipsentry" probe "sip:pbx.lab.test:$port" >"$out" 2>&1
expect_exit "a name only /etc/hosts knows" 0 $?
expect_exit "the server saw the OPTIONS sent to pbx.lab.test" $((before + 2)) "$(count_by $((before + 2)) received)"

in_namespace "$sipsentry" probe "sip:elsewhere.lab.test:$port" >"$out" 2>&1
expect_exit "a name neither /etc/hosts nor DNS knows" 2 $?
expect_output "is dns" "$out" "unavailable \(dns\)"

finish
