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

/// hall, with its test call answered through the primary.
LineResult hall_answered() {
  LineResult line = on_primary();
  line.call = CallResult{.kind = CallResult::Kind::kFinished, .target = "sip:*43@pbx", .server = 0};
  line.call->finished = {.result = "answered",
                         .invite_server = 0,
                         .bye_server = 0,
                         .setup_to_first_18x = 2ms,
                         .setup_to_answer = 306ms};
  return line;
}

/// hall, with its test call cancelled by the ring timeout.
LineResult hall_cancelled() {
  LineResult line = hall_answered();
  line.call->finished = {
      .result = "487", .invite_server = 0, .setup_to_first_18x = 3ms, .cancelled = true};
  return line;
}

/// hall, whose call's BYE found the primary gone and went through the backup.
LineResult hall_bye_failed_over() {
  LineResult line = hall_answered();
  line.call->finished.bye_server = 1;
  line.call->failovers.push_back({.from = 0,
                                  .to = 1,
                                  .method = Method::kBye,
                                  .reason = {Reason::Kind::kIcmp},
                                  .detection = 0ms});
  return line;
}

const engine::Target kPbx1{"pbx1.example.com", 5060, engine::Transport::kUdp};
const engine::Target kPbx2{"pbx2.example.com", 5080, engine::Transport::kTcp};

/// voice: primary `pbx` resolved by SRV to pbx1 and pbx2, backup `edge`
/// without SRV; registered on pbx's first target, everything up.
LineResult srv_on_primary() {
  LineResult line{.name = "voice",
                  .state = LineState::kRegistered,
                  .registered_server = 0,
                  .registered_target = kPbx1};
  line.servers = {answered("pbx", true, 5060, 200, 3ms, Method::kRegister),
                  answered("edge", false, 5062, 200, 4ms)};
  line.servers[0].server.address = "voip.example.com";
  line.servers[0].target = kPbx1;
  return line;
}

