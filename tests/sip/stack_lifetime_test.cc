#include "sip/stack_lifetime.h"

#include <gtest/gtest.h>

namespace sipsentry::sip {
namespace {

using engine::Millis;

TEST(StackLifetimeTest, EndsJustBeforeTheBudgetWhereTheNextRetransmissionWouldGo) {
  // spec.md §3's defaults: sent at 0, 0.5, 1.5, 3.5 s; the 4th would go at 7.5 s.
  EXPECT_EQ(stack_lifetime(Millis(7500), {Millis(0), Millis(500), Millis(1500), Millis(3500)}),
            Millis(7480));
}

TEST(StackLifetimeTest, NeverCutsOffAPlannedSendCloseToTheBudget) {
  // Period mode: a retransmission at 1.5 s inside a 1.51 s budget still goes out.
  EXPECT_EQ(stack_lifetime(Millis(1510), {Millis(0), Millis(500), Millis(1500)}), Millis(1505));
}

TEST(StackLifetimeTest, ASingleSendOverTcpEndsTwentyMillisecondsEarly) {
  EXPECT_EQ(stack_lifetime(Millis(32'000), {Millis(0)}), Millis(31'980));
}

}  // namespace
}  // namespace sipsentry::sip
