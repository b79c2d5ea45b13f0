#pragma once
// The addresses of names, kept for their TTL. Pure: the caller says when.
//
// Without it every request to a server given by name asked DNS first: a
// keep-alive every 30 s on 10,000 lines is 333 queries a second, and a
// record removed from the zone failed the line's next keep-alive although a
// phone, which keeps the address it resolved for the record's TTL, would
// have gone on until its next lookup.

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "resolve/cache_policy.h"
#include "resolve/records.h"

namespace sipsentry::resolve {

class AddressCache {
 public:
  explicit AddressCache(const RefreshPolicy& policy = {}) : policy_(policy) {}

  /// The answer stored for `name` that is still within its lifetime at `now`.
  std::optional<Answer<Address>> find(const std::string& name, engine::Millis now) const;
  /// Keeps a definitive answer -- addresses (for their smallest TTL, within
  /// the floor and ceiling) or "no such name"/"no records" (for the retry
  /// delay, so that a name added to the zone works within half a minute).
  /// A DNS server that did not answer, or answered an error, is not kept:
  /// the next request asks again.
  void store(const std::string& name, const Answer<Address>& answer, engine::Millis now);
  size_t size() const { return entries_.size(); }

  /// Names are those of the configuration and of one-shot commands, so the
  /// cache stays small; past this many entries the expired ones are dropped.
  static constexpr size_t kTidyAbove = 1024;

 private:
  struct Entry {
    Answer<Address> answer;
    engine::Millis until{};
  };
  RefreshPolicy policy_;
  std::map<std::string, Entry> entries_;
};

}  // namespace sipsentry::resolve