/// voice: pbx1 silent, the walk went on to pbx's second target, pbx2: a
/// backup, though the configured server is the primary.
LineResult srv_on_second_target() {
  LineResult line = srv_on_primary();
  line.registered_target = kPbx2;
  line.off_primary_target = true;
  line.failover = engine::Failover{.from = 0,
                                   .to = 0,
                                   .method = Method::kRegister,
                                   .reason = {Reason::Kind::kTimeout},
                                   .detection = 7500ms,
                                   .from_target = kPbx1,
                                   .to_target = kPbx2};
  line.servers[0].target = kPbx2;
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

TEST(CheckNagios, AnSrvLineOnThePrimarysSecondTargetIsAWarningNamingBothTargets) {
  LineResult line = srv_on_second_target();
  line.servers[1].up = false;
  line.servers[1].status = 0;
  line.servers[1].reason = Reason{Reason::Kind::kIcmp};
  line.servers[1].target = engine::Target{"edge1.example.com", 5060, engine::Transport::kUdp};
  EXPECT_EQ(printed(ReportFormat::kNagios, report_of({line})),
            "SIPSENTRY WARNING - voice: registered on primary pbx (pbx2.example.com:5080 tcp, not "
            "its first SRV target); failover from pbx (pbx1.example.com:5060 udp; REGISTER, "
            "timeout, detected in 7.5s); voice/edge (edge1.example.com:5060 udp) down (icmp) | "
            "'voice/pbx rtt'=0.003s;;;0 'voice/edge rtt'=U;;;0 'voice detection'=7.500s;;;0\n");
  EXPECT_TRUE(printed(ReportFormat::kNagios, report_of({srv_on_primary()}))
                  .starts_with("SIPSENTRY OK - 1 line(s) registered on their primary, 2 "
                               "server(s) up |"));
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

TEST(CheckNagios, AnAnsweredCallCountsAndGivesItsSetupAndPostDialDelay) {
  EXPECT_EQ(printed(ReportFormat::kNagios, report_of({hall_answered()})),
            "SIPSENTRY OK - 1 line(s) registered on their primary, 2 server(s) up, 1 test call(s) "
            "as expected | 'hall/a rtt'=0.003s;;;0 'hall/b rtt'=0.010s;;;0 "
            "'hall call_setup'=0.306s;;;0 'hall post_dial_delay'=0.002s;;;0\n");
}

TEST(CheckNagios, ACancelledCallIsCriticalAndSaysSo) {
  EXPECT_EQ(printed(ReportFormat::kNagios, report_of({hall_cancelled()})),
            "SIPSENTRY CRITICAL - hall: registered on primary a; test call 487 (expected "
            "answered), cancelled by the ring timeout | 'hall/a rtt'=0.003s;;;0 "
            "'hall/b rtt'=0.010s;;;0 'hall post_dial_delay'=0.003s;;;0\n");
}

TEST(CheckNagios, ACallThatFailedOverIsAWarningNamingTheFailover) {
  EXPECT_EQ(printed(ReportFormat::kNagios, report_of({hall_bye_failed_over()})),
            "SIPSENTRY WARNING - hall: registered on primary a; test call answered, failed over "
            "(BYE from a to b, icmp) | 'hall/a rtt'=0.003s;;;0 'hall/b rtt'=0.010s;;;0 "
            "'hall call_setup'=0.306s;;;0 'hall post_dial_delay'=0.002s;;;0\n");
}

TEST(CheckJson, ATestCallObjectPerLineWithCalls) {
  auto doc = nlohmann::json::parse(
      printed(ReportFormat::kJson, report_of({hall_bye_failed_over(), on_primary()})));
  EXPECT_EQ(doc["schema"], 1);
  EXPECT_EQ(doc["status"], "warning");
  EXPECT_EQ(doc["lines"][0]["test_call"], nlohmann::json({{"placed", true},
                                                          {"skipped", nullptr},
                                                          {"target", "sip:*43@pbx"},
                                                          {"expected_status", nullptr},
                                                          {"result", "answered"},
                                                          {"as_expected", true},
                                                          {"failed_over", true},
                                                          {"cancelled", false},
                                                          {"invite_server", "a"},
                                                          {"invite_role", "primary"},
                                                          {"bye_server", "b"},
                                                          {"bye_role", "backup"},
                                                          {"post_dial_delay_seconds", 0.002},
                                                          {"setup_seconds", 0.306},
                                                          {"failovers",
                                                           {{{"from", "a"},
                                                             {"to", "b"},
                                                             {"method", "BYE"},
                                                             {"reason", "icmp"},
                                                             {"detection_seconds", 0.0}}}}}));
  EXPECT_TRUE(doc["lines"][1]["test_call"].is_null()) << "no --call: null";
}

TEST(CheckJson, ACancelledCallAndLinesWithoutACall) {
  LineResult no_test_call = on_primary();
  no_test_call.call = CallResult{};
  LineResult unregistered = nowhere();
  unregistered.call = CallResult{.kind = CallResult::Kind::kNotPlaced, .target = "sip:x@y"};
  auto doc = nlohmann::json::parse(
      printed(ReportFormat::kJson, report_of({hall_cancelled(), no_test_call, unregistered})));
  const auto& cancelled = doc["lines"][0]["test_call"];
  EXPECT_EQ(cancelled["result"], "487");
  EXPECT_EQ(cancelled["as_expected"], false);
  EXPECT_EQ(cancelled["cancelled"], true);
  EXPECT_EQ(cancelled["invite_server"], "a");
  EXPECT_TRUE(cancelled["bye_server"].is_null());
  EXPECT_TRUE(cancelled["setup_seconds"].is_null());
  EXPECT_EQ(doc["lines"][0]["status"], "critical");
  const auto& none = doc["lines"][1]["test_call"];
  EXPECT_EQ(none["placed"], false);
  EXPECT_EQ(none["skipped"], "no_test_call");
  EXPECT_TRUE(none["result"].is_null());
  EXPECT_EQ(doc["lines"][1]["status"], "ok");
  EXPECT_EQ(doc["lines"][2]["test_call"]["skipped"], "not_registered");
  EXPECT_EQ(doc["lines"][2]["test_call"]["target"], "sip:x@y");
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
                                                {"rtt_seconds", nullptr},
                                                {"certificate_expiry", nullptr},
                                                {"certificate_not_before", nullptr},
                                                {"certificate_state", nullptr},
                                                {"certificate_error", nullptr}}));
  EXPECT_EQ(line["servers"][1]["transport"], "tcp");
  EXPECT_EQ(line["servers"][1]["up"], true);
  EXPECT_EQ(line["servers"][1]["status"], 200);
  EXPECT_TRUE(line["servers"][1]["reason"].is_null());
  EXPECT_DOUBLE_EQ(line["servers"][1]["rtt_seconds"].get<double>(), 0.002);
}

