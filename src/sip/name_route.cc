#include "sip/name_route.h"

#include <algorithm>

#include "resolve/rfc3263.h"

namespace sipsentry::sip {

bool resolves_first(const OutgoingRequest& request) {
  return request.method != engine::Method::kCancel &&
         request.target.transport != engine::Transport::kTls &&
         !resolve::is_ip_literal(request.target.host);
}

engine::Millis resolution_deadline(engine::Millis budget) {
  return budget * 9 / 10;
}

std::optional<std::string> route_host(const std::vector<resolve::Address>& addresses) {
  auto ipv4 = std::find_if(addresses.begin(), addresses.end(),
                           [](const resolve::Address& address) { return !address.ipv6; });
  if (ipv4 != addresses.end()) return ipv4->ip;
  if (addresses.empty()) return std::nullopt;
  return "[" + addresses.front().ip + "]";
}

}  // namespace sipsentry::sip
