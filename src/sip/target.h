#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/line_settings.h"

namespace sipsentry::sip {

/// Where a request goes: a server's address, port and transport.
struct Target {
  std::string host;
  uint16_t port = 5060;
  engine::Transport transport = engine::Transport::kUdp;

  /// "sip:host:port;transport=tcp", the form Sofia-SIP routes by.
  std::string route_uri() const;
  friend bool operator==(const Target&, const Target&) = default;
};

/// Parses `sip:HOST[:PORT][;transport=udp|tcp|tls]` or `sips:HOST[:PORT]`
/// (TLS). The port defaults to 5060, or 5061 for TLS; IPv6 hosts are written
/// in brackets. Returns the target, or a message saying what is wrong.
std::optional<Target> parse_target(std::string_view uri, std::string& error);

/// What a URI says of its server beyond the target: whether the port and
/// the transport were written (RFC 3263 resolves a name without a port by
/// NAPTR and SRV; a written transport skips NAPTR), and whether `;maddr=`
/// names another host (then no SRV either).
struct UriServer {
  Target target;
  bool port_given = false;
  bool transport_given = false;  // ";transport=" or sips:
  bool maddr = false;
};

/// parse_target, keeping what the URI wrote.
std::optional<UriServer> parse_uri_server(std::string_view uri, std::string& error);

/// The target of a configured server.
Target target_of(const engine::Server& server);
/// Where a request to `server` goes: its SRV target when it has one (host,
/// port and transport from the SRV records), else the server as configured.
Target target_of(const engine::Server& server, const std::optional<engine::Target>& srv_target);

}  // namespace sipsentry::sip
