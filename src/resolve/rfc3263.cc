#include "resolve/rfc3263.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace sipsentry::resolve {
namespace {

using engine::Transport;

std::optional<Transport> naptr_transport(std::string_view service) {
  auto equal = [&](std::string_view name) {
    return std::equal(service.begin(), service.end(), name.begin(), name.end(),
                      [](char a, char b) { return std::toupper(a) == std::toupper(b); });
  };
  if (equal("SIP+D2U")) return Transport::kUdp;
  if (equal("SIP+D2T")) return Transport::kTcp;
  if (equal("SIPS+D2T")) return Transport::kTls;
  return std::nullopt;
}

std::string srv_name(Transport transport, const std::string& host) {
  switch (transport) {
    case Transport::kUdp:
      return "_sip._udp." + host;
    case Transport::kTcp:
      return "_sip._tcp." + host;
    case Transport::kTls:
      return "_sips._tcp." + host;
  }
  return host;
}

bool allowed(const ServerName& server, Transport transport) {
  return std::find(server.allowed.begin(), server.allowed.end(), transport) != server.allowed.end();
}

uint16_t default_port(Transport transport) {
  return transport == Transport::kTls ? 5061 : 5060;
}

}  // namespace

bool is_ip_literal(std::string_view host) {
  std::string text(host);
  unsigned char address[sizeof(in6_addr)];
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    return inet_pton(AF_INET6, text.substr(1, text.size() - 2).c_str(), address) == 1;
  return inet_pton(AF_INET, text.c_str(), address) == 1;
}

bool is_localhost_name(std::string_view host) {
  std::string name(host);
  if (name.ends_with('.')) name.pop_back();
  std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name == "localhost" || name.ends_with(".localhost");
}

bool uses_service_records(const ServerName& server) {
  return !server.port && !is_ip_literal(server.host) && !is_localhost_name(server.host);
}

std::vector<ServiceName> service_names(const ServerName& server,
                                       const std::vector<NaptrRecord>& naptr) {
  if (!uses_service_records(server)) return {};
  if (server.transport) return {{srv_name(*server.transport, server.host), *server.transport}};
  std::vector<NaptrRecord> usable;
  for (const NaptrRecord& record : naptr) {
    auto transport = naptr_transport(record.service);
    bool srv_flag = record.flags == "s" || record.flags == "S";
    if (srv_flag && transport && allowed(server, *transport) && !record.replacement.empty())
      usable.push_back(record);
  }
  std::stable_sort(usable.begin(), usable.end(), [](const NaptrRecord& a, const NaptrRecord& b) {
    return std::tie(a.order, a.preference) < std::tie(b.order, b.preference);
  });
  std::vector<ServiceName> names;
  for (const NaptrRecord& record : usable)
    names.push_back({record.replacement, *naptr_transport(record.service)});
  if (!names.empty()) return names;
  for (Transport transport : {Transport::kUdp, Transport::kTcp, Transport::kTls})
    if (allowed(server, transport)) names.push_back({srv_name(transport, server.host), transport});
  return names;
}

ServiceTarget address_target(const ServerName& server) {
  Transport transport = server.transport         ? *server.transport
                        : server.allowed.empty() ? Transport::kUdp
                                                 : server.allowed.front();
  return {server.host, server.port ? *server.port : default_port(transport), transport};
}

std::vector<ServiceTarget> select_targets(const ServerName& server,
                                          const std::vector<ServiceName>& names,
                                          const std::map<std::string, std::vector<SrvRecord>>& srv,
                                          const RandomDraw& draw, size_t max_targets) {
  for (const ServiceName& name : names) {
    auto found = srv.find(name.name);
    if (found == srv.end() || found->second.empty()) continue;
    std::vector<ServiceTarget> targets;
    for (const SrvRecord& record : srv_order(found->second, draw)) {
      if (targets.size() >= max_targets) break;
      ServiceTarget target{record.target, record.port, name.transport};
      if (std::find(targets.begin(), targets.end(), target) == targets.end())
        targets.push_back(target);
    }
    return targets;  // empty when the set was "." alone: not available
  }
  if (max_targets == 0) return {};
  return {address_target(server)};
}

}  // namespace sipsentry::resolve
