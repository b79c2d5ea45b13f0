// A line's servers (spec.md §1): address, port, transport, expiry, name.
#include "config/server_reader.h"

#include <arpa/inet.h>

#include <set>

#include "config/shared_keys.h"

namespace sipsentry::config {
namespace {

std::optional<engine::Transport> parse_transport(const std::string& text) {
  // The phone's numeric codes: 0 UDP, 1 TCP, 3 TLS.
  if (text == "udp" || text == "UDP" || text == "0") return engine::Transport::kUdp;
  if (text == "tcp" || text == "TCP" || text == "1") return engine::Transport::kTcp;
  if (text == "tls" || text == "TLS" || text == "3") return engine::Transport::kTls;
  return std::nullopt;
}

/// An address with a ':' is an IPv6 address, written bare ("::1", as YAML
/// allows) or in brackets ("[::1]", as a URI writes it); kept bare.
void read_address(YamlReader& r, const YamlNode& node, std::string& address) {
  std::optional<std::string> text = r.string(node, "address");
  if (!text) return;
  std::string bare = *text;
  if (bare.size() > 2 && bare.starts_with('[') && bare.ends_with(']'))
    bare = bare.substr(1, bare.size() - 2);
  in6_addr ipv6{};
  bool colons = bare.find_first_of(":[]") != std::string::npos;
  if (colons && inet_pton(AF_INET6, bare.c_str(), &ipv6) != 1) {
    r.error(node, "'address': '" + *text +
                      "' is no IPv6 address (the port goes in 'port', not after a ':')");
    return;
  }
  address = bare;
}

engine::Server read_server(YamlReader& r, const YamlNode& node, resolve::ServerName& name) {
  engine::Server server;
  std::optional<int64_t> port;
  bool transport_given = false;
  r.read_map(node, "servers",
             {{"name", r.into_string(server.name, "name")},
              {"address", [&](const YamlNode& v) { read_address(r, v, server.address); }},
              {"port", [&](const YamlNode& v) { port = r.integer(v, "port", 1, 65535); }},
              {"transport",
               [&](const YamlNode& v) {
                 std::optional<std::string> text = r.string(v, "transport");
                 if (!text) return;
                 auto transport = parse_transport(*text);
                 transport_given = transport.has_value();
                 if (transport)
                   server.transport = *transport;
                 else
                   r.error(v, "'transport': unknown transport '" + *text +
                                  "'; expected udp, tcp or tls (or the phone's 0, 1, 3)");
               }},
              {"retry",
               [&](const YamlNode& v) {
                 engine::RetryPolicy own;
                 read_retry(r, v, own);
                 server.retry = own;
               }},
              {"expires", [&](const YamlNode& v) {
                 auto expires = r.duration(v, "expires");
                 if (expires && *expires < engine::Millis(1000))
                   r.error(v, "'expires': must be at least 1s");
                 else
                   assign(server.expires, expires);
               }}});
  if (node.IsMap() && !node["address"]) r.error(node, "server is missing 'address'");
  server.port = port ? static_cast<uint16_t>(*port)
                     : (server.transport == engine::Transport::kTls ? 5061 : 5060);
  if (server.name.empty()) server.name = server.uri_host() + ":" + std::to_string(server.port);
  name.host = server.uri_host();
  if (port) name.port = server.port;
  if (transport_given) name.transport = server.transport;
  return server;
}

}  // namespace

std::vector<engine::Server> read_servers(YamlReader& r, const YamlNode& node,
                                         std::vector<resolve::ServerName>& as_written) {
  std::vector<engine::Server> servers;
  as_written.clear();
  auto items = r.sequence(node, "servers");
  if (!items) return servers;
  if (items->empty()) r.error(node, "'servers': a line needs at least 1 server");
  if (items->size() > kMaxServers)
    r.error((*items)[kMaxServers],
            "'servers': at most 8 servers per line, got " + std::to_string(items->size()));
  std::set<std::string> names;
  for (const YamlNode& item : *items) {
    servers.push_back(read_server(r, item, as_written.emplace_back()));
    if (!names.insert(servers.back().name).second)
      r.error(item, "duplicate server name '" + servers.back().name + "' in this line");
  }
  return servers;
}

}  // namespace sipsentry::config
