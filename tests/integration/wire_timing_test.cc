// What the servers saw, to the millisecond, against the engine's plan
// (spec.md §2, §3, §4): a SIPp primary that answers 503 or stays silent, a
// SIPp backup that accepts, and sipsentry's line between them on UDP.
#include <gtest/gtest.h>

#include "engine/budget.h"
#include "support/line_runner.h"
#include "support/sipp.h"

namespace sipsentry::testing {
namespace {

using engine::Millis;
using namespace std::chrono_literals;

// Tolerances for when a message reaches the server, against the plan.
constexpr Millis kSendTolerance = 100ms;
constexpr Millis kBudgetTolerance = 200ms;

Millis between(const ReceivedMessage& from, const ReceivedMessage& to) {
  return std::chrono::duration_cast<Millis>(to.at - from.at);
}

class WireTimingTest : public ::testing::Test {
 protected:
  /// The line, registered through `primary` (SIPp running `scenario`) and
  /// the accepting backup, with `timers`.
  void run_line(const std::string& scenario, engine::Timers timers) {
    primary_ = std::make_unique<Sipp>(scratch_, "primary", scenario);
    backup_ = std::make_unique<Sipp>(scratch_, "backup", "register_ok.xml");
    line_ = quiet_line({{"primary", primary_->port(), engine::Transport::kUdp},
                        {"backup", backup_->port(), engine::Transport::kUdp}},
                       timers);
    runner_ = std::make_unique<LineRunner>(line_);
    runner_->start();
  }

  /// The line registered on the backup (the event comes before Failover).
  bool registered_on_backup() const {
    for (const engine::Event& event : runner_->events())
      if (auto* registered = std::get_if<engine::Registered>(&event.what))
        if (registered->server == 1) return true;
    return false;
  }

  /// The primary's REGISTER schedule, as the engine plans it.
  engine::RequestPlan primary_plan() const {
    return engine::plan_request(line_.settings, 0, engine::Method::kRegister,
                                engine::BudgetKind::kNonLast);
  }

  /// The primary received exactly the planned sends, each on time.
  void expect_planned_sends(const std::vector<ReceivedMessage>& registers) {
    engine::RequestPlan plan = primary_plan();
    ASSERT_EQ(registers.size(), plan.sends.size()) << runner_->log();
    for (size_t i = 0; i < registers.size(); ++i) {
      Millis offset = between(registers.front(), registers[i]);
      EXPECT_NEAR(offset.count(), plan.sends[i].count(), kSendTolerance.count())
          << "send " << i << " of the plan";
      EXPECT_EQ(registers[i].call_id, registers.front().call_id) << "a retransmission";
    }
  }

  ScratchDir scratch_;
  std::unique_ptr<Sipp> primary_, backup_;
  config::LineConfig line_;
  std::unique_ptr<LineRunner> runner_;
};

TEST_F(WireTimingTest, A503FailsOverAtOnceAndItsRetryAfterIsRead) {
  run_line("register_503.xml", {.t1 = 100ms});
  auto failover = runner_->wait_for<engine::Failover>(5s);
  ASSERT_TRUE(failover) << runner_->log();
  EXPECT_EQ(failover->reason.label(), "status_503");
  EXPECT_LT(failover->detection, 100ms);
  ASSERT_TRUE(registered_on_backup()) << runner_->log();

  std::vector<ReceivedMessage> at_primary = primary_->received("REGISTER");
  std::vector<ReceivedMessage> at_backup = backup_->received("REGISTER");
  ASSERT_EQ(at_primary.size(), 1u) << "a 503 is final: no retransmission";
  ASSERT_EQ(at_backup.size(), 1u);
  EXPECT_LT(between(at_primary.front(), at_backup.front()), kSendTolerance);
  const auto& first = std::get<engine::RequestFinished>(runner_->events().front().what);
  EXPECT_EQ(first.status, 503);
  EXPECT_EQ(first.retry_after, Millis(5000)) << "Retry-After: 5";
  EXPECT_NE(runner_->log().find("event=request server=primary method=REGISTER outcome=status_503"),
            std::string::npos)
      << runner_->log();
  EXPECT_NE(runner_->log().find("event=failover from=primary to=backup method=REGISTER "
                                "reason=status_503"),
            std::string::npos);
}

/// Count mode with T1 = 100 ms: sent at 0, 0.1, 0.3, 0.7 s, unavailable at
/// 1.5 s; and nothing more reaches the primary afterwards (NTA would keep
/// retransmitting a transaction merely destroyed: at 1.5 s, 3.1 s …).
TEST_F(WireTimingTest, ASilentPrimaryGetsExactlyThePlannedSendsThenTheBackupAtTheBudget) {
  run_line("register_silent.xml", {.t1 = 100ms});
  auto failover = runner_->wait_for<engine::Failover>(5s);
  ASSERT_TRUE(failover) << runner_->log();
  EXPECT_EQ(failover->reason.label(), "timeout");
  ASSERT_TRUE(registered_on_backup()) << runner_->log();
  runner_->run_for(2s);  // past the retransmissions a lingering transaction would send

  std::vector<ReceivedMessage> at_primary = primary_->received("REGISTER");
  expect_planned_sends(at_primary);
  std::vector<ReceivedMessage> at_backup = backup_->received("REGISTER");
  ASSERT_EQ(at_backup.size(), 1u);
  Millis budget = primary_plan().budget;
  EXPECT_EQ(budget, 1500ms);
  EXPECT_NEAR(between(at_primary.front(), at_backup.front()).count(), budget.count(),
              kBudgetTolerance.count());
  EXPECT_NEAR(failover->detection.count(), budget.count(), kBudgetTolerance.count());
}

/// The phone's defaults: sent at 0, 0.5, 1.5, 3.5 s, unavailable at 7.5 s.
TEST_F(WireTimingTest, ASilentPrimaryOnTheDefaultScheduleFailsOverAtSevenAndAHalfSeconds) {
  run_line("register_silent.xml", {});
  auto failover = runner_->wait_for<engine::Failover>(10s);
  ASSERT_TRUE(failover) << runner_->log();
  ASSERT_TRUE(registered_on_backup()) << runner_->log();
  runner_->run_for(600ms);  // past 7.5 s, where a 4th retransmission would have gone

  std::vector<ReceivedMessage> at_primary = primary_->received("REGISTER");
  expect_planned_sends(at_primary);
  std::vector<ReceivedMessage> at_backup = backup_->received("REGISTER");
  ASSERT_EQ(at_backup.size(), 1u);
  EXPECT_EQ(primary_plan().budget, 7500ms);
  EXPECT_NEAR(between(at_primary.front(), at_backup.front()).count(), 7500,
              kBudgetTolerance.count());
}

}  // namespace
}  // namespace sipsentry::testing
