// The event log operators read in the journal: one line per event, logfmt
// or JSON lines, switches at info and single requests at debug, and the
// servers named as in the metrics.
#include "daemon/event_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace sipsentry::daemon {
namespace {

using engine::Millis;

engine::LineSettings desk() {
  engine::LineSettings line;
  line.name = "desk";
  line.servers = {{.name = "pbx-a", .address = "192.0.2.1"},
                  {.name = "pbx-b", .address = "192.0.2.2"}};
  return line;
}

engine::Event failover() {
  return {Millis(7500), engine::Failover{.from = 0,
                                         .to = 1,
                                         .method = engine::Method::kRegister,
                                         .reason = {engine::Reason::Kind::kTimeout},
                                         .detection = Millis(7500)}};
}

engine::Event request() {
  return {Millis(10), engine::RequestFinished{.server = 1,
                                              .method = engine::Method::kOptions,
                                              .available = true,
                                              .outcome = "2xx",
                                              .status = 200,
                                              .duration = Millis(3)}};
}

/// The line without its timestamp, which changes every run.
std::string without_timestamp(const std::string& line) {
  return std::regex_replace(line, std::regex("^ts=[0-9T:.Z-]+ "), "");
}

TEST(EventLogTest, AFailoverIsOneLogfmtLineAtInfoWithEverythingAnOperatorAsks) {
  std::ostringstream out;
  EventLog log(out, EventLog::Format::kText, LogLevel::kInfo);
  log.on_event(desk(), failover());
  EXPECT_EQ(without_timestamp(out.str()),
            "level=info line=desk event=failover from=pbx-a to=pbx-b method=REGISTER "
            "reason=timeout detection=7.500s\n");
  EXPECT_TRUE(std::regex_search(
      out.str(), std::regex("^ts=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ")))
      << out.str();
}

// The status page's recent events show the text the log writes.
TEST(EventLogTest, DescribeGivesTheLevelAndTheTextLineAfterTsAndLevel) {
  auto [level, text] = EventLog::describe(desk(), failover());
  EXPECT_EQ(level, LogLevel::kInfo);
  EXPECT_EQ(text,
            "line=desk event=failover from=pbx-a to=pbx-b method=REGISTER reason=timeout "
            "detection=7.500s");
  EXPECT_EQ(EventLog::describe(desk(), request()).first, LogLevel::kDebug);
  EXPECT_STREQ(EventLog::level_name(LogLevel::kWarn), "warn");
}

TEST(EventLogTest, JsonLinesCarryTheSameFields) {
  std::ostringstream out;
  EventLog log(out, EventLog::Format::kJson, LogLevel::kInfo);
  log.on_event(desk(), failover());
  nlohmann::json line = nlohmann::json::parse(out.str());
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["line"], "desk");
  EXPECT_EQ(line["event"], "failover");
  EXPECT_EQ(line["from"], "pbx-a");
  EXPECT_EQ(line["to"], "pbx-b");
  EXPECT_EQ(line["method"], "REGISTER");
  EXPECT_EQ(line["reason"], "timeout");
  EXPECT_EQ(line["detection"], "7.500s");
  EXPECT_TRUE(line.contains("ts"));
}

TEST(EventLogTest, SingleRequestsAreDebugAndTheLevelHidesThem) {
  std::ostringstream out;
  EventLog log(out, EventLog::Format::kText, LogLevel::kInfo);
  log.on_event(desk(), request());
  EXPECT_EQ(out.str(), "");
  log.reconfigure(EventLog::Format::kText, LogLevel::kDebug);
  log.on_event(desk(), request());
  EXPECT_EQ(without_timestamp(out.str()),
            "level=debug line=desk event=request server=pbx-b method=OPTIONS outcome=2xx "
            "duration=0.003s status=200\n");
}

TEST(EventLogTest, AReloadCanSwitchTheFormat) {
  std::ostringstream out;
  EventLog log(out, EventLog::Format::kText, LogLevel::kInfo);
  log.reconfigure(EventLog::format_named("json"), parse_log_level("warn"));
  log.message(LogLevel::kInfo, "hidden");
  log.message(LogLevel::kWarn, "say \"this\"");
  nlohmann::json line = nlohmann::json::parse(out.str());
  EXPECT_EQ(line["level"], "warn");
  EXPECT_EQ(line["msg"], "say \"this\"");
}

TEST(EventLogTest, MessagesWithSpacesAndQuotesStayOneLogfmtValue) {
  std::ostringstream out;
  EventLog log(out, EventLog::Format::kText, LogLevel::kInfo);
  log.message(LogLevel::kError, "reload refused: f.yaml:2:3: error: unknown key 'x'");
  EXPECT_EQ(without_timestamp(out.str()),
            "level=error msg=\"reload refused: f.yaml:2:3: error: unknown key 'x'\"\n");
}

TEST(EventLogTest, AnSrvFailoverNamesEachTargetBesideItsServer) {
  std::ostringstream out;
  EventLog log(out, EventLog::Format::kText, LogLevel::kInfo);
  engine::Event event = failover();
  auto& moved = std::get<engine::Failover>(event.what);
  moved.to = 0;  // from the primary's first SRV target to its second
  moved.from_target = engine::Target{"a.example.com", 5060, engine::Transport::kUdp};
  moved.to_target = engine::Target{"b.example.com", 5070, engine::Transport::kTcp};
  log.on_event(desk(), event);
  EXPECT_EQ(without_timestamp(out.str()),
            "level=info line=desk event=failover from=pbx-a "
            "from_target=\"a.example.com:5060;transport=udp\" to=pbx-a "
            "to_target=\"b.example.com:5070;transport=tcp\" method=REGISTER reason=timeout "
            "detection=7.500s\n");
}

TEST(EventLogTest, AnSrvRequestAndRegistrationCarryTheTargetInJson) {
  std::ostringstream out;
  EventLog log(out, EventLog::Format::kJson, LogLevel::kDebug);
  engine::Target target{"b.example.com", 5070, engine::Transport::kUdp};
  engine::Event finished = request();
  std::get<engine::RequestFinished>(finished.what).target = target;
  log.on_event(desk(), finished);
  log.on_event(desk(),
               {Millis(20),
                engine::Registered{
                    .server = 1, .expires = Millis(3600000), .refresh = false, .target = target}});
  std::istringstream lines(out.str());
  std::string text;
  for (const char* event : {"request", "registered"}) {
    ASSERT_TRUE(std::getline(lines, text));
    nlohmann::json line = nlohmann::json::parse(text);
    EXPECT_EQ(line["event"], event);
    EXPECT_EQ(line["server"], "pbx-b");
    EXPECT_EQ(line["target"], "b.example.com:5070;transport=udp");
  }
}

}  // namespace
}  // namespace sipsentry::daemon
