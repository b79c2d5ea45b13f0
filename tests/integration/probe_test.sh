#!/bin/sh
# `sipsentry probe` against a real Kamailio registrar on loopback: what an
# operator sees and the exit codes of spec.md §9, over UDP, TCP and TLS, for
# an answering, a closed, a silent and a password-protected server, and a
# server whose certificate cannot be verified; and what the server itself
# received.
# Usage: probe_test.sh SIPSENTRY
set -u
sipsentry=$1
. "$(dirname "$0")/lib.sh"

port=$(free_port)
tls_port=$(free_port)
closed=$(free_port)
start_kamailio registrar "$port" "s3cret" "$tls_port" || exit 1
out="$work/out"
log="$work/registrar/log"
ca="$work/tls/ca.pem"

# received METHOD TRANSPORT: how many the registrar logged so far.
received() { grep -cE "received $1 from 127.0.0.1:[0-9]+ over $2" "$log"; }

before=$(received OPTIONS udp)
"$sipsentry" probe "sip:127.0.0.1:$port" >"$out" 2>&1
expect_exit "OPTIONS over UDP" 0 $?
expect_output "OPTIONS over UDP" "$out" "^OPTIONS sip:127.0.0.1:$port: 200 OK after [0-9.]+m?s$"
expect_exit "the server saw one UDP OPTIONS" $((before + 1)) "$(received OPTIONS udp)"

"$sipsentry" probe "sip:127.0.0.1:$port;transport=tcp" --format json >"$out" 2>&1
expect_exit "OPTIONS over TCP" 0 $?
expect_output "JSON" "$out" '"available":true.*"outcome":"2xx".*"status":200.*"transport":"tcp"'
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$out"
expect_exit "JSON parses" 0 $?
expect_exit "the server saw one TCP OPTIONS" 1 "$(received OPTIONS tcp)"

"$sipsentry" probe "sips:127.0.0.1:$tls_port" --ca-file "$ca" >"$out" 2>&1
expect_exit "OPTIONS over TLS, verified with the test CA" 0 $?
expect_output "OPTIONS over TLS" "$out" "^OPTIONS sips:127.0.0.1:$tls_port: 200 OK after"
expect_exit "the server saw one TLS OPTIONS" 1 "$(received OPTIONS tls)"

"$sipsentry" probe "sip:127.0.0.1:$tls_port;transport=tls" >"$out" 2>&1
expect_exit "TLS without the CA (system store)" 2 $?
expect_output "an unverifiable certificate is tls" "$out" "unavailable \(tls\)"
expect_exit "nothing sent to the unverified server" 1 "$(received OPTIONS tls)"

"$sipsentry" probe "sips:127.0.0.1:$tls_port" --insecure >"$out" 2>&1
expect_exit "TLS with verification off" 0 $?
expect_output "verification off is said" "$out" "warning: TLS certificate verification is off"

"$sipsentry" probe "sip:127.0.0.1:$closed" >"$out" 2>&1
expect_exit "closed UDP port" 2 $?
expect_output "closed UDP port is icmp" "$out" "unavailable \(icmp\)"

"$sipsentry" probe "sip:127.0.0.1:$closed;transport=tcp" >"$out" 2>&1
expect_exit "closed TCP port" 2 $?
expect_output "closed TCP port is tcp_refused" "$out" "unavailable \(tcp_refused\)"

"$sipsentry" probe "sips:127.0.0.1:$closed" --format json >"$out" 2>&1
expect_exit "closed TLS port" 2 $?
expect_output "closed TLS port is tcp_refused" "$out" '"available":false.*"outcome":"tcp_refused"'

PROBE_PASSWORD=s3cret "$sipsentry" probe "sip:127.0.0.1:$port" --user 1001 \
  --password-env PROBE_PASSWORD >"$out" 2>&1
expect_exit "REGISTER with digest" 0 $?
expect_output "REGISTER with digest" "$out" "^REGISTER sip:127.0.0.1:$port: 200 OK"

PROBE_PASSWORD=s3cret "$sipsentry" probe "sips:127.0.0.1:$tls_port" --ca-file "$ca" \
  --user 1001 --password-env PROBE_PASSWORD >"$out" 2>&1
expect_exit "REGISTER with digest over TLS" 0 $?

PROBE_PASSWORD=wrong "$sipsentry" probe "sip:127.0.0.1:$port;transport=tcp" --user 1001 \
  --password-env PROBE_PASSWORD >"$out" 2>&1
expect_exit "wrong password: the server is up but refuses" 1 $?
expect_output "wrong password" "$out" "401"

"$sipsentry" probe "sip:127.0.0.1:$port" --user 1001 --password-env UNSET_VARIABLE_X >"$out" 2>&1
expect_exit "unset password variable" 3 $?

# What the server saw: a REGISTER answered once with credentials (two
# REGISTERs per digest probe: challenge, answer).
expect_exit "server saw 2 + 2 + 2 REGISTERs" 6 "$(grep -c "received REGISTER" "$log")"

# A silent server: every process of the instance stopped.
kill -STOP $(kamailio_pids "$registrar_pid")
"$sipsentry" probe "sip:127.0.0.1:$port" --timeout 1s >"$out" 2>&1
expect_exit "silent server" 2 $?
expect_output "silent server times out at the budget" "$out" "unavailable \(timeout\) after 1(\.0[0-9]*)?s$"
"$sipsentry" probe "sip:127.0.0.1:$port;transport=tcp" --timeout 1s >"$out" 2>&1
expect_exit "silent TCP server" 2 $?
kill -CONT $(kamailio_pids "$registrar_pid")

expect_absent "the password appears in no output or server log" "s3cret" "$out" "$log"

finish
