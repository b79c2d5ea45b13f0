// A handful of counters told apart by a small key. A private header of
// metrics/.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace sipsentry::metrics {

/// Counters by key, in the order they first appeared. A line has a few of
/// each kind (a method and outcome per server, a reason per failure), so a
/// flat vector searched in order beats a map in memory and time; ten
/// thousand lines pay for every byte here.
template <typename Key>
class CountTable {
 public:
  /// The counter of `key`, at 0 when it is new.
  uint64_t& at(const Key& key) {
    for (auto& [each, count] : entries_)
      if (each == key) return count;
    return entries_.emplace_back(key, 0).second;
  }

  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  std::vector<std::pair<Key, uint64_t>> entries_;
};

}  // namespace sipsentry::metrics
