// The status board: what the engine's events make of each line (state,
// since when, last switch, servers, Retry-After, test call), the ring of
// recent events, and the JSON the API serves, which must be check's.
#include "status/status_board.h"

#include <gtest/gtest.h>

#include "board_events.h"
#include "cli/line_json.h"
#include "status/status_json.h"

namespace sipsentry::status {
namespace {

using engine::LineState;
using engine::Reason;
using namespace fixtures;

TEST(StatusBoard, ALineStartsRegisteringWithNoServerProbedSinceItWasAdded) {
  ManualClock clock;
  StatusBoard board({}, clock.clock());
  board.on_line_added(two_server_line("desk"));
  std::optional<LineStatus> desk = board.line("desk");
  ASSERT_TRUE(desk);
  EXPECT_EQ(desk->result.state, LineState::kRegistering);
  EXPECT_FALSE(desk->result.servers[0].probed);
  EXPECT_EQ(desk->since, clock.now);
  EXPECT_FALSE(desk->last_switch);
  EXPECT_FALSE(board.line("nobody"));
}

TEST(StatusBoard, AStateChangeMovesSinceAndTheRegisteredServerFollowsTheEvents) {
  ManualClock clock;
  StatusBoard board({}, clock.clock());
  engine::LineSettings line = two_server_line("desk");
  board.on_line_added(line);
  clock.now += 5s;
  register_line(board, line, 0);
  LineStatus desk = *board.line("desk");
  EXPECT_EQ(desk.result.state, LineState::kRegistered);
  EXPECT_EQ(desk.result.registered_server, 0u);
  EXPECT_TRUE(desk.result.on_primary());
  EXPECT_EQ(desk.since, clock.now);

  clock.now += 60s;
  board.on_event(line, request(0, true, 200));  // a keep-alive: no change of state
  EXPECT_EQ(board.line("desk")->since, clock.now - 60s);

  board.on_event(line, state(LineState::kRegistered, LineState::kUnregistered,
                             Reason{Reason::Kind::kTimeout}));
  desk = *board.line("desk");
  EXPECT_EQ(desk.result.state, LineState::kUnregistered);
  EXPECT_EQ(desk.result.state_reason, Reason{Reason::Kind::kTimeout});
  EXPECT_FALSE(desk.result.registered_server);
  EXPECT_EQ(desk.since, clock.now);
}

TEST(StatusBoard, OnThePrimarysSecondSrvTargetALineIsOnABackup) {
  ManualClock clock;
  StatusBoard board({}, clock.clock());
  engine::LineSettings line = two_server_line("desk");
  board.on_line_added(line);
  engine::Target second{"pbx2.example.com", 5060, engine::Transport::kUdp};
  board.on_event(line, state(LineState::kRegistering, LineState::kRegistered));
  board.on_event(line, engine::Event{0ms, engine::Registered{0, 3600s, false, second, false}});
  EXPECT_EQ(board.line("desk")->result.registered_server, 0u);
  EXPECT_FALSE(board.line("desk")->result.on_primary());
  board.on_event(line, engine::Event{0ms, engine::Registered{0, 3600s, false, std::nullopt, true}});
  EXPECT_TRUE(board.line("desk")->result.on_primary());
}

TEST(StatusBoard, AConcurrentLinesServersFollowTheirRegistrations) {
  ManualClock clock;
  StatusBoard board({}, clock.clock());
  engine::LineSettings line = two_server_line("desk");
  line.redundancy = engine::Redundancy::kConcurrent;
  board.on_line_added(line);
  EXPECT_EQ(board.line("desk")->result.servers[1].holds_registration, false);
  board.on_event(line, engine::Event{0ms, engine::ServerRegistration{1, true}});
  EXPECT_EQ(board.line("desk")->result.servers[1].holds_registration, true);
  board.on_event(line, engine::Event{0ms, engine::ServerRegistration{1, false, std::nullopt,
                                                                     Reason{Reason::Kind::kIcmp}}});
  EXPECT_EQ(board.line("desk")->result.servers[1].holds_registration, false);
  EXPECT_FALSE(board.line("desk")->result.servers[0].holds_registration.value());

  board.on_line_added(two_server_line("hall"));
  EXPECT_FALSE(board.line("hall")->result.servers[0].holds_registration.has_value())
      << "a successive line's servers have no registration of their own";
}

TEST(StatusBoard, AFailoverAndAFailbackAreTheLastSwitchWithTheirTime) {
  ManualClock clock;
  StatusBoard board({}, clock.clock());
  engine::LineSettings line = two_server_line("desk");
  register_line(board, line, 1);
  LineSwitch move = *board.line("desk")->last_switch;
  EXPECT_FALSE(move.failback);
  EXPECT_EQ(move.from, 0u);
  EXPECT_EQ(move.to, 1u);
  EXPECT_EQ(move.method, engine::Method::kRegister);
  EXPECT_EQ(move.reason, Reason{Reason::Kind::kTimeout});
  EXPECT_EQ(move.at, clock.now);

  clock.now += 30s;
  board.on_event(line, {.what = engine::Failback{.from = 1, .to = 0}});
  move = *board.line("desk")->last_switch;
  EXPECT_TRUE(move.failback);
  EXPECT_EQ(move.to, 0u);
  EXPECT_FALSE(move.reason);
  EXPECT_EQ(move.at, clock.now);
}

TEST(StatusBoard, ALineReadEarlierKeepsWhatItSawWhenTheLineSwitchesAgain) {
  // An HTTP thread renders its copy outside the lock while the event loop
  // goes on: the copy's failover and last switch are its own.
  ManualClock clock;
  StatusBoard board({}, clock.clock());
  engine::LineSettings line = two_server_line("desk");
  register_line(board, line, 1);
  LineStatus before = *board.line("desk");
  clock.now += 30s;
  board.on_event(line, {.what = engine::Failback{.from = 1, .to = 0}});
  board.on_event(
      line, {.what = engine::Failover{.from = 0, .to = 1, .method = engine::Method::kOptions}});
  ASSERT_TRUE(before.last_switch);
  EXPECT_FALSE(before.last_switch->failback);
  EXPECT_EQ(before.last_switch->at, clock.now - 30s);
  ASSERT_TRUE(before.result.failover);
  EXPECT_EQ(before.result.failover->method, engine::Method::kRegister);
  EXPECT_EQ(board.line("desk")->result.failover->method, engine::Method::kOptions);
}

TEST(StatusBoard, ARetryAfterKeepsItsServerEmbargoedUntilThen) {
  ManualClock clock;
  StatusBoard board({}, clock.clock());
  engine::LineSettings line = two_server_line("desk");
  engine::Event busy = request(1, false, 503, Reason{Reason::Kind::kStatus, 503});
  std::get<engine::RequestFinished>(busy.what).retry_after = 120s;
  board.on_event(line, busy);
  LineStatus desk = *board.line("desk");  // added by its first event
  EXPECT_EQ(desk.retry_after_until[1], clock.now + 120s);
  EXPECT_FALSE(desk.retry_after_until[0]);
  EXPECT_FALSE(desk.result.servers[1].up);
  EXPECT_EQ(desk.result.servers[1].status, 503);
}

TEST(StatusBoard, ATestCallResultIsShownOnceTheFirstCallEnded) {
  StatusBoard board;
  engine::LineSettings line = two_server_line("desk");
  line.test_call = engine::TestCallSettings{.target = "sip:*43@pbx"};
  register_line(board, line, 0);
  EXPECT_FALSE(board.line("desk")->result.call);
  board.on_event(
      line,
      {.what = engine::TestCallFinished{
           .result = "answered", .invite_server = 0, .bye_server = 0, .setup_to_answer = 80ms}});
  cli::CallResult call = *board.line("desk")->result.call;
  EXPECT_EQ(call.target, "sip:*43@pbx");
  EXPECT_TRUE(call.as_expected());
  EXPECT_FALSE(call.failed_over());
}

TEST(StatusBoard, ARemovedLineIsGoneAndKeysComeByName) {
  StatusBoard board;
  for (const char* name : {"c", "a", "b"}) board.on_line_added(two_server_line(name));
  board.on_line_removed("b");
  std::vector<LineKey> keys = board.keys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].name, "a");
  EXPECT_EQ(keys[1].name, "c");
  EXPECT_EQ(keys[0].state, LineState::kRegistering);
  EXPECT_EQ(keys[0].rank, 2);
  std::vector<std::string> asked = {"c", "b", "a"};
  std::vector<LineStatus> lines = board.lines(asked);  // in the order asked, b is gone
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].result.name, "c");
  EXPECT_EQ(lines[1].result.name, "a");
}

