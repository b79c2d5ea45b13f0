#include "sip/loop_inbox.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace sipsentry::sip {

std::unique_ptr<LoopInbox> LoopInbox::create(resolve::LoopHooks& hooks, std::string& error) {
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    error = std::string("cannot make an eventfd for the event loop: ") + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<LoopInbox>(new LoopInbox(hooks, fd));
}

LoopInbox::LoopInbox(resolve::LoopHooks& hooks, int fd) : hooks_(hooks), fd_(fd) {
  hooks_.watch(fd_, false, [this](bool, bool) { drain(); });
}

LoopInbox::~LoopInbox() {
  hooks_.unwatch(fd_);
  close(fd_);
}

void LoopInbox::post(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    queued_.push_back(std::move(work));
  }
  // The counter only wakes the loop; a write that finds it at its maximum
  // (EAGAIN) needs none, the loop has yet to read it.
  uint64_t one = 1;
  [[maybe_unused]] ssize_t written = write(fd_, &one, sizeof one);
}

void LoopInbox::drain() {
  uint64_t count = 0;
  [[maybe_unused]] ssize_t got = read(fd_, &count, sizeof count);
  std::vector<std::function<void()>> work;
  {
    std::lock_guard lock(mutex_);
    work.swap(queued_);
  }
  // Outside the lock: a piece of work may post more.
  for (auto& piece : work) piece();
}

}  // namespace sipsentry::sip
