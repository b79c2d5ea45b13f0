#!/bin/sh
# RFC 3263's NAPTR step against a real DNS server (dns_lib.sh): pbx.test's
# only NAPTR record offers SIP over TCP (SIP+D2T, flag s) and points at
# _sip._tcp.pbx.test, whose SRV record names tcp.pbx.test, a Kamailio on
# 10.0.0.1. A decoy _sip._udp.pbx.test SRV record names udp.pbx.test, a
# Kamailio on 10.0.0.2: RFC 3263 says a client that found NAPTR records
# uses the SRV names they give, so the decoy must never be asked nor
# reached. The line's one server is pbx.test without a port or a transport;
# it registers over TCP at tcp.pbx.test, the events say so, and Kamailio
# logged the REGISTER over TCP on a connection `ss` shows. About 5 s.
# Usage: naptr_tcp_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/dns_lib.sh"

start_dns "--naptr-record=pbx.test,10,10,s,SIP+D2T,,_sip._tcp.pbx.test" \
  "--srv-host=_sip._tcp.pbx.test,tcp.pbx.test,$sip_port,10,100" \
  "--host-record=tcp.pbx.test,$primary" \
  "--srv-host=_sip._udp.pbx.test,udp.pbx.test,$sip_port,10,100" \
  "--host-record=udp.pbx.test,$backup" || exit 1
start_servers || exit 1
srv_config 60 4s || exit 1

mark=$(dns_mark)
started_at=$(date +%s.%N)
start_sipsentry
expect_event "registered on tcp.pbx.test over TCP" "event=registered server=primary" \
  "$(target_field target tcp.pbx.test tcp)"
expect_exit "dnsmasq was asked for pbx.test's NAPTR records" 0 \
  "$([ "$(dns_asked "$mark" NAPTR pbx.test)" -ge 1 ]; echo $?)"
expect_exit "then for the SRV records NAPTR named" 0 \
  "$([ "$(dns_asked "$mark" SRV _sip._tcp.pbx.test)" -ge 1 ]; echo $?)"
expect_exit "never for the decoy's SRV records" 0 "$(dns_asked "$mark" SRV _sip._udp.pbx.test)"

# What the servers saw: tcp.pbx.test's Kamailio the REGISTER (challenged,
# then answered) and the keep-alives over TCP, the decoy nothing.
expect_output "tcp.pbx.test received REGISTER over TCP" "$work/primary/log" \
  "received REGISTER from $client:[0-9]+ over tcp"
expect_exit "nothing reached it over UDP from sipsentry" 0 \
  "$(grep -c "from $client:[0-9]* over udp" "$work/primary/log")"
expect_exit "the decoy udp.pbx.test received nothing" 0 "$(server_received backup "$started_at")"
expect_exit "sipsentry holds TCP connections to tcp.pbx.test" 0 \
  "$([ "$(ss -Htn state established src "$client" dst "$primary:$sip_port" | wc -l)" -ge 1 ]; echo $?)"

stop_sipsentry
dns_isolated
finish