TEST(StatusBoard, ManyLinesAreCopiedOutWholeAcrossBatches) {
  StatusBoard board;
  size_t count = StatusBoard::kLinesPerBatch * 3 + 7;
  std::vector<std::string> names;
  for (size_t i = 0; i < count; ++i) {
    names.push_back("line" + std::to_string(i));
    board.on_line_added(two_server_line(names.back()));
  }
  EXPECT_EQ(board.keys().size(), count);
  EXPECT_EQ(board.lines(names).size(), count);
  EXPECT_EQ(board.size(), count);
}

StatusBoard::Describe describe_all() {
  return [](const engine::LineSettings&, const engine::Event& event) {
    return std::optional<StatusBoard::Described>(
        {"info", "event=" + std::to_string(event.what.index())});
  };
}

TEST(StatusBoard, TheRecentEventsKeepTheLast200WithTheirSequence) {
  StatusBoard board(describe_all());
  engine::LineSettings line = two_server_line("desk");
  for (int i = 0; i < 250; ++i) board.on_event(line, request(0, true, 200));
  std::vector<EventEntry> events = board.events();
  ASSERT_EQ(events.size(), StatusBoard::kEventsKept);
  EXPECT_EQ(events.front().sequence, 51u);
  EXPECT_EQ(events.back().sequence, 250u);
  EXPECT_EQ(events.back().line, "desk");
  EXPECT_EQ(events.back().level, "info");
  EXPECT_EQ(board.events(245).size(), 5u);
  EXPECT_TRUE(board.events(250).empty());
}

