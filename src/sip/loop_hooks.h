#pragma once
// Internal to sip/: the resolver's sockets and timer on the SIP event loop.

#include <functional>
#include <map>

#include "resolve/loop_hooks.h"
#include "sip/event_loop.h"

namespace sipsentry::sip {

/// resolve::LoopHooks on the EventLoop: descriptors registered with its
/// su_root (whose epoll the loop waits on), timers in its TimerQueue.
class SofiaLoopHooks final : public resolve::LoopHooks {
 public:
  explicit SofiaLoopHooks(EventLoop& loop) : loop_(loop) {}
  ~SofiaLoopHooks() override;
  SofiaLoopHooks(const SofiaLoopHooks&) = delete;
  SofiaLoopHooks& operator=(const SofiaLoopHooks&) = delete;

  TimerId start_timer(engine::Millis delay, std::function<void()> fire) override {
    return loop_.start_timer(delay, std::move(fire));
  }
  void cancel_timer(TimerId id) override { loop_.cancel_timer(id); }
  void watch(int fd, bool write, std::function<void(bool, bool)> ready) override;
  void unwatch(int fd) override;

 private:
  struct Watch {
    int index;  // su_root's registration
    std::function<void(bool, bool)> ready;
  };
  static int on_ready(EventLoop* loop, su_wait_t* wait, void* self);

  EventLoop& loop_;
  std::map<int, Watch> watches_;
};

}  // namespace sipsentry::sip
