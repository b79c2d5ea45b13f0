// /probe's refusals, which answer before anything reaches the SIP loop, and
// its answer's metrics. The probes themselves run against Kamailio and a
// real Prometheus in tests/integration/probe_endpoint_test.sh.
#include "probe/probe_handler.h"

#include <gtest/gtest.h>

#include "daemon/fake_sip_agent.h"
#include "probe/probe_answer.h"

namespace sipsentry::probe {
namespace {

class ProbeHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::ProbeModule registers{.method = engine::Method::kRegister, .user = "1001"};
    config::ProbeModule tcp{.transport = engine::Transport::kTcp};
    handler_.configure({{"sip_register", registers}, {"sip_tcp", tcp}}, {});
    handler_.attach(agent_);
  }
  /// Whatever the handler posted has run, and nothing was sent.
  void expect_nothing_sent() {
    agent_.advance(engine::Millis(10'000));
    EXPECT_TRUE(agent_.sent().empty());
  }
  testing::FakeSipAgent agent_;
  ProbeHandler handler_;
};

TEST_F(ProbeHandlerTest, ATargetOutsideTheAllowedOnesIsRefusedBeforeAnythingIsSent) {
  for (std::string target :
       {"sip:192.0.2.1:5060", "sip:pbx.example.com", "sip%3Apbx.example.net.%3A5"}) {
    Reply reply = handler_.answer("target=" + target, std::nullopt);
    EXPECT_EQ(reply.status, 403) << target;
    EXPECT_NE(reply.body.find("is not in probe.allowed_targets (127.0.0.0/8, ::1, localhost)"),
              std::string::npos)
        << reply.body;
  }
  expect_nothing_sent();
}

TEST_F(ProbeHandlerTest, AMalformedScrapeIs400) {
  EXPECT_EQ(handler_.answer("module=sip_tcp", std::nullopt).status, 400);
  EXPECT_EQ(handler_.answer("target=&module=sip_tcp", std::nullopt).status, 400);
  Reply unknown = handler_.answer("target=sip:127.0.0.1&module=nope", std::nullopt);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, "unknown module 'nope'\n");
  EXPECT_EQ(handler_.answer("target=http://127.0.0.1/", std::nullopt).status, 400);
  Reply other = handler_.answer("target=sip:127.0.0.1;transport=udp&module=sip_tcp", std::nullopt);
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(other.body,
            "target 'sip:127.0.0.1;transport=udp' names transport udp but the module sends over "
            "tcp\n");
  expect_nothing_sent();
}

TEST_F(ProbeHandlerTest, AReloadReplacesModulesAndAllowedTargets) {
  config::ProbeSettings settings;
  std::string error;
  settings.allowed_targets = config::AllowedTargets();
  ASSERT_TRUE(settings.allowed_targets.add("192.0.2.0/24", error));
  handler_.configure({}, settings);
  EXPECT_EQ(handler_.answer("target=sip:127.0.0.1&module=sip_tcp", std::nullopt).status, 400);
  EXPECT_EQ(handler_.answer("target=sip:127.0.0.1", std::nullopt).status, 403);
  expect_nothing_sent();
}

TEST(ProbeHandlerLifetime, BeforeItsAgentAndAfterCloseItIs503) {
  ProbeHandler handler;
  EXPECT_EQ(handler.answer("target=sip:127.0.0.1", std::nullopt).status, 503);
  testing::FakeSipAgent agent;
  handler.attach(agent);
  handler.close();
  Reply reply = handler.answer("target=sip:127.0.0.1", std::nullopt);
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.body, "sipsentry is stopping\n");
}

/// A probe of sip:127.0.0.1 that took 12.5 ms and got `status` after 3 ms.
ProbeReport report_of(int status) {
  engine::Outcome outcome = engine::Outcome::response(status);
  Finding finding{engine::classify(outcome, {500, 503}), "", status, "", engine::Millis(3)};
  finding.outcome = engine::outcome_label(finding.verdict, status);
  return {"default", "sip:127.0.0.1",
          "OPTIONS", engine::Millis(4500),
          0.0125,    ProbeResult{sip::Target{"127.0.0.1"}, std::nullopt, finding}};
}

/// Whether `text` has `line` as a whole line.
bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(ProbeAnswer, AnAnsweringServer) {
  ProbeReport report = report_of(200);
  std::string text = probe_metrics(report);
  EXPECT_TRUE(has_line(text, "probe_success 1")) << text;
  EXPECT_TRUE(has_line(text, "probe_duration_seconds 0.012500")) << text;
  EXPECT_TRUE(has_line(text, "probe_sip_available 1")) << text;
  EXPECT_TRUE(has_line(text, "probe_sip_status_code 200")) << text;
  EXPECT_TRUE(has_line(text, "probe_sip_round_trip_seconds 0.003")) << text;
  EXPECT_EQ(text.find("probe_sip_unavailable_reason"), std::string::npos) << text;
  EXPECT_EQ(text.find("probe_ssl_earliest_cert_expiry"), std::string::npos) << text;
  report.earliest_cert_expiry = 1798761600;
  EXPECT_TRUE(has_line(probe_metrics(report), "probe_ssl_earliest_cert_expiry 1798761600"));
}

TEST(ProbeAnswer, ARefusingServerIsAvailableButNoSuccess) {
  ProbeReport report = report_of(404);
  std::string text = probe_metrics(report);
  EXPECT_TRUE(has_line(text, "probe_success 0")) << text;
  EXPECT_TRUE(has_line(text, "probe_sip_available 1")) << text;
  EXPECT_EQ(text.find("probe_sip_unavailable_reason"), std::string::npos) << text;
}

TEST(ProbeAnswer, AnUnavailableServerSaysWhy) {
  ProbeReport report = report_of(503);
  std::string text = probe_metrics(report);
  EXPECT_TRUE(has_line(text, "probe_sip_available 0")) << text;
  EXPECT_TRUE(has_line(text, "probe_sip_unavailable_reason{reason=\"status_503\"} 1")) << text;
  report.result.reset();  // the loop did not answer in time
  text = probe_metrics(report);
  EXPECT_TRUE(has_line(text, "probe_sip_status_code 0")) << text;
  EXPECT_TRUE(has_line(text, "probe_sip_unavailable_reason{reason=\"timeout\"} 1")) << text;
  EXPECT_EQ(text.find("probe_sip_round_trip_seconds"), std::string::npos) << text;
}

}  // namespace
}  // namespace sipsentry::probe
