// The start-up pace: thousands of lines must not register in one burst.
#include "daemon/startup_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sipsentry::daemon {
namespace {

using engine::Millis;

TEST(StartupScheduleTest, TenThousandLinesAtAHundredPerSecondTakeAHundredSeconds) {
  config::StartupSettings startup{.rate = 100, .jitter = Millis(1000)};
  std::vector<Millis> offsets = startup_offsets(10'000, startup, 7);
  ASSERT_EQ(offsets.size(), 10'000u);
  EXPECT_TRUE(std::ranges::is_sorted(offsets));
  // The k-th start is paced to k/rate and delayed by at most the jitter.
  for (size_t k = 0; k < offsets.size(); ++k) {
    Millis paced(static_cast<int64_t>(k) * 10);
    ASSERT_GE(offsets[k], paced) << k;
    ASSERT_LE(offsets[k], paced + startup.jitter) << k;
  }
  // No second sees more starts than the rate allows, give or take the jitter's spill.
  for (int64_t second = 0; second < 100; ++second) {
    auto in_second = std::ranges::count_if(offsets, [&](Millis at) {
      return at >= Millis(second * 1000) && at < Millis((second + 1) * 1000);
    });
    EXPECT_LE(in_second, 200) << "second " << second;
  }
}

TEST(StartupScheduleTest, TheJitterSpreadsLinesThatWouldStartTogether) {
  std::vector<Millis> offsets = startup_offsets(50, {.rate = 100'000, .jitter = Millis(2000)}, 1);
  EXPECT_GT(offsets.back() - offsets.front(), Millis(1000)) << "spread over the jitter";
  EXPECT_EQ(offsets, startup_offsets(50, {.rate = 100'000, .jitter = Millis(2000)}, 1))
      << "the same seed, the same schedule";
}

TEST(StartupScheduleTest, WithoutJitterLinesStartExactlyOnThePace) {
  EXPECT_EQ(startup_offsets(4, {.rate = 2, .jitter = Millis(0)}, 3),
            (std::vector<Millis>{Millis(0), Millis(500), Millis(1000), Millis(1500)}));
}

}  // namespace
}  // namespace sipsentry::daemon
