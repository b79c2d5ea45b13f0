// spec.md §2: a 503 with Retry-After keeps every request but the line's own
// register walk away from the server until it has passed.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedServers;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

Outcome busy_for(Millis retry_after) {
  Outcome busy = Outcome::response(503);
  busy.retry_after = retry_after;
  return busy;
}

TEST(RetryAfter, FailbackProbeWaitsUntilRetryAfterHasPassed) {
  LineSettings line = two_server_line();
  line.failback.interval = 60s;
  ScriptedServers servers;
  servers.set(0, busy_for(300s));
  servers.answer(1, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(1ms);
  EXPECT_EQ(driver.engine().retry_after_until(0), 300s);
  servers.answer(0, 200);
  driver.advance_to(301s);
  // Due at 60 s, the probe went when the primary's Retry-After ended.
  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms, 300s}));
  EXPECT_EQ(events_of<Failback>(driver).at(0).first, 300s);
}

TEST(RetryAfter, ObservationSkipsTheServerUntilRetryAfterHasPassed) {
  LineSettings line = two_server_line();
  line.observe_interval = 60s;
  ScriptedServers servers;
  servers.set(0, busy_for(150s));
  servers.answer(1, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(200s);
  EXPECT_EQ(send_times(driver, 0, Method::kOptions), (Times{180s}));
}

TEST(RetryAfter, TheRegisterWalkMayStillGoThere) {
  ScriptedServers servers;
  servers.set(0, busy_for(1h));
  servers.silent(1);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  driver.advance_to(63s);  // backup silent for 32 s, then register_retry_interval
  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms, 62s}));
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
