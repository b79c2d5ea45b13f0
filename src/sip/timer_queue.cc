#include "sip/timer_queue.h"

namespace sipsentry::sip {

TimerQueue::Id TimerQueue::add(Clock::time_point due, std::function<void()> fire) {
  Id id = next_id_++;
  queue_.emplace(Key{due, id}, std::move(fire));
  due_of_.emplace(id, due);
  return id;
}

void TimerQueue::cancel(Id id) {
  auto found = due_of_.find(id);
  if (found == due_of_.end()) return;
  queue_.erase(Key{found->second, id});
  due_of_.erase(found);
}

std::optional<TimerQueue::Clock::time_point> TimerQueue::next_due() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first.first;
}

size_t TimerQueue::run_due(Clock::time_point now) {
  const Id added_before = next_id_;  // timers added by the callbacks wait for the next call
  size_t ran = 0;
  for (auto next = queue_.begin(); next != queue_.end() && next->first.first <= now;) {
    if (next->first.second >= added_before) {
      ++next;
      continue;
    }
    // Out of the queue before it runs: the callback may add or cancel timers.
    std::function<void()> fire = std::move(next->second);
    due_of_.erase(next->first.second);
    queue_.erase(next);
    fire();
    ++ran;
    next = queue_.begin();
  }
  return ran;
}

}  // namespace sipsentry::sip
