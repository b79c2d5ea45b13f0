#!/usr/bin/env python3
"""A hostile UDP SIP server: answers each request with one response from a
catalogue of malformed and extreme answers (CATALOGUE below), chosen in turn
(--mode cycle), at random from a seed (--mode random --seed N) or always the
same (--case NAME); --flap GOOD:SILENT makes it answer for GOOD seconds and
stay silent for SILENT seconds, over and over (a flapping server).

Python, not C++ beside tests/integration/support/raw_udp_server: the
catalogue is byte-level surgery on a response (cut it, flip bytes, drop or
double a header) that reads as one line each in Python, the soak runs it
next to a release build without building the tests, and it speaks no more
SIP than raw_udp_server does: it echoes the request's Via, From, To,
Call-ID and CSeq so that its answers match their transactions.

Each answer is logged on stdout as `answered case=NAME method=METHOD`, so a
test can see that every case was served.
"""

import argparse
import random
import re
import socket
import sys
import time

STALE_LOOP_ROUNDS = 20  # a Call-ID caught in the stale=true loop stays this long


class Request:
    def __init__(self, data):
        text = data.decode("latin-1")
        head = text.split("\r\n\r\n", 1)[0]
        lines = head.split("\r\n")
        self.method = lines[0].split(" ", 1)[0] if lines else ""
        self.headers = []  # (name lower-case, full line), in order
        for line in lines[1:]:
            name = line.split(":", 1)[0].strip().lower()
            self.headers.append((name, line))

    def header(self, *names):
        return [line for name, line in self.headers if name in names]

    def first_value(self, *names):
        found = self.header(*names)
        return found[0].split(":", 1)[1].strip() if found else ""


def response(req, status="200 OK", drop=(), extra=(), body=b"", content_length=None,
             cseq=None, call_id=None, contact=True):
    """A response to req: its Via, From, To (with a tag), Call-ID and CSeq,
    minus the headers named in drop, plus extra, then the body."""
    lines = ["SIP/2.0 " + status]
    if "via" not in drop:
        lines += req.header("via", "v")
    if "from" not in drop:
        lines += req.header("from", "f")
    if "to" not in drop:
        to = req.first_value("to", "t")
        lines.append("To: " + to + ("" if ";tag=" in to else ";tag=hostile"))
    if "call-id" not in drop:
        lines.append("Call-ID: " + (call_id or req.first_value("call-id", "i")))
    if "cseq" not in drop:
        lines.append("CSeq: " + (cseq or req.first_value("cseq")))
    if contact and req.method == "REGISTER" and status.startswith("2"):
        lines += [c for c in req.header("contact", "m")]
    lines += list(extra)
    length = len(body) if content_length is None else content_length
    lines.append("Content-Length: " + str(length))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def granted(req, expires):
    """A 200 to a REGISTER granting `expires` in its Contact and Expires."""
    contacts = [c.split(":", 1)[1].strip() for c in req.header("contact", "m")]
    extra = ["Contact: %s;expires=%s" % (c.split(";expires=")[0], expires) for c in contacts]
    return response(req, contact=False, extra=extra + ["Expires: " + expires])


def good(req, rng):
    if req.method != "REGISTER":
        return [response(req)]
    asked = req.first_value("expires") or "60"
    return [granted(req, asked)]


def contact_expires(value):
    def build(req, rng):
        contacts = [c.split(":", 1)[1].strip() for c in req.header("contact", "m")]
        extra = ["Contact: %s;expires=%s" % (c.split(";expires=")[0], value) for c in contacts]
        return [response(req, contact=False, extra=extra or ["Contact: <sip:x@127.0.0.1>;expires=" + value])]
    return build


def header(status, *extra, **kw):
    return lambda req, rng: [response(req, status, extra=extra, **kw)]


def forged_cseq(req, rng):
    number, _, method = req.first_value("cseq").partition(" ")
    return [response(req, cseq="%d %s" % (int(number or 0) + 7, method))]


def wrong_method(req, rng):
    number = req.first_value("cseq").split(" ")[0]
    return [response(req, cseq=number + " INVITE")]


def truncated(req, rng):
    whole = good(req, rng)[0]
    return [whole[: rng.randint(1, len(whole) - 1)]]


def byte_flips(req, rng):
    whole = bytearray(good(req, rng)[0])
    for _ in range(rng.randint(1, 8)):
        whole[rng.randrange(len(whole))] ^= 1 << rng.randrange(8)
    return [bytes(whole)]


