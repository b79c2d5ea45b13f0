#pragma once
// Internal to sip/: the event loop's one-shot timers, in the order they are
// due. Plain C++ with no clock of its own: the loop says what time it is.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sipsentry::sip {

/// Every timer of every line lives here rather than as a Sofia su_timer of
/// its own: Sofia's loop computes its wait in whole milliseconds rounded
/// down, so each of its timers is preceded by a busy spin of up to a
/// millisecond; with thousands of lines that was most of the process's CPU.
/// The loop waits for next_due() itself, rounded up.
///
/// A binary heap of (due, id) in one vector, and the callbacks by id: adding
/// costs O(log n) and one allocation, where a std::map cost two and a walk of
/// scattered nodes (2 % of a 10,000-line start-up). A cancelled timer's
/// callback goes at once; its 16-byte heap entry goes when it reaches the
/// top, or when dead entries outnumber live ones. Not thread-safe: used from
/// the loop's thread only.
class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = uint64_t;

  /// Schedules `fire` for `due`. Ids are never reused.
  Id add(Clock::time_point due, std::function<void()> fire);
  /// Cancelling a timer that fired or was cancelled already does nothing.
  void cancel(Id id);
  /// When the earliest timer is due; nothing when none is scheduled.
  std::optional<Clock::time_point> next_due() const;
  /// Runs every timer due at or before `now`, earliest first, timers due at
  /// the same time in the order they were added. A callback may add and
  /// cancel timers; those it adds run at a later call at the earliest, even
  /// when due already, so that a timer restarting itself cannot starve the
  /// loop. Returns how many ran.
  size_t run_due(Clock::time_point now);
  /// Timers scheduled and not yet fired or cancelled.
  size_t size() const { return callbacks_.size(); }

 private:
  struct Entry {
    Clock::time_point due;
    Id id;  // ties go by id: the order added
  };
  /// Takes dead entries off the top, so that the top is a live timer.
  void drop_cancelled_top();
  /// Rebuilds the heap from the live entries alone.
  void compact();

  std::vector<Entry> heap_;  // a min-heap by (due, id), cancelled entries included
  std::unordered_map<Id, std::function<void()>> callbacks_;  // the live timers
  Id next_id_ = 1;
};

}  // namespace sipsentry::sip
