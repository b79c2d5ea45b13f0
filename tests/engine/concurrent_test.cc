// redundancy: concurrent (Yealink's concurrent registration, Cisco's Dual
// Registration): every server holds its own registration, the line's active
// server is the highest-priority one holding one, and a test call that finds
// it unavailable goes on through the next without a REGISTER first.
#include "engine/register_retry.h"
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::failover_log;
using testing::ScriptedLine;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

const Outcome kOk = Outcome::response(200);

/// Two servers registered concurrently, 600 s registrations (refreshed at
/// 540 s), a test call that holds for 5 s.
LineSettings concurrent_line() {
  LineSettings line = two_server_line();
  line.redundancy = Redundancy::kConcurrent;
  for (Server& server : line.servers) server.expires = 600s;
  line.test_call = TestCallSettings{
      .target = "sip:*43@pbx.example.com", .interval = 15min, .duration = 5s, .ring_timeout = 30s};
  return line;
}

std::vector<SendRequest> sent(const VirtualDriver& driver, size_t server, Method method) {
  std::vector<SendRequest> found;
  for (const WireSend& send : driver.wire())
    if (send.attempt == 0 && send.request.server == server && send.request.method == method)
      found.push_back(send.request);
  return found;
}

TEST(Concurrent, EveryServerRegistersAtOnceOnItsOwnDialog) {
  ScriptedLine run(concurrent_line(), {kOk, kOk});
  EXPECT_EQ(send_times(run.driver, 0, Method::kRegister), (Times{0ms}));
  EXPECT_EQ(send_times(run.driver, 1, Method::kRegister), (Times{0ms}));
  EXPECT_NE(sent(run.driver, 0, Method::kRegister)[0].dialog,
            sent(run.driver, 1, Method::kRegister)[0].dialog);
  const LineEngine& engine = run.driver.engine();
  EXPECT_EQ(engine.state(), LineState::kRegistered);
  EXPECT_EQ(engine.registered_server(), 0u);
  EXPECT_TRUE(engine.holds_registration(0));
  EXPECT_TRUE(engine.holds_registration(1));
  EXPECT_TRUE(events_of<Failover>(run.driver).empty());
}

TEST(Concurrent, EachServerRefreshesItsOwnRegistrationOnItsOwnDialog) {
  ScriptedLine run(concurrent_line(), {kOk, kOk});
  run.driver.advance_to(541s);
  for (size_t server : {0u, 1u}) {
    auto registers = sent(run.driver, server, Method::kRegister);
    ASSERT_EQ(registers.size(), 2u) << "server " << server;
    EXPECT_EQ(send_times(run.driver, server, Method::kRegister), (Times{0ms, 540s}));
    EXPECT_EQ(registers[1].dialog, registers[0].dialog);
    EXPECT_EQ(registers[1].purpose, Purpose::kRefresh);
  }
}

TEST(Concurrent, AtStartUpTheLineWaitsForThePrimarysFirstAnswerBeforeSettlingOnTheBackup) {
  ScriptedLine run(concurrent_line(), {std::nullopt, kOk});
  // The backup answered at once, but the primary still has its budget: the
  // line is not yet on a backup, so a primary that answers in time is no switch.
  run.driver.advance_to(7499ms);
  EXPECT_EQ(run.driver.engine().state(), LineState::kRegistering);
  EXPECT_TRUE(run.driver.engine().holds_registration(1));
  run.driver.advance_to(7500ms);
  EXPECT_EQ(run.driver.engine().registered_server(), 1u);
  EXPECT_EQ(failover_log(run.driver),
            (std::vector<std::string>{"7500ms 0->1 REGISTER timeout detected in 7500ms"}));
}

/// Keep-alives every 30 s on both registrations; the primary goes silent at
/// 10 s, and its keep-alive at 30 s finds it down at 37.5 s; run to 40 s.
struct PrimaryDiesUnderKeepalives : ScriptedLine {
  PrimaryDiesUnderKeepalives() : ScriptedLine(with_keepalives(), {kOk, kOk}) {
    driver.advance_to(10s);
    servers.silent(0);
    driver.advance_to(40s);
  }
  static LineSettings with_keepalives() {
    LineSettings line = concurrent_line();
    line.keepalive_interval = 30s;
    return line;
  }
};

