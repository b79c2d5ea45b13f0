// spec.md §4: the register walk, failover failure and its retry.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedServers;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

TEST(RegisterFailover, SilentPrimaryGetsThreeRetransmissionsThenBackupAt7500ms) {
  ScriptedServers servers;
  servers.silent(0);
  servers.answer(1, 200);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  driver.advance_to(10s);

  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms, 500ms, 1500ms, 3500ms}));
  EXPECT_EQ(send_times(driver, 1, Method::kRegister), (Times{7500ms}));
  auto failovers = events_of<Failover>(driver);
  ASSERT_EQ(failovers.size(), 1u);
  EXPECT_EQ(failovers[0].first, 7500ms);
  EXPECT_EQ(failovers[0].second.from, 0u);
  EXPECT_EQ(failovers[0].second.to, 1u);
  EXPECT_EQ(failovers[0].second.method, Method::kRegister);
  EXPECT_EQ(failovers[0].second.reason.label(), "timeout");
  EXPECT_EQ(failovers[0].second.detection, 7500ms);
  EXPECT_EQ(driver.engine().state(), LineState::kRegistered);
  EXPECT_EQ(driver.engine().registered_server(), 1u);
}

TEST(RegisterFailover, ShortTimersT1At100msAndT2At400msGiveABudgetOf1100ms) {
  LineSettings line = two_server_line();
  line.timers = Timers{.t1 = 100ms, .t2 = 400ms, .t4 = 5s};
  ScriptedServers servers;
  servers.silent(0);
  servers.answer(1, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(2s);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms, 100ms, 300ms, 700ms}));
  EXPECT_EQ(send_times(driver, 1, Method::kRegister), (Times{1100ms}));
}

TEST(RegisterFailover, PeriodModeGivesTheNonLastServerExactlyThePeriod) {
  LineSettings line = two_server_line();
  line.retry = RetryPolicy{.mode = RetryPolicy::Mode::kPeriod, .count = 3, .period = 2s};
  ScriptedServers servers;
  servers.silent(0);
  servers.answer(1, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(3s);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms, 500ms, 1500ms}));
  EXPECT_EQ(send_times(driver, 1, Method::kRegister), (Times{2s}));
}

TEST(RegisterFailover, PrimaryAnswering503FailsOverAtOnce) {
  ScriptedServers servers;
  servers.answer(0, 503);
  servers.answer(1, 200);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  driver.advance_to(1s);

  EXPECT_EQ(send_times(driver, 1, Method::kRegister), (Times{0ms}));
  auto failovers = events_of<Failover>(driver);
  ASSERT_EQ(failovers.size(), 1u);
  EXPECT_EQ(failovers[0].second.reason.label(), "status_503");
  EXPECT_EQ(failovers[0].second.detection, 0ms);
}

TEST(RegisterFailover, IcmpUnreachableFailsOverAtOnceWithoutWaitingOutTheBudget) {
  ScriptedServers servers;
  servers.fail(0, TransportError::kIcmp);
  servers.answer(1, 200);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  driver.advance_to(1s);

  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms}));
  EXPECT_EQ(send_times(driver, 1, Method::kRegister), (Times{0ms}));
  EXPECT_EQ(events_of<Failover>(driver).at(0).second.reason.label(), "icmp");
}

TEST(RegisterFailover, PrimaryThatRegistersAtStartUpEmitsNoFailover) {
  ScriptedServers servers;
  servers.answer(0, 200);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  driver.advance_to(1s);
  EXPECT_TRUE(events_of<Failover>(driver).empty());
  EXPECT_EQ(driver.engine().registered_server(), 0u);
}

TEST(RegisterFailover, EveryServerSilentIsAFailoverFailureThenTheWalkRestartsAfter30s) {
  ScriptedServers servers;
  servers.silent(0);
  servers.silent(1);
  VirtualDriver driver(two_server_line(), servers.responder());
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

TEST(RegisterFailover, RejectionIsNotUnavailabilityAndCausesNoFailover) {
  ScriptedServers servers;
  servers.answer(0, 403);
  servers.answer(1, 200);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  driver.advance_to(10s);

  EXPECT_TRUE(send_times(driver, 1, Method::kRegister).empty());
  EXPECT_EQ(driver.engine().state(), LineState::kRejected);
  EXPECT_EQ(driver.timer_due({TimerKind::kRegisterRetry}), 30s);
}

TEST(RegisterFailover, ThreeServersAreWalkedInOrderWithTheLastGettingSixtyFourT1) {
  LineSettings line = two_server_line();
  line.servers.push_back(Server{.name = "pbx-c", .address = "192.0.2.12"});
  ScriptedServers servers;
  servers.silent(0);
  servers.silent(1);
  servers.silent(2);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(60s);

  EXPECT_EQ(send_times(driver, 1, Method::kRegister).front(), 7500ms);
  EXPECT_EQ(send_times(driver, 2, Method::kRegister).front(), 15000ms);
  EXPECT_EQ(events_of<RegisterFailure>(driver).at(0).first, 47000ms);
}

}  // namespace
}  // namespace sipsentry::engine
