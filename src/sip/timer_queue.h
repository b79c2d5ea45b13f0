#pragma once
// Internal to sip/: the event loop's one-shot timers, in the order they are
// due. Plain C++ with no clock of its own: the loop says what time it is.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

namespace sipsentry::sip {

/// Every timer of every line lives here rather than as a Sofia su_timer of
/// its own: Sofia's loop computes its wait in whole milliseconds rounded
/// down, so each of its timers is preceded by a busy spin of up to a
/// millisecond; with thousands of lines that was most of the process's CPU.
/// The loop waits for next_due() itself, rounded up.
///
/// Adding and cancelling cost O(log n); a fired or cancelled timer holds no
/// memory. Not thread-safe: used from the loop's thread only.
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
  size_t size() const { return due_of_.size(); }

 private:
  using Key = std::pair<Clock::time_point, Id>;  // ties go by id: the order added
  std::map<Key, std::function<void()>> queue_;
  std::unordered_map<Id, Clock::time_point> due_of_;
  Id next_id_ = 1;
};

}  // namespace sipsentry::sip
