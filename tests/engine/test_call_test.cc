// spec.md §6: test calls, with INVITE and BYE failover.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::ScriptedServers;
using testing::send_times;
using testing::two_server_line;
using Times = std::vector<Millis>;

LineSettings calling_line() {
  LineSettings line = two_server_line();
  line.test_call = TestCallSettings{
      .target = "sip:*43@pbx.example.com", .interval = 15min, .duration = 5s, .ring_timeout = 30s};
  return line;
}

/// Registered on the primary at 0; the test then places a call at 10 s.
struct Calling {
  Calling() : driver(calling_line(), servers.responder()) {
    servers.answer(0, 200);
    servers.answer(1, 200);
    driver.start();
    driver.advance_to(10s);
  }
  std::optional<SendRequest> invite() const {
    for (auto it = driver.wire().rbegin(); it != driver.wire().rend(); ++it)
      if (it->request.method == Method::kInvite) return it->request;
    return std::nullopt;
  }
  ScriptedServers servers;
  VirtualDriver driver;
};

TEST(TestCall, AnsweredCallIsAckedHeldAndHungUpThroughTheSameServer) {
  Calling line;
  line.driver.place_test_call();
  line.driver.advance_to(20s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kInvite), (Times{10s}));
  EXPECT_EQ(send_times(line.driver, 0, Method::kAck), (Times{10s}));
  EXPECT_EQ(send_times(line.driver, 0, Method::kBye), (Times{15s}));
  auto calls = events_of<TestCallFinished>(line.driver);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].second.result, "answered");
  EXPECT_EQ(calls[0].second.invite_server, 0u);
  EXPECT_EQ(calls[0].second.bye_server, 0u);
  EXPECT_EQ(calls[0].second.setup_to_answer, 0ms);
}

TEST(TestCall, CallsAreScheduledEveryInterval) {
  Calling line;
  line.driver.advance_to(31min);
  EXPECT_EQ(send_times(line.driver, 0, Method::kInvite), (Times{15min, 30min}));
}

TEST(TestCall, UnavailableServerMakesTheLineRegisterOnTheNextThenInviteThroughIt) {
  Calling line;
  line.servers.silent(0);
  line.driver.place_test_call();
  line.driver.advance_to(30s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kInvite),
            (Times{10s, 10500ms, 11500ms, 13500ms}));  // timer A: 0.5, 1, 2 s
  EXPECT_EQ(send_times(line.driver, 1, Method::kRegister), (Times{17500ms}));
  EXPECT_EQ(send_times(line.driver, 1, Method::kInvite), (Times{17500ms}));
  auto failovers = events_of<Failover>(line.driver);
  ASSERT_EQ(failovers.size(), 1u);
  EXPECT_EQ(failovers[0].second.method, Method::kInvite);
  EXPECT_EQ(failovers[0].second.reason.label(), "timeout");
  auto calls = events_of<TestCallFinished>(line.driver);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].second.invite_server, 1u);
  EXPECT_EQ(calls[0].second.result, "answered");
}

TEST(TestCall, EveryServerUnavailableFailsTheCall) {
  Calling line;
  line.servers.answer(0, 503);
  line.servers.answer(1, 503);
  line.driver.place_test_call();
  line.driver.advance_to(11s);
  auto calls = events_of<TestCallFinished>(line.driver);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].second.result, "unavailable");
  EXPECT_EQ(line.driver.engine().state(), LineState::kUnregistered);
}

TEST(TestCall, AProvisionalResponseStopsTheFailoverClock) {
  Calling line;
  line.servers.silent(0);
  line.driver.place_test_call();
  RequestId invite = line.invite()->id;
  line.driver.advance_to(10200ms);
  line.driver.respond(invite, Outcome::response(180));
  line.driver.advance_to(39s);  // well past the 7.5 s budget
  EXPECT_TRUE(events_of<Failover>(line.driver).empty());
  EXPECT_TRUE(send_times(line.driver, 1, Method::kRegister).empty());
  line.servers.answer(0, 200);  // for the BYE
  line.driver.respond(invite, Outcome::response(200));
  line.driver.advance_to(45s);
  auto calls = events_of<TestCallFinished>(line.driver);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].second.setup_to_first_18x, 200ms);
  EXPECT_EQ(calls[0].second.setup_to_answer, 29s);
}

TEST(TestCall, RingTimeoutSendsCancelAndTheResultIsTheFinalStatus) {
  Calling line;
  line.servers.silent(0);
  line.driver.place_test_call();
  RequestId invite = line.invite()->id;
  line.driver.respond(invite, Outcome::response(180));
  line.driver.advance_to(40s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kCancel), (Times{40s}));
  line.driver.respond(invite, Outcome::response(487));
  auto calls = events_of<TestCallFinished>(line.driver);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].second.result, "487");
}

TEST(TestCall, ByeToAnUnavailableServerRegistersOnTheNextThenByesThroughIt) {
  Calling line;
  line.driver.place_test_call();
  line.driver.advance_to(11s);  // answered at 10 s, BYE due at 15 s
  line.servers.silent(0);
  line.driver.advance_to(30s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kBye), (Times{15s, 15500ms, 16500ms, 18500ms}));
  EXPECT_EQ(send_times(line.driver, 1, Method::kRegister), (Times{22500ms}));
  EXPECT_EQ(send_times(line.driver, 1, Method::kBye), (Times{22500ms}));
  auto failovers = events_of<Failover>(line.driver);
  ASSERT_EQ(failovers.size(), 1u);
  EXPECT_EQ(failovers[0].second.method, Method::kBye);
  auto calls = events_of<TestCallFinished>(line.driver);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].second.invite_server, 0u);
  EXPECT_EQ(calls[0].second.bye_server, 1u);
}

TEST(TestCall, WithoutARegistrationTheCallIsUnavailable) {
  ScriptedServers servers;
  VirtualDriver driver(calling_line(), servers.responder());  // nobody answers
  driver.start();
  driver.advance_to(1s);
  driver.place_test_call();
  EXPECT_EQ(events_of<TestCallFinished>(driver).at(0).second.result, "unavailable");
}

}  // namespace
}  // namespace sipsentry::engine
