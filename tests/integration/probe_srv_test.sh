#!/bin/sh
# `sipsentry probe sip:NAME` (no port, no maddr) resolves NAME by RFC 3263
# as the system's DNS serves it -- NAPTR, then SRV, then the host's address
# -- and sends to the first target, naming it in its text and JSON output.
# The script runs again in network, PID and mount namespaces of its own:
# dnsmasq answers on the namespace's 127.0.0.1:53, a private
# /etc/resolv.conf names it, and a Kamailio registrar listens on the
# namespace's loopback; the machine's resolver and files are never used nor
# touched. Skipped where such namespaces cannot be made.
# Usage: probe_srv_test.sh SIPSENTRY
set -u
sipsentry=$1

if [ -z "${SIPSENTRY_NETNS:-}" ]; then
  if ! unshare --net --pid --mount --fork --mount-proc true 2>/dev/null; then
    echo "SKIP: cannot create network, PID and mount namespaces (unshare needs root)"
    exit 77
  fi
  # --kill-child: every process of the namespace goes with the script.
  SIPSENTRY_NETNS=1 exec unshare --net --pid --mount --fork --mount-proc --kill-child \
    sh "$0" "$@"
fi

ip link set lo up || exit 1
. "$(dirname "$0")/lib.sh"

port=$(free_port)
closed=$(free_port)
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$work/resolv.conf"
printf '127.0.0.1 localhost\n' >"$work/hosts"
mount --bind "$work/resolv.conf" /etc/resolv.conf || exit 1
mount --bind "$work/hosts" /etc/hosts || exit 1

# The zone: srv.test by NAPTR -> SRV (UDP) to the registrar first, a closed
# port second; tcp.test by NAPTR to SRV over TCP; plain.test an address only.
dns_log="$work/dnsmasq.log"
dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --port=53 --listen-address=127.0.0.1 \
  --bind-interfaces --no-resolv --no-hosts --local=/test/ --log-queries --log-facility=- \
  --host-record=pbx.test,127.0.0.1 --host-record=plain.test,127.0.0.1 \
  --naptr-record=srv.test,10,50,s,SIP+D2U,,_sip._udp.srv.test \
  --srv-host=_sip._udp.srv.test,pbx.test,"$port",10,100 \
  --srv-host=_sip._udp.srv.test,pbx.test,"$closed",20,100 \
  --naptr-record=tcp.test,10,50,s,SIP+D2T,,_sip._tcp.tcp.test \
  --srv-host=_sip._tcp.tcp.test,pbx.test,"$port",10,100 \
  --local-ttl=5 >"$dns_log" 2>&1 &
dns_pid=$!
started_pids="$started_pids $dns_pid"
for _ in $(seq 1 50); do grep -qs started "$dns_log" && break; sleep 0.1; done

start_kamailio registrar "$port" "s3cret" || exit 1
out="$work/out"
log="$work/registrar/log"
received() { grep -cE "received OPTIONS from 127.0.0.1:[0-9]+ over $1" "$log"; }
# received_by COUNT TRANSPORT: the count once it reached COUNT, or after 2 s
# (Kamailio's workers log a moment after answering).
received_by() {
  for _ in $(seq 1 20); do [ "$(received "$2")" -ge "$1" ] && break; sleep 0.1; done
  received "$2"
}

sleep 0.2
before=$(received udp)
"$sipsentry" probe sip:srv.test >"$out" 2>&1
expect_exit "probe sip:srv.test" 0 $?
expect_output "the registrar answers" "$out" "^OPTIONS sip:srv.test: 200 OK after"
expect_text "the resolved target beside the configured one" "$out" \
  "resolved by DNS SRV/NAPTR (RFC 3263): sent to pbx.test:$port udp (address 127.0.0.1), the first of 2 targets"
expect_exit "the registrar saw the OPTIONS" $((before + 1)) "$(received_by $((before + 1)) udp)"
expect_text "NAPTR asked" "$dns_log" "query[NAPTR] srv.test"
expect_text "SRV asked" "$dns_log" "query[SRV] _sip._udp.srv.test"

