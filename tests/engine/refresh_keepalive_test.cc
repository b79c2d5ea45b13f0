// spec.md §4: refreshing a registration and OPTIONS keep-alives.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedServers;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

Outcome granted(Millis expires) {
  Outcome ok = Outcome::response(200);
  ok.expires = expires;
  return ok;
}

TEST(Refresh, IsSentAtNinetyPercentOfTheGrantedExpiryOnTheSameDialog) {
  ScriptedServers servers;
  servers.set(0, granted(600s));  // asked for 3600 s, granted 600 s
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  driver.advance_to(1000s);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms, 540s}));
  const auto& wire = driver.wire();
  EXPECT_EQ(wire[1].request.purpose, Purpose::kRefresh);
  EXPECT_EQ(wire[1].request.dialog, wire[0].request.dialog);
  EXPECT_EQ(wire[1].request.cseq, wire[0].request.cseq + 1);
  EXPECT_EQ(wire[1].request.expires, 3600s);
  EXPECT_EQ(events_of<Registered>(driver).back().second.refresh, true);
}

TEST(Refresh, WithoutAGrantedExpiryTheRequestedOneCounts) {
  ScriptedServers servers;
  servers.answer(0, 200);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  driver.advance_to(1s);
  EXPECT_EQ(driver.timer_due({TimerKind::kRefresh}), 3240s);
}

TEST(Refresh, RatioIsConfigurable) {
  LineSettings line = two_server_line();
  line.refresh_ratio = 0.5;
  ScriptedServers servers;
  servers.set(0, granted(600s));
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(1s);
  EXPECT_EQ(driver.timer_due({TimerKind::kRefresh}), 300s);
}

TEST(Refresh, UnavailableOnThePrimaryFailsOverToTheBackup) {
  ScriptedServers servers;
  servers.set(0, granted(100s));
  servers.answer(1, 200);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  servers.answer(0, 503);
  driver.advance_to(91s);
  auto failovers = events_of<Failover>(driver);
  ASSERT_EQ(failovers.size(), 1u);
  EXPECT_EQ(failovers[0].first, 90s);
  EXPECT_EQ(failovers[0].second.method, Method::kRegister);
  EXPECT_EQ(failovers[0].second.reason.label(), "status_503");
  EXPECT_EQ(driver.engine().registered_server(), 1u);
}

TEST(Refresh, UnavailableOnABackupWalksFromThePrimary) {
  LineSettings line = two_server_line();
  line.servers.push_back(Server{.name = "pbx-c", .address = "192.0.2.12"});
  ScriptedServers servers;
  servers.answer(0, 503);
  servers.set(1, granted(100s));
  servers.answer(2, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(1s);
  ASSERT_EQ(driver.engine().registered_server(), 1u);
  servers.answer(0, 200);  // the primary is back, pbx-b dies
  servers.silent(1);
  driver.advance_to(90s + 7500ms);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister).back(), 97500ms);
  EXPECT_EQ(driver.engine().registered_server(), 0u);
  EXPECT_EQ(events_of<Failover>(driver).back().second.from, 1u);
  EXPECT_TRUE(send_times(driver, 2, Method::kRegister).empty());
}

TEST(Refresh, ARejectedRefreshLeavesTheLineRejectedAndRetriesAfter30s) {
  ScriptedServers servers;
  servers.set(0, granted(100s));
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  servers.answer(0, 403);
  driver.advance_to(90s);
  EXPECT_EQ(driver.engine().state(), LineState::kRejected);
  EXPECT_FALSE(driver.engine().registered_server().has_value());
  EXPECT_TRUE(send_times(driver, 1, Method::kRegister).empty());
  EXPECT_EQ(driver.timer_due({TimerKind::kRegisterRetry}), 120s);
}

TEST(Keepalive, OptionsGoesToTheCurrentServerEveryInterval) {
  LineSettings line = two_server_line();
  line.keepalive_interval = 30s;
  ScriptedServers servers;
  servers.answer(0, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(95s);
  EXPECT_EQ(send_times(driver, 0, Method::kOptions), (Times{30s, 60s, 90s}));
  EXPECT_TRUE(send_times(driver, 1, Method::kOptions).empty());
}

TEST(Keepalive, UnavailableAfterTheNonLastBudgetFailsOverWithMethodOptions) {
  LineSettings line = two_server_line();
  line.keepalive_interval = 30s;
  ScriptedServers servers;
  servers.answer(0, 200);
  servers.answer(1, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(29s);
  servers.silent(0);
  driver.advance_to(40s);
  EXPECT_EQ(send_times(driver, 0, Method::kOptions), (Times{30s, 30500ms, 31500ms, 33500ms}));
  auto failovers = events_of<Failover>(driver);
  ASSERT_EQ(failovers.size(), 1u);
  EXPECT_EQ(failovers[0].first, 37500ms);
  EXPECT_EQ(failovers[0].second.method, Method::kOptions);
  EXPECT_EQ(failovers[0].second.reason.label(), "timeout");
  EXPECT_EQ(failovers[0].second.detection, 7500ms);
  // The walk skipped the primary that had just failed.
  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms}));
}

TEST(Keepalive, ZeroTurnsItOff) {
  ScriptedServers servers;
  servers.answer(0, 200);
  VirtualDriver driver(two_server_line(), servers.responder());  // keepalive_interval 0
  driver.start();
  driver.advance_to(10min);
  EXPECT_TRUE(send_times(driver, 0, Method::kOptions).empty());
}

}  // namespace
}  // namespace sipsentry::engine
