#!/usr/bin/env python3
"""The SIP messages sent on a network namespace's loopback, for the
network-fault tests (netns_*_test.sh).

`capture` prints one line per IPv4 packet sent on `lo` that carries a SIP
message (UDP, or a TCP segment that starts one) or an ICMP error:

    TIME udp|tcp SRC:PORT DST:PORT METHOD|STATUS CALL-ID CSEQ
    TIME icmp SRC DST TYPE CODE

TIME is when the packet left (seconds since the epoch). A packet is seen as
it is sent, before the receiver's nftables input hook: one that a fault
then drops is captured too, so the capture shows every send and
retransmission, where the server's log shows only what got through.

`transactions ADDRESS` reads a capture on stdin and prints one line per
request sent to ADDRESS (its Call-ID and CSeq):

    FIRST-SEND METHOD CALL-ID CSEQ SENDS ANSWERS OFFSETS

SENDS counts the request's packets (first send and retransmissions),
ANSWERS the responses ADDRESS sent to it (some of them possibly dropped
later), OFFSETS the sends' times from the first, in milliseconds.
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
ETHERNET_HEADER = 14


def header(text, long_name, short_name):
    """The value of a SIP header by its long or compact name."""
    for line in text.split("\r\n")[1:]:
        if not line:
            break
        name, _, value = line.partition(":")
        if name.strip().lower() in (long_name, short_name):
            return value.strip()
    return None


def describe_sip(payload):
    """METHOD|STATUS CALL-ID CSEQ of a SIP message, or None."""
    try:
        text = payload.decode("utf-8", "replace")
    except ValueError:
        return None
    first = text.split("\r\n", 1)[0].split(" ")
    if len(first) < 2:
        return None
    if first[0] == "SIP/2.0":
        kind = first[1]
    elif first[-1] == "SIP/2.0":
        kind = first[0]
    else:
        return None
    call_id = header(text, "call-id", "i")
    cseq = header(text, "cseq", "cseq")
    if not call_id or not cseq:
        return None
    return "%s %s %s" % (kind, call_id, cseq.split(" ")[0])


def describe(packet):
    """One capture line for an IPv4 packet, or None."""
    if len(packet) < 20 or packet[0] >> 4 != 4:
        return None
    ihl = (packet[0] & 0x0F) * 4
    protocol = packet[9]
    src, dst = socket.inet_ntoa(packet[12:16]), socket.inet_ntoa(packet[16:20])
    body = packet[ihl:]
    if protocol == 1 and len(body) >= 2 and body[0] in (3, 11):
        return "icmp %s %s %d %d" % (src, dst, body[0], body[1])
    if protocol == 17 and len(body) >= 8:
        ports, payload, name = body[0:4], body[8:], "udp"
    elif protocol == 6 and len(body) >= 20:
        ports, payload, name = body[0:4], body[(body[12] >> 4) * 4:], "tcp"
    else:
        return None
    sip = describe_sip(payload)
    if sip is None:
        return None
    sport, dport = struct.unpack("!HH", ports)
    return "%s %s:%d %s:%d %s" % (name, src, sport, dst, dport, sip)


def capture():
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind(("lo", 0))
    print("listening", file=sys.stderr, flush=True)
    while True:
        frame, address = sock.recvfrom(65535)
        at = time.time()
        # On loopback each packet is seen leaving and arriving: keep the
        # departure, which a drop at the receiver cannot hide.
        if address[2] != PACKET_OUTGOING:
            continue
        line = describe(frame[ETHERNET_HEADER:])
        if line:
            print("%.6f %s" % (at, line), flush=True)


def transactions(address):
    requests = {}  # (call-id, cseq) -> [method, [send times], answers]
    for line in sys.stdin:
        words = line.split()
        if len(words) != 7 or words[1] == "icmp":
            continue
        at, src, dst, kind, call_id, cseq = float(words[0]), words[2], words[3], *words[4:]
        key = (call_id, cseq)
        if dst.split(":")[0] == address and not kind.isdigit():
            requests.setdefault(key, [kind, [], 0])[1].append(at)
        elif src.split(":")[0] == address and kind.isdigit() and key in requests:
            requests[key][2] += 1
    for (call_id, cseq), (method, sends, answers) in sorted(
            requests.items(), key=lambda item: item[1][1][0]):
        offsets = ",".join("%d" % round((t - sends[0]) * 1000) for t in sends)
        print("%.6f %s %s %s %d %d %s" % (sends[0], method, call_id, cseq, len(sends), answers,
                                         offsets))


if __name__ == "__main__":
    if sys.argv[1:] == ["capture"]:
        capture()
    elif len(sys.argv) == 3 and sys.argv[1] == "transactions":
        transactions(sys.argv[2])
    else:
        sys.exit("usage: sip_capture.py capture | transactions ADDRESS <CAPTURE")
