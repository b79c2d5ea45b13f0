#include "cli/server_text.h"

#include <algorithm>

#include "cli/plan_printer.h"
#include "cli/resolve_now.h"
#include "resolve/cache_policy.h"

namespace sipsentry::cli {
namespace {

/// "TTL 7s, used for 30s (the floor)": how long the records are kept.
std::string describe_lifetime(const resolve::Resolution& resolution) {
  std::optional<resolve::Seconds> ttl = resolve::smallest_ttl(resolution);
  std::string text = ttl ? "TTL " + format_duration(*ttl) : "no records";
  text += ", resolved again after " + format_duration(resolution.lifetime);
  if (ttl && resolution.lifetime > *ttl) text += " (the floor)";
  if (ttl && resolution.lifetime < *ttl) text += " (the ceiling)";
  return text;
}

}  // namespace

std::string describe_server(const engine::Server& server, const resolve::ServerName* written) {
  if (written && resolve::uses_service_records(*written)) {
    std::string transport =
        written->transport ? std::string(engine::to_string(*written->transport)) + " " : "";
    return transport + written->host + " (resolved by DNS SRV/NAPTR, RFC 3263)";
  }
  return std::string(engine::to_string(server.transport)) + " " + server.uri_host() + ":" +
         std::to_string(server.port);
}

std::vector<resolve::ServerName> srv_servers(const std::vector<resolve::ServerName>& as_written) {
  std::vector<resolve::ServerName> servers;
  for (const resolve::ServerName& server : as_written)
    if (resolve::uses_service_records(server) &&
        std::find(servers.begin(), servers.end(), server) == servers.end())
      servers.push_back(server);
  return servers;
}

void print_resolution(std::ostream& out, const resolve::ServerName& server,
                      const resolve::Resolution& resolution, const resolve::RandomDraw& draw) {
  out << "  " << server.host << ": ";
  if (resolution.failed) {
    out << "cannot resolve now (" << resolution.error
        << "); a walk would try its host's own address on the default port\n";
    return;
  }
  std::vector<resolve::ServiceTarget> targets = resolve::targets_of(server, resolution, draw);
  bool by_srv = std::any_of(resolution.srv.begin(), resolution.srv.end(),
                            [](const auto& name) { return !name.second.empty(); });
  if (targets.empty()) {
    out << "its SRV records say the service is not available (target \".\"): no target\n";
    return;
  }
  if (!by_srv) {
    out << "no NAPTR nor SRV records: the host itself, " << describe_target(targets.front())
        << " (its addresses asked at each send)\n";
    return;
  }
  out << targets.size() << (targets.size() == 1 ? " target" : " targets") << " by "
      << (resolution.naptr.empty() ? "SRV" : "NAPTR and SRV") << ", "
      << describe_lifetime(resolution) << "\n";
  for (size_t i = 0; i < targets.size(); ++i) {
    out << "    " << i + 1 << ". " << describe_target(targets[i]);
    if (auto record = srv_record_of(resolution, targets[i]))
      out << " (priority " << record->priority << ", weight " << record->weight << ")";
    out << "\n";
  }
}

}  // namespace sipsentry::cli
