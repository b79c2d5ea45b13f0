#include "sip/loop_hooks.h"

namespace sipsentry::sip {

SofiaLoopHooks::~SofiaLoopHooks() {
  for (auto& [fd, watch] : watches_) su_root_deregister(loop_.root(), watch.index);
}

void SofiaLoopHooks::watch(int fd, bool write, std::function<void(bool, bool)> ready) {
  unwatch(fd);  // one registration per descriptor: epoll refuses a second
  su_wait_t wait;
  if (su_wait_create(&wait, fd, SU_WAIT_IN | (write ? SU_WAIT_OUT : 0)) != 0) return;
  int index = su_root_register(loop_.root(), &wait, &SofiaLoopHooks::on_ready, this, 0);
  if (index < 0) return;
  watches_[fd] = Watch{index, std::move(ready)};
}

void SofiaLoopHooks::unwatch(int fd) {
  auto found = watches_.find(fd);
  if (found == watches_.end()) return;
  su_root_deregister(loop_.root(), found->second.index);
  watches_.erase(found);
}

int SofiaLoopHooks::on_ready(EventLoop*, su_wait_t* wait, void* arg) {
  auto* self = static_cast<SofiaLoopHooks*>(arg);
  int fd = wait->fd;
  int events = su_wait_events(wait, fd);
  auto found = self->watches_.find(fd);
  if (found == self->watches_.end()) return 0;
  // A copy: `ready` may unwatch its own descriptor.
  std::function<void(bool, bool)> ready = found->second.ready;
  // An error or hang-up is for the reader to find.
  ready((events & ~SU_WAIT_OUT) != 0, (events & SU_WAIT_OUT) != 0);
  return 0;
}

}  // namespace sipsentry::sip