TEST(Concurrent, AKeepaliveThatFindsThePrimaryDownMovesTheLineToTheBackupWithoutARegister) {
  PrimaryDiesUnderKeepalives run;

  EXPECT_EQ(failover_log(run.driver),
            (std::vector<std::string>{"37500ms 0->1 OPTIONS timeout detected in 7500ms"}));
  EXPECT_EQ(run.driver.engine().registered_server(), 1u);
  EXPECT_FALSE(run.driver.engine().holds_registration(0));
  // The backup's registration was already there: no REGISTER at the switch.
  EXPECT_EQ(send_times(run.driver, 1, Method::kRegister), (Times{0ms}));
}

TEST(Concurrent, EventsSayWhichServersHoldARegistrationAndWhichIsActive) {
  PrimaryDiesUnderKeepalives run;

  std::vector<std::string> log;
  for (const auto& [at, holding] : events_of<ServerRegistration>(run.driver))
    log.push_back(std::to_string(at.count()) + "ms " + std::to_string(holding.server) +
                  (holding.held ? " held" : " lost " + holding.reason->label()));
  EXPECT_EQ(log, (std::vector<std::string>{"0ms 0 held", "0ms 1 held", "37500ms 0 lost timeout"}));
  // Registered is the line's active registration: the primary's at start-up,
  // then the backup's when it became active, with what was left of it.
  auto registered = events_of<Registered>(run.driver);
  ASSERT_EQ(registered.size(), 2u);
  EXPECT_EQ(registered[0].second.server, 0u);
  EXPECT_EQ(registered[1].first, 37500ms);
  EXPECT_EQ(registered[1].second.server, 1u);
  EXPECT_EQ(registered[1].second.expires, 600s - 37500ms);
  EXPECT_FALSE(registered[1].second.refresh);
}

TEST(Concurrent, ATestCallWhosePrimaryIsDownGoesThroughTheBackupAtOnceWithoutARegister) {
  ScriptedLine run(concurrent_line(), {kOk, kOk});
  run.driver.advance_to(10s);
  run.servers.silent(0);
  run.driver.place_test_call();
  run.driver.advance_to(30s);

  // The INVITE gets the primary's non-last budget; at its end the INVITE
  // goes to the backup, which already holds the line's registration.
  EXPECT_EQ(send_times(run.driver, 0, Method::kInvite), (Times{10s, 10500ms, 11500ms, 13500ms}));
  EXPECT_EQ(send_times(run.driver, 1, Method::kInvite), (Times{17500ms}));
  EXPECT_EQ(send_times(run.driver, 1, Method::kRegister), (Times{0ms}));
  EXPECT_EQ(failover_log(run.driver),
            (std::vector<std::string>{"17500ms 0->1 INVITE timeout detected in 7500ms"}));
  auto calls = events_of<TestCallFinished>(run.driver);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].second.result, "answered");
  EXPECT_EQ(calls[0].second.invite_server, 1u);
  EXPECT_EQ(calls[0].second.bye_server, 1u);
}

TEST(Concurrent, ThePrimaryRegisteringAgainAtItsRetryIsAFailbackAndCallsReturnToIt) {
  ScriptedLine run(concurrent_line(), {kOk, kOk});
  run.driver.advance_to(10s);
  run.servers.silent(0);
  run.driver.place_test_call();  // finds the primary down at 17.5 s
  run.driver.advance_to(20s);
  run.servers.answer(0, 200);
  // register_retry_interval (30 s) after the primary was found down.
  run.driver.advance_to(47499ms);
  EXPECT_EQ(run.driver.engine().registered_server(), 1u);
  run.driver.advance_to(47500ms);
  EXPECT_EQ(send_times(run.driver, 0, Method::kRegister), (Times{0ms, 47500ms}));
  auto failbacks = events_of<Failback>(run.driver);
  ASSERT_EQ(failbacks.size(), 1u);
  EXPECT_EQ(failbacks[0].first, 47500ms);
  EXPECT_EQ(failbacks[0].second.from, 1u);
  EXPECT_EQ(failbacks[0].second.to, 0u);
  EXPECT_EQ(run.driver.engine().registered_server(), 0u);

  run.driver.advance_to(15min + 1s);  // the next scheduled test call
  EXPECT_EQ(send_times(run.driver, 0, Method::kInvite).back(), 15min);
  EXPECT_EQ(send_times(run.driver, 1, Method::kInvite), (Times{17500ms}));
}

