// spec.md §2: what makes a server unavailable, and what does not.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedServers;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

/// The reason of the only failover of a start-up where the primary answers `outcome`.
std::optional<std::string> failover_reason(const Outcome& outcome,
                                           LineSettings line = two_server_line()) {
  ScriptedServers servers;
  servers.set(0, outcome);
  servers.answer(1, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(1min);
  auto failovers = events_of<Failover>(driver);
  if (failovers.empty()) return std::nullopt;
  return failovers.front().second.reason.label();
}

TEST(Unavailability, Status500And503FailOverAtOnce) {
  EXPECT_EQ(failover_reason(Outcome::response(500)), "status_500");
  EXPECT_EQ(failover_reason(Outcome::response(503)), "status_503");
}

TEST(Unavailability, TransportFailuresEachHaveTheirReason) {
  EXPECT_EQ(failover_reason(Outcome::failure(TransportError::kIcmp)), "icmp");
  EXPECT_EQ(failover_reason(Outcome::failure(TransportError::kTcpRefused)), "tcp_refused");
  EXPECT_EQ(failover_reason(Outcome::failure(TransportError::kTls)), "tls");
  EXPECT_EQ(failover_reason(Outcome::failure(TransportError::kDns)), "dns");
}

TEST(Unavailability, OtherFinalResponsesMeanTheServerIsUpAndCauseNoFailover) {
  for (int status : {403, 404, 486, 488, 502, 504, 600, 603})
    EXPECT_EQ(failover_reason(Outcome::response(status)), std::nullopt) << status;
}

TEST(Unavailability, TheSetOfUnavailableCodesIsConfigurable) {
  LineSettings line = two_server_line();
  line.unavailable_codes = {502, 503};
  EXPECT_EQ(failover_reason(Outcome::response(502), line), "status_502");
  EXPECT_EQ(failover_reason(Outcome::response(500), line), std::nullopt);
}

TEST(Unavailability, RejectionIsRecordedWithItsStatus) {
  ScriptedServers servers;
  servers.answer(0, 404);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  driver.advance_to(1s);
  auto finished = events_of<RequestFinished>(driver).at(0).second;
  EXPECT_TRUE(finished.available);
  EXPECT_EQ(finished.outcome, "4xx");
  EXPECT_EQ(finished.reason->label(), "rejected");
  EXPECT_EQ(finished.reason->status, 404);
  auto changed = events_of<StateChanged>(driver).back().second;
  EXPECT_EQ(changed.to, LineState::kRejected);
}

TEST(Unavailability, TcpWithoutAConnectionAtTheBudgetIsTcpTimeout) {
  LineSettings line = two_server_line();
  line.servers[0].transport = Transport::kTcp;
  ScriptedServers servers;
  servers.answer(1, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  driver.advance_to(7500ms);
  EXPECT_EQ(send_times(driver, 0, Method::kRegister), (Times{0ms}));  // no retransmissions
  EXPECT_EQ(events_of<Failover>(driver).at(0).second.reason.label(), "tcp_timeout");
  EXPECT_EQ(events_of<Failover>(driver).at(0).first, 7500ms);
}

TEST(Unavailability, TcpConnectedButSilentAtTheBudgetIsTimeout) {
  LineSettings line = two_server_line();
  line.servers[0].transport = Transport::kTcp;
  ScriptedServers servers;
  servers.answer(1, 200);
  VirtualDriver driver(line, servers.responder());
  driver.start();
  RequestId first = driver.in_flight().begin()->first;
  driver.engine().on_connected(5ms, first);
  driver.advance_to(7500ms);
  EXPECT_EQ(events_of<Failover>(driver).at(0).second.reason.label(), "timeout");
}

TEST(Unavailability, AnswersToAbandonedRequestsAreIgnored) {
  ScriptedServers servers;
  servers.answer(1, 200);
  VirtualDriver driver(two_server_line(), servers.responder());
  driver.start();
  RequestId first = driver.in_flight().begin()->first;
  driver.advance_to(8s);
  ASSERT_EQ(driver.engine().registered_server(), 1u);
  // The primary's 200 arrives after the budget: the line stays where it is.
  EXPECT_TRUE(driver.engine().on_outcome(9s, first, Outcome::response(200)).empty());
  EXPECT_EQ(driver.engine().registered_server(), 1u);
}

}  // namespace
}  // namespace sipsentry::engine
