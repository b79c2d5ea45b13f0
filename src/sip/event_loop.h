#pragma once
// Internal to sip/: Sofia's event loop, with the monotonic clock and the
// timers the engines run on.

#include <signal.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "engine/time.h"
#include "sip/sofia_handles.h"
#include "sip/timer_queue.h"

namespace sipsentry::sip {

/// One su_root: every socket and every timer of the process is served by
/// it, on the thread that runs it. The timers of the lines live in one
/// TimerQueue and fire in the same loop as the SIP traffic, never
/// concurrently with it; the loop sleeps until the earlier of its next timer
/// and Sofia's own, or until a socket is readable, and never spins.
class EventLoop {
 public:
  /// Returns nullptr (and says why in `error`) when Sofia cannot start.
  static std::unique_ptr<EventLoop> create(std::string& error);
  ~EventLoop();

  su_root_t* root() const { return root_.get(); }
  /// Milliseconds on a monotonic clock since the loop was created.
  engine::Millis now() const;

  using TimerId = uint64_t;
  /// Runs `fire` on the loop after `delay`, unless cancelled first.
  TimerId start_timer(engine::Millis delay, std::function<void()> fire);
  /// Cancelling a timer that fired or was cancelled already does nothing.
  void cancel_timer(TimerId id);
  /// Serves the loop until `finished` returns true, which it looks at after
  /// every wake-up: a due timer, a readable socket or a signal. Signals are
  /// blocked while the loop works and let in while it waits.
  void run_until(const std::function<bool()>& finished);
  /// Whether the loop waits on Sofia's descriptor itself (see
  /// sofia_wait_fd.h); false means Sofia waits, with its sub-millisecond spin.
  bool waits_itself() const { return wait_fd_ >= 0; }

 private:
  EventLoop() = default;
  int wait_timeout(su_duration_t sofia_next) const;
  void wait(int timeout_ms, const sigset_t& caller);

  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  RootPtr root_;
  int wait_fd_ = -1;  // Sofia's epoll descriptor, owned by the root
  TimerQueue timers_;
};

}  // namespace sipsentry::sip
