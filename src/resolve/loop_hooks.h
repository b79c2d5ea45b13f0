#pragma once
// What the resolver needs of an event loop: watching its sockets and one
// timer. src/sip implements it on Sofia-SIP's su_root, so that DNS is
// served by the same loop as SIP and never blocks it.

#include <cstdint>
#include <functional>

#include "engine/time.h"

namespace sipsentry::resolve {

class LoopHooks {
 public:
  virtual ~LoopHooks() = default;
  using TimerId = uint64_t;
  /// Runs `fire` on the loop after `delay`, unless cancelled first.
  virtual TimerId start_timer(engine::Millis delay, std::function<void()> fire) = 0;
  virtual void cancel_timer(TimerId id) = 0;
  /// Calls `ready(readable, writable)` on the loop whenever `fd` is readable
  /// (and writable, if `write`), until unwatch(fd) or another watch(fd)
  /// replaces it. `ready` may unwatch the very descriptor it serves.
  virtual void watch(int fd, bool write, std::function<void(bool, bool)> ready) = 0;
  virtual void unwatch(int fd) = 0;
};

}  // namespace sipsentry::resolve
