// What the servers saw, to the millisecond, against the engine's plan
// (spec.md §2, §3, §4, §6): a SIPp primary that answers 503 or stays silent
// (to REGISTER, or to a test call's INVITE), a SIPp backup that accepts,
// and sipsentry's line between them on UDP.
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
  void run_line(const std::string& scenario, engine::Timers timers,
                std::optional<engine::TestCallSettings> test_call = std::nullopt) {
    primary_ = std::make_unique<Sipp>(scratch_, "primary", scenario);
    backup_ = std::make_unique<Sipp>(scratch_, "backup", "register_ok.xml");
    line_ = quiet_line({{"primary", primary_->port(), engine::Transport::kUdp},
                        {"backup", backup_->port(), engine::Transport::kUdp}},
                       timers);
    line_.settings.test_call = test_call;
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

  /// The primary's schedule for `method`, as the engine plans it.
  engine::RequestPlan primary_plan(engine::Method method = engine::Method::kRegister) const {
    return engine::plan_request(line_.settings, 0, method, engine::BudgetKind::kNonLast);
  }

  /// The primary received exactly the planned sends of `method`, each on time.
  void expect_planned_sends(const std::vector<ReceivedMessage>& registers,
                            engine::Method method = engine::Method::kRegister) {
    engine::RequestPlan plan = primary_plan(method);
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

/// A test call's INVITE runs on timer A, doubling with no T2 cap (spec.md
/// §3): with T1 = 100 ms and T2 = 200 ms it is sent at 0, 0.1, 0.3, 0.7 s
/// and the primary is unavailable at 1.5 s, where a REGISTER (capped at T2)
/// would be sent at 0, 0.1, 0.3, 0.5 s and give up at 0.7 s. Then the line
/// registers with the backup and the INVITE goes there.
TEST_F(WireTimingTest, ASilentPrimarysInviteIsRetransmittedOnTimerAWithoutAT2Cap) {
  run_line("register_ok_invite_silent.xml", {.t1 = 100ms, .t2 = 200ms},
           engine::TestCallSettings{.target = "sip:echo@127.0.0.1", .interval = 1h});
  ASSERT_TRUE(runner_->wait_for<engine::Registered>(5s)) << runner_->log();
  runner_->place_test_call();
  auto failover = runner_->wait_for<engine::Failover>(5s);
  ASSERT_TRUE(failover) << runner_->log();
  EXPECT_EQ(failover->method, engine::Method::kInvite);
  EXPECT_EQ(failover->reason.label(), "timeout");
  runner_->run_for(300ms);  // the INVITE reaches the backup; nothing more reaches the primary

  engine::RequestPlan plan = primary_plan(engine::Method::kInvite);
  EXPECT_EQ(plan.sends, (std::vector<Millis>{0ms, 100ms, 300ms, 700ms}));
  EXPECT_EQ(plan.budget, 1500ms);
  std::vector<ReceivedMessage> at_primary = primary_->received("INVITE");
  expect_planned_sends(at_primary, engine::Method::kInvite);
  EXPECT_NEAR(failover->detection.count(), plan.budget.count(), kBudgetTolerance.count());
  std::vector<ReceivedMessage> registers = backup_->received("REGISTER");
  std::vector<ReceivedMessage> invites = backup_->received("INVITE");
  ASSERT_EQ(registers.size(), 1u);
  ASSERT_FALSE(invites.empty());
  ASSERT_FALSE(at_primary.empty());
  EXPECT_NEAR(between(at_primary.front(), registers.front()).count(), plan.budget.count(),
              kBudgetTolerance.count());
  EXPECT_LE(registers.front().at, invites.front().at) << "REGISTER first, then the INVITE";
  EXPECT_EQ(invites.front().call_id, at_primary.front().call_id) << "the same call";
}

}  // namespace
}  // namespace sipsentry::testing