"$sipsentry" probe sip:srv.test --format json >"$out" 2>&1
expect_exit "probe sip:srv.test, JSON" 0 $?
expect_text "JSON: resolved by SRV" "$out" '"resolved_by_srv":true'
expect_text "JSON: how many targets" "$out" '"srv_targets":2'
expect_text "JSON: the target and its address" "$out" \
  "\"target\":{\"address\":\"127.0.0.1\",\"host\":\"pbx.test\",\"port\":$port,\"transport\":\"udp\"}"
expect_text "JSON: the configured URI" "$out" '"uri":"sip:srv.test"'

before=$(received tcp)
"$sipsentry" probe sip:tcp.test >"$out" 2>&1
expect_exit "NAPTR choosing TCP" 0 $?
expect_text "sent over TCP" "$out" "sent to pbx.test:$port tcp (address 127.0.0.1), the first of 1 target"
expect_exit "the registrar saw the OPTIONS over TCP" $((before + 1)) "$(received_by $((before + 1)) tcp)"

"$sipsentry" probe sip:plain.test --timeout 2s >"$out" 2>&1
expect_exit "no SRV: the host's address on 5060, closed here" 2 $?
expect_text "no SRV: the host itself on the default port" "$out" \
  "sent to plain.test:5060 udp (address 127.0.0.1), the first of 1 target"

"$sipsentry" probe sip:nowhere.test >"$out" 2>&1
expect_exit "a name that does not exist" 2 $?
expect_output "is dns" "$out" "unavailable \(dns\)"

"$sipsentry" probe "sip:srv.test:$port" --timeout 2s >"$out" 2>&1
expect_exit "a configured port skips SRV (srv.test has no address)" 2 $?
expect_absent "no SRV line with a port" "resolved by DNS SRV" "$out"

# validate and plan say which server is resolved by SRV; plan --resolve
# resolves it now and prints the targets a walk would try, in order.
config="$work/sipsentry.yaml"
cat >"$config" <<YAML
lines:
  - name: reception
    user: "1001"
    servers:
      - {name: pbx, address: srv.test}
      - {name: fixed, address: 127.0.0.1, port: $port}
YAML
"$sipsentry" validate -c "$config" >"$out" 2>&1
expect_exit "validate" 0 $?
expect_text "validate: resolved by SRV" "$out" \
  "reception: pbx srv.test (resolved by DNS SRV/NAPTR, RFC 3263) (primary, budget 7.5s"
expect_text "validate: a port is not" "$out" "fixed udp 127.0.0.1:$port (backup"
"$sipsentry" plan -c "$config" --resolve >"$out" 2>&1
expect_exit "plan --resolve" 0 $?
expect_text "plan --resolve: the record set and its TTL" "$out" \
  "  srv.test: 2 targets by NAPTR and SRV, TTL 5s, resolved again after 30s (the floor)"
expect_text "plan --resolve: the first target" "$out" "    1. pbx.test:$port udp (priority 10, weight 100)"
expect_text "plan --resolve: the second target" "$out" "    2. pbx.test:$closed udp (priority 20, weight 100)"
expect_text "plan: the header says SRV" "$out" \
  "  primary pbx srv.test (resolved by DNS SRV/NAPTR, RFC 3263), REGISTER budget 7.5s"

kill "$dns_pid"
wait "$dns_pid" 2>/dev/null
"$sipsentry" probe sip:srv.test >"$out" 2>&1
expect_exit "no DNS server" 2 $?
expect_output "no DNS server is dns" "$out" "unavailable \(dns\)"
expect_text "says why" "$out" "cannot resolve srv.test"
"$sipsentry" plan -c "$config" --resolve >"$out" 2>&1
expect_exit "plan --resolve without DNS still plans" 0 $?
expect_text "plan --resolve without DNS says why" "$out" \
  "  srv.test: cannot resolve now (NAPTR srv.test: no DNS server answered in time)"

finish