def garbage(req, rng):
    return [bytes(rng.randrange(256) for _ in range(rng.randint(1, 1400)))]


def oversized(req, rng):
    # 65,507 bytes is the most a UDP datagram over IPv4 carries.
    padding = "X-Padding: " + "a" * 64_900
    return [response(req, extra=[padding])]


def stale_challenge(req, rng):
    nonce = "%032x" % rng.getrandbits(128)
    return [response(req, "401 Unauthorized", extra=[
        'WWW-Authenticate: Digest realm="hostile", nonce="%s", algorithm=MD5, stale=true' % nonce])]


def many_contacts(req, rng):
    # 300 bindings of other phones, ours last with a tiny expiry.
    others = ["Contact: <sip:other%d@127.0.0.1:%d>;expires=%d" % (i, 1024 + i, i) for i in range(300)]
    ours = [c.split(":", 1)[1].strip() + ";expires=1" for c in req.header("contact", "m")]
    return [response(req, contact=False, extra=others + ["Contact: " + c for c in ours])]


def provisional_only(req, rng):
    return [response(req, "100 Trying")]


def silence(req, rng):
    return []


def twice(req, rng):
    return good(req, rng) * 2


# The catalogue: name -> what to send back (a list of datagrams; none is
# silence). Every number class of issue #12 and every shape of breakage.
CATALOGUE = {
    "good_200":                 good,
    "expires_zero":             header("200 OK", "Expires: 0"),
    "expires_negative":         header("200 OK", "Expires: -1"),
    "expires_huge":             header("200 OK", "Expires: 99999999999999999999"),
    "expires_non_numeric":      header("200 OK", "Expires: soon"),
    "expires_2p32":             header("200 OK", "Expires: 4294967296"),
    "expires_2p32_minus_1":     header("200 OK", "Expires: 4294967295"),
    "expires_date":             header("200 OK", "Expires: Thu, 01 Dec 1994 16:00:00 GMT"),
    "contact_expires_zero":     contact_expires("0"),
    "contact_expires_negative": contact_expires("-30"),
    "contact_expires_huge":     contact_expires("99999999999999999999"),
    "contact_expires_text":     contact_expires("never"),
    "contact_expires_2p32":     contact_expires("4294967296"),
    "contact_expires_2p32_m1":  contact_expires("4294967295"),
    "retry_after_huge":         header("503 Service Unavailable", "Retry-After: 99999999999999999999"),
    "retry_after_comment":      header("503 Service Unavailable", "Retry-After: 120 (maintenance);duration=3600"),
    "retry_after_negative":     header("503 Service Unavailable", "Retry-After: -5"),
    "retry_after_garbage":      header("503 Service Unavailable", "Retry-After: ?!*"),
    "retry_after_short_503":    header("503 Service Unavailable", "Retry-After: 2"),
    "retry_after_date":         header("503 Service Unavailable", "Retry-After: Thu, 01 Jan 2099 00:00:00 GMT"),
    "retry_after_on_500":       header("500 Server Internal Error", "Retry-After: 99999999999999999999"),
    "status_0":                 header("0 Zero"),
    "status_99":                header("99 Too Low"),
    "status_700":               header("700 Too High"),
    "status_999":               header("999 Way Too High"),
    "status_huge":              header("4294967297 Wraps"),
    "provisional_then_silence": provisional_only,
    "status_600":               header("600 Busy Everywhere"),
    "status_603":               header("603 Decline"),
    "ringing_then_ok":          lambda req, rng: [response(req, "180 Ringing")] + good(req, rng),
    "missing_via":              header("200 OK", drop=("via",)),
    "missing_from":             header("200 OK", drop=("from",)),
    "missing_to":               header("200 OK", drop=("to",)),
    "missing_call_id":          header("200 OK", drop=("call-id",)),
    "missing_cseq":             header("200 OK", drop=("cseq",)),
    "forged_cseq_number":       forged_cseq,
    "forged_cseq_method":       wrong_method,
    "wrong_call_id":            header("200 OK", call_id="forged-0000@hostile"),
    "duplicate_expires":        header("200 OK", "Expires: 60", "Expires: 3600"),
    "cseq_huge":                lambda req, rng: [response(req, cseq="99999999999999999999 " + req.method)],
    "many_contacts":            many_contacts,
    "duplicate_cseq":           lambda req, rng: [response(req, extra=["CSeq: 1 REGISTER"])],
    "content_length_larger":    header("200 OK", body=b"v=0\r\n", content_length=500),
    "content_length_smaller":   header("200 OK", body=b"v=0\r\no=- 0 0 IN IP4 0\r\n", content_length=3),
    "content_length_huge":      header("200 OK", content_length="99999999999999999999"),
    "content_length_negative":  header("200 OK", content_length=-1),
    "truncated":                truncated,
    "byte_flips":               byte_flips,
    "garbage":                  garbage,
    "empty_datagram":           lambda req, rng: [b""],
    "oversized_datagram":       oversized,
    "auth_malformed":           header("401 Unauthorized", 'WWW-Authenticate: Digest realm=, nonce, ,,=="'),
    "auth_absent":              header("401 Unauthorized"),
    "auth_stale_loop":          stale_challenge,
    "auth_unknown_algorithm":   header("401 Unauthorized", 'WWW-Authenticate: Digest realm="h", nonce="n", algorithm=SHA-512-256, qop="auth-int"'),
    "auth_huge_nonce":          header("401 Unauthorized", 'WWW-Authenticate: Digest realm="h", nonce="%s"' % ("n" * 60_000)),
    "proxy_auth_407":           header("407 Proxy Authentication Required", 'Proxy-Authenticate: Digest realm="h", nonce="p"'),
    "ok_no_contact":            header("200 OK", contact=False),
    "final_twice":              twice,
    "silence":                  silence,
}


