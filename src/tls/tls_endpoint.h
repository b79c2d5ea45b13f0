// Where a line's TLS server presents its certificate: the one address,
// port and SNI name the certificate watch and the check read the chain
// from. Many lines naming one PBX share one endpoint, so one handshake.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "engine/line_settings.h"
#include "resolve/rfc3263.h"

namespace sipsentry::tls {

struct TlsEndpoint {
  std::string address;  // an IP address (IPv6 without brackets) or a host name
  uint16_t port = 5061;
  std::string server_name;  // SNI: the host name; empty for an IP address
  friend auto operator<=>(const TlsEndpoint&, const TlsEndpoint&) = default;
  /// "pbx.example.com:5061", "[::1]:5061".
  std::string describe() const;
};

/// The endpoint of `server` (written as `name`) when it is reached over
/// TLS at an address and port the configuration gives; nullopt for UDP and
/// TCP servers, and for a name resolved by NAPTR/SRV (no port written):
/// its targets change with DNS, and reading them would need the SIP
/// agent's resolver on this thread; the check and the metrics skip it.
std::optional<TlsEndpoint> tls_endpoint_of(const engine::Server& server,
                                           const resolve::ServerName& name);

}  // namespace sipsentry::tls
