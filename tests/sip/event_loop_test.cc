// The event loop on a real Sofia root: it sleeps between due timers instead
// of spinning, and fires each timer on time.
#include "sip/event_loop.h"

#include <gtest/gtest.h>

#include <vector>

namespace sipsentry::sip {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class EventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    loop_ = EventLoop::create(error);
    ASSERT_TRUE(loop_) << error;
  }
  std::unique_ptr<EventLoop> loop_;
};

TEST_F(EventLoopTest, WaitsOnSofiasDescriptorItself) {
  EXPECT_TRUE(loop_->waits_itself());
}

TEST_F(EventLoopTest, ATimerFiresWhenDueNotBefore) {
  Clock::time_point started = Clock::now();
  Clock::time_point fired{};
  loop_->start_timer(engine::Millis(120), [&] { fired = Clock::now(); });
  loop_->run_until([&] { return fired != Clock::time_point{}; });
  EXPECT_GE(fired - started, milliseconds(120));
  EXPECT_LT(fired - started, milliseconds(120 + 30));
}

TEST_F(EventLoopTest, LongTimersOfManyLinesShareWakeUpsNeverEarly) {
  // Thousands of lines' keep-alives and refreshes: timers a second or more
  // away fire together within each 10 ms, never before they are due.
  Clock::time_point started = Clock::now();
  std::vector<Clock::time_point> fired;
  for (int k = 0; k < 10; ++k)
    loop_->start_timer(engine::Millis(1000 + k), [&] { fired.push_back(Clock::now()); });
  loop_->run_until([&] { return fired.size() == 10; });
  for (int k = 0; k < 10; ++k) {
    EXPECT_GE(fired[k] - started, milliseconds(1000 + k)) << k;
    EXPECT_LT(fired[k] - started, milliseconds(1000 + 10 + 30)) << k;
  }
  // Ten timers 1 ms apart: one or two wake-ups (a 10 ms boundary may fall
  // among them), where each would have had its own.
  int wake_ups = 1;
  for (size_t k = 1; k < fired.size(); ++k)
    if (fired[k] - fired[k - 1] > std::chrono::microseconds(500)) ++wake_ups;
  EXPECT_LE(wake_ups, 2);
}

TEST_F(EventLoopTest, ASofiaTimerSetByALoopTimerFiresOnTimeNotAtTheNextLoopTimer) {
  // A keep-alive timer sends an OPTIONS, and NTA arms its retransmission
  // (T1 later) inside the loop timer's callback; the loop's next timer is
  // the next keep-alive, a second away. The retransmission must not wait
  // for it.
  struct Fired {
    Clock::time_point at{};
  } sofia;
  Clock::time_point armed{};
  bool next_keepalive = false;
  su_timer_t* retransmission = su_timer_create(su_root_task(loop_->root()), 100);
  loop_->start_timer(engine::Millis(10), [&] {
    armed = Clock::now();
    su_timer_set(
        retransmission,
        [](su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
          static_cast<Fired*>(arg)->at = Clock::now();
        },
        &sofia);
  });
  loop_->start_timer(engine::Millis(1000), [&] { next_keepalive = true; });
  loop_->run_until([&] { return sofia.at != Clock::time_point{} || next_keepalive; });
  su_timer_destroy(retransmission);
  ASSERT_NE(sofia.at, Clock::time_point{}) << "the loop slept through Sofia's timer";
  EXPECT_GE(sofia.at - armed, milliseconds(100));
  EXPECT_LT(sofia.at - armed, milliseconds(100 + 30));
}

TEST_F(EventLoopTest, ACancelledTimerDoesNotFire) {
  bool cancelled_fired = false, later_fired = false;
  EventLoop::TimerId cancelled =
      loop_->start_timer(engine::Millis(10), [&] { cancelled_fired = true; });
  loop_->start_timer(engine::Millis(30), [&] { later_fired = true; });
  loop_->cancel_timer(cancelled);
  loop_->run_until([&] { return later_fired; });
  EXPECT_FALSE(cancelled_fired);
}

TEST_F(EventLoopTest, SleepsBetweenTimersInsteadOfSpinning) {
  // 40 timers 7.5 ms apart, each due in the middle of a millisecond: a loop
  // that waits in whole milliseconds rounded down spins through the rest of
  // each one (thousands of turns); this one wakes about once per timer,
  // plus once per 50 ms at most to look at its condition.
  int fired = 0;
  for (int k = 1; k <= 40; ++k)
    loop_->start_timer(engine::Millis(0), [&, k] {
      loop_->start_timer(engine::Millis(k * 7) + engine::Millis(k / 2), [&] { ++fired; });
    });
  int turns = 0;
  loop_->run_until([&] {
    ++turns;
    return fired == 40;
  });
  EXPECT_EQ(fired, 40);
  EXPECT_LT(turns, 2 * (40 + 10) + 20);
}

TEST_F(EventLoopTest, SleepsBetweenSofiasOwnTimersToo) {
  // NTA's transaction timers are Sofia su_timers, which the loop does not
  // own: the same 40 timers as Sofia's.
  struct Count {
    int fired = 0;
  } count;
  std::vector<su_timer_t*> timers;
  for (int k = 1; k <= 40; ++k) {
    su_timer_t* timer = su_timer_create(su_root_task(loop_->root()), k * 7 + k / 2);
    su_timer_set(
        timer,
        [](su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
          ++static_cast<Count*>(arg)->fired;
        },
        &count);
    timers.push_back(timer);
  }
  int turns = 0;
  loop_->run_until([&] {
    ++turns;
    return count.fired == 40;
  });
  for (su_timer_t* timer : timers) su_timer_destroy(timer);
  EXPECT_EQ(count.fired, 40);
  EXPECT_LT(turns, 2 * (40 + 10) + 20);
}

}  // namespace
}  // namespace sipsentry::sip
