// Work posted from other threads runs on the event loop, in order, and wakes
// a loop that would otherwise sleep until its next timer.
#include "sip/loop_inbox.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "sip/event_loop.h"
#include "sip/loop_hooks.h"

namespace sipsentry::sip {
namespace {

using Clock = std::chrono::steady_clock;

class LoopInboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    loop = EventLoop::create(error);
    ASSERT_TRUE(loop) << error;
    hooks = std::make_unique<SofiaLoopHooks>(*loop);
    inbox = LoopInbox::create(*hooks, error);
    ASSERT_TRUE(inbox) << error;
  }
  std::unique_ptr<EventLoop> loop;
  std::unique_ptr<SofiaLoopHooks> hooks;
  std::unique_ptr<LoopInbox> inbox;
};

TEST_F(LoopInboxTest, WorkPostedFromAnotherThreadWakesTheLoopAtOnceAndRunsOnIt) {
  // The loop's only timer is 10 s away: without the inbox's wake-up the
  // posted work would wait for it.
  loop->start_timer(engine::Millis(10'000), [] {});
  std::thread::id ran_on{};
  std::vector<int> order;
  Clock::time_point posted{};
  std::thread poster([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    posted = Clock::now();
    for (int k = 0; k < 3; ++k)
      inbox->post([&, k] {
        ran_on = std::this_thread::get_id();
        order.push_back(k);
      });
  });
  loop->run_until([&] { return order.size() == 3; });
  Clock::time_point done = Clock::now();
  poster.join();

  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_LT(done - posted, std::chrono::milliseconds(500));
}

TEST_F(LoopInboxTest, WorkMayPostMoreWhichRunsAfterIt) {
  std::vector<int> order;
  inbox->post([&] {
    order.push_back(1);
    inbox->post([&] { order.push_back(2); });
  });
  loop->run_until([&] { return order.size() == 2; });
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace sipsentry::sip
