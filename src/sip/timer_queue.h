#pragma once
// Internal to sip/: the event loop's one-shot timers, in the order they are
// due. Plain C++ with no clock of its own: the loop says what time it is.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace sipsentry::sip {

/// Every timer of every line lives here rather than as a Sofia su_timer of
/// its own: Sofia's loop computes its wait in whole milliseconds rounded
/// down, so each of its timers is preceded by a busy spin of up to a
/// millisecond; with thousands of lines that was most of the process's CPU.
/// The loop waits for next_due() itself, rounded up.
///
/// A binary heap of (due, order, slot) in one vector, and the callbacks in
/// a vector of slots reused through a free list: adding, cancelling and
/// firing allocate nothing once the vectors have grown (a hash map by id
/// allocated a node for every timer and cost 3-4 % of a 10,000-line
/// start-up, where every request starts and cancels a budget timer). An id
/// is its slot and the slot's generation, which goes up whenever the slot's
/// timer fires or is cancelled, so that a stale id matches nothing. A cancelled
/// timer's callback goes at once; its heap entry goes when it reaches the
/// top, or when dead entries outnumber live ones. Not thread-safe: used
/// from the loop's thread only.
class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = uint64_t;

  /// Schedules `fire` for `due`. Never returns 0; an id comes again only
  /// after its slot was reused 2^32 times.
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
  size_t size() const { return live_; }

 private:
  struct Entry {
    Clock::time_point due;
    uint64_t order;       // ties go by the order added
    uint32_t slot;        // where the callback is
    uint32_t generation;  // the slot's when added: live while they match
  };
  struct Slot {
    std::function<void()> fire;
    uint32_t generation = 1;
  };
  bool live(const Entry& entry) const { return slots_[entry.slot].generation == entry.generation; }
  /// The slot's timer is gone (fired or cancelled): its id goes stale and
  /// the slot is free for the next add().
  void release(uint32_t slot);
  /// Takes dead entries off the top, so that the top is a live timer.
  void drop_cancelled_top();
  /// Rebuilds the heap from the live entries alone.
  void compact();

  std::vector<Entry> heap_;  // a min-heap by (due, order), cancelled entries included
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<Entry> due_;  // run_due()'s batch, kept for its capacity
  size_t live_ = 0;
  uint64_t next_order_ = 0;
};

}  // namespace sipsentry::sip
