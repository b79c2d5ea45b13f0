#pragma once
// RFC 3263 §4: which servers a SIP URI's host names, from its NAPTR, SRV
// and A/AAAA records. Pure (no I/O): the resolver fetches the records, this
// decides the order. A lookup in two steps: service_names() says which SRV
// names to ask for; select_targets() orders what they gave.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/line_settings.h"
#include "resolve/records.h"
#include "resolve/srv_order.h"

namespace sipsentry::resolve {

/// A server as configured: its host, and the port and transport when given.
struct ServerName {
  std::string host;  // a name, an IPv4 address, or an IPv6 address in brackets
  std::optional<uint16_t> port{};
  std::optional<engine::Transport> transport{};
  /// The transports the line may use, in the order it prefers them when
  /// nothing else decides (RFC 3263 leaves that to the client).
  std::vector<engine::Transport> allowed{engine::Transport::kUdp, engine::Transport::kTcp,
                                         engine::Transport::kTls};
  friend bool operator==(const ServerName&, const ServerName&) = default;
};

/// One place to send to: a host (name or address) with its port and transport.
struct ServiceTarget {
  std::string host;
  uint16_t port = 5060;
  engine::Transport transport = engine::Transport::kUdp;
  friend bool operator==(const ServiceTarget&, const ServiceTarget&) = default;
};

/// An SRV name to look up, and the transport its targets are reached over.
struct ServiceName {
  std::string name;  // "_sip._udp.example.com"
  engine::Transport transport = engine::Transport::kUdp;
  friend bool operator==(const ServiceName&, const ServiceName&) = default;
};

bool is_ip_literal(std::string_view host);

/// "localhost" and names under it (RFC 6761 §6.3), in any case, with or
/// without the final dot.
bool is_localhost_name(std::string_view host);

/// RFC 3263 §4: a configured port or an IP literal means no NAPTR and no
/// SRV, only the host's addresses (or the literal) on that port. Nor has a
/// localhost name: RFC 6761 §6.3 keeps such names out of DNS, so
/// `sip:localhost` is the loopback on the default port, never a query to
/// the system's DNS servers for _sip._udp.localhost.
bool uses_service_records(const ServerName& server);

/// The SRV names to ask for, in the order their targets are preferred:
/// - a configured transport wins: its SRV name alone, NAPTR unused (§4.1);
/// - else the NAPTR records with flag "s" and a service of an allowed
///   transport (SIP+D2U udp, SIP+D2T tcp, SIPS+D2T tls), by order then
///   preference: their replacements;
/// - else (no NAPTR, or none usable): _sip._udp, _sip._tcp, _sips._tcp of
///   the host, for the allowed transports.
std::vector<ServiceName> service_names(const ServerName& server,
                                       const std::vector<NaptrRecord>& naptr);

/// The targets, in the order to try them: those of the first service name
/// whose SRV lookup gave records (one transport, as RFC 3263 picks one),
/// in RFC 2782 order (srv_order), at most `max_targets`; when no name gave
/// any, the host itself on its port or the transport's default (5060, 5061
/// for TLS) over the configured or first allowed transport. An SRV set of
/// "." alone (the service is decidedly not available) gives no targets.
/// `srv` holds the SRV records by name; names missing from it had none.
std::vector<ServiceTarget> select_targets(const ServerName& server,
                                          const std::vector<ServiceName>& names,
                                          const std::map<std::string, std::vector<SrvRecord>>& srv,
                                          const RandomDraw& draw, size_t max_targets);

/// The host's own target, as when it has no SRV records.
ServiceTarget address_target(const ServerName& server);

}  // namespace sipsentry::resolve