TEST(Concurrent, NoFailbackProbeIsEverSent) {
  LineSettings line = concurrent_line();
  line.failback.interval = 60s;
  ScriptedLine run(line, {std::nullopt, kOk});
  run.driver.advance_to(200s);
  for (const WireSend& send : run.driver.wire())
    EXPECT_NE(send.request.purpose, Purpose::kFailbackProbe);
  EXPECT_TRUE(events_of<FailbackProbe>(run.driver).empty());
}

TEST(Concurrent, EveryServerDownIsUnregisteredWithOneRegisterFailureAndEachRetriesOnItsOwn) {
  ScriptedLine run(concurrent_line(), {std::nullopt, std::nullopt});
  run.driver.advance_to(33s);
  // The primary has the non-last budget, the backup (the walk's last) the full one.
  EXPECT_EQ(run.driver.engine().state(), LineState::kUnregistered);
  auto failures = events_of<RegisterFailure>(run.driver);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].first, 32s);
  // The primary retries 30 s after its own failure: at 37.5 s.
  EXPECT_EQ(failures[0].second.retry_in, 5500ms);
  EXPECT_TRUE(events_of<Failover>(run.driver).empty());
  run.driver.advance_to(62s);
  EXPECT_EQ(send_times(run.driver, 0, Method::kRegister).at(4), 37500ms);
  EXPECT_EQ(send_times(run.driver, 1, Method::kRegister).back(), 62s);
}

TEST(Concurrent, ARefusedPrimaryLeavesTheLineOnTheBackup) {
  ScriptedLine run(concurrent_line(), {Outcome::response(403), kOk});
  EXPECT_EQ(run.driver.engine().state(), LineState::kRegistered);
  EXPECT_EQ(run.driver.engine().registered_server(), 1u);
  EXPECT_EQ(failover_log(run.driver),
            (std::vector<std::string>{"0ms 0->1 REGISTER rejected detected in 0ms"}));
}

TEST(Concurrent, EveryServerRefusingIsRejected) {
  ScriptedLine run(concurrent_line(), {Outcome::response(403), Outcome::response(403)});
  EXPECT_EQ(run.driver.engine().state(), LineState::kRejected);
  EXPECT_FALSE(run.driver.engine().registered_server());
}

TEST(Concurrent, BackoffWaitsFromNinetySecondsWhileAnotherServerHoldsARegistration) {
  LineSettings line = concurrent_line();
  line.register_retry.mode = RegisterRetry::Mode::kBackoff;
  // Draw 1: the longest wait. RFC 5626 §4.5: base-time-not-failed (90 s)
  // while the backup holds, so the first wait is 90 * 2 = 180 s.
  testing::ScriptedServers servers;
  servers.silent(0);
  servers.answer(1, 200);
  VirtualDriver driver(line, servers.responder(), [] { return 1.0; });
  driver.start();
  driver.advance_to(200s);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister).at(4), 7500ms + 180s);
  EXPECT_EQ(register_retry_bounds(line, 1, true), (WaitBounds{90s, 180s}));
  EXPECT_EQ(register_retry_bounds(line, 1, false), (WaitBounds{30s, 60s}));
}

TEST(Concurrent, StopUnregistersEveryServerThatHoldsARegistration) {
  LineSettings line = concurrent_line();
  line.unregister_on_exit = true;
  ScriptedLine run(line, {kOk, kOk});
  run.driver.stop();
  for (size_t server : {0u, 1u}) {
    auto registers = sent(run.driver, server, Method::kRegister);
    ASSERT_EQ(registers.size(), 2u);
    EXPECT_EQ(registers[1].expires, 0ms);
    EXPECT_EQ(registers[1].dialog, registers[0].dialog);
  }
}

TEST(Concurrent, ObservationSkipsTheServersThatHoldARegistration) {
  LineSettings line = concurrent_line();
  line.observe_interval = 60s;
  ScriptedLine run(line, {kOk, kOk});
  run.driver.advance_to(61s);
  EXPECT_TRUE(send_times(run.driver, 0, Method::kOptions).empty());
  EXPECT_TRUE(send_times(run.driver, 1, Method::kOptions).empty());
}

}  // namespace
}  // namespace sipsentry::engine
