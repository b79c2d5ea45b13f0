#include "tls/tls_endpoint.h"

namespace sipsentry::tls {

std::string TlsEndpoint::describe() const {
  return engine::uri_host_of(address) + ":" + std::to_string(port);
}

std::optional<TlsEndpoint> tls_endpoint_of(const engine::Server& server,
                                           const resolve::ServerName& name) {
  if (server.transport != engine::Transport::kTls || resolve::uses_service_records(name))
    return std::nullopt;
  // SNI carries host names only (RFC 6066 §3), never an address.
  bool literal = resolve::is_ip_literal(server.uri_host());
  return TlsEndpoint{.address = server.address,
                     .port = server.port,
                     .server_name = literal ? std::string() : server.address};
}

}  // namespace sipsentry::tls
