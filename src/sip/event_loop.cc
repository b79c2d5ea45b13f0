#include "sip/event_loop.h"

namespace sipsentry::sip {

std::unique_ptr<EventLoop> EventLoop::create(std::string& error) {
  static const bool initialised = su_init() == 0;
  if (!initialised) return (error = "cannot initialise Sofia-SIP"), nullptr;
  std::unique_ptr<EventLoop> loop(new EventLoop());
  // The loop is the root's context: timer callbacks find it there.
  loop->root_.reset(su_root_create(loop.get()));
  if (!loop->root_) return (error = "cannot create the SIP event loop"), nullptr;
  // One thread serves everything; Sofia must not start threads of its own.
  su_root_threading(loop->root_.get(), 0);
  return loop;
}

EventLoop::~EventLoop() {
  timers_.clear();  // before the root they belong to
}

engine::Millis EventLoop::now() const {
  return std::chrono::duration_cast<engine::Millis>(std::chrono::steady_clock::now() - started_);
}

EventLoop::TimerId EventLoop::start_timer(engine::Millis delay, std::function<void()> fire) {
  TimerId id = next_timer_++;
  // Sofia asserts on a timer of 0 ms: "at once" is the next millisecond.
  auto duration = static_cast<su_duration_t>(std::max<int64_t>(delay.count(), 1));
  TimerPtr handle(su_timer_create(su_root_task(root_.get()), duration));
  su_timer_set(handle.get(), &EventLoop::on_timer, reinterpret_cast<void*>(id));
  timers_[id] = Timer{std::move(handle), std::move(fire)};
  return id;
}

void EventLoop::cancel_timer(TimerId id) {
  timers_.erase(id);
}

void EventLoop::run_until(const std::function<bool()>& finished) {
  while (!finished()) su_root_step(root_.get(), 50);
}

void EventLoop::on_timer(su_root_magic_t* loop, su_timer_t*, su_timer_arg_t* arg) {
  auto id = reinterpret_cast<TimerId>(arg);
  auto found = loop->timers_.find(id);
  if (found == loop->timers_.end()) return;
  // The callback may start or cancel timers: take it out of the map first.
  std::function<void()> fire = std::move(found->second.fire);
  loop->timers_.erase(found);
  fire();
}

}  // namespace sipsentry::sip
