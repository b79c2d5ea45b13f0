// The verdict of `sipsentry check` (spec.md §9) and the collector that turns
// a real engine's events, in virtual time, into results.
#include "cli/check_result.h"

#include <gtest/gtest.h>

#include "../engine/engine_fixture.h"
#include "cli/check_run.h"

namespace sipsentry::cli {
namespace {

using engine::LineState;
using engine::Reason;
using namespace std::chrono_literals;

ServerResult server(bool primary, bool up) {
  ServerResult result{.primary = primary, .probed = true, .up = up};
  result.server.name = primary ? "a" : "b";
  return result;
}

LineResult registered_on(size_t index, bool primary_up = true, bool backup_up = true) {
  return {.name = "desk",
          .state = LineState::kRegistered,
          .registered_server = index,
          .servers = {server(true, primary_up), server(false, backup_up)}};
}

LineResult not_registered(LineState state, std::optional<Reason> reason = {}) {
  LineResult line = registered_on(0);
  line.state = state;
  line.registered_server.reset();
  line.state_reason = reason;
  return line;
}

TEST(CheckVerdict, RegisteredOnThePrimaryWithEveryServerUpIsOk) {
  EXPECT_EQ(line_status(registered_on(0)), CheckStatus::kOk);
  EXPECT_EQ(exit_code_of(CheckStatus::kOk), 0);
}

TEST(CheckVerdict, RegisteredOnlyOnABackupIsAWarning) {
  EXPECT_EQ(line_status(registered_on(1, false)), CheckStatus::kWarning);
  EXPECT_EQ(exit_code_of(CheckStatus::kWarning), 1);
}

TEST(CheckVerdict, AServerDownIsAWarningEvenOnThePrimary) {
  EXPECT_EQ(line_status(registered_on(0, true, false)), CheckStatus::kWarning);
}

TEST(CheckVerdict, AServerWithoutAResultCountsAsDown) {
  LineResult line = registered_on(0);
  line.servers[1].probed = false;
  line.servers[1].up = false;
  line.timed_out = true;
  EXPECT_EQ(line_status(line), CheckStatus::kWarning);
}

TEST(CheckVerdict, NoRegistrationAnywhereIsCritical) {
  EXPECT_EQ(line_status(not_registered(LineState::kUnregistered, Reason{})),
            CheckStatus::kCritical);
  EXPECT_EQ(exit_code_of(CheckStatus::kCritical), 2);
}

TEST(CheckVerdict, ARefusalOrFailedAuthenticationIsCritical) {
  EXPECT_EQ(line_status(not_registered(LineState::kRejected, Reason{Reason::Kind::kRejected, 403})),
            CheckStatus::kCritical);
  EXPECT_EQ(line_status(not_registered(LineState::kAuthFailed, Reason{Reason::Kind::kAuthFailed})),
            CheckStatus::kCritical);
}

TEST(CheckVerdict, StillRegisteringAtTheTimeoutIsCritical) {
  LineResult line = not_registered(LineState::kRegistering);
  line.timed_out = true;
  EXPECT_EQ(line_status(line), CheckStatus::kCritical);
}

TEST(CheckVerdict, TheWorstLineDecides) {
  EXPECT_EQ(overall_status({registered_on(0), registered_on(0)}), CheckStatus::kOk);
  EXPECT_EQ(overall_status({registered_on(0), registered_on(1, false)}), CheckStatus::kWarning);
  EXPECT_EQ(overall_status({not_registered(LineState::kUnregistered), registered_on(1, false)}),
            CheckStatus::kCritical);
  EXPECT_EQ(exit_code_of(CheckStatus::kUnknown), 3);
  EXPECT_STREQ(to_string(CheckStatus::kCritical), "critical");
}

/// The check's own settings, run by the engine in virtual time, with every
/// event handed to a collector as the real-time driver does.
class CollectorTest : public ::testing::Test {
 protected:
  CollectorTest()
      : settings_(check_settings(engine::testing::two_server_line())),
        driver_(settings_, servers_.responder()),
        collector_({settings_}) {}

  void run_for(engine::Millis duration) {
    driver_.advance_by(duration);
    for (size_t i = fed_; i < driver_.events().size(); ++i)
      collector_.on_event(settings_, driver_.events()[i]);
    fed_ = driver_.events().size();
  }

  /// Each server answers every request with its status, or stays silent
  /// (nullopt); then the line starts.
  void start(std::optional<int> primary, std::optional<int> backup) {
    std::optional<int> statuses[] = {primary, backup};
    for (size_t i = 0; i < 2; ++i)
      servers_.set(
          i, statuses[i] ? std::optional(engine::Outcome::response(*statuses[i])) : std::nullopt);
    driver_.start();
  }
  bool decided() const { return collector_.decided(0, driver_.engine()); }
  const LineResult& seal() {
    collector_.seal(0, driver_.engine(), false);
    return collector_.results()[0];
  }

