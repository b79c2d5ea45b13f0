// The verdict of `sipsentry check` (spec.md §9) and the collector that turns
// a real engine's events, in virtual time, into results.
#include "cli/check_result.h"

#include <gtest/gtest.h>

#include "../engine/srv_fixture.h"
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

TEST(CheckVerdict, ThePrimarysSecondSrvTargetIsABackupToo) {
  LineResult line = registered_on(0);
  line.registered_target = engine::Target{"pbx2.example.com"};
  line.off_primary_target = true;
  EXPECT_FALSE(line.on_primary());
  EXPECT_EQ(line_status(line), CheckStatus::kWarning);
  line.off_primary_target = false;  // its first target: where the line belongs
  EXPECT_EQ(line_status(line), CheckStatus::kOk);
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

/// A call that ended with `result` through `invite` (and `bye`), from a line
/// registered on `from`.
CallResult call(std::string result, size_t from, std::optional<size_t> invite,
                std::optional<size_t> bye = std::nullopt) {
  CallResult out{.kind = CallResult::Kind::kFinished, .target = "sip:*43@pbx", .server = from};
  out.finished = {.result = std::move(result), .invite_server = invite, .bye_server = bye};
  if (out.finished.result == "answered") out.finished.setup_to_answer = 300ms;
  return out;
}

LineResult with_call(LineResult line, CallResult call) {
  line.call = std::move(call);
  return line;
}

TEST(CheckVerdict, ACallAnsweredThroughTheLinesServerKeepsTheVerdict) {
  EXPECT_EQ(line_status(with_call(registered_on(0), call("answered", 0, 0, 0))), CheckStatus::kOk);
  EXPECT_EQ(line_status(with_call(registered_on(1, false), call("answered", 1, 1, 1))),
            CheckStatus::kWarning);
}

TEST(CheckVerdict, ACallWhoseInviteOrByeFailedOverIsAWarning) {
  EXPECT_EQ(line_status(with_call(registered_on(0), call("answered", 0, 1, 1))),
            CheckStatus::kWarning);
  EXPECT_EQ(line_status(with_call(registered_on(0), call("answered", 0, 0, 1))),
            CheckStatus::kWarning);
  CallResult by_event = call("answered", 0, 0, 0);
  by_event.failovers.push_back({.from = 0, .to = 1, .method = engine::Method::kBye});
  EXPECT_EQ(line_status(with_call(registered_on(0), by_event)), CheckStatus::kWarning);
  // Answered, and no server took its BYE.
  EXPECT_EQ(line_status(with_call(registered_on(0), call("answered", 0, 0))),
            CheckStatus::kWarning);
}

TEST(CheckVerdict, ACallThatDidNotSucceedIsCritical) {
  CallResult cancelled = call("487", 0, 0);
  cancelled.finished.cancelled = true;
  EXPECT_EQ(line_status(with_call(registered_on(0), cancelled)), CheckStatus::kCritical);
  EXPECT_EQ(line_status(with_call(registered_on(0), call("486", 0, 0))), CheckStatus::kCritical);
  EXPECT_EQ(line_status(with_call(registered_on(0), call("unavailable", 0, std::nullopt))),
            CheckStatus::kCritical);
  EXPECT_EQ(overall_status({registered_on(0), with_call(registered_on(0), cancelled)}),
            CheckStatus::kCritical);
}

TEST(CheckVerdict, AnExpectedStatusOtherThanAnsweredIsTheSuccess) {
  CallResult busy = call("486", 0, 0);
  busy.expected_status = 486;
  EXPECT_EQ(line_status(with_call(registered_on(0), busy)), CheckStatus::kOk);
  CallResult answered = call("answered", 0, 0, 0);
  answered.expected_status = 486;
  EXPECT_EQ(line_status(with_call(registered_on(0), answered)), CheckStatus::kCritical);
  answered.expected_status = 200;  // a 2xx: any answer
  EXPECT_EQ(line_status(with_call(registered_on(0), answered)), CheckStatus::kOk);
}

TEST(CheckVerdict, ACertificateWithinTheWarningIsAWarningExpiredOrNotYetValidCritical) {
  const tls::WallTime read = tls::WallTime{} + std::chrono::seconds(1'800'000'000);
  auto with_certificate = [&](std::chrono::hours left, std::chrono::hours since = 720h) {
    LineResult line = registered_on(0);
    line.servers[1].certificate =
        tls::CertificateReading{.dates = tls::ChainDates{.earliest_not_after = read + left,
                                                         .latest_not_before = read - since},
                                .read_at = read,
                                .warning = std::chrono::days(14)};
    return line;
  };
  EXPECT_EQ(line_status(with_certificate(15 * 24h)), CheckStatus::kOk);
  EXPECT_EQ(line_status(with_certificate(14 * 24h)), CheckStatus::kWarning);
  EXPECT_EQ(line_status(with_certificate(72h)), CheckStatus::kWarning);
  EXPECT_EQ(line_status(with_certificate(-1h)), CheckStatus::kCritical);
  EXPECT_EQ(line_status(with_certificate(90 * 24h, -1h)), CheckStatus::kCritical)
      << "not valid before an hour from now";
  LineResult unread = registered_on(0);
  unread.servers[0].certificate = tls::CertificateReading{.error = "timed out", .read_at = read};
  EXPECT_EQ(line_status(unread), CheckStatus::kOk) << "the requests say whether it is down";
  EXPECT_EQ(line_status(with_certificate(72h, 720h)), CheckStatus::kWarning);
  LineResult on_backup = with_certificate(-1h);
  on_backup.registered_server = 1;
  EXPECT_EQ(line_status(on_backup), CheckStatus::kCritical) << "the worst decides";
}

TEST(CheckVerdict, ALineWithoutTestCallIsJudgedOnItsRegistrationAlone) {
  EXPECT_EQ(line_status(with_call(registered_on(0), CallResult{})), CheckStatus::kOk);
  EXPECT_EQ(line_status(with_call(registered_on(1, false), CallResult{})), CheckStatus::kWarning);
}

TEST(CheckVerdict, ACallNotPlacedOrNotOverIsCritical) {
  CallResult pending{.kind = CallResult::Kind::kPending, .server = 0};
  EXPECT_EQ(line_status(with_call(registered_on(0), pending)), CheckStatus::kCritical);
  CallResult not_placed{.kind = CallResult::Kind::kNotPlaced};
  EXPECT_EQ(line_status(with_call(registered_on(0), not_placed)), CheckStatus::kCritical);
  EXPECT_EQ(line_status(with_call(not_registered(LineState::kUnregistered), not_placed)),
            CheckStatus::kCritical);
}

/// The check's own settings, run by the engine in virtual time, with every
/// event handed to a collector as the real-time driver does.
class CollectorTest : public ::testing::Test {
 protected:
  explicit CollectorTest(engine::LineSettings line = engine::testing::two_server_line(),
                         bool calls = false)
      : settings_(check_settings(std::move(line), calls)),
        driver_(settings_, servers_.responder()),
        collector_({settings_}, calls) {}

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

/// --call: the check's settings keep the line's test call; the collector
/// follows the one call placed once the line is decided.
class CallCollectorTest : public CollectorTest {
 protected:
  static engine::LineSettings line_with_call() {
    engine::LineSettings line = engine::testing::two_server_line();
    line.test_call = engine::TestCallSettings{.target = "sip:*43@pbx", .duration = 5s};
    return line;
  }
  CallCollectorTest() : CollectorTest(line_with_call(), true) {}

  /// Both servers answer 200 (a method the test scripted keeps its answer);
  /// the line registers on the primary, is sealed and its call placed, as
  /// CheckRun does.
  void register_and_call() {
    start(200, 200);
    run_for(0ms);
    ASSERT_TRUE(decided());
    seal();
    ASSERT_TRUE(collector_.call_due(0));
    collector_.call_placed(0);
    driver_.place_test_call();
  }
  const CallResult& call() const { return *collector_.results()[0].call; }
};

TEST_F(CallCollectorTest, TheCallIsFollowedUntilItsByeIsAnswered) {
  register_and_call();
  run_for(4999ms);
  EXPECT_TRUE(collector_.calling(0));
  EXPECT_EQ(call().kind, CallResult::Kind::kPending);
  run_for(1ms);  // the hold is over: BYE, answered at once
  EXPECT_FALSE(collector_.calling(0));
  EXPECT_EQ(call().kind, CallResult::Kind::kFinished);
  EXPECT_EQ(call().finished.result, "answered");
  EXPECT_EQ(call().finished.bye_server, 0u);
  EXPECT_EQ(call().server, 0u);
  EXPECT_TRUE(call().as_expected());
  EXPECT_FALSE(call().failed_over());
  EXPECT_EQ(line_status(collector_.results()[0]), CheckStatus::kOk);
}

TEST_F(CallCollectorTest, AnInviteFailoverIsTheCallsNotTheRegistrations) {
  servers_.answer(0, engine::Method::kInvite, 503);
  register_and_call();
  run_for(5s);
  ASSERT_EQ(call().kind, CallResult::Kind::kFinished);
  EXPECT_EQ(call().finished.invite_server, 1u);
  ASSERT_EQ(call().failovers.size(), 1u);
  EXPECT_EQ(call().failovers[0].method, engine::Method::kInvite);
  const LineResult& line = collector_.results()[0];
  EXPECT_FALSE(line.failover);            // the walk at start-up stayed on the primary
  EXPECT_EQ(line.registered_server, 0u);  // as sealed
  EXPECT_TRUE(line.servers[0].up);        // what the registration found
  EXPECT_EQ(line_status(line), CheckStatus::kWarning);
}

TEST_F(CallCollectorTest, OnlyTheCallsOwnFailoversCount) {
  register_and_call();
  collector_.on_event(settings_, {1s, engine::Failover{.method = engine::Method::kOptions}});
  EXPECT_TRUE(call().failovers.empty()) << "a keep-alive's failover is the line's";
  collector_.on_event(settings_, {2s, engine::Failover{.method = engine::Method::kBye}});
  EXPECT_EQ(call().failovers.size(), 1u);
}

TEST_F(CallCollectorTest, AnUnregisteredLineHasNoCallDue) {
  start(403, 200);
  run_for(0ms);
  seal();
  EXPECT_FALSE(collector_.call_due(0));
  EXPECT_EQ(call().kind, CallResult::Kind::kNotPlaced);
  EXPECT_EQ(call().target, "sip:*43@pbx");
}

TEST_F(CallCollectorTest, ACallNotOverAtTheTimeoutStaysPendingAndTheLineTimedOut) {
  register_and_call();
  run_for(1s);
  collector_.call_timed_out(0);
  driver_.stop();
  run_for(10s);
  EXPECT_FALSE(collector_.calling(0));
  EXPECT_EQ(call().kind, CallResult::Kind::kPending);
  EXPECT_TRUE(collector_.results()[0].timed_out);
  EXPECT_EQ(line_status(collector_.results()[0]), CheckStatus::kCritical);
}

TEST(CallCollector, WithoutCallsThereIsNoCallResultAndWithoutTestCallNoneIsDue) {
  engine::LineSettings line = engine::testing::two_server_line();
  EXPECT_FALSE(ResultCollector({line}).results()[0].call);
  ResultCollector collector({line}, true);
  ASSERT_TRUE(collector.results()[0].call);
  EXPECT_EQ(collector.results()[0].call->kind, CallResult::Kind::kNotConfigured);
}

TEST(CheckSettings, WithCallsTheTestCallStaysButNeverComesByItself) {
  engine::LineSettings line = engine::testing::two_server_line();
  line.test_call = engine::TestCallSettings{.target = "sip:*43@pbx"};
  engine::LineSettings checked = check_settings(line, true);
  ASSERT_TRUE(checked.test_call);
  EXPECT_EQ(checked.test_call->target, "sip:*43@pbx");
  EXPECT_GT(checked.test_call->interval, 1h);
  EXPECT_EQ(checked.test_call->ring_timeout, line.test_call->ring_timeout);
  EXPECT_FALSE(check_settings(engine::testing::two_server_line(), true).test_call);
}

TEST(CheckSettings, TheWorstCallIsInviteBudgetRingTimeoutHoldAndByeBudget) {
  config::LineConfig line;
  line.settings = engine::testing::two_server_line();
  EXPECT_EQ(worst_call(line.settings), 0ms);
  line.settings.test_call =
      engine::TestCallSettings{.target = "sip:*43@pbx", .duration = 5s, .ring_timeout = 30s};
  // The longest INVITE and BYE budgets are the last server's 64*T1.
  EXPECT_EQ(worst_call(line.settings), 32s + 30s + 5s + 32s);
  EXPECT_EQ(default_timeout({line}, true), 39500ms + 99s + 5s);
  EXPECT_EQ(default_timeout({line}, false), 39500ms + 5s);
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

/// A line whose primary `voip0.example.com` resolves by SRV to pbx1 and
/// pbx2 and whose backup `voip1.example.com` is as configured, handed to
/// the engine before start-up as the driver does.
class SrvCollectorTest : public ::testing::Test {
 protected:
  SrvCollectorTest()
      : settings_(check_settings(engine::testing::srv_line(2))),
        servers_(settings_),
        driver_(settings_, servers_.responder()),
        collector_({settings_}) {
    driver_.set_targets(0, {engine::testing::udp_target("pbx1.example.com"),
                            engine::testing::udp_target("pbx2.example.com", 5080)});
    servers_.answer("voip1.example.com", 200);
  }
  void run_for(engine::Millis duration) {
    driver_.advance_by(duration);
    for (size_t i = fed_; i < driver_.events().size(); ++i)
      collector_.on_event(settings_, driver_.events()[i]);
    fed_ = driver_.events().size();
  }
  const LineResult& seal() {
    collector_.seal(0, driver_.engine(), false);
    return collector_.results()[0];
  }

  engine::LineSettings settings_;
  engine::testing::HostServers servers_;
  engine::VirtualDriver driver_;
  ResultCollector collector_;
  size_t fed_ = 0;
};

TEST_F(SrvCollectorTest, OnThePrimarysFirstTargetIsOkAndNamesIt) {
  servers_.answer("pbx1.example.com", 200);
  driver_.start();
  run_for(0ms);
  ASSERT_TRUE(collector_.decided(0, driver_.engine()));
  const LineResult& line = seal();
  EXPECT_EQ(line.registered_server, 0u);
  EXPECT_EQ(line.registered_target, engine::testing::udp_target("pbx1.example.com"));
  EXPECT_TRUE(line.on_primary());
  EXPECT_EQ(line.servers[0].target, engine::testing::udp_target("pbx1.example.com"));
  EXPECT_FALSE(line.servers[1].target) << "voip1 has no SRV targets";
  EXPECT_EQ(line_status(line), CheckStatus::kOk);
}

TEST_F(SrvCollectorTest, OnThePrimarysSecondTargetIsAWarningAfterTheFirstTargetsBudget) {
  servers_.answer("pbx2.example.com", 200);  // pbx1 silent
  driver_.start();
  run_for(7499ms);
  EXPECT_FALSE(collector_.decided(0, driver_.engine()));
  run_for(1ms);
  ASSERT_TRUE(collector_.decided(0, driver_.engine()));
  const LineResult& line = seal();
  EXPECT_EQ(line.registered_server, 0u) << "the configured entry is the primary";
  EXPECT_EQ(line.registered_target, engine::testing::udp_target("pbx2.example.com", 5080));
  EXPECT_FALSE(line.on_primary());
  ASSERT_TRUE(line.failover);
  EXPECT_EQ(line.failover->from_target, engine::testing::udp_target("pbx1.example.com"));
  EXPECT_EQ(line.failover->to_target, engine::testing::udp_target("pbx2.example.com", 5080));
  EXPECT_EQ(line_status(line), CheckStatus::kWarning);
}

TEST(CheckSettings, TheWorstWalkOfAnEngineCountsEverySrvTarget) {
  engine::LineSettings line = check_settings(engine::testing::srv_line(2));
  engine::LineEngine engine(line);
  // As configured until the driver hands the targets in: two places.
  EXPECT_EQ(worst_walk(engine), worst_walk(line));
  EXPECT_EQ(worst_walk(engine), 7500ms + 32s);
  engine.set_targets(0ms, 0,
                     {engine::testing::udp_target("pbx1"), engine::testing::udp_target("pbx2"),
                      engine::testing::udp_target("pbx3")});
  // Three targets of the primary, then the backup: only the very last place
  // of the walk has the full budget.
  EXPECT_EQ(worst_walk(engine), 3 * 7500ms + 32s);
  engine.set_targets(0ms, 1,
                     {engine::testing::udp_target("edge1"), engine::testing::udp_target("edge2")});
  EXPECT_EQ(worst_walk(engine), 4 * 7500ms + 32s);
  line.test_call =
      engine::TestCallSettings{.target = "sip:*43@pbx", .duration = 5s, .ring_timeout = 30s};
  engine::LineEngine calling(line);
  calling.set_targets(0ms, 0, {engine::testing::udp_target("pbx1")});
  EXPECT_EQ(worst_call(calling), 32s + 30s + 5s + 32s);
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
