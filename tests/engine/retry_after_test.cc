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

}  // namespace
}  // namespace sipsentry::engine
