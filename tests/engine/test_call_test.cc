// spec.md §6: test calls, with INVITE and BYE failover.
#include "engine_fixture.h"

namespace sipsentry::engine {
namespace {

using testing::events_of;
using testing::latest_request;
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

/// Registered at 0 (on the primary when it answers `primary` with 200 OK);
/// the test then places a call at 10 s. Both servers answer 200 OK.
struct Calling : testing::ScriptedLine {
  explicit Calling(LineSettings line = calling_line(), Outcome primary = Outcome::response(200))
      : ScriptedLine(std::move(line), {primary, Outcome::response(200)}) {
    driver.advance_to(10s);
  }
  std::optional<SendRequest> invite() const {
    for (auto it = driver.wire().rbegin(); it != driver.wire().rend(); ++it)
      if (it->request.method == Method::kInvite) return it->request;
    return std::nullopt;
  }
  /// Places the call through pbx-a and leaves its INVITE for the test to answer.
  RequestId place_call_answered_by_hand() {
    servers.set(0, Method::kInvite, std::nullopt);
    driver.place_test_call();
    return invite()->id;
  }
  /// At `at`, request `id` is answered `status`.
  void respond_at(Millis at, RequestId id, int status) {
    driver.advance_to(at);
    driver.respond(id, Outcome::response(status));
  }
  /// True when the line neither failed over nor registered with pbx-b.
  bool stayed_on_the_primary() const {
    return events_of<Failover>(driver).empty() && send_times(driver, 1, Method::kRegister).empty();
  }
  /// The one test call that finished. Throws when there is none.
  TestCallFinished the_call() const { return finished_call().second; }
  std::pair<Millis, TestCallFinished> finished_call() const {
    auto calls = events_of<TestCallFinished>(driver);
    EXPECT_EQ(calls.size(), 1u);
    return calls.at(0);
  }
};

TEST(TestCall, AnsweredCallIsAckedHeldAndHungUpThroughTheSameServer) {
  Calling line;
  line.driver.place_test_call();
  line.driver.advance_to(20s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kInvite), (Times{10s}));
  EXPECT_EQ(send_times(line.driver, 0, Method::kAck), (Times{10s}));
  EXPECT_EQ(send_times(line.driver, 0, Method::kBye), (Times{15s}));
  auto [at, call] = line.finished_call();
  EXPECT_EQ(at, 15s);
  EXPECT_EQ(call.result, "answered");
  EXPECT_EQ(call.invite_server, 0u);
  EXPECT_EQ(call.bye_server, 0u);
  EXPECT_EQ(call.setup_to_answer, 0ms);
  EXPECT_FALSE(call.cancelled);
}

TEST(TestCall, CallsAreScheduledEveryInterval) {
  Calling line;
  line.driver.advance_to(31min);
  EXPECT_EQ(send_times(line.driver, 0, Method::kInvite), (Times{15min, 30min}));
}

// Each call is a new dialog: once it is over the engine keeps no CSeq for
// it (a day of calls every 15 minutes leaves only the registration's).
TEST(TestCall, FinishedCallsDoNotAccumulateDialogs) {
  Calling line;
  line.driver.advance_to(24h + 1min);
  EXPECT_EQ(send_times(line.driver, 0, Method::kBye).size(), 96u);
  EXPECT_EQ(line.driver.engine().dialogs(), 1u);
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
  EXPECT_EQ(failovers[0].first, 17500ms);
  EXPECT_EQ(failovers[0].second.method, Method::kInvite);
  EXPECT_EQ(failovers[0].second.reason.label(), "timeout");
  TestCallFinished call = line.the_call();
  EXPECT_EQ(call.invite_server, 1u);
  EXPECT_EQ(call.result, "answered");
  EXPECT_EQ(call.setup_to_answer, 7500ms);  // counted from the first INVITE
}

TEST(TestCall, AnInviteToTheLastServerGetsSixtyFourT1OnTimerA) {
  Calling line(calling_line(), Outcome::response(503));  // registered on pbx-b
  line.servers.silent(1);
  line.driver.place_test_call();
  line.driver.advance_to(60s);
  EXPECT_EQ(send_times(line.driver, 1, Method::kInvite),
            (Times{10s, 10500ms, 11500ms, 13500ms, 17500ms, 25500ms, 41500ms}));
  // At 64*T1 the walk goes back to the primary, which still answers 503.
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 42s}));
  auto [at, call] = line.finished_call();
  EXPECT_EQ(at, 42s);
  EXPECT_EQ(call.result, "unavailable");
}

TEST(TestCall, EveryServerUnavailableFailsTheCall) {
  Calling line;
  line.servers.answer(0, 503);
  line.servers.answer(1, 503);
  line.driver.place_test_call();
  line.driver.advance_to(11s);
  auto [at, call] = line.finished_call();
  EXPECT_EQ(at, 10s);
  EXPECT_EQ(call.result, "unavailable");
  EXPECT_EQ(line.driver.engine().state(), LineState::kUnregistered);
}

