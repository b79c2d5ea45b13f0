// spec.md §2: what makes a server unavailable, and what does not.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedServers;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;
using Seen = std::pair<Millis, std::string>;  // when, and the reason label

/// A start-up where the primary answers every request with `primary` (none:
/// silence) and the backup with 200 OK, run for 10 s: past the primary's
/// 7.5 s budget, before register_retry_interval.
struct StartUp : testing::ScriptedLine {
  explicit StartUp(std::optional<Outcome> primary, LineSettings line = two_server_line())
      : ScriptedLine(std::move(line), {primary, Outcome::response(200)}) {
    driver.advance_to(10s);
  }
  /// When and why the line failed over, if it did.
  std::optional<Seen> failover() const {
    auto failovers = events_of<Failover>(driver);
    EXPECT_LE(failovers.size(), 1u);
    if (failovers.empty()) return std::nullopt;
    return Seen{failovers[0].first, failovers[0].second.reason.label()};
  }
};

std::optional<Seen> failover_on(const Outcome& primary, LineSettings line = two_server_line()) {
  return StartUp(primary, std::move(line)).failover();
}

TEST(Unavailability, Status500And503FailOverAtOnce) {
  EXPECT_EQ(failover_on(Outcome::response(500)), (Seen{0ms, "status_500"}));
  EXPECT_EQ(failover_on(Outcome::response(503)), (Seen{0ms, "status_503"}));
}

TEST(Unavailability, TransportFailuresFailOverAtOnceEachWithItsReason) {
  EXPECT_EQ(failover_on(Outcome::failure(TransportError::kIcmp)), (Seen{0ms, "icmp"}));
  EXPECT_EQ(failover_on(Outcome::failure(TransportError::kTcpRefused)), (Seen{0ms, "tcp_refused"}));
  EXPECT_EQ(failover_on(Outcome::failure(TransportError::kTls)), (Seen{0ms, "tls"}));
  EXPECT_EQ(failover_on(Outcome::failure(TransportError::kDns)), (Seen{0ms, "dns"}));
}

// A request that could not leave this host (no IPv6 socket, no route) tells
// nothing of the server, but the line cannot reach it: it moves on at once,
// under its own reason, never the server's timeout at the budget.
TEST(Unavailability, ALocalErrorFailsOverAtOnceAsLocalNotTimeout) {
  EXPECT_EQ(failover_on(Outcome::failure(TransportError::kLocal)), (Seen{0ms, "local"}));
}

TEST(Unavailability, NoFinalResponseOverUdpIsTimeoutAtTheBudget) {
  EXPECT_EQ(StartUp(std::nullopt).failover(), (Seen{7500ms, "timeout"}));
}

TEST(Unavailability, OtherFinalResponsesMeanTheServerIsUpAndAreRejectedWithoutFailover) {
  for (int status : {403, 404, 486, 488, 502, 504, 600, 603}) {
    SCOPED_TRACE(status);
    StartUp line(Outcome::response(status));
    EXPECT_EQ(line.failover(), std::nullopt);
    EXPECT_TRUE(send_times(line.driver, 1, Method::kRegister).empty());
    EXPECT_EQ(line.driver.engine().state(), LineState::kRejected);
    auto changed = events_of<StateChanged>(line.driver);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0].first, 0ms);
    EXPECT_EQ(changed[0].second.reason, (Reason{Reason::Kind::kRejected, status}));
  }
}

TEST(Unavailability, TheSetOfUnavailableCodesIsConfigurable) {
  LineSettings line = two_server_line();
  line.unavailable_codes = {502, 503};
  EXPECT_EQ(failover_on(Outcome::response(502), line), (Seen{0ms, "status_502"}));
  StartUp no_longer(Outcome::response(500), line);
  EXPECT_EQ(no_longer.failover(), std::nullopt);
  EXPECT_EQ(no_longer.driver.engine().state(), LineState::kRejected);
}

TEST(Unavailability, RejectionIsRecordedWithItsStatus) {
  StartUp line(Outcome::response(404));
  auto finished = events_of<RequestFinished>(line.driver).at(0).second;
  EXPECT_TRUE(finished.available);
  EXPECT_EQ(finished.outcome, "4xx");
  EXPECT_EQ(finished.reason->label(), "rejected");
  EXPECT_EQ(finished.reason->status, 404);
}

TEST(Unavailability, AnUnavailableServerIsRecordedWithItsReasonAndDuration) {
  StartUp line(std::nullopt);
  auto finished = events_of<RequestFinished>(line.driver).at(0);
  EXPECT_EQ(finished.first, 7500ms);
  EXPECT_FALSE(finished.second.available);
  EXPECT_EQ(finished.second.outcome, "timeout");
  EXPECT_EQ(finished.second.duration, 7500ms);
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

/// TCP and TLS: the budget is a plain wait, and whether the connection was
/// established decides the reason.
class ConnectionOriented : public ::testing::TestWithParam<Transport> {
 protected:
  LineSettings line() const {
    LineSettings line = two_server_line();
    line.servers[0].transport = GetParam();
    return line;
  }
};

TEST_P(ConnectionOriented, NoConnectionWithinTheBudgetIsTcpTimeoutAfterOneSend) {
  StartUp start_up(std::nullopt, line());
  EXPECT_EQ(send_times(start_up.driver, 0, Method::kRegister), (Times{0ms}));
  EXPECT_EQ(start_up.failover(), (Seen{7500ms, "tcp_timeout"}));
}

TEST_P(ConnectionOriented, ConnectedButSilentAtTheBudgetIsTimeout) {
  ScriptedServers servers;
  servers.answer(1, 200);
  VirtualDriver driver(line(), servers.responder());
  driver.start();
  driver.advance_to(5ms);
  driver.connected(driver.in_flight().begin()->first);
  driver.advance_to(10s);
  auto failovers = events_of<Failover>(driver);
  ASSERT_EQ(failovers.size(), 1u);
  EXPECT_EQ(failovers[0].first, 7500ms);
  EXPECT_EQ(failovers[0].second.reason.label(), "timeout");
}

INSTANTIATE_TEST_SUITE_P(Unavailability, ConnectionOriented,
                         ::testing::Values(Transport::kTcp, Transport::kTls),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace sipsentry::engine
