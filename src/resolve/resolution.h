#pragma once
// One resolution of a configured server's RFC 3263 records (its record
// set), and what is derived from it. Pure.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "resolve/cache_policy.h"
#include "resolve/records.h"
#include "resolve/rfc3263.h"
#include "resolve/srv_order.h"

namespace sipsentry::resolve {

/// What one resolution of a server gave: the record set.
struct Resolution {
  /// The NAPTR records of the host (none when a transport is configured,
  /// or the host has none).
  std::vector<NaptrRecord> naptr{};
  /// The SRV names asked, in RFC 3263's order (service_names()).
  std::vector<ServiceName> names{};
  /// The SRV records by name; names without records are missing.
  std::map<std::string, std::vector<SrvRecord>> srv{};
  /// When it is resolved again: the smallest TTL within the floor and the
  /// ceiling; after a failure, the retry delay.
  engine::Millis lifetime{};
  /// No DNS server answered (in time, or at all): the records are unknown.
  bool failed = false;
  std::string error{};  // why, when failed
};

/// Whether two resolutions hold the same records, whatever their TTLs and
/// the order the DNS server sent them in (servers rotate their answers).
bool same_records(const Resolution& a, const Resolution& b);

/// The smallest TTL among the resolution's records; nullopt when it has none.
std::optional<Seconds> smallest_ttl(const Resolution& resolution);

/// The targets of `server` from `resolution`, in the order to try them
/// (select_targets with kMaxTargetsPerServer): SRV targets in RFC 2782
/// order, or the host itself on its default port when no SRV name gave
/// records (also after a failed first lookup: the send then says `dns`).
std::vector<ServiceTarget> targets_of(const ServerName& server, const Resolution& resolution,
                                      const RandomDraw& draw);

/// How long `resolution` is used before it is resolved again: its smallest
/// TTL within the policy's floor and ceiling; the floor when it has no
/// records (no SRV nor NAPTR: the host's addresses are used, and asked at
/// each send); the retry delay after a failure.
engine::Millis record_set_lifetime(const Resolution& resolution, const RefreshPolicy& policy);

}  // namespace sipsentry::resolve
