#pragma once
// Timers in virtual time for fakes of the event loop: they fire only when
// the test advances the clock, in the order they are due.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>

#include "engine/time.h"

namespace sipsentry::testing {

class VirtualTimers {
 public:
  uint64_t start(engine::Millis delay, std::function<void()> fire) {
    timers_[next_id_] = {now_ + delay, std::move(fire)};
    return next_id_++;
  }
  void cancel(uint64_t id) { timers_.erase(id); }

  /// Moves the clock to now + `duration`, firing every timer due on the way in order.
  void advance(engine::Millis duration) {
    engine::Millis until = now_ + duration;
    for (;;) {
      auto next = timers_.end();
      for (auto it = timers_.begin(); it != timers_.end(); ++it)
        if (it->second.at <= until && (next == timers_.end() || it->second.at < next->second.at))
          next = it;
      if (next == timers_.end()) break;
      now_ = std::max(now_, next->second.at);
      std::function<void()> fire = std::move(next->second.fire);
      timers_.erase(next);
      fire();
    }
    now_ = until;
  }

  engine::Millis now() const { return now_; }
  size_t pending() const { return timers_.size(); }

 private:
  struct Timer {
    engine::Millis at;
    std::function<void()> fire;
  };
  engine::Millis now_{0};
  uint64_t next_id_ = 1;
  std::map<uint64_t, Timer> timers_;
};

}  // namespace sipsentry::testing
