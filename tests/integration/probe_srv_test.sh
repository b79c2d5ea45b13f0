#!/bin/sh
# `sipsentry probe sip:NAME` (no port, no maddr) resolves NAME by RFC 3263
# as the system's DNS serves it -- NAPTR, then SRV, then the host's address
# -- and sends to the first target, naming it in its text and JSON output;
# `validate` and `plan` say which servers are resolved so, and `plan
# --resolve` lists their targets now. In dns_lib.sh's namespaces: dnsmasq
# is the only nameserver, a Kamailio listens on 10.0.0.1:5060, and nothing
# reaches the machine's resolver. About 3 s.
# Usage: probe_srv_test.sh SIPSENTRY
set -u
sipsentry=$1
dns_ttl=5
. "$(dirname "$0")/dns_lib.sh"

# srv.test: NAPTR to SRV over UDP, a.pbx.test first, b.pbx.test (where
# nothing listens) second; tcp.test: NAPTR to SRV over TCP; plain.test: an
# address only.
start_dns "--host-record=a.pbx.test,$primary" "--host-record=b.pbx.test,$backup" \
  "--host-record=plain.test,$primary" \
  "--naptr-record=srv.test,10,50,s,SIP+D2U,,_sip._udp.srv.test" \
  "--srv-host=_sip._udp.srv.test,a.pbx.test,$sip_port,10,100" \
  "--srv-host=_sip._udp.srv.test,b.pbx.test,$sip_port,20,100" \
  "--naptr-record=tcp.test,10,50,s,SIP+D2T,,_sip._tcp.tcp.test" \
  "--srv-host=_sip._tcp.tcp.test,a.pbx.test,$sip_port,10,100" || exit 1
kamailio_address=$primary
start_kamailio primary "$sip_port" s3cret || exit 1
out="$work/out"
log="$work/primary/log"
# received TRANSPORT: the OPTIONS the Kamailio logged so far over TRANSPORT.
received() { grep -c "received OPTIONS from .* over $1" "$log"; }

sleep 0.2  # the start-up probes logged
before=$(received udp)
mark=$(dns_mark)
"$sipsentry" probe sip:srv.test >"$out" 2>&1
expect_exit "probe sip:srv.test" 0 $?
expect_output "the registrar answers" "$out" "^OPTIONS sip:srv.test: 200 OK after"
expect_text "the resolved target beside the configured one" "$out" \
  "resolved by DNS SRV/NAPTR (RFC 3263): sent to a.pbx.test:$sip_port udp (address $primary), the first of 2 targets"
expect_exit "the registrar saw the OPTIONS" $((before + 1)) "$(count_by $((before + 1)) received udp)"
expect_exit "NAPTR asked once" 1 "$(dns_asked "$mark" NAPTR srv.test)"
expect_exit "SRV asked once" 1 "$(dns_asked "$mark" SRV _sip._udp.srv.test)"
expect_exit "the first target's address asked" 1 "$(dns_asked "$mark" A a.pbx.test)"

"$sipsentry" probe sip:srv.test --format json >"$out" 2>&1
expect_exit "probe sip:srv.test, JSON" 0 $?
expect_text "JSON: resolved by SRV" "$out" '"resolved_by_srv":true'
expect_text "JSON: how many targets" "$out" '"srv_targets":2'
expect_text "JSON: the target and its address" "$out" \
  "\"target\":{\"address\":\"$primary\",\"host\":\"a.pbx.test\",\"port\":$sip_port,\"transport\":\"udp\"}"
expect_text "JSON: the configured URI" "$out" '"uri":"sip:srv.test"'

before=$(received tcp)
"$sipsentry" probe sip:tcp.test >"$out" 2>&1
expect_exit "NAPTR choosing TCP" 0 $?
expect_text "sent over TCP" "$out" \
  "sent to a.pbx.test:$sip_port tcp (address $primary), the first of 1 target"
expect_exit "the registrar saw the OPTIONS over TCP" $((before + 1)) \
  "$(count_by $((before + 1)) received tcp)"

"$sipsentry" probe sip:plain.test >"$out" 2>&1
expect_exit "no NAPTR nor SRV: the host's address on 5060" 0 $?
expect_text "the host itself on the default port" "$out" \
  "sent to plain.test:5060 udp (address $primary), the first of 1 target"

"$sipsentry" probe sip:nowhere.test >"$out" 2>&1
expect_exit "a name that does not exist" 2 $?
expect_output "is dns" "$out" "unavailable \(dns\)"

mark=$(dns_mark)
"$sipsentry" probe "sip:plain.test:$sip_port" >"$out" 2>&1
expect_exit "a configured port" 0 $?
expect_absent "a port: no SRV line" "resolved by DNS SRV" "$out"
expect_exit "a port: no SRV asked" 0 "$(dns_asked "$mark" SRV _sip._udp.plain.test)"

# validate and plan say which server is resolved by SRV; plan --resolve
# resolves it now and prints the targets a walk would try, in order.
config="$work/probe-srv.yaml"
cat >"$config" <<YAML
lines:
  - name: reception
    user: "1001"
    servers:
      - {name: pbx, address: srv.test}
      - {name: fixed, address: $backup, port: $sip_port}
YAML
"$sipsentry" validate -c "$config" >"$out" 2>&1
expect_exit "validate" 0 $?
expect_text "validate: resolved by SRV" "$out" \
  "reception: pbx srv.test (resolved by DNS SRV/NAPTR, RFC 3263) (primary, budget 7.5s"
expect_text "validate: a port is not" "$out" "fixed udp $backup:$sip_port (backup"
"$sipsentry" plan -c "$config" --resolve >"$out" 2>&1
expect_exit "plan --resolve" 0 $?
expect_text "plan --resolve: the record set and its TTL" "$out" \
  "  srv.test: 2 targets by NAPTR and SRV, TTL 5s, resolved again after 30s (the floor)"
expect_text "plan --resolve: the first target" "$out" \
  "    1. a.pbx.test:$sip_port udp (priority 10, weight 100)"
expect_text "plan --resolve: the second target" "$out" \
  "    2. b.pbx.test:$sip_port udp (priority 20, weight 100)"
expect_text "plan: the header says SRV" "$out" \
  "  primary pbx srv.test (resolved by DNS SRV/NAPTR, RFC 3263), REGISTER budget 7.5s"

dns_isolated
stop_dns
"$sipsentry" probe sip:srv.test >"$out" 2>&1
expect_exit "no DNS server" 2 $?
expect_output "no DNS server is dns" "$out" "unavailable \(dns\)"
expect_text "says why" "$out" "cannot resolve srv.test"
"$sipsentry" plan -c "$config" --resolve >"$out" 2>&1
expect_exit "plan --resolve without DNS still plans" 0 $?
expect_text "plan --resolve without DNS says why" "$out" \
  "  srv.test: cannot resolve now (NAPTR srv.test: no DNS server answered in time)"

finish
