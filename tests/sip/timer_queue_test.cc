// The event loop's timer queue: order, cancellation, callbacks that add and
// cancel timers, and many timers at once.
#include "sip/timer_queue.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sipsentry::sip {
namespace {

using Clock = TimerQueue::Clock;
using std::chrono::milliseconds;

class TimerQueueTest : public ::testing::Test {
 protected:
  /// A timer that notes `name` in fired_ when it runs.
  TimerQueue::Id add(int at_ms, std::string name) {
    return queue_.add(at(at_ms), [this, name] { fired_.push_back(name); });
  }
  static Clock::time_point at(int ms) { return start_ + milliseconds(ms); }

  static inline const Clock::time_point start_ = Clock::now();
  TimerQueue queue_;
  std::vector<std::string> fired_;
};

TEST_F(TimerQueueTest, RunsTimersInTheOrderTheyAreDueNotTheOrderAdded) {
  add(30, "c");
  add(10, "a");
  add(20, "b");
  EXPECT_EQ(queue_.run_due(at(30)), 3u);
  EXPECT_EQ(fired_, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(TimerQueueTest, TimersDueAtTheSameTimeRunInTheOrderAdded) {
  for (const char* name : {"first", "second", "third"}) add(5, name);
  queue_.run_due(at(5));
  EXPECT_EQ(fired_, (std::vector<std::string>{"first", "second", "third"}));
}

TEST_F(TimerQueueTest, RunsOnlyWhatIsDueAndTellsWhenTheNextIs) {
  add(10, "a");
  add(20, "b");
  EXPECT_EQ(queue_.next_due(), at(10));
  EXPECT_EQ(queue_.run_due(at(9)), 0u);
  EXPECT_EQ(queue_.run_due(at(15)), 1u);
  EXPECT_EQ(fired_, std::vector<std::string>{"a"});
  EXPECT_EQ(queue_.next_due(), at(20));
  queue_.run_due(at(20));
  EXPECT_FALSE(queue_.next_due());
  EXPECT_EQ(queue_.size(), 0u);
}

TEST_F(TimerQueueTest, ACancelledTimerNeverRunsAndCancellingTwiceOrAfterFiringDoesNothing) {
  TimerQueue::Id a = add(10, "a");
  TimerQueue::Id b = add(10, "b");
  queue_.cancel(a);
  queue_.cancel(a);
  EXPECT_EQ(queue_.size(), 1u);
  queue_.run_due(at(10));
  queue_.cancel(b);  // fired already
  queue_.cancel(12345);
  EXPECT_EQ(fired_, std::vector<std::string>{"b"});
  EXPECT_EQ(queue_.size(), 0u);
}

TEST_F(TimerQueueTest, AStaleIdCancelsNothingWhenItsPlaceServesANewerTimer) {
  // A line cancels the budget timer of a request already answered, long
  // after that timer fired and another took its place.
  TimerQueue::Id fired = add(1, "fired");
  queue_.run_due(at(1));
  TimerQueue::Id cancelled = add(2, "cancelled");
  queue_.cancel(cancelled);
  TimerQueue::Id newer = add(3, "newer");
  EXPECT_NE(newer, fired);
  EXPECT_NE(newer, cancelled);
  EXPECT_NE(newer, 0u);
  queue_.cancel(fired);
  queue_.cancel(cancelled);
  EXPECT_EQ(queue_.size(), 1u);
  queue_.run_due(at(3));
  EXPECT_EQ(fired_, (std::vector<std::string>{"fired", "newer"}));
}

TEST_F(TimerQueueTest, ACallbackMayCancelATimerDueInTheSameRun) {
  TimerQueue::Id later = 0;
  queue_.add(at(1), [&] { queue_.cancel(later); });
  later = add(2, "cancelled");
  add(3, "kept");
  queue_.run_due(at(3));
  EXPECT_EQ(fired_, std::vector<std::string>{"kept"});
}

TEST_F(TimerQueueTest, ATimerAddedByACallbackRunsAtTheNextCallEvenWhenDueAlready) {
  // A timer that restarts itself with no delay must not keep one call busy.
  int runs = 0;
  std::function<void()> again = [&] {
    ++runs;
    queue_.add(at(0), again);
  };
  queue_.add(at(0), again);
  EXPECT_EQ(queue_.run_due(at(0)), 1u);
  EXPECT_EQ(queue_.run_due(at(0)), 1u);
  EXPECT_EQ(runs, 2);
}

TEST_F(TimerQueueTest, CancellingTheEarliestMovesNextDueToTheNextLiveTimer) {
  TimerQueue::Id first = add(10, "first");
  TimerQueue::Id second = add(20, "second");
  add(30, "third");
  queue_.cancel(second);
  queue_.cancel(first);
  EXPECT_EQ(queue_.next_due(), at(30));
  EXPECT_EQ(queue_.run_due(at(25)), 0u);
  EXPECT_EQ(queue_.run_due(at(30)), 1u);
  EXPECT_EQ(fired_, (std::vector<std::string>{"third"}));
  EXPECT_EQ(queue_.next_due(), std::nullopt);
}

TEST_F(TimerQueueTest, TimersRestartedOverAndOverKeepTheirOrder) {
  // A line's budget timer is cancelled by nearly every answer and started
  // again: many dead entries, and the live ones still run in order.
  for (int round = 0; round < 1'000; ++round) {
    TimerQueue::Id id = add(60'000 - round, "timer " + std::to_string(round));
    if (round % 10 != 0) queue_.cancel(id);
  }
  EXPECT_EQ(queue_.size(), 100u);
  EXPECT_EQ(queue_.run_due(at(60'000)), 100u);
  ASSERT_EQ(fired_.size(), 100u);
  EXPECT_EQ(fired_.front(), "timer 990");
  EXPECT_EQ(fired_.back(), "timer 0");
}

TEST_F(TimerQueueTest, ManyTimersRunInDueOrderWithTheCancelledOnesLeftOut) {
  // 30,000 timers, the order of 10,000 lines' keep-alive, observation and
  // refresh timers, at random times; every third one cancelled.
  std::mt19937 random(7);
  std::uniform_int_distribution<int> due_ms(0, 60'000);
  std::vector<int> ran_at;
  std::vector<TimerQueue::Id> ids;
  for (int k = 0; k < 30'000; ++k) {
    int ms = due_ms(random);
    ids.push_back(queue_.add(at(ms), [&ran_at, ms] { ran_at.push_back(ms); }));
  }
  for (size_t k = 0; k < ids.size(); k += 3) queue_.cancel(ids[k]);
  EXPECT_EQ(queue_.size(), 20'000u);
  for (int ms = 0; ms <= 60'000; ms += 250) queue_.run_due(at(ms));
  EXPECT_EQ(ran_at.size(), 20'000u);
  EXPECT_TRUE(std::is_sorted(ran_at.begin(), ran_at.end()));
  EXPECT_EQ(queue_.size(), 0u);
}

}  // namespace
}  // namespace sipsentry::sip
