#pragma once
// When resolved records are resolved again, and how many are kept. Pure.

#include <algorithm>
#include <cstddef>

#include "engine/time.h"
#include "resolve/records.h"

namespace sipsentry::resolve {

/// Records are never resolved again sooner than this after they were
/// resolved, whatever their TTL says. /etc/hosts entries carry no TTL (0),
/// dnsmasq's default is 0 and some zones use 1-5 s: without a floor every
/// keep-alive and every request would ask the DNS server first, 10,000 lines
/// a burst of queries each time. 30 s is the default keep-alive interval, so
/// a line asks at most once per keep-alive, and a changed record set still
/// takes effect within half a minute.
inline constexpr engine::Millis kTtlFloor{30'000};
/// Nor later than this, whatever the TTL: a record set with a TTL of days
/// (RFC 2181 allows 68 years) would keep a server that was moved away for
/// that long; an hour is the phones' failback interval (failback_timeout
/// 3600, "Proxy Fallback Intvl" 3600), the rhythm they look at DNS again.
inline constexpr engine::Millis kTtlCeiling{3'600'000};
/// After a failed lookup (no such name, no answer), the next try waits for
/// the floor too: never the 600 s of negative caching sresolv keeps, so that
/// a name that was missing works within half a minute of being added.
inline constexpr engine::Millis kRetryAfterFailure = kTtlFloor;

/// The most targets one configured server contributes to a line's walk. A
/// line has at most 8 servers (spec.md §1) and each target costs a walk a
/// whole budget (7.5 s by default): 8 targets are a minute's walk already.
/// A record set of 50 then never makes 50 walk steps nor 50 metric series.
inline constexpr size_t kMaxTargetsPerServer = 8;

/// The most one lookup (NAPTR, then the SRV names together) may take before
/// it counts as failed: a backstop. The resolver's own timeout ends a lookup
/// of a silent DNS server first, as the system's resolver would: resolv.conf's
/// `timeout:` and `attempts:` over its nameservers (5 s and 2 by default), so
/// that a second nameserver is still asked when the first is dead and an
/// operator's `timeout:1` is honoured; a deadline of our own below that would
/// cut both. 30 s is glibc's largest `timeout:`. Meanwhile the last good
/// record set stays in use, so a slow lookup costs nothing but its wait.
inline constexpr engine::Millis kLookupDeadline{30'000};

/// When record sets are resolved again. Tests shorten the floor.
struct RefreshPolicy {
  engine::Millis floor = kTtlFloor;
  engine::Millis ceiling = kTtlCeiling;
  engine::Millis retry_after_failure = kRetryAfterFailure;
  engine::Millis lookup_deadline = kLookupDeadline;
};

/// How long an answer's records are used before being resolved again: the
/// smallest TTL among them, within [kTtlFloor, kTtlCeiling]; a failure,
/// kRetryAfterFailure.
template <typename Record>
engine::Millis answer_lifetime(const Answer<Record>& answer) {
  if (!answer.ok() || answer.records.empty()) return kRetryAfterFailure;
  Seconds smallest = answer.records.front().ttl;
  for (const Record& record : answer.records) smallest = std::min(smallest, record.ttl);
  return std::clamp<engine::Millis>(smallest, kTtlFloor, kTtlCeiling);
}

/// Whether records resolved at `resolved_at` with `lifetime` are due to be
/// resolved again at `now`.
inline bool due_again(engine::Millis now, engine::Millis resolved_at, engine::Millis lifetime) {
  return now - resolved_at >= lifetime;
}

}  // namespace sipsentry::resolve