/// desk on its backup with redundancy: concurrent: pbx-a lost its
/// registration, pbx-b holds one.
LineResult concurrent_on_backup() {
  LineResult line = on_backup();
  line.servers[0].holds_registration = false;
  line.servers[1].holds_registration = true;
  return line;
}

TEST(CheckJson, AConcurrentLinesServersSayWhetherTheyHoldARegistration) {
  auto doc =
      nlohmann::json::parse(printed(ReportFormat::kJson, report_of({concurrent_on_backup()})));
  EXPECT_EQ(doc["lines"][0]["servers"][0]["holds_registration"], false);
  EXPECT_EQ(doc["lines"][0]["servers"][1]["holds_registration"], true);
  auto plain = nlohmann::json::parse(printed(ReportFormat::kJson, report_of({on_backup()})));
  EXPECT_FALSE(plain["lines"][0]["servers"][1].contains("holds_registration"))
      << "a successive line holds its one registration at registered_server";
}

TEST(CheckText, AConcurrentLinesServersSayWhetherTheyHoldARegistration) {
  std::string text = printed(ReportFormat::kText, report_of({concurrent_on_backup()}));
  EXPECT_NE(text.find("down: REGISTER icmp after 1ms; no registration"), std::string::npos) << text;
  EXPECT_NE(text.find("up: REGISTER 200 in 2ms; holds a registration"), std::string::npos) << text;
}

