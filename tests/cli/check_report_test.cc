// The three outputs of `sipsentry check`: text, JSON schema 1 and Nagios.
#include "cli/check_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace sipsentry::cli {
namespace {

using engine::LineState;
using engine::Method;
using engine::Reason;
using namespace std::chrono_literals;

ServerResult answered(std::string name, bool primary, uint16_t port, int status, engine::Millis rtt,
                      Method method = Method::kOptions) {
  return {.server = {.name = std::move(name), .address = "127.0.0.1", .port = port},
          .primary = primary,
          .probed = true,
          .up = true,
          .method = method,
          .status = status,
          .duration = rtt};
}

ServerResult unavailable(std::string name, bool primary, uint16_t port, Reason reason,
                         engine::Millis after) {
  ServerResult server = answered(std::move(name), primary, port, 0, after, Method::kRegister);
  server.up = false;
  server.reason = reason;
  return server;
}

/// desk: the primary refused the connection (ICMP), registered on the backup over TCP.
LineResult on_backup() {
  LineResult line{.name = "desk",
                  .state = LineState::kRegistered,
                  .registered_server = 1,
                  .failover = engine::Failover{.from = 0,
                                               .to = 1,
                                               .method = Method::kRegister,
                                               .reason = {Reason::Kind::kIcmp},
                                               .detection = 1ms}};
  line.servers = {unavailable("pbx-a", true, 5060, {Reason::Kind::kIcmp}, 1ms),
                  answered("pbx-b", false, 5062, 200, 2ms, Method::kRegister)};
  line.servers[1].server.transport = engine::Transport::kTcp;
  return line;
}

/// hall: on its primary, both servers up.
LineResult on_primary() {
  return {.name = "hall",
          .state = LineState::kRegistered,
          .registered_server = 0,
          .servers = {answered("a", true, 5070, 200, 3ms, Method::kRegister),
                      answered("b", false, 5072, 200, 10ms)}};
}

/// lobby: every server silent.
LineResult nowhere() {
  LineResult line{.name = "lobby",
                  .state = LineState::kUnregistered,
                  .state_reason = Reason{Reason::Kind::kTimeout}};
  line.servers = {unavailable("a", true, 5080, {Reason::Kind::kTimeout}, 7500ms),
                  unavailable("b", false, 5082, {Reason::Kind::kTimeout}, 32s)};
  return line;
}

std::string printed(ReportFormat format, const CheckReport& report) {
  std::ostringstream out;
  print_report(out, format, report);
  return out.str();
}

CheckReport report_of(std::vector<LineResult> lines) {
  return {.lines = std::move(lines), .timeout = 44500ms, .elapsed = 12ms};
}

TEST(CheckNagios, OkSaysHowManyLinesAndServersAndGivesEveryRtt) {
  EXPECT_EQ(printed(ReportFormat::kNagios, report_of({on_primary()})),
            "SIPSENTRY OK - 1 line(s) registered on their primary, 2 server(s) up | "
            "'hall/a rtt'=0.003s;;;0 'hall/b rtt'=0.010s;;;0\n");
}

TEST(CheckNagios, WarningNamesTheBackupTheDownServerAndTheDetectionTime) {
  EXPECT_EQ(printed(ReportFormat::kNagios, report_of({on_primary(), on_backup()})),
            "SIPSENTRY WARNING - desk: registered on backup pbx-b; failover from pbx-a "
            "(REGISTER, icmp, detected in 1ms); desk/pbx-a down (icmp) | "
            "'hall/a rtt'=0.003s;;;0 'hall/b rtt'=0.010s;;;0 "
            "'desk/pbx-a rtt'=U;;;0 'desk/pbx-b rtt'=0.002s;;;0 'desk detection'=0.001s;;;0\n");
}

TEST(CheckNagios, CriticalWhenALineIsRegisteredNowhere) {
  EXPECT_EQ(printed(ReportFormat::kNagios, report_of({nowhere()})),
            "SIPSENTRY CRITICAL - lobby: not registered: every server unavailable (timeout); "
            "lobby/a down (timeout); lobby/b down (timeout) | "
            "'lobby/a rtt'=U;;;0 'lobby/b rtt'=U;;;0\n");
}

TEST(CheckNagios, UnknownCarriesTheErrorAndNoPerfdata) {
  CheckReport report{.error = "no line named 'x|y' in a.yaml"};
  EXPECT_EQ(printed(ReportFormat::kNagios, report),
            "SIPSENTRY UNKNOWN - no line named 'x_y' in a.yaml\n");
}

TEST(CheckNagios, LabelsNeverCarryQuotesOrEqualsSigns) {
  LineResult line = on_primary();
  line.servers[1].server.name = "b='x'|y";
  std::string out = printed(ReportFormat::kNagios, report_of({line}));
  EXPECT_NE(out.find("'hall/b__x__y rtt'=0.010s;;;0"), std::string::npos) << out;
  EXPECT_EQ(out.find('|'), out.rfind('|')) << out;  // only the perfdata separator
}

TEST(CheckJson, SchemaOneWithEveryFieldOfALineOnItsBackup) {
  auto doc = nlohmann::json::parse(printed(ReportFormat::kJson, report_of({on_backup()})));
  EXPECT_EQ(doc["schema"], 1);
  EXPECT_EQ(doc["status"], "warning");
  EXPECT_EQ(doc["exit_code"], 1);
  EXPECT_TRUE(doc["error"].is_null());
  EXPECT_DOUBLE_EQ(doc["timeout_seconds"].get<double>(), 44.5);
  EXPECT_DOUBLE_EQ(doc["elapsed_seconds"].get<double>(), 0.012);
  ASSERT_EQ(doc["lines"].size(), 1u);
  const auto& line = doc["lines"][0];
  EXPECT_EQ(line["name"], "desk");
  EXPECT_EQ(line["status"], "warning");
  EXPECT_EQ(line["state"], "registered");
  EXPECT_TRUE(line["reason"].is_null());
  EXPECT_EQ(line["timed_out"], false);
  EXPECT_EQ(line["registered_server"], "pbx-b");
  EXPECT_EQ(line["registered_role"], "backup");
  EXPECT_EQ(line["failover_detected"], true);
  EXPECT_EQ(line["failover"], nlohmann::json({{"from", "pbx-a"},
                                              {"to", "pbx-b"},
                                              {"method", "REGISTER"},
                                              {"reason", "icmp"},
                                              {"detection_seconds", 0.001}}));
  EXPECT_EQ(line["servers"][0], nlohmann::json({{"name", "pbx-a"},
                                                {"role", "primary"},
                                                {"address", "127.0.0.1"},
                                                {"port", 5060},
                                                {"transport", "udp"},
                                                {"probed", true},
                                                {"up", false},
                                                {"method", "REGISTER"},
                                                {"status", nullptr},
                                                {"reason", "icmp"},
                                                {"rtt_seconds", nullptr}}));
  EXPECT_EQ(line["servers"][1]["transport"], "tcp");
  EXPECT_EQ(line["servers"][1]["up"], true);
  EXPECT_EQ(line["servers"][1]["status"], 200);
  EXPECT_TRUE(line["servers"][1]["reason"].is_null());
  EXPECT_DOUBLE_EQ(line["servers"][1]["rtt_seconds"].get<double>(), 0.002);
}

TEST(CheckJson, ALineThatCannotRegisterHasAReasonAndNoServer) {
  auto doc = nlohmann::json::parse(printed(ReportFormat::kJson, report_of({nowhere()})));
  EXPECT_EQ(doc["status"], "critical");
  EXPECT_EQ(doc["exit_code"], 2);
  const auto& line = doc["lines"][0];
  EXPECT_EQ(line["state"], "unregistered");
  EXPECT_EQ(line["reason"], "timeout");
  EXPECT_TRUE(line["registered_server"].is_null());
  EXPECT_TRUE(line["registered_role"].is_null());
  EXPECT_EQ(line["failover_detected"], false);
  EXPECT_TRUE(line["failover"].is_null());
}

TEST(CheckJson, AServerWithoutAResultSaysTheCheckTimedOut) {
  LineResult line = on_primary();
  line.servers[1] = ServerResult{};
  line.servers[1].server.name = "b";
  line.timed_out = true;
  auto doc = nlohmann::json::parse(printed(ReportFormat::kJson, report_of({line})));
  const auto& server = doc["lines"][0]["servers"][1];
  EXPECT_EQ(server["probed"], false);
  EXPECT_EQ(server["up"], false);
  EXPECT_EQ(server["reason"], "check_timeout");
  EXPECT_TRUE(server["method"].is_null());
  EXPECT_EQ(doc["lines"][0]["timed_out"], true);
}

TEST(CheckJson, UnknownHasTheErrorAndNoLines) {
  auto doc = nlohmann::json::parse(printed(ReportFormat::kJson, {.error = "bad"}));
  EXPECT_EQ(doc["schema"], 1);
  EXPECT_EQ(doc["status"], "unknown");
  EXPECT_EQ(doc["exit_code"], 3);
  EXPECT_EQ(doc["error"], "bad");
  EXPECT_TRUE(doc["lines"].empty());
}

TEST(CheckText, OneLinePerLineAndPerServerThenTheVerdict) {
  EXPECT_EQ(
      printed(ReportFormat::kText, report_of({on_backup(), nowhere()})),
      "desk: WARNING, registered on backup pbx-b; failover from pbx-a (REGISTER, icmp, detected "
      "in 1ms)\n"
      "  primary pbx-a udp 127.0.0.1:5060: down: REGISTER icmp after 1ms\n"
      "  backup pbx-b tcp 127.0.0.1:5062: up: REGISTER 200 in 2ms\n"
      "lobby: CRITICAL, not registered: every server unavailable (timeout)\n"
      "  primary a udp 127.0.0.1:5080: down: REGISTER timeout after 7.5s\n"
      "  backup b udp 127.0.0.1:5082: down: REGISTER timeout after 32s\n"
      "CRITICAL: 2 line(s): 0 ok, 1 warning, 1 critical; 4 server(s): 1 up, 3 down; checked in "
      "12ms\n");
}

TEST(CheckText, ARefusalShowsItsStatus) {
  LineResult line = on_primary();
  line.state = LineState::kRejected;
  line.registered_server.reset();
  line.state_reason = Reason{Reason::Kind::kRejected, 403};
  line.servers[0].status = 403;
  line.servers[0].reason = line.state_reason;
  std::string out = printed(ReportFormat::kText, report_of({line}));
  EXPECT_NE(out.find("hall: CRITICAL, not registered: refused (rejected 403)\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("up: REGISTER 403 (rejected) in 3ms"), std::string::npos) << out;
}

TEST(CheckText, UnknownSaysWhy) {
  EXPECT_EQ(printed(ReportFormat::kText, {.error = "bad"}), "UNKNOWN: bad\n");
}

}  // namespace
}  // namespace sipsentry::cli
