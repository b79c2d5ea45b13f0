#include "resolve/address_cache.h"

#include <algorithm>
#include <iterator>

namespace sipsentry::resolve {

std::optional<Answer<Address>> AddressCache::find(const std::string& name,
                                                  engine::Millis now) const {
  auto found = entries_.find(name);
  if (found == entries_.end() || now >= found->second.until) return std::nullopt;
  return found->second.answer;
}

void AddressCache::store(const std::string& name, const Answer<Address>& answer,
                         engine::Millis now) {
  engine::Millis lifetime{};
  if (answer.ok() && !answer.records.empty()) {
    Seconds smallest = answer.records.front().ttl;
    for (const Address& address : answer.records) smallest = std::min(smallest, address.ttl);
    lifetime = std::clamp<engine::Millis>(smallest, policy_.floor, policy_.ceiling);
  } else if (answer.failure == Failure::kNoSuchName || answer.failure == Failure::kNoRecords) {
    lifetime = policy_.retry_after_failure;
  } else {
    entries_.erase(name);
    return;
  }
  if (entries_.size() > kTidyAbove)
    std::erase_if(entries_, [now](const auto& entry) { return now >= entry.second.until; });
  entries_[name] = {answer, now + lifetime};
}

}  // namespace sipsentry::resolve
