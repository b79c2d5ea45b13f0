// spec.md §3 and §4: the budgets on the wire, the register walk, failover
// failure and its retry.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::failover_log;
using testing::ScriptedLine;
using testing::send_times;
using testing::two_server_line;
using Log = std::vector<std::string>;
using Times = std::vector<Millis>;
using Sends = std::pair<Times, Times>;  // REGISTERs to the primary, to the backup

const Outcome kOk = Outcome::response(200);

/// The REGISTERs of a start-up where the primary is silent and the backup
/// answers 200 OK.
Sends sends_with_a_silent_primary(LineSettings line) {
  ScriptedLine run(std::move(line), {std::nullopt, kOk});
  run.driver.advance_to(1min);
  return {send_times(run.driver, 0, Method::kRegister),
          send_times(run.driver, 1, Method::kRegister)};
}

LineSettings period_line(Transport primary) {
  LineSettings line = two_server_line();
  line.servers[0].transport = primary;
  line.retry = RetryPolicy{.mode = RetryPolicy::Mode::kPeriod, .count = 3, .period = 2s};
  return line;
}

TEST(RegisterFailover, SilentPrimaryGetsThreeRetransmissionsThenBackupAt7500ms) {
  ScriptedLine line(two_server_line(), {std::nullopt, kOk});
  line.driver.advance_to(10s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 500ms, 1500ms, 3500ms}));
  EXPECT_EQ(send_times(line.driver, 1, Method::kRegister), (Times{7500ms}));
  EXPECT_EQ(failover_log(line.driver), (Log{"7500ms 0->1 REGISTER timeout detected in 7500ms"}));
  EXPECT_EQ(line.driver.engine().state(), LineState::kRegistered);
  EXPECT_EQ(line.driver.engine().registered_server(), 1u);
}

TEST(RegisterFailover, AServersOwnRetryCountGivesItsOwnBudgetAndTheOthersKeepTheLines) {
  // Polycom's reg.x.server.y.retryMaxCount, Yealink's retry_counts: the
  // primary retransmits once (0.5 + 1 = 1.5 s), the middle server four
  // times (0.5 + 1 + 2 + 4 + 4 = 11.5 s), the last one keeps 64*T1.
  LineSettings line = two_server_line();
  line.servers.insert(line.servers.begin() + 1, Server{.name = "pbx-m", .address = "192.0.2.12"});
  line.servers[0].retry = RetryPolicy{.count = 1};
  line.servers[1].retry = RetryPolicy{.count = 4};
  ScriptedLine run(std::move(line), {std::nullopt, std::nullopt, kOk});
  run.driver.advance_to(20s);
  EXPECT_EQ(send_times(run.driver, 0, Method::kRegister), (Times{0ms, 500ms}));
  EXPECT_EQ(send_times(run.driver, 1, Method::kRegister),
            (Times{1500ms, 2000ms, 3000ms, 5000ms, 9000ms}));
  EXPECT_EQ(send_times(run.driver, 2, Method::kRegister), (Times{13000ms}));
}

TEST(RegisterFailover, ShortTimersT1At100msAndT2At400msGiveABudgetOf1100ms) {
  LineSettings line = two_server_line();
  line.timers = Timers{.t1 = 100ms, .t2 = 400ms, .t4 = 5s};
  EXPECT_EQ(sends_with_a_silent_primary(line), (Sends{{0ms, 100ms, 300ms, 700ms}, {1100ms}}));
}

TEST(RegisterFailover, PeriodModeGivesTheNonLastServerExactlyThePeriod) {
  EXPECT_EQ(sends_with_a_silent_primary(period_line(Transport::kUdp)),
            (Sends{{0ms, 500ms, 1500ms}, {2s}}));
}

TEST(RegisterFailover, PeriodModeOverTcpIsOneSendAndAWaitOfThePeriod) {
  EXPECT_EQ(sends_with_a_silent_primary(period_line(Transport::kTcp)), (Sends{{0ms}, {2s}}));
}

TEST(RegisterFailover, CountModeOverTlsIsOneSendAndTheSameWait) {
  LineSettings line = two_server_line();
  line.servers[0].transport = Transport::kTls;
  EXPECT_EQ(sends_with_a_silent_primary(line), (Sends{{0ms}, {7500ms}}));
}

