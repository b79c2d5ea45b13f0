#!/bin/sh
# Servers given by name, resolved by a real DNS server as on a host: in
# namespaces of the test's own (dns_lib.sh), /etc/resolv.conf names only a
# dnsmasq on 127.0.0.1:53 that knows pbx.test (A 10.0.0.1, where a
# Kamailio listens). `sipsentry probe sip:pbx.test:5060` asks dnsmasq (its
# query log) and reaches the Kamailio (its log); a name with A and AAAA
# records goes over IPv4; an IPv6-only name, from an IPv4-only bind (a host
# without IPv6), is a local error at once, and from the default bind
# reaches a Kamailio on [::1]; a name that does not exist is
# `dns` at once, and so is one whose DNS server is gone; a DNS server that
# does not answer is `dns` within the probe's budget (or after the
# resolver's own timeout, when resolv.conf sets a shorter one). Nothing
# leaves the namespace. About 6 s.
# Usage: dns_names_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/dns_lib.sh"

# dual.pbx.test has an IPv6 address too, where nothing listens; v6.pbx.test
# only that one.
start_dns "--host-record=pbx.test,$primary" "--host-record=dual.pbx.test,$primary,::1" \
  "--host-record=v6.pbx.test,::1" || exit 1
kamailio_address=$primary
start_kamailio primary "$sip_port" s3cret || exit 1
log="$work/primary/log"
# received: the OPTIONS the Kamailio logged so far.
received() { grep -c "received OPTIONS from .* over udp" "$log"; }

# A name with an A record: dnsmasq is asked, the server answers.
sleep 0.2  # the start-up probes logged
before=$(received)
mark=$(dns_mark)
timed "$sipsentry" probe "sip:pbx.test:$sip_port" --format json
expect_exit "probe sip:pbx.test:$sip_port" 0 "$status"
expect_output "pbx.test answers 200" "$work/out" '"available":true.*"status":200'
expect_exit "the Kamailio at pbx.test's address saw the OPTIONS" $((before + 1)) \
  "$(count_by $((before + 1)) received)"
expect_exit "dnsmasq was asked for pbx.test's A record" 1 "$(dns_asked "$mark" A pbx.test)"
echo "measured: probe of sip:pbx.test:$sip_port answered after ${took}s"

# A name with IPv4 and IPv6 addresses is sent to its IPv4 address.
before=$(received)
timed "$sipsentry" probe "sip:dual.pbx.test:$sip_port"
expect_exit "a name with A and AAAA records answers" 0 "$status"
expect_exit "over IPv4, at the Kamailio" $((before + 1)) "$(count_by $((before + 1)) received)"

# As on a host without IPv6 (SIP bound to an IPv4 address only): a name
# with only an IPv6 address is a local error at once (exit 3), never the
# server's timeout.
timed "$sipsentry" probe "sip:v6.pbx.test:$sip_port" --bind "$client:0"
expect_exit "an IPv6-only name from IPv4 only: local error" 3 "$status"
expect_output "said as a local error" "$work/out" "not sent, local error"
within "at once" "$took" 0 0.3
echo "measured: IPv6-only name from an IPv4-only bind, local error after ${took}s"

# From the default bind (one address of each family) the same name's AAAA
# record leads over IPv6 to a Kamailio on [::1].
if python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' \
  2>/dev/null; then
  kamailio_address="[::1]"
  start_kamailio v6 "$sip_port" s3cret || exit 1
  v6_received() { grep -cE "received OPTIONS from \[?::1\]?:[0-9]+ over udp" "$work/v6/log"; }
  sleep 0.2  # the start-up probes logged
  before=$(v6_received)
  timed "$sipsentry" probe "sip:v6.pbx.test:$sip_port"
  expect_exit "an IPv6-only name from the default bind answers" 0 "$status"
  expect_exit "over IPv6, at the Kamailio on [::1]" $((before + 1)) \
    "$(count_by $((before + 1)) v6_received)"
  echo "measured: AAAA to a Kamailio on [::1], answered after ${took}s"
else
  echo "SKIP (one case): no IPv6 loopback in the namespace"
fi

# A name that does not exist: NXDOMAIN from dnsmasq, dns at once.
mark=$(dns_mark)
timed "$sipsentry" probe "sip:nowhere.pbx.test:$sip_port"
expect_exit "a name that does not exist is unavailable" 2 "$status"
expect_output "reason dns" "$work/out" "unavailable \(dns\)"
within "dns at once for a name that does not exist" "$took" 0 0.3
expect_exit "dnsmasq was asked for it" 1 "$(dns_asked "$mark" A nowhere.pbx.test)"
echo "measured: no such name, dns after ${took}s"

# A DNS server that does not answer: dns before the probe's budget would
# blame the server, at nine tenths of it, when resolv.conf's own retries
# (glibc's timeout:5 attempts:2 here, 15 s) would take longer.
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n' >"$work/resolv.conf"
freeze_dns
timed "$sipsentry" probe "sip:pbx.test:$sip_port" --timeout 3s
thaw_dns
expect_exit "a silent DNS server: unavailable" 2 "$status"
expect_output "reason dns" "$work/out" "unavailable \(dns\)"
within "dns at nine tenths of the 3 s budget" "$took" 2.7 0.3
expect_output "the probe says what the lookup cost" "$work/out" "after 2\.[6-9]"
echo "measured: silent DNS server, dns after ${took}s (budget 3 s)"

# resolv.conf's glibc options decide when they are shorter: timeout:1
# attempts:1 gives up after one try of 1 s, long before the default budget
# (32 s); so do c-ares' own retrans:1000 retry:1.
for options in "timeout:1 attempts:1" "retrans:1000 retry:1"; do
  printf 'nameserver 127.0.0.1\noptions %s\n' "$options" >"$work/resolv.conf"
  freeze_dns
  timed "$sipsentry" probe "sip:pbx.test:$sip_port"
  thaw_dns
  expect_exit "a silent DNS server, one try of 1 s ($options): unavailable" 2 "$status"
  within "dns after the resolver's one try (1 s, $options), not the 32 s budget" "$took" 1 0.3
  echo "measured: silent DNS server with $options, dns after ${took}s (budget 32 s)"
done
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' >"$work/resolv.conf"

# A DNS server that is gone: its port is closed, the query refused: dns at once.
stop_dns
before=$(received)
timed "$sipsentry" probe "sip:pbx.test:$sip_port"
expect_exit "no DNS server: unavailable" 2 "$status"
expect_output "reason dns" "$work/out" "unavailable \(dns\)"
within "dns at once when the DNS server is gone" "$took" 0 0.3
expect_exit "nothing reached the Kamailio" "$before" "$(received)"
echo "measured: DNS server gone, dns after ${took}s"

dns_isolated
finish
