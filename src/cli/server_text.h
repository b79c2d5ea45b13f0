#pragma once
// How validate, plan and plan --resolve write a configured server, and the
// record sets its name resolved to.

#include <ostream>
#include <string>
#include <vector>

#include "engine/line_settings.h"
#include "resolve/resolution.h"

namespace sipsentry::cli {

/// "udp 192.0.2.10:5060", or for a name without a port (RFC 3263)
/// "pbx.example.com (resolved by DNS SRV/NAPTR, RFC 3263)", with its
/// transport first when one is configured ("tcp pbx.example.com (…)").
/// `written` is the server as written (LineConfig::server_names); null:
/// as the engine has it.
std::string describe_server(const engine::Server& server, const resolve::ServerName* written);

/// The servers of `as_written` resolved by SRV, each host once, in order.
std::vector<resolve::ServerName> srv_servers(const std::vector<resolve::ServerName>& as_written);

/// What `plan --resolve` prints for one server: its targets now, in the
/// order a walk would try them (drawn by `draw` within a priority), with
/// priority, weight and TTL; or why there are none.
void print_resolution(std::ostream& out, const resolve::ServerName& server,
                      const resolve::Resolution& resolution, const resolve::RandomDraw& draw);

}  // namespace sipsentry::cli
