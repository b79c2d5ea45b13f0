#pragma once
// Internal to sip/: a server given by name is resolved by sipsentry's own
// resolver before the request goes out, and the request is sent with a
// numeric route URI (the Request-URI keeps the name), so that NTA does no
// DNS of its own: /etc/hosts counts, no cache hides a change, and a DNS
// server that does not answer costs the request's budget, not NTA's 64 s.

#include <optional>
#include <string>
#include <vector>

#include "resolve/records.h"
#include "sip/sip_agent.h"

namespace sipsentry::sip {

/// Whether the request's target is a name that the adapter resolves. Not
/// an IP literal, nor a CANCEL (it goes where its INVITE went), nor TLS:
/// Sofia-SIP checks a server certificate against the route URI's host, so
/// a TLS server given by name still goes by name (NTA resolves it).
bool resolves_first(const OutgoingRequest& request);

/// How long the resolution may take: nine tenths of the request's budget,
/// so that a DNS server that does not answer is reported as `dns` before
/// the engine's budget would call it the server's `timeout`.
engine::Millis resolution_deadline(engine::Millis budget);

/// The address the request is sent to, as a route URI host: the first IPv4
/// address (the agent's sockets are IPv4 unless bound otherwise), else the
/// first IPv6 one in brackets; nullopt when there is none.
std::optional<std::string> route_host(const std::vector<resolve::Address>& addresses);

}  // namespace sipsentry::sip
