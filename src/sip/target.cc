#include "sip/target.h"

#include <charconv>

namespace sipsentry::sip {
namespace {

std::optional<engine::Transport> transport_named(std::string_view name) {
  if (name == "udp") return engine::Transport::kUdp;
  if (name == "tcp") return engine::Transport::kTcp;
  if (name == "tls") return engine::Transport::kTls;
  return std::nullopt;
}

/// A host as RFC 3261 writes it: a name or an IPv4 address (letters, digits,
/// '-' and '.'), or an IPv6 reference in brackets. Anything else (a second
/// '@', a space, a '?') would reach Sofia-SIP as part of the route URI and
/// be read there as something else than the host the operator was shown.
bool valid_host(std::string_view host) {
  if (host.starts_with('['))
    return host.size() > 2 && host.ends_with(']') &&
           host.substr(1, host.size() - 2).find_first_not_of("0123456789abcdefABCDEF:.") ==
               std::string_view::npos;
  return host.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") ==
         std::string_view::npos;
}

/// Splits "host[:port]" (host may be "[v6]") into the target.
bool parse_host_port(std::string_view text, Target& target, bool& port_given) {
  size_t host_end = text.starts_with('[') ? text.find(']') + 1 : text.find(':');
  if (text.starts_with('[') && host_end == 0) return false;  // no closing bracket
  target.host = std::string(text.substr(0, host_end));
  if (target.host.empty() || !valid_host(target.host)) return false;
  if (host_end >= text.size()) return true;  // no port: the transport's default
  if (text[host_end] != ':') return false;
  std::string_view port = text.substr(host_end + 1);
  unsigned value = 0;
  auto [end, failure] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (failure != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
    return false;
  target.port = static_cast<uint16_t>(value);
  port_given = true;
  return true;
}

}  // namespace

std::string Target::route_uri() const {
  return "sip:" + host + ":" + std::to_string(port) + ";transport=" + engine::to_string(transport);
}

std::optional<Target> parse_target(std::string_view uri, std::string& error) {
  auto server = parse_uri_server(uri, error);
  if (!server) return std::nullopt;
  return server->target;
}

std::optional<UriServer> parse_uri_server(std::string_view uri, std::string& error) {
  UriServer server;
  Target& target = server.target;
  bool secure = uri.starts_with("sips:");
  if (!secure && !uri.starts_with("sip:")) {
    error = "'" + std::string(uri) + "' is not a sip: or sips: URI";
    return std::nullopt;
  }
  std::string_view rest = uri.substr(secure ? 5 : 4);
  if (size_t at = rest.find('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  std::string_view params;
  if (size_t semicolon = rest.find(';'); semicolon != std::string_view::npos) {
    params = rest.substr(semicolon);
    rest = rest.substr(0, semicolon);
  }
  if (secure) target.transport = engine::Transport::kTls;
  server.transport_given = secure;
  server.maddr = params.find(";maddr=") != std::string_view::npos;
  if (size_t at = params.find(";transport="); at != std::string_view::npos) {
    server.transport_given = true;
    std::string_view name = params.substr(at + 11);
    name = name.substr(0, name.find(';'));
    auto transport = transport_named(name);
    if (!transport) {
      error = "unknown transport '" + std::string(name) + "' in '" + std::string(uri) + "'";
      return std::nullopt;
    }
    target.transport = *transport;
  }
  target.port = target.transport == engine::Transport::kTls ? 5061 : 5060;
  if (!parse_host_port(rest, target, server.port_given)) {
    error = "'" + std::string(uri) + "' has no valid host and port";
    return std::nullopt;
  }
  return server;
}

Target target_of(const engine::Server& server) {
  return Target{server.uri_host(), server.port, server.transport};
}

Target target_of(const engine::Server& server, const std::optional<engine::Target>& srv_target) {
  if (!srv_target) return target_of(server);
  return Target{srv_target->uri_host(), srv_target->port, srv_target->transport};
}

}  // namespace sipsentry::sip
