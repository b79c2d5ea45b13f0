// register_retry (spec.md §5a): the seed phone's fixed wait, and RFC 5626
// §4.5's back-off: a random 50-100 % of min(max, base * 2^failures), the
// draw an input so that virtual time stays deterministic.
#include "engine/register_retry.h"

#include <algorithm>
#include <deque>
#include <random>

#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::send_times;
using testing::two_server_line;

LineSettings backoff_line() {
  LineSettings line = two_server_line();
  line.register_retry.mode = RegisterRetry::Mode::kBackoff;
  return line;
}

TEST(RegisterRetry, FixedWaitsTheIntervalWhateverTheFailureCount) {
  LineSettings line = two_server_line();
  EXPECT_EQ(register_retry_bounds(line, 1), (WaitBounds{30s, 30s}));
  EXPECT_EQ(register_retry_bounds(line, 9), (WaitBounds{30s, 30s}));
}

TEST(RegisterRetry, BackoffDoublesFromBaseTimesTwoUpToMaxAndDrawsFromHalfToAll) {
  LineSettings line = backoff_line();
  // RFC 5626's example: base 30 s and three failures, an upper bound of 240 s.
  EXPECT_EQ(register_retry_bounds(line, 1), (WaitBounds{30s, 60s}));
  EXPECT_EQ(register_retry_bounds(line, 2), (WaitBounds{60s, 120s}));
  EXPECT_EQ(register_retry_bounds(line, 3), (WaitBounds{120s, 240s}));
  EXPECT_EQ(register_retry_bounds(line, 6), (WaitBounds{900s, 1800s}));
  EXPECT_EQ(register_retry_bounds(line, 4'000'000'000u), (WaitBounds{900s, 1800s}));
}

TEST(RegisterRetry, ManyDrawsStayWithinTheBoundsAndSpreadOverThem) {
  WaitBounds bounds = register_retry_bounds(backoff_line(), 2);
  std::mt19937 generator(7);
  std::uniform_real_distribution<double> fraction(0.0, 1.0);
  Millis shortest = bounds.longest, longest = bounds.shortest;
  int lower_half = 0;
  const int draws = 10'000;
  for (int k = 0; k < draws; ++k) {
    Millis wait = register_retry_wait(bounds, fraction(generator));
    ASSERT_GE(wait, bounds.shortest);
    ASSERT_LE(wait, bounds.longest);
    shortest = std::min(shortest, wait);
    longest = std::max(longest, wait);
    if (wait < (bounds.shortest + bounds.longest) / 2) ++lower_half;
  }
  // Uniform: the draws reach both ends and half fall in each half.
  EXPECT_LT(shortest - bounds.shortest, 100ms);
  EXPECT_LT(bounds.longest - longest, 100ms);
  EXPECT_NEAR(lower_half, draws / 2, draws / 20);
  EXPECT_EQ(register_retry_wait(bounds, -1.0), bounds.shortest);
  EXPECT_EQ(register_retry_wait(bounds, 2.0), bounds.longest);
}

TEST(RegisterRetry, EachFailureEverywhereWaitsLongerByTheDrawAndTheEventSaysHowLong) {
  // Nobody answers: a walk takes 7.5 + 32 = 39.5 s, then the drawn wait.
  std::deque<double> draws{0.0, 1.0, 0.5};
  VirtualDriver driver(backoff_line(), {}, [&draws] {
    double draw = draws.front();
    draws.pop_front();
    return draw;
  });
  driver.start();
  driver.advance_to(10min);
  auto failures = events_of<RegisterFailure>(driver);
  ASSERT_GE(failures.size(), 3u);
  EXPECT_EQ(failures[0].first, 39500ms);
  EXPECT_EQ(failures[0].second.retry_in, 30s);  // 1 failure, draw 0: half of 60 s
  EXPECT_EQ(failures[1].first, 39500ms + 30s + 39500ms);
  EXPECT_EQ(failures[1].second.retry_in, 120s);  // 2 failures, draw 1: all of 120 s
  EXPECT_EQ(failures[2].second.retry_in, 180s);  // 3 failures, draw 0.5: 120 + 60 s
  std::vector<Millis> walks = send_times(driver, 0, Method::kRegister);
  EXPECT_NE(std::find(walks.begin(), walks.end(), 69500ms), walks.end());
  EXPECT_NE(std::find(walks.begin(), walks.end(), 69500ms + 39500ms + 120s), walks.end());
}

TEST(RegisterRetry, ARegistrationStartsTheCountAgain) {
  // Two failures everywhere, then the primary answers; it falls silent
  // again later and the next failure waits as a first one.
  LineSettings line = backoff_line();
  line.keepalive_interval = 30s;
  testing::ScriptedLine run(line, {std::nullopt, std::nullopt});
  run.driver.advance_to(39500ms + 60s + 39500ms + 120s - 1ms);
  run.servers.answer(0, 200);
  run.driver.advance_to(5min);
  ASSERT_EQ(run.driver.engine().state(), LineState::kRegistered);
  run.servers.silent(0);
  run.driver.advance_to(20min);
  auto failures = events_of<RegisterFailure>(run.driver);
  ASSERT_GE(failures.size(), 3u);
  EXPECT_EQ(failures[1].second.retry_in, 120s);
  EXPECT_EQ(failures[2].second.retry_in, 60s);  // the count started again: 1 failure
}

TEST(RegisterRetry, ARefusalBacksOffToo) {
  LineSettings line = backoff_line();
  testing::ScriptedLine run(line, {Outcome::response(403)});
  run.driver.advance_to(10min);
  // Refused at 0, then after 60 s, then 120 s later, then 240 s later.
  EXPECT_EQ(send_times(run.driver, 0, Method::kRegister),
            (std::vector<Millis>{0ms, 60s, 180s, 420s}));
}

}  // namespace
}  // namespace sipsentry::engine
