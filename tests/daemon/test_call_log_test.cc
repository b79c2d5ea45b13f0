// The event log's line for a test call (spec.md §6 results): the servers
// that carried INVITE and BYE, setup and post-dial delay, a CANCEL at the
// ring timeout, and a warning when the call did not end as expected.
#include "daemon/event_log.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sipsentry::daemon {
namespace {

using namespace std::chrono_literals;
using engine::TestCallFinished;

engine::LineSettings desk(std::optional<int> expected_status = std::nullopt) {
  engine::LineSettings line;
  line.name = "desk";
  line.servers = {engine::Server{.name = "pbx-a", .address = "192.0.2.10"},
                  engine::Server{.name = "pbx-b", .address = "192.0.2.11"}};
  line.test_call = engine::TestCallSettings{.target = "sip:*43@pbx.example.com",
                                            .expected_status = expected_status};
  return line;
}

/// The logfmt line of `call`, without its time stamp.
std::string logged(const TestCallFinished& call, const engine::LineSettings& line = desk()) {
  std::ostringstream out;
  EventLog log(out, EventLog::Format::kText, LogLevel::kDebug);
  log.on_event(line, engine::Event{0ms, call});
  std::string text = out.str();
  return text.substr(text.find(" level=") + 1);
}

TEST(EventLogTestCall, AnAnsweredCallNamesItsServersAndTimes) {
  EXPECT_EQ(logged(TestCallFinished{"answered", 0, 1, 120ms, 2500ms, false}),
            "level=info line=desk event=test_call result=answered invite_server=pbx-a "
            "bye_server=pbx-b post_dial_delay=0.120s setup=2.500s\n");
}

TEST(EventLogTestCall, ACancelledCallIsAWarningThatSaysSo) {
  EXPECT_EQ(logged(TestCallFinished{"487", 0, std::nullopt, 100ms, std::nullopt, true}),
            "level=warn line=desk event=test_call result=487 invite_server=pbx-a "
            "post_dial_delay=0.100s cancelled=true\n");
}

TEST(EventLogTestCall, ACallThatFoundNoServerIsAWarningWithoutServers) {
  EXPECT_EQ(logged(TestCallFinished{"unavailable", std::nullopt, std::nullopt, {}, {}, false}),
            "level=warn line=desk event=test_call result=unavailable\n");
}

TEST(EventLogTestCall, TheExpectedStatusDecidesWhatIsAWarning) {
  TestCallFinished busy{"486", 0, std::nullopt, std::nullopt, std::nullopt, false};
  EXPECT_TRUE(logged(busy, desk(486)).starts_with("level=info "));
  EXPECT_TRUE(logged(busy, desk(200)).starts_with("level=warn "));
  TestCallFinished answered{"answered", 0, 0, std::nullopt, 300ms, false};
  EXPECT_TRUE(logged(answered, desk(200)).starts_with("level=info "));
  EXPECT_TRUE(logged(answered, desk(486)).starts_with("level=warn "));
}

}  // namespace
}  // namespace sipsentry::daemon
