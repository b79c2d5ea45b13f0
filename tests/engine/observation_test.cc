// spec.md §7: OPTIONS to every server the line is not registered with;
// the results are reported and never move the line.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedServers;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

LineSettings observed_line() {
  LineSettings line = two_server_line();
  line.observe_interval = 60s;
  line.servers.push_back(Server{.name = "pbx-c", .address = "192.0.2.12"});
  return line;
}

TEST(Observation, ProbesEveryServerTheLineIsNotRegisteredWithEveryInterval) {
  ScriptedServers servers;
  servers.answer(0, 200);
  servers.answer(1, 200);
  servers.answer(2, 200);
  VirtualDriver driver(observed_line(), servers.responder());
  driver.start();
  driver.advance_to(150s);
  EXPECT_TRUE(send_times(driver, 0, Method::kOptions).empty());  // the line is registered there
  EXPECT_EQ(send_times(driver, 1, Method::kOptions), (Times{0ms, 60s, 120s}));
  EXPECT_EQ(send_times(driver, 2, Method::kOptions), (Times{0ms, 60s, 120s}));
}

TEST(Observation, ADownServerIsReportedAndNeverMovesTheLine) {
  ScriptedServers servers;
  servers.answer(0, 200);
  servers.fail(1, TransportError::kIcmp);
  servers.silent(2);
  VirtualDriver driver(observed_line(), servers.responder());
  driver.start();
  driver.advance_to(70s);
  std::map<size_t, std::string> last_outcome;
  for (const auto& [at, finished] : events_of<RequestFinished>(driver))
    if (finished.method == Method::kOptions) last_outcome[finished.server] = finished.outcome;
  EXPECT_EQ(last_outcome[1], "icmp");
  EXPECT_EQ(last_outcome[2], "timeout");
  EXPECT_TRUE(events_of<Failover>(driver).empty());
  EXPECT_EQ(driver.engine().registered_server(), 0u);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms}));
}

TEST(Observation, UsesTheNonLastBudgetEvenForTheLastServer) {
  ScriptedServers servers;
  servers.answer(0, 200);
  VirtualDriver driver(observed_line(), servers.responder());
  driver.start();
  size_t probes = 0;
  for (const WireSend& send : driver.wire()) {
    if (send.request.method != Method::kOptions) continue;
    ++probes;
    EXPECT_EQ(send.request.budget, 7500ms);
  }
  EXPECT_EQ(probes, 2u);
}

TEST(Observation, ZeroTurnsItOff) {
  LineSettings line = observed_line();
  line.observe_interval = 0ms;
  ScriptedServers servers;
  servers.answer(0, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(10min);
  EXPECT_TRUE(send_times(driver, 1, Method::kOptions).empty());
}

}  // namespace
}  // namespace sipsentry::engine
