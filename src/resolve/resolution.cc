#include "resolve/resolution.h"

#include <algorithm>
#include <tuple>

namespace sipsentry::resolve {
namespace {

/// The records without their TTLs, in one order: what a comparison of two
/// answers of the same set looks at.
std::vector<SrvRecord> without_ttls(std::vector<SrvRecord> records) {
  for (SrvRecord& record : records) record.ttl = Seconds(0);
  std::sort(records.begin(), records.end(), [](const SrvRecord& a, const SrvRecord& b) {
    return std::tie(a.priority, a.weight, a.port, a.target) <
           std::tie(b.priority, b.weight, b.port, b.target);
  });
  return records;
}

std::vector<NaptrRecord> without_ttls(std::vector<NaptrRecord> records) {
  for (NaptrRecord& record : records) record.ttl = Seconds(0);
  std::sort(records.begin(), records.end(), [](const NaptrRecord& a, const NaptrRecord& b) {
    return std::tie(a.order, a.preference, a.flags, a.service, a.regexp, a.replacement) <
           std::tie(b.order, b.preference, b.flags, b.service, b.regexp, b.replacement);
  });
  return records;
}

}  // namespace

bool same_records(const Resolution& a, const Resolution& b) {
  if (a.failed != b.failed || a.names != b.names || a.srv.size() != b.srv.size()) return false;
  if (without_ttls(a.naptr) != without_ttls(b.naptr)) return false;
  for (const auto& [name, records] : a.srv) {
    auto other = b.srv.find(name);
    if (other == b.srv.end() || without_ttls(records) != without_ttls(other->second)) return false;
  }
  return true;
}

std::optional<Seconds> smallest_ttl(const Resolution& resolution) {
  std::optional<Seconds> smallest;
  auto consider = [&](Seconds ttl) { smallest = smallest ? std::min(*smallest, ttl) : ttl; };
  for (const NaptrRecord& record : resolution.naptr) consider(record.ttl);
  for (const auto& [name, records] : resolution.srv)
    for (const SrvRecord& record : records) consider(record.ttl);
  return smallest;
}

engine::Millis record_set_lifetime(const Resolution& resolution, const RefreshPolicy& policy) {
  if (resolution.failed) return policy.retry_after_failure;
  std::optional<Seconds> ttl = smallest_ttl(resolution);
  if (!ttl) return policy.floor;
  return std::clamp<engine::Millis>(*ttl, policy.floor, std::max(policy.floor, policy.ceiling));
}

std::vector<ServiceTarget> targets_of(const ServerName& server, const Resolution& resolution,
                                      const RandomDraw& draw) {
  return select_targets(server, resolution.names, resolution.srv, draw, kMaxTargetsPerServer);
}

}  // namespace sipsentry::resolve
