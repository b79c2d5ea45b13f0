#include "engine/budget.h"

#include <gtest/gtest.h>

namespace sipsentry::engine {
namespace {

using Offsets = std::vector<Millis>;

TEST(Budget, CountModeDefaultsGiveUpAfterThreeRetransmissionsAt7500ms) {
  Timers timers;
  RetryPolicy retry;
  Millis budget = request_budget(timers, retry, BudgetKind::kNonLast, Method::kRegister);
  EXPECT_EQ(budget, 7500ms);
  EXPECT_EQ(send_offsets(timers, budget, Transport::kUdp, Method::kRegister),
            (Offsets{0ms, 500ms, 1500ms, 3500ms}));
}

TEST(Budget, NonInviteIntervalsAreCappedAtT2) {
  Timers timers{.t1 = 100ms, .t2 = 400ms, .t4 = 5s};
  RetryPolicy retry;
  Millis budget = request_budget(timers, retry, BudgetKind::kNonLast, Method::kOptions);
  EXPECT_EQ(budget, 1100ms);  // 100 + 200 + 400 + 400
  EXPECT_EQ(send_offsets(timers, budget, Transport::kUdp, Method::kOptions),
            (Offsets{0ms, 100ms, 300ms, 700ms}));
}

TEST(Budget, InviteIntervalsDoubleWithoutCap) {
  Timers timers{.t1 = 100ms, .t2 = 400ms, .t4 = 5s};
  RetryPolicy retry;
  Millis budget = request_budget(timers, retry, BudgetKind::kNonLast, Method::kInvite);
  EXPECT_EQ(budget, 1500ms);  // 100 + 200 + 400 + 800
  EXPECT_EQ(send_offsets(timers, budget, Transport::kUdp, Method::kInvite),
            (Offsets{0ms, 100ms, 300ms, 700ms}));
}

TEST(Budget, PeriodModeRetransmitsOnTheScheduleInsideThePeriod) {
  Timers timers;
  RetryPolicy retry{.mode = RetryPolicy::Mode::kPeriod, .count = 3, .period = 2s};
  Millis budget = request_budget(timers, retry, BudgetKind::kNonLast, Method::kRegister);
  EXPECT_EQ(budget, 2s);
  EXPECT_EQ(send_offsets(timers, budget, Transport::kUdp, Method::kRegister),
            (Offsets{0ms, 500ms, 1500ms}));
}

TEST(Budget, LastServerGetsSixtyFourT1WithRfcRetransmissions) {
  Timers timers;
  RetryPolicy retry;
  Millis budget = request_budget(timers, retry, BudgetKind::kFull, Method::kRegister);
  EXPECT_EQ(budget, 32s);
  EXPECT_EQ(send_offsets(timers, budget, Transport::kUdp, Method::kRegister),
            (Offsets{0ms, 500ms, 1500ms, 3500ms, 7500ms, 11500ms, 15500ms, 19500ms, 23500ms,
                     27500ms, 31500ms}));
}

TEST(Budget, TcpAndTlsSendOnceAndWaitTheSameBudget) {
  Timers timers;
  EXPECT_EQ(send_offsets(timers, 7500ms, Transport::kTcp, Method::kRegister), (Offsets{0ms}));
  EXPECT_EQ(send_offsets(timers, 7500ms, Transport::kTls, Method::kInvite), (Offsets{0ms}));
}

TEST(Budget, OnlyTheLastServerOfTheListGetsTheFullBudget) {
  EXPECT_EQ(budget_kind_for(0, 2), BudgetKind::kNonLast);
  EXPECT_EQ(budget_kind_for(1, 2), BudgetKind::kFull);
  EXPECT_EQ(budget_kind_for(0, 1), BudgetKind::kFull);
}

}  // namespace
}  // namespace sipsentry::engine
