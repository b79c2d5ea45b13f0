// spec.md §2: a 503 with Retry-After keeps every request but the line's own
// register walk away from the server until it has passed.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedLine;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

const Outcome kOk = Outcome::response(200);

Outcome busy_for(Millis retry_after) {
  Outcome busy = Outcome::response(503);
  busy.retry_after = retry_after;
  return busy;
}

TEST(RetryAfter, FailbackProbeWaitsUntilRetryAfterHasPassed) {
  LineSettings settings = two_server_line();
  settings.failback.interval = 60s;
  ScriptedLine line(settings, {busy_for(290s), kOk});
  EXPECT_EQ(line.driver.engine().retry_after_until(0), 290s);
  line.servers.set(0, kOk);
  line.driver.advance_to(300s);
  // Due at 60 s, the probe went when the primary's Retry-After ended: the
  // one probe, with no failed ones recorded before it.
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 290s}));
  auto probes = events_of<FailbackProbe>(line.driver);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].first, 290s);
  EXPECT_EQ(probes[0].second.result, FailbackProbe::Result::kSuccess);
  EXPECT_EQ(events_of<Failback>(line.driver).at(0).first, 290s);
}

TEST(RetryAfter, ObservationSkipsTheServerUntilRetryAfterHasPassed) {
  LineSettings settings = two_server_line();
  settings.observe_interval = 60s;
  ScriptedLine line(settings, {busy_for(150s), kOk});
  line.driver.advance_to(200s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kOptions), (Times{180s}));
}

TEST(RetryAfter, TheRegisterWalkMayStillGoThere) {
  ScriptedLine line(two_server_line(), {busy_for(1h), std::nullopt});
  line.driver.advance_to(63s);  // backup silent for 32 s, then register_retry_interval
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 62s}));
}

TEST(RetryAfter, AServerThatRegistersTheLineInsideItsRetryAfterHasEndedIt) {
  LineSettings settings = two_server_line();
  settings.keepalive_interval = 30s;
  ScriptedLine line(settings, {busy_for(1h), std::nullopt});
  line.servers.set(0, kOk);
  line.driver.advance_to(100s);
  // Failover failure at 32 s; the walk at 62 s registers on the primary,
  // whose keep-alive then goes out as usual instead of failing over at once.
  ASSERT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 62s}));
  EXPECT_EQ(line.driver.engine().retry_after_until(0), 0ms);
  EXPECT_EQ(send_times(line.driver, 0, Method::kOptions), (Times{92s}));
  EXPECT_EQ(line.driver.engine().registered_server(), 0u);
}

TEST(RetryAfter, AnInviteToTheCurrentServerInsideItsRetryAfterFailsOverWithoutBeingSent) {
  LineSettings line = two_server_line();
  line.observe_interval = 60s;
  line.test_call = TestCallSettings{.target = "sip:*43@x"};
  VirtualDriver driver(line);
  driver.start();
  ASSERT_EQ(driver.in_flight().size(), 2u);  // REGISTER to the primary, OPTIONS to the backup
  RequestId register_primary = driver.in_flight().begin()->first;
  RequestId observe_backup = std::next(driver.in_flight().begin())->first;
  driver.respond(register_primary, Outcome::response(503));
  driver.respond(driver.in_flight().rbegin()->first, Outcome::response(200));  // walk to the backup
  ASSERT_EQ(driver.engine().registered_server(), 1u);
  driver.respond(observe_backup, busy_for(300s));  // a late answer: the backup wants quiet now

  driver.advance_to(10s);
  driver.place_test_call();
  EXPECT_TRUE(send_times(driver, 1, Method::kInvite).empty());
  ASSERT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms, 10s}));  // INVITE failover
  driver.respond(driver.in_flight().rbegin()->first, Outcome::response(200));
  EXPECT_EQ(send_times(driver, 0, Method::kInvite), (Times{10s}));
  auto failovers = events_of<Failover>(driver);
  ASSERT_EQ(failovers.size(), 2u);
  EXPECT_EQ(failovers[1].second.method, Method::kInvite);
  EXPECT_EQ(failovers[1].second.reason.label(), "status_503");
}

}  // namespace
}  // namespace sipsentry::engine