TEST(StatusBoard, AnEventTheLogDescribesAsDebugIsLeftOutOfTheRecentEvents) {
  StatusBoard board([](const engine::LineSettings&, const engine::Event& event) {
    return std::holds_alternative<engine::RequestFinished>(event.what)
               ? std::nullopt
               : std::optional<StatusBoard::Described>({"info", "state"});
  });
  engine::LineSettings line = two_server_line("desk");
  register_line(board, line, 0);  // a request, a state change, a registration
  EXPECT_EQ(board.events().size(), 2u);
}

// The API's line is check's line: the same events give the same JSON, and
// the API only adds its three fields.
TEST(StatusJson, TheSameEventsGiveCheckSJsonPlusSinceLastSwitchAndRetryAfter) {
  engine::LineSettings line = two_server_line("desk");
  std::vector<engine::Event> events = {
      request(0, false, 0, Reason{Reason::Kind::kTimeout}, engine::Method::kRegister),
      failover(0, 1),
      request(1, true, 200, {}, engine::Method::kRegister),
      state(LineState::kRegistering, LineState::kRegistered),
      registered(1),
  };
  StatusBoard board;
  board.on_line_added(line);
  cli::ResultCollector collector({line});
  for (const engine::Event& event : events) {
    board.on_event(line, event);
    collector.on_event(line, event);
  }
  // What check's seal() takes from the engine, which has the same view.
  cli::LineResult checked = collector.results()[0];
  checked.state = LineState::kRegistered;
  checked.registered_server = 1;

  nlohmann::json from_check = cli::line_json(checked);
  nlohmann::json from_api = status_line_json(*board.line("desk"));
  EXPECT_TRUE(from_api.contains("since"));
  EXPECT_EQ(from_api["last_switch"]["kind"], "failover");
  EXPECT_EQ(from_api["last_switch"]["from"], "pbx-a");
  EXPECT_EQ(from_api["last_switch"]["reason"], "timeout");
  from_api.erase("since");
  from_api.erase("last_switch");
  for (nlohmann::json& server : from_api["servers"]) {
    EXPECT_TRUE(server.contains("retry_after_until"));
    server.erase("retry_after_until");
  }
  EXPECT_EQ(from_api, from_check) << from_api.dump(1) << "\n" << from_check.dump(1);
  EXPECT_EQ(from_api["status"], "warning");
  EXPECT_EQ(from_api["registered_role"], "backup");
}

TEST(StatusJson, AServerNotHeardFromYetHasNoReasonWhereCheckSaysItsTimeout) {
  StatusBoard board;
  board.on_line_added(two_server_line("desk"));
  nlohmann::json server = status_line_json(*board.line("desk"))["servers"][1];
  EXPECT_EQ(server["probed"], false);
  EXPECT_TRUE(server["reason"].is_null());
  EXPECT_EQ(cli::line_json(board.line("desk")->result)["servers"][1]["reason"], "check_timeout");
}

}  // namespace
}  // namespace sipsentry::status
