// spec.md §7: OPTIONS to every server the line is not registered with;
// the results are reported and never move the line.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedLine;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

const Outcome kOk = Outcome::response(200);

LineSettings observed_line() {
  LineSettings line = two_server_line();
  line.observe_interval = 60s;
  line.servers.push_back(Server{.name = "pbx-c", .address = "192.0.2.12"});
  return line;
}

TEST(Observation, ProbesEveryServerTheLineIsNotRegisteredWithEveryInterval) {
  ScriptedLine line(observed_line(), {kOk, kOk, kOk});
  line.driver.advance_to(150s);
  EXPECT_TRUE(send_times(line.driver, 0, Method::kOptions).empty());  // registered there
  EXPECT_EQ(send_times(line.driver, 1, Method::kOptions), (Times{0ms, 60s, 120s}));
  EXPECT_EQ(send_times(line.driver, 2, Method::kOptions), (Times{0ms, 60s, 120s}));
}

TEST(Observation, ADownServerIsReportedAndNeverMovesTheLine) {
  ScriptedLine line(observed_line(), {kOk, Outcome::failure(TransportError::kIcmp), std::nullopt});
  line.driver.advance_to(70s);
  std::map<size_t, std::string> last_outcome;
  for (const auto& [at, finished] : events_of<RequestFinished>(line.driver))
    if (finished.method == Method::kOptions) last_outcome[finished.server] = finished.outcome;
  EXPECT_EQ(last_outcome[1], "icmp");
  EXPECT_EQ(last_outcome[2], "timeout");
  EXPECT_TRUE(events_of<Failover>(line.driver).empty());
  EXPECT_EQ(line.driver.engine().registered_server(), 0u);
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms}));
}

TEST(Observation, FollowsTheLineToTheServersItIsNotRegisteredWith) {
  LineSettings settings = two_server_line();
  settings.observe_interval = 60s;
  ScriptedLine line(settings, {Outcome::response(503), kOk});
  line.driver.advance_to(150s);
  // At 0 the primary is busy with the walk; then the line is on pbx-b.
  EXPECT_EQ(send_times(line.driver, 0, Method::kOptions), (Times{60s, 120s}));
  EXPECT_EQ(send_times(line.driver, 1, Method::kOptions), (Times{0ms}));
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms}));  // the 503s moved nothing
  EXPECT_EQ(line.driver.engine().registered_server(), 1u);
}

TEST(Observation, UsesTheNonLastBudgetEvenForTheLastServer) {
  ScriptedLine line(observed_line(), {kOk});
  size_t probes = 0;
  for (const WireSend& send : line.driver.wire()) {
    if (send.request.method != Method::kOptions) continue;
    ++probes;
    EXPECT_EQ(send.request.budget, 7500ms);
  }
  EXPECT_EQ(probes, 2u);
}

TEST(Observation, ZeroTurnsItOff) {
  LineSettings settings = observed_line();
  settings.observe_interval = 0ms;
  ScriptedLine line(settings, {kOk});
  line.driver.advance_to(10min);
  EXPECT_TRUE(send_times(line.driver, 1, Method::kOptions).empty());
}

}  // namespace
}  // namespace sipsentry::engine