class Chooser:
    """Which case answers the next request."""

    def __init__(self, mode, seed, case, good_every):
        self.mode, self.case, self.good_every = mode, case, good_every
        self.names = list(CATALOGUE)
        self.rng = random.Random(seed)
        self.count = 0
        self.turn = 0
        self.stale = {}  # Call-ID -> rounds left in the stale=true loop

    def choose(self, req):
        call_id = req.first_value("call-id", "i")
        if req.method == "REGISTER" and self.stale.get(call_id, 0) > 0:
            self.stale[call_id] -= 1
            return "auth_stale_loop"
        self.count += 1
        if self.case:
            name = self.case
        elif self.good_every and self.count % self.good_every == 0:
            name = "good_200"
        elif self.mode == "cycle":
            name = self.names[self.turn % len(self.names)]
            self.turn += 1
        else:
            name = self.rng.choice(self.names)
        if name == "auth_stale_loop" and req.method == "REGISTER":
            self.stale[call_id] = STALE_LOOP_ROUNDS
        return name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port, printed on stdout")
    parser.add_argument("--mode", choices=("cycle", "random"), default="cycle")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--case", choices=list(CATALOGUE), help="always this case")
    parser.add_argument("--good-every", type=int, default=0, metavar="N",
                        help="every Nth answer is good_200 (lines do register sometimes)")
    parser.add_argument("--flap", metavar="GOOD:SILENT",
                        help="answer for GOOD seconds, then silence for SILENT seconds, and again")
    parser.add_argument("--quiet", action="store_true", help="log nothing but the port (the soak)")
    parser.add_argument("--list", action="store_true", help="print the catalogue's names and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(CATALOGUE))
        return
    if args.address not in ("127.0.0.1", "::1") and not args.address.startswith("127."):
        parser.error("loopback only")
    flap = tuple(float(x) for x in args.flap.split(":")) if args.flap else None

    sock = socket.socket(socket.AF_INET6 if ":" in args.address else socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.address, args.port))
    print("listening port=%d cases=%d" % (sock.getsockname()[1], len(CATALOGUE)), flush=True)
    chooser = Chooser(args.mode, args.seed, args.case, args.good_every)
    answers_rng = random.Random(args.seed + 1)
    started = time.monotonic()
    while True:
        data, peer = sock.recvfrom(65535)
        if flap and (time.monotonic() - started) % sum(flap) >= flap[0]:
            continue
        if not re.match(rb"^[A-Z]+ \S+ SIP/2\.0\r\n", data):
            continue  # a response or garbage: a server answers requests only
        req = Request(data)
        name = chooser.choose(req)
        for datagram in CATALOGUE[name](req, answers_rng):
            try:
                sock.sendto(datagram, peer)
            except OSError as error:  # e.g. EMSGSIZE: said, not fatal
                print("send failed case=%s: %s" % (name, error), flush=True)
        if not args.quiet:
            print("answered case=%s method=%s" % (name, req.method), flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
