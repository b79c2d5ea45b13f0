#include "engine/line_settings.h"

namespace sipsentry::engine {

const char* to_string(Transport transport) {
  switch (transport) {
    case Transport::kUdp:
      return "udp";
    case Transport::kTcp:
      return "tcp";
    case Transport::kTls:
      return "tls";
  }
  return "?";
}

std::string uri_host_of(const std::string& address) {
  // Only an IPv6 address has a ':'; RFC 3261 brackets it so that its
  // colons are not read as the port's.
  bool ipv6 = address.find(':') != std::string::npos && !address.starts_with('[');
  return ipv6 ? "[" + address + "]" : address;
}

std::string Server::uri_host() const {
  return uri_host_of(address);
}

std::string Target::describe() const {
  return uri_host() + ":" + std::to_string(port) + ";transport=" + to_string(transport);
}

}  // namespace sipsentry::engine
