#include "engine/targets.h"

#include <algorithm>
#include <utility>

namespace sipsentry::engine {

SlotTable::SlotTable(size_t entries) : entries_(entries), sets_(entries) {
  for (size_t entry = 0; entry < entries; ++entry) order_.push_back(add(Slot{entry}));
}

SlotId SlotTable::add(Slot slot) {
  SlotId id = next_++;
  places_.emplace(id, Place{std::move(slot)});
  return id;
}

void SlotTable::stage(size_t entry, std::vector<Target> targets) {
  if (targets.size() > kMaxTargetsPerEntry) targets.resize(kMaxTargetsPerEntry);
  staged_[entry] = std::move(targets);
}

bool SlotTable::apply() {
  bool changed = false;
  for (auto& [entry, targets] : staged_) {
    changed = changed || sets_[entry] != targets;
    sets_[entry] = std::move(targets);
  }
  staged_.clear();
  if (!changed) return false;
  std::vector<SlotId> order;
  for (size_t entry = 0; entry < entries_; ++entry) {
    std::vector<Slot> wanted;
    if (sets_[entry].empty()) wanted.push_back(Slot{entry});
    for (const Target& target : sets_[entry]) wanted.push_back(Slot{entry, target});
    for (Slot& slot : wanted) {
      auto is = [&](SlotId id) { return this->slot(id) == slot; };
      // A record set that lists one target twice still gives it one place.
      if (std::ranges::find_if(order, is) != order.end()) continue;
      // A target that stays, or comes back while still known (its
      // Retry-After running), is the same place: its dialog and its quiet.
      auto kept = std::ranges::find_if(
          places_, [&](const auto& known) { return known.second.slot == slot; });
      order.push_back(kept != places_.end() ? kept->first : add(std::move(slot)));
    }
  }
  order_ = std::move(order);
  return true;
}

std::vector<DialogId> SlotTable::forget_unused(const std::set<SlotId>& in_use, Millis now) {
  std::vector<DialogId> ended;
  for (auto it = places_.begin(); it != places_.end();) {
    bool quiet = it->second.embargo_until > now;
    if (in_order(it->first) || in_use.contains(it->first) || quiet) {
      ++it;
      continue;
    }
    if (it->second.dialog) ended.push_back(*it->second.dialog);
    it = places_.erase(it);
  }
  return ended;
}

SlotId SlotTable::first_of(size_t entry) const {
  return *std::ranges::find_if(order_, [&](SlotId id) { return slot(id).entry == entry; });
}

bool SlotTable::in_order(SlotId id) const {
  return std::ranges::find(order_, id) != order_.end();
}

}  // namespace sipsentry::engine
