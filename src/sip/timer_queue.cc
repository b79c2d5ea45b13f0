#include "sip/timer_queue.h"

#include <algorithm>

namespace sipsentry::sip {
namespace {

/// std::push_heap and friends build a max-heap: the latest (due, id) is
/// "smallest", so that the earliest is on top.
struct Later {
  template <typename Entry>
  bool operator()(const Entry& a, const Entry& b) const {
    return a.due != b.due ? a.due > b.due : a.id > b.id;
  }
};

}  // namespace

TimerQueue::Id TimerQueue::add(Clock::time_point due, std::function<void()> fire) {
  Id id = next_id_++;
  heap_.push_back({due, id});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  callbacks_.emplace(id, std::move(fire));
  return id;
}

void TimerQueue::cancel(Id id) {
  if (callbacks_.erase(id) == 0) return;
  drop_cancelled_top();
  if (heap_.size() > 2 * callbacks_.size() + 64) compact();
}

std::optional<TimerQueue::Clock::time_point> TimerQueue::next_due() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().due;  // the top is always live
}

size_t TimerQueue::run_due(Clock::time_point now) {
  // What is due now, taken off the heap before any runs: timers that the
  // callbacks add go on the heap and wait for the next call.
  std::vector<Entry> due;
  while (!heap_.empty() && heap_.front().due <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    due.push_back(heap_.back());
    heap_.pop_back();
  }
  drop_cancelled_top();
  size_t ran = 0;
  for (const Entry& entry : due) {
    auto found = callbacks_.find(entry.id);
    if (found == callbacks_.end()) continue;  // cancelled, by an earlier callback too
    std::function<void()> fire = std::move(found->second);
    callbacks_.erase(found);
    fire();
    ++ran;
  }
  return ran;
}

void TimerQueue::drop_cancelled_top() {
  while (!heap_.empty() && !callbacks_.contains(heap_.front().id)) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
}

void TimerQueue::compact() {
  std::erase_if(heap_, [this](const Entry& entry) { return !callbacks_.contains(entry.id); });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
}

}  // namespace sipsentry::sip