TEST(RegisterFailover, TheLastServerOverTcpWaitsSixtyFourT1WithoutRetransmissions) {
  LineSettings line = two_server_line();
  line.servers[1].transport = Transport::kTcp;
  VirtualDriver driver(line);  // nobody answers
  driver.start();
  driver.advance_to(60s);
  EXPECT_EQ(send_times(driver, 1, Method::kRegister), (Times{7500ms}));
  auto failures = events_of<RegisterFailure>(driver);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].first, 39500ms);
  EXPECT_EQ(failures[0].second.last_reason.label(), "tcp_timeout");
}

TEST(RegisterFailover, IcmpUnreachableFailsOverAtOnceWithoutWaitingOutTheBudget) {
  ScriptedLine line(two_server_line(), {Outcome::failure(TransportError::kIcmp), kOk});
  line.driver.advance_to(10s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms}));
  EXPECT_EQ(send_times(line.driver, 1, Method::kRegister), (Times{0ms}));
  EXPECT_EQ(failover_log(line.driver), (Log{"0ms 0->1 REGISTER icmp detected in 0ms"}));
}

TEST(RegisterFailover, PrimaryThatRegistersAtStartUpEmitsNoFailover) {
  ScriptedLine line(two_server_line(), {kOk});
  EXPECT_TRUE(events_of<Failover>(line.driver).empty());
  EXPECT_EQ(line.driver.engine().registered_server(), 0u);
}

TEST(RegisterFailover, EveryServerSilentIsAFailoverFailureThenTheWalkRestartsAfter30s) {
  VirtualDriver driver(two_server_line());  // nobody answers
  driver.start();
  driver.advance_to(39499ms);
  EXPECT_EQ(driver.engine().state(), LineState::kRegistering);
  driver.advance_to(39500ms);  // 7.5 s on the primary, then 32 s on the last server

  EXPECT_EQ(driver.engine().state(), LineState::kUnregistered);
  auto failures = events_of<RegisterFailure>(driver);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].first, 39500ms);
  driver.advance_to(69500ms);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister).back(), 69500ms);
}

TEST(RegisterFailover, TheRetryIntervalIsConfigurable) {
  LineSettings line = two_server_line();
  line.register_retry_interval = 45s;
  VirtualDriver driver(line);  // nobody answers
  driver.start();
  driver.advance_to(84999ms);
  // Failover failure at 39.5 s, the next walk 45 s later.
  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms, 500ms, 1500ms, 3500ms, 84500ms}));
}

TEST(RegisterFailover, RejectionIsNotUnavailabilityAndCausesNoFailover) {
  ScriptedLine line(two_server_line(), {Outcome::response(403), kOk});
  line.driver.advance_to(10s);
  EXPECT_TRUE(send_times(line.driver, 1, Method::kRegister).empty());
  EXPECT_EQ(line.driver.engine().state(), LineState::kRejected);
  EXPECT_EQ(line.driver.timer_due({TimerKind::kRegisterRetry}), 30s);
}

TEST(RegisterFailover, ARejectionIsRetriedAfterTheConfiguredInterval) {
  LineSettings settings = two_server_line();
  settings.register_retry_interval = 45s;
  ScriptedLine line(settings, {Outcome::response(403)});
  line.driver.advance_to(50s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 45s}));
}

TEST(RegisterFailover, ThreeServersAreWalkedInOrderWithTheLastGettingSixtyFourT1) {
  LineSettings line = two_server_line();
  line.servers.push_back(Server{.name = "pbx-c", .address = "192.0.2.12"});
  VirtualDriver driver(line);  // nobody answers
  driver.start();
  driver.advance_to(60s);
  EXPECT_EQ(send_times(driver, 1, Method::kRegister).front(), 7500ms);
  EXPECT_EQ(send_times(driver, 2, Method::kRegister).front(), 15000ms);
  EXPECT_EQ(events_of<RegisterFailure>(driver).at(0).first, 47000ms);
}

}  // namespace
}  // namespace sipsentry::engine
