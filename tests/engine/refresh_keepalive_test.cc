// spec.md §4: refreshing a registration and OPTIONS keep-alives.
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

const Outcome kOk = Outcome::response(200);
const Outcome kBusy = Outcome::response(503);

Outcome granted(Millis expires) {
  Outcome ok = kOk;
  ok.expires = expires;
  return ok;
}

LineSettings keepalive_line() {
  LineSettings line = two_server_line();
  line.keepalive_interval = 30s;
  return line;
}

TEST(Refresh, IsSentAtNinetyPercentOfTheGrantedExpiryOnTheSameDialog) {
  ScriptedLine line(two_server_line(), {granted(600s)});  // asked for 3600 s
  line.driver.advance_to(1000s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 540s}));
  const auto& wire = line.driver.wire();
  EXPECT_EQ(wire[1].request.purpose, Purpose::kRefresh);
  EXPECT_EQ(wire[1].request.dialog, wire[0].request.dialog);
  EXPECT_EQ(wire[1].request.cseq, wire[0].request.cseq + 1);
  EXPECT_EQ(wire[1].request.expires, 3600s);
  EXPECT_EQ(events_of<Registered>(line.driver).back().second.refresh, true);
}

TEST(Refresh, WithoutAGrantedExpiryTheRequestedOneCounts) {
  ScriptedLine line(two_server_line(), {kOk});
  EXPECT_EQ(line.driver.timer_due({TimerKind::kRefresh}), 3240s);
}

TEST(Refresh, RatioIsConfigurable) {
  LineSettings settings = two_server_line();
  settings.refresh_ratio = 0.5;
  ScriptedLine line(settings, {granted(600s)});
  EXPECT_EQ(line.driver.timer_due({TimerKind::kRefresh}), 300s);
}

TEST(Refresh, UnavailableOnThePrimaryFailsOverToTheBackup) {
  ScriptedLine line(two_server_line(), {granted(100s), kOk});
  line.servers.set(0, kBusy);
  line.driver.advance_to(91s);
  EXPECT_EQ(failover_log(line.driver), (Log{"90000ms 0->1 REGISTER status_503 detected in 0ms"}));
  EXPECT_EQ(line.driver.engine().registered_server(), 1u);
}

TEST(Refresh, UnavailableOnABackupWalksFromThePrimary) {
  LineSettings settings = two_server_line();
  settings.servers.push_back(Server{.name = "pbx-c", .address = "192.0.2.12"});
  ScriptedLine line(settings, {kBusy, granted(100s), kOk});
  ASSERT_EQ(line.driver.engine().registered_server(), 1u);
  line.servers.set(0, kOk);  // the primary is back, pbx-b dies
  line.servers.silent(1);
  line.driver.advance_to(90s + 7500ms);
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 97500ms}));
  EXPECT_EQ(line.driver.engine().registered_server(), 0u);
  EXPECT_EQ(failover_log(line.driver).back(), "97500ms 1->0 REGISTER timeout detected in 7500ms");
  EXPECT_TRUE(send_times(line.driver, 2, Method::kRegister).empty());
}

TEST(Refresh, ARejectedRefreshLeavesTheLineRejectedAndRetriesAfter30s) {
  ScriptedLine line(two_server_line(), {granted(100s)});
  line.servers.answer(0, 403);
  line.driver.advance_to(90s);
  EXPECT_EQ(line.driver.engine().state(), LineState::kRejected);
  EXPECT_FALSE(line.driver.engine().registered_server().has_value());
  EXPECT_TRUE(send_times(line.driver, 1, Method::kRegister).empty());
  EXPECT_EQ(line.driver.timer_due({TimerKind::kRegisterRetry}), 120s);
}

TEST(Refresh, RegisteringOnThePrimaryAfterARejectionIsNoFailover) {
  ScriptedLine line(two_server_line(), {kBusy, granted(100s)});
  ASSERT_EQ(line.driver.engine().registered_server(), 1u);
  line.servers.set(0, kOk);
  line.servers.answer(1, 403);
  line.driver.advance_to(90s);
  ASSERT_EQ(line.driver.engine().state(), LineState::kRejected);
  line.driver.advance_to(120s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 120s}));
  EXPECT_EQ(line.driver.engine().registered_server(), 0u);
  // Nothing found pbx-b unavailable: after losing the registration the line
  // starts over as at start-up, and registering on the primary is no failover.
  EXPECT_EQ(failover_log(line.driver), (Log{"0ms 0->1 REGISTER status_503 detected in 0ms"}));
}

TEST(Keepalive, OptionsGoesToTheCurrentServerEveryInterval) {
  ScriptedLine line(keepalive_line(), {kOk});
  line.driver.advance_to(95s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kOptions), (Times{30s, 60s, 90s}));
  EXPECT_TRUE(send_times(line.driver, 1, Method::kOptions).empty());
}

TEST(Keepalive, UnavailableAfterTheNonLastBudgetFailsOverWithMethodOptions) {
  ScriptedLine line(keepalive_line(), {kOk, kOk});
  line.servers.silent(0);
  line.driver.advance_to(40s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kOptions), (Times{30s, 30500ms, 31500ms, 33500ms}));
  EXPECT_EQ(failover_log(line.driver), (Log{"37500ms 0->1 OPTIONS timeout detected in 7500ms"}));
  // The walk skipped the primary that had just failed.
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms}));
}

TEST(Keepalive, UsesTheNonLastBudgetEvenOnTheLastServer) {
  ScriptedLine line(keepalive_line(), {kBusy, kOk});
  ASSERT_EQ(line.driver.engine().registered_server(), 1u);
  line.servers.set(0, kOk);
  line.servers.silent(1);
  line.driver.advance_to(40s);
  // 7.5 s, not the last server's 32 s; then a walk from the primary.
  EXPECT_EQ(send_times(line.driver, 1, Method::kOptions), (Times{30s, 30500ms, 31500ms, 33500ms}));
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 37500ms}));
  EXPECT_EQ(failover_log(line.driver), (Log{"0ms 0->1 REGISTER status_503 detected in 0ms",
                                            "37500ms 1->0 OPTIONS timeout detected in 7500ms"}));
}

TEST(Keepalive, ZeroTurnsItOff) {
  ScriptedLine line(two_server_line(), {kOk});  // keepalive_interval 0
  line.driver.advance_to(10min);
  EXPECT_TRUE(send_times(line.driver, 0, Method::kOptions).empty());
}

}  // namespace
}  // namespace sipsentry::engine
