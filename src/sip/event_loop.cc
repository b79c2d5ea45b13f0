#include "sip/event_loop.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>

#include "sip/sofia_wait_fd.h"

namespace sipsentry::sip {
namespace {

using Clock = TimerQueue::Clock;

/// The longest the loop sleeps with nothing due: a guard only, since a
/// timer, a readable socket or a signal wakes it.
constexpr int kMaxWaitMs = 60'000;

/// Milliseconds until `due`, rounded up: a wait that ends before a timer is
/// due only comes back to wait again.
int ms_until(Clock::time_point due, Clock::time_point now) {
  if (due <= now) return 0;
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(due - now).count();
  return static_cast<int>(std::min<int64_t>((micros + 999) / 1000, kMaxWaitMs));
}

/// Blocks every signal while alive, so that signals reach the thread only
/// inside the loop's wait (ppoll with the mask it had before): a signal that
/// comes while the loop works wakes the next wait at once, instead of
/// slipping in just before it and waiting for the next timer.
class SignalsOutsideTheWait {
 public:
  SignalsOutsideTheWait() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &caller_);
  }
  ~SignalsOutsideTheWait() { pthread_sigmask(SIG_SETMASK, &caller_, nullptr); }
  SignalsOutsideTheWait(const SignalsOutsideTheWait&) = delete;
  SignalsOutsideTheWait& operator=(const SignalsOutsideTheWait&) = delete;
  const sigset_t& caller() const { return caller_; }

 private:
  sigset_t caller_;
};

/// Timers this far away or more (keep-alives, refreshes, observation,
/// request budgets) are due at the next multiple of kCoalescing, so that
/// thousands of lines' timers share wake-ups: at most one each 10 ms,
/// never early, and late by less than 10 ms, well inside what a budget or
/// a keep-alive interval is measured with. Shorter ones (work after Sofia's
/// callbacks, connection checks) keep their exact time.
constexpr engine::Millis kCoalescedFrom{1000};
constexpr std::chrono::milliseconds kCoalescing{10};

Clock::time_point coalesced(Clock::time_point due) {
  auto since_epoch = due.time_since_epoch();
  auto slots = (since_epoch + kCoalescing - Clock::duration(1)) / kCoalescing;
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(slots * kCoalescing));
}

}  // namespace

std::unique_ptr<EventLoop> EventLoop::create(std::string& error) {
  static const bool initialised = su_init() == 0;
  if (!initialised) return (error = "cannot initialise Sofia-SIP"), nullptr;
  std::unique_ptr<EventLoop> loop(new EventLoop());
  // The loop is the root's context: callbacks find it there.
  loop->wait_fd_ = sofia_wait_fd([&] { loop->root_.reset(su_root_create(loop.get())); });
  if (!loop->root_) return (error = "cannot create the SIP event loop"), nullptr;
  // One thread serves everything; Sofia must not start threads of its own.
  su_root_threading(loop->root_.get(), 0);
  return loop;
}

EventLoop::~EventLoop() = default;

engine::Millis EventLoop::now() const {
  return std::chrono::duration_cast<engine::Millis>(Clock::now() - started_);
}

EventLoop::TimerId EventLoop::start_timer(engine::Millis delay, std::function<void()> fire) {
  Clock::time_point due = Clock::now() + std::max(delay, engine::Millis(0));
  if (delay >= kCoalescedFrom) due = coalesced(due);
  return timers_.add(due, std::move(fire));
}

void EventLoop::cancel_timer(TimerId id) {
  timers_.cancel(id);
}

void EventLoop::run_until(const std::function<bool()>& finished) {
  SignalsOutsideTheWait signals;
  while (!finished()) {
    // Sofia's due timers and ready sockets, without waiting.
    su_duration_t sofia_next = su_root_step(root_.get(), 0);
    // A request our timers sent (a keep-alive, a budget's next walk step)
    // armed Sofia's timers (NTA's retransmissions) after Sofia said when
    // its next was due: ask again, or the wait runs to our next timer and
    // the retransmissions go late (a keep-alive into a silence went out
    // again only at the next keep-alive's time, a second later).
    if (timers_.run_due(Clock::now()) > 0) sofia_next = su_root_step(root_.get(), 0);
    if (finished()) return;
    wait(wait_timeout(sofia_next), signals.caller());
  }
}

/// How long the loop may sleep: until the earlier of its own next timer and
/// Sofia's. `sofia_next` is what su_root_step() returned: Sofia's next timer
/// in milliseconds rounded down (0 also when it has more to do at once), or
/// negative for none.
int EventLoop::wait_timeout(su_duration_t sofia_next) const {
  int timeout = kMaxWaitMs;
  if (sofia_next >= 0) timeout = static_cast<int>(std::min<su_duration_t>(timeout, sofia_next + 1));
  if (std::optional<Clock::time_point> due = timers_.next_due())
    timeout = std::min(timeout, ms_until(*due, Clock::now()));
  return timeout;
}

/// Sleeps until a socket of Sofia's is readable, a signal comes or
/// `timeout_ms` passed; signals are let in with the `caller`'s mask.
void EventLoop::wait(int timeout_ms, const sigset_t& caller) {
  if (timeout_ms == 0) return;
  if (wait_fd_ < 0) {
    // Sofia waits, and a signal that comes just before is seen at the next
    // wake-up only.
    sigset_t held;
    pthread_sigmask(SIG_SETMASK, &caller, &held);
    su_root_step(root_.get(), timeout_ms);
    pthread_sigmask(SIG_SETMASK, &held, nullptr);
    return;
  }
  pollfd ready{.fd = wait_fd_, .events = POLLIN, .revents = 0};
  timespec timeout{.tv_sec = timeout_ms / 1000, .tv_nsec = (timeout_ms % 1000) * 1'000'000L};
  ppoll(&ready, 1, &timeout, &caller);
}

}  // namespace sipsentry::sip
