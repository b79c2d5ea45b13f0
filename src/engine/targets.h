#pragma once
// The places of a line's walk (spec.md §2 "Servers by name", §4): each
// server entry in order, or, for an entry resolved by SRV, each of its
// targets in SRV order in place of it. A line without SRV has one place per
// entry, numbered like the entries, so that it behaves as before.

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "engine/action.h"
#include "engine/line_settings.h"
#include "engine/outcome.h"

namespace sipsentry::engine {

/// The most SRV targets one server entry contributes to a walk. The caller
/// (the resolver's kMaxTargetsPerServer) never passes more; the table cuts
/// a longer list to its first ones rather than let one record set make the
/// walk (and its budgets) as long as the DNS server likes.
inline constexpr size_t kMaxTargetsPerEntry = 8;

/// One place of a walk: a configured server entry, or one SRV target of it.
struct Slot {
  size_t entry = 0;
  std::optional<Target> target{};

  friend bool operator==(const Slot&, const Slot&) = default;
};

/// A place's number. It names the same (entry, target) for as long as the
/// engine refers to it, across record set changes, so that a request in
/// flight when a set changes is reported for the target it went to and a
/// registration's dialog stays with its target. Numbers are never reused.
using SlotId = size_t;

/// What the engine keeps for one place (per target, as the phone does).
struct Place {
  Slot slot;
  std::optional<DialogId> dialog{};  // the registration's Call-ID and tag
  Millis embargo_until = 0ms;        // Retry-After: only the walk goes there before
  Reason quiet_reason{};             // the response that carried the Retry-After
};

/// The walk order of one line and the places it has handed out.
class SlotTable {
 public:
  /// Every entry as configured: places 0 … entries-1, in order.
  explicit SlotTable(size_t entries);

  /// Keeps `targets` (SRV order, 1 to kMaxTargetsPerEntry; empty: the entry
  /// as configured) as entry's record set, to take effect at apply().
  /// REQUIRES: entry < the number of entries.
  void stage(size_t entry, std::vector<Target> targets);
  bool staged() const { return !staged_.empty(); }
  /// Makes every staged set the walk order. Places whose (entry, target)
  /// are still known keep their number, new ones get new numbers. Returns
  /// whether the order changed.
  bool apply();
  /// Drops the places that left the order, that `in_use` does not name and
  /// whose Retry-After is over at `now` (a target that asked for quiet and
  /// comes back in a later set still gets it: at most kMaxRetryAfter);
  /// returns the registration dialogs they held, which are over.
  std::vector<DialogId> forget_unused(const std::set<SlotId>& in_use, Millis now);

  /// The walk: every place in the order to try them, primary first.
  const std::vector<SlotId>& order() const { return order_; }
  /// Where the line belongs: the first target of the primary entry.
  SlotId primary() const { return order_.front(); }
  /// The first place of servers[entry] in the walk.
  SlotId first_of(size_t entry) const;
  bool in_order(SlotId id) const;
  /// True for the walk's very last place (the last target of the last entry).
  bool last(SlotId id) const { return id == order_.back(); }

  /// REQUIRES: `id` is in the order, or was and is still in use.
  Place& place(SlotId id) { return places_.at(id); }
  const Place& place(SlotId id) const { return places_.at(id); }
  const Slot& slot(SlotId id) const { return places_.at(id).slot; }
  size_t places() const { return places_.size(); }

 private:
  SlotId add(Slot slot);

  size_t entries_;
  std::vector<std::vector<Target>> sets_;         // the applied record set of each entry
  std::map<size_t, std::vector<Target>> staged_;  // sets waiting for apply()
  std::vector<SlotId> order_;
  std::map<SlotId, Place> places_;
  SlotId next_ = 0;
};

}  // namespace sipsentry::engine
