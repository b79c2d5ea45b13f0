// RFC 2782's order: priority first, then weighted random within a priority.
#include "resolve/srv_order.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace sipsentry::resolve {
namespace {

SrvRecord srv(uint16_t priority, uint16_t weight, const std::string& target) {
  return SrvRecord{priority, weight, 5060, target, Seconds(60)};
}

std::vector<std::string> targets(const std::vector<SrvRecord>& records) {
  std::vector<std::string> names;
  for (const SrvRecord& record : records) names.push_back(record.target);
  return names;
}

/// Draws from a fixed sequence, so that the order is known.
RandomDraw sequence(std::vector<uint32_t> draws) {
  auto next = std::make_shared<size_t>(0);
  return [draws, next](uint32_t bound) { return std::min(draws.at((*next)++), bound); };
}

TEST(SrvOrder, LowerPriorityValuesComeFirstWhateverTheirWeight) {
  auto ordered = srv_order({srv(20, 100, "c"), srv(10, 0, "a"), srv(30, 5, "d"), srv(10, 0, "b")},
                           sequence({0, 0, 0, 0}));
  EXPECT_EQ(targets(ordered), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(SrvOrder, TheDrawPicksTheFirstRecordWhoseRunningSumReachesIt) {
  // Running sums 10, 40, 100: a draw of 41 picks "c", then of the rest
  // (10, 40) a draw of 5 picks "a".
  auto ordered =
      srv_order({srv(1, 10, "a"), srv(1, 30, "b"), srv(1, 60, "c")}, sequence({41, 5, 0}));
  EXPECT_EQ(targets(ordered), (std::vector<std::string>{"c", "a", "b"}));
}

TEST(SrvOrder, WeightZeroRecordsComeOnlyWhenDrawnZeroOrAlone) {
  auto ordered = srv_order({srv(1, 50, "heavy"), srv(1, 0, "zero")}, sequence({1, 0}));
  EXPECT_EQ(targets(ordered), (std::vector<std::string>{"heavy", "zero"}));
  ordered = srv_order({srv(1, 50, "heavy"), srv(1, 0, "zero")}, sequence({0, 0}));
  EXPECT_EQ(targets(ordered), (std::vector<std::string>{"zero", "heavy"}));
}

TEST(SrvOrder, ADotTargetIsNoServer) {
  EXPECT_TRUE(srv_order({srv(0, 0, ".")}, sequence({0})).empty());
}

TEST(SrvOrder, WeightsOverAThousandDrawsAreWithinFivePercentOfTheirShares) {
  std::mt19937 generator(20261203);
  RandomDraw draw = [&](uint32_t bound) {
    return std::uniform_int_distribution<uint32_t>(0, bound)(generator);
  };
  std::vector<SrvRecord> records{srv(1, 60, "a"), srv(1, 30, "b"), srv(1, 10, "c"),
                                 srv(2, 100, "backup")};
  std::map<std::string, int> first;
  constexpr int kDraws = 1000;
  for (int i = 0; i < kDraws; ++i) {
    auto ordered = srv_order(records, draw);
    ASSERT_EQ(ordered.back().target, "backup");  // the next priority stays last
    ++first[ordered.front().target];
  }
  EXPECT_NEAR(first["a"] / double(kDraws), 0.60, 0.05);
  EXPECT_NEAR(first["b"] / double(kDraws), 0.30, 0.05);
  EXPECT_NEAR(first["c"] / double(kDraws), 0.10, 0.05);
}

}  // namespace
}  // namespace sipsentry::resolve