TEST(CheckJson, TargetsBesideTheirServersAndNoneWithoutSrv) {
  auto doc =
      nlohmann::json::parse(printed(ReportFormat::kJson, report_of({srv_on_second_target()})));
  const auto& line = doc["lines"][0];
  EXPECT_EQ(line["status"], "warning");
  EXPECT_EQ(line["registered_server"], "pbx");
  EXPECT_EQ(line["registered_role"], "primary");
  EXPECT_EQ(line["on_primary"], false) << "on the primary's second target";
  EXPECT_EQ(line["registered_target"],
            nlohmann::json({{"host", "pbx2.example.com"}, {"port", 5080}, {"transport", "tcp"}}));
  EXPECT_EQ(line["failover"]["from"], "pbx");
  EXPECT_EQ(line["failover"]["to"], "pbx");
  EXPECT_EQ(line["failover"]["from_target"],
            nlohmann::json({{"host", "pbx1.example.com"}, {"port", 5060}, {"transport", "udp"}}));
  EXPECT_EQ(line["failover"]["to_target"],
            nlohmann::json({{"host", "pbx2.example.com"}, {"port", 5080}, {"transport", "tcp"}}));
  EXPECT_EQ(line["servers"][0]["address"], "voip.example.com");
  EXPECT_EQ(line["servers"][0]["target"],
            nlohmann::json({{"host", "pbx2.example.com"}, {"port", 5080}, {"transport", "tcp"}}));
  EXPECT_FALSE(line["servers"][1].contains("target")) << "edge has no SRV";

  auto first = nlohmann::json::parse(printed(ReportFormat::kJson, report_of({srv_on_primary()})));
  EXPECT_EQ(first["lines"][0]["on_primary"], true);
  EXPECT_EQ(first["status"], "ok");
  auto plain = nlohmann::json::parse(printed(ReportFormat::kJson, report_of({on_backup()})));
  EXPECT_FALSE(plain["lines"][0].contains("registered_target"));
  EXPECT_FALSE(plain["lines"][0]["failover"].contains("from_target"));
  EXPECT_FALSE(plain["lines"][0]["failover"].contains("to_target"));
  EXPECT_EQ(plain["lines"][0]["on_primary"], false);
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

TEST(CheckText, TheCallUnderItsLineWithServersAndTimes) {
  LineResult no_test_call = on_backup();
  no_test_call.call = CallResult{};
  EXPECT_EQ(
      printed(ReportFormat::kText, report_of({hall_answered(), hall_cancelled(), no_test_call})),
      "hall: OK, registered on primary a\n"
      "  primary a udp 127.0.0.1:5070: up: REGISTER 200 in 3ms\n"
      "  backup b udp 127.0.0.1:5072: up: OPTIONS 200 in 10ms\n"
      "  test call sip:*43@pbx: answered; INVITE through primary a, BYE through primary a; "
      "post-dial delay 2ms, setup 306ms\n"
      "hall: CRITICAL, registered on primary a; test call 487 (expected answered), "
      "cancelled by the ring timeout\n"
      "  primary a udp 127.0.0.1:5070: up: REGISTER 200 in 3ms\n"
      "  backup b udp 127.0.0.1:5072: up: OPTIONS 200 in 10ms\n"
      "  test call sip:*43@pbx: 487 (expected answered), cancelled by the ring timeout; "
      "INVITE through primary a; post-dial delay 3ms\n"
      "desk: WARNING, registered on backup pbx-b; failover from pbx-a (REGISTER, icmp, "
      "detected in 1ms)\n"
      "  primary pbx-a udp 127.0.0.1:5060: down: REGISTER icmp after 1ms\n"
      "  backup pbx-b tcp 127.0.0.1:5062: up: REGISTER 200 in 2ms\n"
      "  test call: none, no test_call configured\n"
      "CRITICAL: 3 line(s): 1 ok, 1 warning, 1 critical; 6 server(s): 5 up, 1 down; "
      "2 test call(s): 1 as expected; checked in 12ms\n");
}

TEST(CheckText, AFailedOverCallAndOneNotOver) {
  LineResult pending = on_primary();
  pending.call = CallResult{.kind = CallResult::Kind::kPending, .target = "sip:*43@pbx"};
  pending.timed_out = true;
  std::string out = printed(ReportFormat::kText, report_of({hall_bye_failed_over(), pending}));
  EXPECT_NE(out.find("hall: WARNING, registered on primary a; test call answered, failed over "
                     "(BYE from a to b, icmp)\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  test call sip:*43@pbx: answered, failed over (BYE from a to b, icmp); "
                     "INVITE through primary a, BYE through backup b; post-dial delay 2ms, "
                     "setup 306ms\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("hall: CRITICAL, registered on primary a; test call not over; the check "
                     "timed out\n  "),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  test call sip:*43@pbx: not over\n"), std::string::npos) << out;
}

TEST(CheckText, AnSrvServerNamesTheTargetBesideTheConfiguredServer) {
  EXPECT_EQ(printed(ReportFormat::kText, report_of({srv_on_primary()})),
            "voice: OK, registered on primary pbx (pbx1.example.com:5060 udp)\n"
            "  primary pbx udp voip.example.com:5060 (pbx1.example.com:5060 udp): up: REGISTER "
            "200 in 3ms\n"
            "  backup edge udp 127.0.0.1:5062: up: OPTIONS 200 in 4ms\n"
            "OK: 1 line(s): 1 ok, 0 warning, 0 critical; 2 server(s): 2 up, 0 down; checked in "
            "12ms\n");
}

TEST(CheckText, ThePrimarysSecondTargetIsABackupWithItsFailover) {
  std::string out = printed(ReportFormat::kText, report_of({srv_on_second_target()}));
  EXPECT_NE(out.find("voice: WARNING, registered on primary pbx (pbx2.example.com:5080 tcp, not "
                     "its first SRV target); failover from pbx (pbx1.example.com:5060 udp; "
                     "REGISTER, timeout, detected in 7.5s)\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  primary pbx udp voip.example.com:5060 (pbx2.example.com:5080 tcp): up"),
            std::string::npos)
      << out;
}

TEST(CheckText, UnknownSaysWhy) {
  EXPECT_EQ(printed(ReportFormat::kText, {.error = "bad"}), "UNKNOWN: bad\n");
}

// hall's primary over TLS, its certificate read at kRead: `days` left.
const tls::WallTime kRead = tls::WallTime{} + std::chrono::seconds(1'800'000'000);  // 2027-01-15

LineResult hall_with_certificate(std::chrono::hours left) {
  LineResult line = on_primary();
  line.servers[0].server.transport = engine::Transport::kTls;
  line.servers[0].certificate =
      tls::CertificateReading{.dates = tls::ChainDates{.earliest_not_after = kRead + left,
                                                       .latest_not_before = kRead - 720h,
                                                       .certificates = 2},
                              .read_at = kRead};
  return line;
}

TEST(CheckCertificate, TextGivesTheExpiryBesideTheServerAndAWarningNamingIt) {
  EXPECT_EQ(
      printed(ReportFormat::kText, report_of({hall_with_certificate(72h)})),
      "hall: WARNING, registered on primary a; certificate of a expires 2027-01-18 "
      "08:00:00Z (in 3 days)\n"
      "  primary a tls 127.0.0.1:5070: up: REGISTER 200 in 3ms; certificate expires "
      "2027-01-18 08:00:00Z (in 3 days)\n"
      "  backup b udp 127.0.0.1:5072: up: OPTIONS 200 in 10ms\n"
      "WARNING: 1 line(s): 0 ok, 1 warning, 0 critical; 2 server(s): 2 up, 0 down; checked in "
      "12ms\n");
}

TEST(CheckCertificate, NagiosPerfdataHasTheDaysWithTheWarningAndCriticalThresholds) {
  EXPECT_EQ(printed(ReportFormat::kNagios, report_of({hall_with_certificate(30 * 24h)})),
            "SIPSENTRY OK - 1 line(s) registered on their primary, 2 server(s) up | "
            "'hall/a rtt'=0.003s;;;0 'hall/a cert_days'=30.00;14:;0: 'hall/b rtt'=0.010s;;;0\n");
  EXPECT_EQ(printed(ReportFormat::kNagios, report_of({hall_with_certificate(-48h)})),
            "SIPSENTRY CRITICAL - hall: registered on primary a; certificate of a expired "
            "2027-01-13 08:00:00Z (2 days ago) | "
            "'hall/a rtt'=0.003s;;;0 'hall/a cert_days'=-2.00;14:;0: 'hall/b rtt'=0.010s;;;0\n");
}

TEST(CheckCertificate, AnUnreadChainIsShownButIsNoProblemByItself) {
  LineResult line = on_primary();
  line.servers[0].certificate =
      tls::CertificateReading{.error = "connect: Connection refused", .read_at = kRead};
  CheckReport report = report_of({line});
  EXPECT_EQ(report.status(), CheckStatus::kOk);
  EXPECT_NE(printed(ReportFormat::kText, report)
                .find("up: REGISTER 200 in 3ms; certificate not read (connect: Connection "
                      "refused)\n"),
            std::string::npos);
  EXPECT_EQ(printed(ReportFormat::kNagios, report).find("cert_days"), std::string::npos);
}

TEST(CheckCertificate, JsonGivesExpiryNotBeforeStateAndErrorNullForOtherServers) {
  nlohmann::json doc =
      nlohmann::json::parse(printed(ReportFormat::kJson, report_of({hall_with_certificate(72h)})));
  const nlohmann::json& tls_server = doc["lines"][0]["servers"][0];
  EXPECT_EQ(doc["exit_code"], 1);
  EXPECT_EQ(tls_server["certificate_expiry"], 1'800'000'000 + 3 * 86400);
  EXPECT_EQ(tls_server["certificate_not_before"], 1'800'000'000 - 30 * 86400);
  EXPECT_EQ(tls_server["certificate_state"], "expiring");
  EXPECT_TRUE(tls_server["certificate_error"].is_null());
  const nlohmann::json& udp_server = doc["lines"][0]["servers"][1];
  for (const char* key :
       {"certificate_expiry", "certificate_not_before", "certificate_state", "certificate_error"})
    EXPECT_TRUE(udp_server.contains(key) && udp_server[key].is_null()) << key;
}

}  // namespace
}  // namespace sipsentry::cli