TEST(TestCall, EachServerIsTriedOnceWhenEveryServerRegistersButRefusesTheInvite) {
  // Answered by hand: a loop here would run at a single instant.
  VirtualDriver driver(calling_line());
  driver.start();
  driver.respond(latest_request(driver).id, Outcome::response(200));
  driver.place_test_call();
  driver.respond(latest_request(driver).id, Outcome::response(503));  // INVITE to pbx-a
  ASSERT_EQ(latest_request(driver).server, 1u);
  driver.respond(latest_request(driver).id, Outcome::response(200));  // REGISTER to pbx-b
  ASSERT_EQ(latest_request(driver).method, Method::kInvite);
  driver.respond(latest_request(driver).id, Outcome::response(503));  // INVITE to pbx-b
  // No REGISTER back to pbx-a for another INVITE there: the call has failed.
  EXPECT_TRUE(driver.in_flight().empty());
  auto calls = events_of<TestCallFinished>(driver);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].second.result, "unavailable");
  EXPECT_EQ(calls[0].second.invite_server, 1u);
  // pbx-b granted the registration a moment ago: the line keeps it.
  EXPECT_EQ(driver.engine().registered_server(), 1u);
}

TEST(TestCall, TheWalkForACallSkipsEveryServerTheCallFoundUnavailable) {
  LineSettings settings = calling_line();
  settings.servers.push_back(Server{.name = "pbx-c", .address = "192.0.2.12"});
  Calling line(settings);
  line.servers.answer(2, 200);
  line.servers.answer(0, Method::kInvite, 503);
  line.servers.answer(1, Method::kInvite, 503);
  line.driver.place_test_call();
  line.driver.advance_to(20s);
  // pbx-a and pbx-b both refused it: the walk after pbx-b goes to pbx-c
  // only, although pbx-a would register the line.
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms}));
  EXPECT_EQ(send_times(line.driver, 2, Method::kRegister), (Times{10s}));
  EXPECT_EQ(send_times(line.driver, 0, Method::kInvite), (Times{10s}));
  EXPECT_EQ(line.the_call().invite_server, 2u);
  EXPECT_EQ(line.the_call().result, "answered");
}

TEST(TestCall, ARefusedInviteEndsTheCallWithItsStatusAndNoFailover) {
  Calling line;
  line.servers.answer(0, Method::kInvite, 486);
  line.driver.place_test_call();
  line.driver.advance_to(30s);
  auto [at, call] = line.finished_call();
  EXPECT_EQ(at, 10s);
  EXPECT_EQ(call.result, "486");
  EXPECT_FALSE(call.setup_to_answer);
  EXPECT_TRUE(line.stayed_on_the_primary());
  EXPECT_TRUE(send_times(line.driver, 0, Method::kBye).empty());
}

TEST(TestCall, AProvisionalResponseStopsTheFailoverClock) {
  Calling line;
  RequestId invite = line.place_call_answered_by_hand();
  line.respond_at(10200ms, invite, 180);
  line.driver.advance_to(39s);  // well past the 7.5 s budget
  EXPECT_TRUE(line.stayed_on_the_primary());
  line.respond_at(39s, invite, 200);
  line.driver.advance_to(45s);
  TestCallFinished call = line.the_call();
  EXPECT_EQ(call.setup_to_first_18x, 200ms);
  EXPECT_EQ(call.setup_to_answer, 29s);
}

TEST(TestCall, A100TryingStopsTheFailoverClockButIsNoSetupTimeTo18x) {
  Calling line;
  RequestId invite = line.place_call_answered_by_hand();
  line.respond_at(10100ms, invite, 100);
  line.respond_at(20s, invite, 183);  // past the 7.5 s budget
  EXPECT_TRUE(line.stayed_on_the_primary());
  line.respond_at(21s, invite, 200);
  line.driver.advance_to(30s);
  TestCallFinished call = line.the_call();
  EXPECT_EQ(call.setup_to_first_18x, 10s);
  EXPECT_EQ(call.setup_to_answer, 11s);
}

TEST(TestCall, AChallengedInviteIsAnsweredAndItsRingingStopsTheFailoverClock) {
  Calling line;
  SendRequest challenged = line.driver.in_flight().at(line.place_call_answered_by_hand());
  line.driver.respond(challenged.id, Outcome::response(407));
  SendRequest invite = *line.invite();
  EXPECT_TRUE(invite.authorize);
  EXPECT_EQ(invite.dialog, challenged.dialog);
  EXPECT_EQ(invite.cseq, challenged.cseq + 1);
  line.respond_at(10200ms, invite.id, 180);
  line.driver.advance_to(39s);
  EXPECT_TRUE(line.stayed_on_the_primary());
  line.driver.advance_to(40s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kCancel), (Times{40s}));
  EXPECT_EQ(line.driver.wire().back().request.cseq, invite.cseq);  // CANCEL repeats it
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
  auto [at, call] = line.finished_call();
  EXPECT_EQ(at, 40s);
  EXPECT_EQ(call.result, "487");
  EXPECT_TRUE(call.cancelled);
}

