#pragma once
// RFC 3263 resolution for the one-shot commands (probe, plan --resolve):
// the agent's directory asked now, and what its answers look like.

#include <optional>
#include <string>
#include <vector>

#include "resolve/system_draw.h"
#include "resolve/target_directory.h"
#include "sip/sip_agent.h"

namespace sipsentry::cli {

/// Resolves each of `servers` through the agent's directory at once (one
/// lookup each, together), serving the agent's loop until every one has
/// answered; each fails at `deadline` at the latest.
std::vector<resolve::Resolution> resolve_now(sip::SipAgent& agent,
                                             const std::vector<resolve::ServerName>& servers,
                                             engine::Millis deadline);

/// "pbx.example.com:5060 udp"
std::string describe_target(const resolve::ServiceTarget& target);

/// The SRV record a target came from, for its priority and weight.
std::optional<resolve::SrvRecord> srv_record_of(const resolve::Resolution& resolution,
                                                const resolve::ServiceTarget& target);

}  // namespace sipsentry::cli
