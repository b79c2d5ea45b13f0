"""Reads the net logs of Chromium runs (--log-net-log) and prints where
they went, one fact a line, for the browser tests to assert on:

  page URL       a request the page made (its main frame, and whatever a
                 page asked for: images, style sheets, scripts, favicon)
  connect ADDR   a TCP connection Chromium tried (each sends a SYN)
  udp ADDR       a UDP socket that sent datagrams (one connected only to
                 pick a source address, as Chromium does to sort addresses
                 and to test IPv6, sends nothing and is left out)

Usage: chromium_netlog.py NETLOG...
"""
import json
import sys

facts = set()
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as file:
        log = json.load(file)
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    udp_address, udp_sent = {}, set()
    for event in log["events"]:
        kind, params = names.get(event["type"], ""), event.get("params", {})
        source = event["source"]["id"]
        if kind == "URL_REQUEST_START_JOB":
            # A navigation has no initiator; what a page asks for has its origin.
            if params.get("request_type") == "main frame" or params.get(
                    "initiator", "not an origin") != "not an origin":
                facts.add(f"page {params['url']}")
        elif kind == "TCP_CONNECT_ATTEMPT" and "address" in params:
            facts.add(f"connect {params['address']}")
        elif kind == "UDP_CONNECT" and "address" in params:
            udp_address[source] = params["address"]
        elif kind == "UDP_BYTES_SENT":
            udp_sent.add(source)
    facts.update(f"udp {udp_address.get(source, '?')}" for source in udp_sent)
print("\n".join(sorted(facts)))
