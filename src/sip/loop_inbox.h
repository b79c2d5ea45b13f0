#pragma once
// Internal to sip/: work handed to the event loop from other threads.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "resolve/loop_hooks.h"

namespace sipsentry::sip {

/// A queue other threads (the HTTP endpoint's, a TLS certificate reader's)
/// put work on, which the event loop runs, in order, soon after. An eventfd
/// watched by the loop wakes it, so posting never waits for the loop's next
/// timer and an idle loop never polls.
class LoopInbox {
 public:
  /// Watches its eventfd through `hooks`. Returns nullptr and says why in
  /// `error` when no eventfd can be made.
  static std::unique_ptr<LoopInbox> create(resolve::LoopHooks& hooks, std::string& error);
  ~LoopInbox();
  LoopInbox(const LoopInbox&) = delete;
  LoopInbox& operator=(const LoopInbox&) = delete;

  /// Queues `work` and wakes the loop. Safe from any thread.
  void post(std::function<void()> work);

 private:
  LoopInbox(resolve::LoopHooks& hooks, int fd);
  void drain();

  resolve::LoopHooks& hooks_;
  int fd_;
  std::mutex mutex_;
  std::vector<std::function<void()>> queued_;
};

}  // namespace sipsentry::sip
