#pragma once
// Internal to sip/: Sofia's event loop, with the monotonic clock and the
// timers the engines run on.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "engine/time.h"
#include "sip/sofia_handles.h"

namespace sipsentry::sip {

/// One su_root: every socket and every timer of the process is served by
/// it, on the thread that runs it. Timers are su_timers, so they fire in
/// the same loop as the SIP traffic, never concurrently with it.
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
  /// Serves the loop until `finished` returns true (checked at least every 50 ms).
  void run_until(const std::function<bool()>& finished);

 private:
  EventLoop() = default;
  struct Timer {
    TimerPtr handle;
    std::function<void()> fire;
  };
  static void on_timer(su_root_magic_t* loop, su_timer_t*, su_timer_arg_t* id);

  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  RootPtr root_;
  TimerId next_timer_ = 1;
  std::map<TimerId, Timer> timers_;
};

}  // namespace sipsentry::sip