TEST(TestCall, ARingTimeoutAlreadyOverWhenTheFirst1xxArrivesCancelsAtOnce) {
  LineSettings settings = calling_line();
  settings.test_call->ring_timeout = 1s;
  Calling line(settings);
  line.respond_at(12s, line.place_call_answered_by_hand(), 180);
  line.driver.advance_to(13s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kCancel), (Times{12s}));
}

TEST(TestCall, ACancelThatFindsTheServerUnavailableFailsTheLineOver) {
  Calling line;
  line.servers.silent(0);
  line.driver.place_test_call();
  line.driver.respond(line.invite()->id, Outcome::response(180));
  line.driver.advance_to(50s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kCancel), (Times{40s, 40500ms, 41500ms, 43500ms}));
  EXPECT_EQ(send_times(line.driver, 1, Method::kRegister), (Times{47500ms}));
  auto failovers = events_of<Failover>(line.driver);
  ASSERT_EQ(failovers.size(), 1u);
  EXPECT_EQ(failovers[0].first, 47500ms);
  EXPECT_EQ(failovers[0].second.method, Method::kCancel);
  EXPECT_EQ(failovers[0].second.reason.label(), "timeout");
  EXPECT_EQ(failovers[0].second.detection, 7500ms);
  EXPECT_EQ(line.driver.engine().registered_server(), 1u);
  auto [at, call] = line.finished_call();
  EXPECT_EQ(at, 47500ms);
  EXPECT_EQ(call.result, "unavailable");
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
  EXPECT_EQ(failovers[0].first, 22500ms);
  EXPECT_EQ(failovers[0].second.method, Method::kBye);
  auto [at, call] = line.finished_call();
  EXPECT_EQ(at, 22500ms);
  EXPECT_EQ(call.invite_server, 0u);
  EXPECT_EQ(call.bye_server, 1u);
}

TEST(TestCall, ByeGoesThroughTheServerThatCarriedTheCallEvenAfterAFailback) {
  LineSettings settings = calling_line();
  settings.failback.interval = 12s;
  Calling line(settings, Outcome::response(503));  // registered on pbx-b
  line.servers.answer(0, 200);                     // the primary is back for the probe at 12 s
  line.driver.place_test_call();
  line.driver.advance_to(20s);
  EXPECT_EQ(events_of<Failback>(line.driver).at(0).first, 12s);
  EXPECT_EQ(send_times(line.driver, 1, Method::kInvite), (Times{10s}));
  EXPECT_EQ(send_times(line.driver, 1, Method::kBye), (Times{15s}));
  EXPECT_TRUE(send_times(line.driver, 0, Method::kBye).empty());
  EXPECT_EQ(line.the_call().bye_server, 1u);
}

TEST(TestCall, AByeThatFailsAfterAFailbackGoesThroughThePrimaryWithoutAWalk) {
  LineSettings settings = calling_line();
  settings.failback.interval = 12s;
  Calling line(settings, Outcome::response(503));  // registered on pbx-b
  line.servers.answer(0, 200);
  line.servers.set(1, Method::kBye, std::nullopt);
  line.driver.place_test_call();
  line.driver.advance_to(60s);
  // pbx-b is the last server: its BYE gets 64*T1, then the line, already
  // back on the primary, hangs up there.
  EXPECT_EQ(send_times(line.driver, 1, Method::kBye).front(), 15s);
  EXPECT_EQ(send_times(line.driver, 0, Method::kBye), (Times{47s}));
  EXPECT_EQ(send_times(line.driver, 0, Method::kRegister), (Times{0ms, 12s}));
  EXPECT_EQ(events_of<Failover>(line.driver).size(), 1u);  // only the start-up's
  TestCallFinished call = line.the_call();
  EXPECT_EQ(call.invite_server, 1u);
  EXPECT_EQ(call.bye_server, 0u);
}

TEST(TestCall, ByeGoesThroughTheCallsServerAfterTheLineLostItsRegistration) {
  LineSettings settings = calling_line();
  settings.test_call->duration = 10s;
  Outcome short_grant = Outcome::response(200);
  short_grant.expires = 20s;  // refreshed at 18 s
  Calling line(settings, short_grant);
  line.servers.answer(0, Method::kRegister, 403);
  line.driver.place_test_call();
  line.driver.advance_to(25s);
  ASSERT_EQ(line.driver.engine().state(), LineState::kRejected);
  EXPECT_EQ(send_times(line.driver, 0, Method::kBye), (Times{20s}));
  TestCallFinished call = line.the_call();
  EXPECT_EQ(call.result, "answered");
  EXPECT_EQ(call.bye_server, 0u);
}

TEST(TestCall, WithoutARegistrationTheCallIsUnavailable) {
  ScriptedServers servers;
  VirtualDriver driver(calling_line(), servers.responder());  // nobody answers
  driver.start();
  driver.advance_to(1s);
  driver.place_test_call();
  auto calls = events_of<TestCallFinished>(driver);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].first, 1s);
  EXPECT_EQ(calls[0].second.result, "unavailable");
  EXPECT_TRUE(send_times(driver, 0, Method::kInvite).empty());
}

}  // namespace
}  // namespace sipsentry::engine