  engine::testing::ScriptedServers servers_;
  engine::LineSettings settings_;
  engine::VirtualDriver driver_;
  ResultCollector collector_;
  size_t fed_ = 0;
};

TEST_F(CollectorTest, BothUpIsDecidedAtOnceOnThePrimary) {
  start(200, 200);
  run_for(0ms);
  ASSERT_TRUE(decided());
  const LineResult& line = seal();
  EXPECT_EQ(line.registered_server, 0u);
  EXPECT_EQ(line.servers[0].method, engine::Method::kRegister);  // the walk probed the primary
  EXPECT_EQ(line.servers[1].method, engine::Method::kOptions);   // the observation the backup
  EXPECT_EQ(line_status(line), CheckStatus::kOk);
}

TEST_F(CollectorTest, ASilentPrimaryIsDecidedAtTheEndOfItsBudgetOnTheBackup) {
  start(std::nullopt, 200);
  run_for(7499ms);
  EXPECT_FALSE(decided());
  run_for(1ms);
  ASSERT_TRUE(decided());
  const LineResult& line = seal();
  EXPECT_EQ(line.registered_server, 1u);
  ASSERT_TRUE(line.failover);
  EXPECT_EQ(line.failover->reason.label(), "timeout");
  EXPECT_EQ(line.failover->detection, 7500ms);
  EXPECT_FALSE(line.servers[0].up);
  EXPECT_EQ(line.servers[0].reason->label(), "timeout");
  EXPECT_EQ(line_status(line), CheckStatus::kWarning);
}

TEST_F(CollectorTest, ASilentBackupKeepsTheLineUndecidedUntilItsOptionsTimesOut) {
  start(200, std::nullopt);
  run_for(7499ms);
  EXPECT_EQ(driver_.engine().state(), LineState::kRegistered);
  EXPECT_FALSE(decided());
  run_for(1ms);
  EXPECT_TRUE(decided());
}

TEST_F(CollectorTest, ARefusalIsDecidedWithItsReason) {
  start(403, 200);
  run_for(0ms);
  ASSERT_TRUE(decided());
  const LineResult& line = seal();
  EXPECT_EQ(line.state, LineState::kRejected);
  EXPECT_EQ(line.state_reason, (Reason{Reason::Kind::kRejected, 403}));
  EXPECT_TRUE(line.servers[0].up);  // it answered: up, and no failover
  EXPECT_FALSE(line.failover);
  EXPECT_EQ(line_status(line), CheckStatus::kCritical);
}

TEST_F(CollectorTest, EventsAfterTheSealDoNotChangeTheResult) {
  start(200, 200);
  run_for(0ms);
  seal();
  servers_.answer(0, 503);
  driver_.stop();  // the un-REGISTER, answered 503
  run_for(1ms);
  EXPECT_TRUE(collector_.results()[0].servers[0].up);
}

TEST(CheckSettings, ObserveOnceUnregisterOnExitNoTestCalls) {
  engine::LineSettings line = engine::testing::two_server_line();
  line.test_call = engine::TestCallSettings{.target = "sip:*43@pbx"};
  engine::LineSettings checked = check_settings(line);
  EXPECT_GT(checked.observe_interval, 1h);
  EXPECT_TRUE(checked.unregister_on_exit);
  EXPECT_FALSE(checked.test_call);
  EXPECT_EQ(checked.servers, line.servers);
  EXPECT_EQ(checked.retry, line.retry);
}

TEST(CheckSettings, TheWorstWalkIsTheSumOfTheRegisterBudgets) {
  engine::LineSettings line = engine::testing::two_server_line();
  EXPECT_EQ(worst_walk(line), 7500ms + 32s);
  line.timers.t1 = 100ms;
  EXPECT_EQ(worst_walk(line), 1500ms + 6400ms);
}

TEST(CheckSettings, TheDefaultTimeoutIsTheLongestWorstWalkPlusTheMargin) {
  config::LineConfig quick, slow;
  quick.settings = engine::testing::two_server_line();
  quick.settings.timers.t1 = 100ms;
  slow.settings = engine::testing::two_server_line();
  EXPECT_EQ(default_timeout({quick, slow}), 39500ms + 5s);
  EXPECT_EQ(default_timeout({quick}), 7900ms + 5s);
}

TEST_F(CollectorTest, TheUnregisterOfTheChecksOwnBindingGoesOut) {
  start(200, 200);
  run_for(0ms);
  driver_.stop();
  const engine::WireSend& last = driver_.wire().back();
  EXPECT_EQ(last.request.purpose, engine::Purpose::kUnregister);
  EXPECT_EQ(last.request.server, 0u);
  EXPECT_EQ(last.request.expires, 0ms);
}

}  // namespace
}  // namespace sipsentry::cli
