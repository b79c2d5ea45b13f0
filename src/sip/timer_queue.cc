#include "sip/timer_queue.h"

#include <algorithm>

namespace sipsentry::sip {
namespace {

/// std::push_heap and friends build a max-heap: the latest (due, order) is
/// "smallest", so that the earliest is on top.
struct Later {
  template <typename Entry>
  bool operator()(const Entry& a, const Entry& b) const {
    return a.due != b.due ? a.due > b.due : a.order > b.order;
  }
};

constexpr TimerQueue::Id id_of(uint32_t slot, uint32_t generation) {
  return static_cast<TimerQueue::Id>(generation) << 32 | slot;
}

}  // namespace

TimerQueue::Id TimerQueue::add(Clock::time_point due, std::function<void()> fire) {
  uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& taken = slots_[slot];
  taken.fire = std::move(fire);
  heap_.push_back({due, next_order_++, slot, taken.generation});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  ++live_;
  return id_of(slot, taken.generation);
}

void TimerQueue::cancel(Id id) {
  auto slot = static_cast<uint32_t>(id);
  auto generation = static_cast<uint32_t>(id >> 32);
  if (slot >= slots_.size() || slots_[slot].generation != generation) return;
  slots_[slot].fire = nullptr;
  release(slot);
  drop_cancelled_top();
  if (heap_.size() > 2 * live_ + 64) compact();
}

std::optional<TimerQueue::Clock::time_point> TimerQueue::next_due() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().due;  // the top is always live
}

size_t TimerQueue::run_due(Clock::time_point now) {
  // What is due now, taken off the heap before any runs: timers that the
  // callbacks add go on the heap and wait for the next call.
  std::vector<Entry> due;
  due.swap(due_);
  due.clear();
  while (!heap_.empty() && heap_.front().due <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    due.push_back(heap_.back());
    heap_.pop_back();
  }
  drop_cancelled_top();
  size_t ran = 0;
  for (const Entry& entry : due) {
    if (!live(entry)) continue;  // cancelled, by an earlier callback too
    std::function<void()> fire = std::move(slots_[entry.slot].fire);
    release(entry.slot);
    fire();
    ++ran;
  }
  due_.swap(due);
  return ran;
}

void TimerQueue::release(uint32_t slot) {
  // Generation 0 is never live, so that no id is 0.
  if (++slots_[slot].generation == 0) slots_[slot].generation = 1;
  free_slots_.push_back(slot);
  --live_;
}

void TimerQueue::drop_cancelled_top() {
  while (!heap_.empty() && !live(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
}

void TimerQueue::compact() {
  std::erase_if(heap_, [this](const Entry& entry) { return !live(entry); });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
}

}  // namespace sipsentry::sip
