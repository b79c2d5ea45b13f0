// Each engine event against the exact series it moves (spec.md §8).
#include <gtest/gtest.h>

#include "exposition.h"
#include "metrics/metrics_recorder.h"
#include "sample_history.h"
#include "version.h"

namespace sipsentry::metrics {
namespace {

using namespace engine;
using testing::Labels;

const Reason kTimeout{Reason::Kind::kTimeout};

class LineMetricsTest : public ::testing::Test {
 protected:
  LineMetricsTest() { recorder_.add_line(line_); }

  void record(Millis offset, const decltype(Event::what)& what) {
    testing::record_at(recorder_, line_, offset, what);
  }
  std::optional<double> value(const std::string& name, Labels labels = {}) {
    labels.emplace("line", "reception");
    return testing::value_of(recorder_.scrape(), name, labels);
  }
  /// A histogram's sample: about a server, over every line that uses it.
  std::optional<double> distribution(const std::string& name, Labels labels) {
    return testing::value_of(recorder_.scrape(), name, labels);
  }
  void expect_state(LineState state) {
    for (LineState each : kAllLineStates)
      EXPECT_EQ(value("sipsentry_line_state", {{"state", to_string(each)}}), each == state ? 1 : 0)
          << to_string(each);
  }
  /// Registered on `server` (1 there, 0 elsewhere), or on none.
  void expect_registered_on(std::optional<size_t> server) {
    EXPECT_EQ(value("sipsentry_line_registered"), server ? 1 : 0);
    for (size_t each = 0; each < line_.servers.size(); ++each)
      EXPECT_EQ(value("sipsentry_line_active_server", server_labels(each)), server == each ? 1 : 0)
          << line_.servers[each].name;
  }
  Labels server_labels(size_t server) {
    return {{"server", line_.servers[server].name}, {"role", server == 0 ? "primary" : "backup"}};
  }
  void register_on(size_t server, Millis offset) {
    record(offset, StateChanged{LineState::kRegistering, LineState::kRegistered});
    record(offset, Registered{server, 3600s, false});
  }

  LineSettings line_ = testing::reception_line();
  MetricsRecorder recorder_;
};

TEST_F(LineMetricsTest, ASuccessiveLineHasNoServerRegisteredSeries) {
  register_on(0, 1s);
  EXPECT_EQ(value("sipsentry_server_registered", server_labels(0)), std::nullopt);
}

TEST(ConcurrentLineMetricsTest, EachServerSaysWhetherItHoldsARegistration) {
  MetricsRecorder recorder;
  LineSettings line = testing::reception_line();
  line.redundancy = Redundancy::kConcurrent;
  recorder.add_line(line);
  auto held = [&](const std::string& server, const std::string& role) {
    return testing::value_of(recorder.scrape(), "sipsentry_server_registered",
                             {{"line", "reception"}, {"server", server}, {"role", role}});
  };
  EXPECT_EQ(held("pbx-a", "primary"), 0);
  testing::record_at(recorder, line, 1s, ServerRegistration{0, true});
  testing::record_at(recorder, line, 1s, ServerRegistration{1, true});
  EXPECT_EQ(held("pbx-a", "primary"), 1);
  EXPECT_EQ(held("pbx-b", "backup"), 1);
  testing::record_at(recorder, line, 9s, ServerRegistration{0, false, std::nullopt, kTimeout});
  EXPECT_EQ(held("pbx-a", "primary"), 0);
  EXPECT_EQ(held("pbx-b", "backup"), 1);
  // No failback probe ever goes: a concurrent line has no probe series.
  EXPECT_EQ(testing::value_of(recorder.scrape(), "sipsentry_failback_probes_total",
                              {{"line", "reception"}, {"result", "success"}}),
            std::nullopt);
}

TEST_F(LineMetricsTest, AddLineShowsTheLineRegisteringOnNoServer) {
  expect_state(LineState::kRegistering);
  expect_registered_on(std::nullopt);
  EXPECT_EQ(value("sipsentry_register_failures_total"), 0);
  EXPECT_EQ(value("sipsentry_line_switches_total"), 0) << "so that increase() sees the first";
  for (std::string server : {"pbx-a", "pbx-b", "pbx-c"}) {
    EXPECT_EQ(distribution("sipsentry_failover_detection_seconds_count", {{"server", server}}), 0);
    EXPECT_EQ(distribution("sipsentry_test_call_setup_seconds_count", {{"server", server}}), 0);
  }
}

TEST_F(LineMetricsTest, AddLineStartsTheFailbackCountersAtZero) {
  for (std::string backup : {"pbx-b", "pbx-c"})
    EXPECT_EQ(value("sipsentry_failbacks_total", {{"from", backup}, {"to", "pbx-a"}}), 0);
  for (std::string result : {"success", "unavailable", "rejected"})
    EXPECT_EQ(value("sipsentry_failback_probes_total", {{"result", result}}), 0);
}

TEST_F(LineMetricsTest, AddLineLeavesOutWhatTheLineCannotDo) {
  LineSettings lone = line_;
  lone.name = "lone";
  lone.servers.resize(1);
  lone.test_call.reset();
  recorder_.add_line(lone);
  std::string text = recorder_.scrape();
  for (const testing::Sample& sample : testing::samples_with(text, "line", "lone"))
    EXPECT_TRUE(sample.name.starts_with("sipsentry_line_") ||
                sample.name == "sipsentry_register_failures_total")
        << sample.name;
  // No request yet: whether a server is up is unknown, not 0.
  EXPECT_EQ(text.find("sipsentry_server_up{"), std::string::npos);
}

TEST_F(LineMetricsTest, RegisteredSetsTheActiveServerAndTheExpiry) {
  register_on(0, 10s);
  expect_state(LineState::kRegistered);
  expect_registered_on(0);
  EXPECT_EQ(value("sipsentry_registration_expiry_timestamp_seconds"), 1'700'000'010 + 3600);
}

TEST_F(LineMetricsTest, LeavingRegisteredDropsTheRegistration) {
  register_on(0, 0s);
  record(30s, StateChanged{LineState::kRegistered, LineState::kRegistering, kTimeout});
  expect_state(LineState::kRegistering);
  expect_registered_on(std::nullopt);
}

TEST_F(LineMetricsTest, AnsweredRequestCountsItsClassAndDuration) {
  record(0s, RequestFinished{1, Method::kOptions, true, "2xx", 200, std::nullopt, 40ms});
  Labels options{{"server", "pbx-b"}, {"method", "OPTIONS"}};
  EXPECT_EQ(value("sipsentry_requests_total",
                  {{"server", "pbx-b"}, {"method", "OPTIONS"}, {"outcome", "2xx"}}),
            1);
  EXPECT_EQ(distribution("sipsentry_request_duration_seconds_count", options), 1);
  EXPECT_DOUBLE_EQ(*distribution("sipsentry_request_duration_seconds_sum", options), 0.04);
  Labels bucket = options;
  bucket["le"] = "0.025";
  EXPECT_EQ(distribution("sipsentry_request_duration_seconds_bucket", bucket), 0);
  bucket["le"] = "0.05";
  EXPECT_EQ(distribution("sipsentry_request_duration_seconds_bucket", bucket), 1);
  EXPECT_EQ(value("sipsentry_server_up", {{"server", "pbx-b"}, {"role", "backup"}}), 1);
}

TEST_F(LineMetricsTest, RejectedRequestProvesTheServerUp) {
  Reason forbidden{Reason::Kind::kRejected, 403};
  record(0s, RequestFinished{0, Method::kRegister, true, "4xx", 403, forbidden, 25ms});
  EXPECT_EQ(value("sipsentry_requests_total",
                  {{"server", "pbx-a"}, {"method", "REGISTER"}, {"outcome", "4xx"}}),
            1);
  EXPECT_EQ(value("sipsentry_server_up", server_labels(0)), 1);
  EXPECT_EQ(recorder_.scrape().find("sipsentry_server_failures_total{"), std::string::npos);
}

TEST_F(LineMetricsTest, UnavailableResponseCountsAFailureAndItsDuration) {
  Reason busy{Reason::Kind::kStatus, 503};
  record(0s, RequestFinished{0, Method::kRegister, false, "status_503", 503, busy, 20ms, 60s});
  EXPECT_EQ(value("sipsentry_requests_total",
                  {{"server", "pbx-a"}, {"method", "REGISTER"}, {"outcome", "status_503"}}),
            1);
  EXPECT_EQ(value("sipsentry_server_up", server_labels(0)), 0);
  EXPECT_EQ(
      value("sipsentry_server_failures_total", {{"server", "pbx-a"}, {"reason", "status_503"}}), 1);
  EXPECT_EQ(distribution("sipsentry_request_duration_seconds_count",
                         {{"server", "pbx-a"}, {"method", "REGISTER"}}),
            1);
}

TEST_F(LineMetricsTest, TimeoutHasNoResponseDuration) {
  record(0s, RequestFinished{0, Method::kOptions, true, "2xx", 200, std::nullopt, 10ms});
  record(30s, RequestFinished{0, Method::kOptions, false, "timeout", 0, kTimeout, 7500ms});
  Labels options{{"server", "pbx-a"}, {"method", "OPTIONS"}};
  EXPECT_EQ(distribution("sipsentry_request_duration_seconds_count", options), 1);
  EXPECT_EQ(value("sipsentry_server_up", server_labels(0)), 0);
  EXPECT_EQ(value("sipsentry_server_failures_total", {{"server", "pbx-a"}, {"reason", "timeout"}}),
            1);
}

TEST_F(LineMetricsTest, FailoverCountsTheSwitchAndItsDetection) {
  register_on(0, 0s);
  record(37500ms, StateChanged{LineState::kRegistered, LineState::kRegistering, kTimeout});
  register_on(2, 37550ms);
  record(37550ms, Failover{0, 2, Method::kOptions, kTimeout, 7500ms});
  EXPECT_EQ(
      value("sipsentry_failovers_total",
            {{"from", "pbx-a"}, {"to", "pbx-c"}, {"method", "OPTIONS"}, {"reason", "timeout"}}),
      1);
  // By the server that failed, the one the walk left.
  Labels failed{{"server", "pbx-a"}};
  EXPECT_EQ(distribution("sipsentry_failover_detection_seconds_count", failed), 1);
  EXPECT_EQ(distribution("sipsentry_failover_detection_seconds_sum", failed), 7.5);
  EXPECT_EQ(distribution("sipsentry_failover_detection_seconds_bucket",
                         {{"server", "pbx-a"}, {"le", "4"}}),
            0);
  EXPECT_EQ(distribution("sipsentry_failover_detection_seconds_bucket",
                         {{"server", "pbx-a"}, {"le", "7.5"}}),
            1);
  EXPECT_EQ(distribution("sipsentry_failover_detection_seconds_count", {{"server", "pbx-c"}}), 0);
  EXPECT_DOUBLE_EQ(*value("sipsentry_last_switch_timestamp_seconds"), 1'700'000'037.55);
  EXPECT_EQ(value("sipsentry_line_switches_total"), 1);
  expect_registered_on(2);
}

const Target kPbx1{"pbx1.example.com", 5060, Transport::kUdp};
const Target kPbx2{"pbx2.example.com", 5080, Transport::kTcp};

/// Every sipsentry_line_active_target_info sample of the reception line, as
/// "server target value".
std::vector<std::string> active_targets(const std::string& text) {
  std::vector<std::string> found;
  for (const testing::Sample& sample : testing::samples_with(text, "line", "reception"))
    if (sample.name == "sipsentry_line_active_target_info")
      found.push_back(sample.labels.at("server") + " " + sample.labels.at("target") + " " +
                      std::to_string(sample.value));
  return found;
}

TEST_F(LineMetricsTest, ActiveTargetFollowsTheRegistrationWithoutStaleSeries) {
  using Seen = std::vector<std::string>;
  register_on(0, 0s);
  EXPECT_EQ(active_targets(recorder_.scrape()), Seen{}) << "a server without SRV has none";
  record(10s, Registered{0, 3600s, false, kPbx1});
  EXPECT_EQ(active_targets(recorder_.scrape()),
            Seen{"pbx-a pbx1.example.com:5060;transport=udp 1.000000"});
  // The line moves to the entry's second target: only that one is left.
  record(40s, StateChanged{LineState::kRegistered, LineState::kRegistering, kTimeout});
  EXPECT_EQ(active_targets(recorder_.scrape()), Seen{}) << "no registration, no target";
  record(41s, StateChanged{LineState::kRegistering, LineState::kRegistered});
  record(41s, Registered{0, 3600s, false, kPbx2});
  record(41s, Failover{0, 0, Method::kOptions, kTimeout, 7500ms, kPbx1, kPbx2});
  EXPECT_EQ(active_targets(recorder_.scrape()),
            Seen{"pbx-a pbx2.example.com:5080;transport=tcp 1.000000"});
  // A move between two targets of one server counts as a failover from it to it.
  EXPECT_EQ(
      value("sipsentry_failovers_total",
            {{"from", "pbx-a"}, {"to", "pbx-a"}, {"method", "OPTIONS"}, {"reason", "timeout"}}),
      1);
  expect_registered_on(0);
  // To a backup without SRV: no target series at all.
  record(80s, Registered{1, 3600s, false});
  EXPECT_EQ(active_targets(recorder_.scrape()), Seen{});
  record(90s, Registered{2, 3600s, false, kPbx1});
  EXPECT_EQ(active_targets(recorder_.scrape()),
            Seen{"pbx-c pbx1.example.com:5060;transport=udp 1.000000"});
  record(95s, RegisterFailure{kTimeout});
  EXPECT_EQ(active_targets(recorder_.scrape()), Seen{});
}

TEST_F(LineMetricsTest, AnActiveTargetsRoleIsBackupOnThePrimarysSecondTarget) {
  auto role = [this] {
    for (const testing::Sample& sample :
         testing::samples_with(recorder_.scrape(), "line", "reception"))
      if (sample.name == "sipsentry_line_active_target_info") return sample.labels.at("role");
    return std::string("none");
  };
  record(10s, Registered{0, 3600s, false, kPbx1});
  EXPECT_EQ(role(), "primary");
  // On the primary's second target the line is on a backup (the alert
  // SipsentryLineOnBackup reads this), though its active server is the primary.
  record(20s, Registered{0, 3600s, false, kPbx2, false});
  EXPECT_EQ(role(), "backup");
  expect_registered_on(0);
  record(30s, Registered{1, 3600s, false, kPbx1, false});
  EXPECT_EQ(role(), "backup");
}

TEST_F(LineMetricsTest, ActiveTargetIsOneSeriesWhateverTheRecordSet) {
  // 50 targets come and go: the line never has more than one series.
  for (int i = 0; i < 50; ++i) {
    Target target{"pbx" + std::to_string(i) + ".example.com", 5060, Transport::kUdp};
    record(Millis(i * 1000), Registered{0, 3600s, false, target});
    EXPECT_EQ(active_targets(recorder_.scrape()).size(), 1u) << i;
  }
}

TEST_F(LineMetricsTest, FailbackProbesAndFailback) {
  register_on(1, 0s);
  record(1800s, FailbackProbe{FailbackProbe::Result::kUnavailable, kTimeout});
  record(3600s,
         FailbackProbe{FailbackProbe::Result::kRejected, Reason{Reason::Kind::kRejected, 403}});
  record(5400s, FailbackProbe{FailbackProbe::Result::kSuccess, std::nullopt});
  record(5400s, Registered{0, 3600s, false});
  record(5400s, Failback{1, 0});
  for (std::string result : {"success", "unavailable", "rejected"})
    EXPECT_EQ(value("sipsentry_failback_probes_total", {{"result", result}}), 1) << result;
  EXPECT_EQ(value("sipsentry_failbacks_total", {{"from", "pbx-b"}, {"to", "pbx-a"}}), 1);
  EXPECT_EQ(value("sipsentry_line_switches_total"), 1) << "the failback";
  EXPECT_EQ(value("sipsentry_last_switch_timestamp_seconds"), 1'700'005'400);
  expect_registered_on(0);
}

TEST_F(LineMetricsTest, RegisterFailureLeavesTheLineOnNoServer) {
  register_on(0, 0s);
  record(30s, StateChanged{LineState::kRegistered, LineState::kRegistering, kTimeout});
  record(70s, StateChanged{LineState::kRegistering, LineState::kUnregistered, kTimeout});
  record(70s, RegisterFailure{kTimeout});
  EXPECT_EQ(value("sipsentry_register_failures_total"), 1);
  expect_state(LineState::kUnregistered);
  expect_registered_on(std::nullopt);
}

TEST_F(LineMetricsTest, RegisterFailureAloneAlsoDropsTheRegistration) {
  register_on(1, 0s);
  record(70s, RegisterFailure{kTimeout});
  expect_registered_on(std::nullopt);
}

TEST_F(LineMetricsTest, TestCallsByServerAndResult) {
  record(0s, TestCallFinished{"answered", 1, 1, 800ms, 1200ms, false});
  record(900s, TestCallFinished{"486", 0, std::nullopt, 500ms, std::nullopt, false});
  record(1800s, TestCallFinished{"unavailable", std::nullopt, std::nullopt, {}, {}, false});
  EXPECT_EQ(value("sipsentry_test_calls_total", {{"server", "pbx-b"}, {"result", "answered"}}), 1);
  EXPECT_EQ(value("sipsentry_test_calls_total", {{"server", "pbx-a"}, {"result", "486"}}), 1);
  EXPECT_EQ(value("sipsentry_test_calls_total", {{"server", "none"}, {"result", "unavailable"}}),
            1);
  // Only the answered call was timed, by the server that carried its INVITE.
  EXPECT_EQ(distribution("sipsentry_test_call_setup_seconds_count", {{"server", "pbx-b"}}), 1);
  EXPECT_DOUBLE_EQ(*distribution("sipsentry_test_call_setup_seconds_sum", {{"server", "pbx-b"}}),
                   1.2);
  EXPECT_EQ(distribution("sipsentry_test_call_setup_seconds_count", {{"server", "pbx-a"}}), 0);
}

TEST_F(LineMetricsTest, PostDialDelayIsObservedForEveryCallThatGotAn18x) {
  const std::string delay = "sipsentry_test_call_post_dial_delay_seconds";
  EXPECT_EQ(distribution(delay + "_count", {{"server", "pbx-b"}}), 0) << "from the start";
  record(0s, TestCallFinished{"answered", 1, 1, 800ms, 1200ms, false});
  record(900s, TestCallFinished{"487", 1, std::nullopt, 500ms, std::nullopt, true});
  record(1800s, TestCallFinished{"unavailable", std::nullopt, std::nullopt, {}, {}, false});
  EXPECT_EQ(distribution(delay + "_count", {{"server", "pbx-b"}}), 2);
  EXPECT_DOUBLE_EQ(*distribution(delay + "_sum", {{"server", "pbx-b"}}), 1.3);
  EXPECT_EQ(distribution(delay + "_bucket", {{"server", "pbx-b"}, {"le", "0.5"}}), 1);
  EXPECT_EQ(distribution(delay + "_bucket", {{"server", "pbx-b"}, {"le", "1"}}), 2);
}

TEST_F(LineMetricsTest, RemoveLineRemovesEverySeriesOfTheLine) {
  LineSettings other = line_;
  other.name = "sales";
  testing::record_history(recorder_, line_);
  testing::record_history(recorder_, other);
  size_t sales = testing::samples_with(recorder_.scrape(), "line", "sales").size();
  ASSERT_GT(testing::samples_with(recorder_.scrape(), "line", "reception").size(), 0u);
  recorder_.remove_line("reception");
  std::string text = recorder_.scrape();
  EXPECT_TRUE(testing::samples_with(text, "line", "reception").empty());
  EXPECT_EQ(testing::samples_with(text, "line", "sales").size(), sales);
  EXPECT_EQ(testing::value_of(text, "sipsentry_build_info", {{"version", kVersion}}), 1);
}

TEST_F(LineMetricsTest, AddLineAgainStartsOver) {
  register_on(0, 0s);
  record(70s, RegisterFailure{kTimeout});
  recorder_.add_line(line_);
  EXPECT_EQ(value("sipsentry_register_failures_total"), 0);
  expect_state(LineState::kRegistering);
  EXPECT_EQ(value("sipsentry_registration_expiry_timestamp_seconds"), std::nullopt);
}

TEST(RecorderLinesTest, AnEventOfAnUnknownLineAddsItFirst) {
  MetricsRecorder recorder;
  LineSettings line = testing::reception_line();
  testing::record_at(recorder, line, 0s, FailbackProbe{FailbackProbe::Result::kSuccess, {}});
  std::string text = recorder.scrape();
  EXPECT_EQ(testing::value_of(text, "sipsentry_line_state",
                              {{"line", "reception"}, {"state", "registering"}}),
            1);
  EXPECT_EQ(testing::value_of(text, "sipsentry_failback_probes_total",
                              {{"line", "reception"}, {"result", "success"}}),
            1);
}

TEST_F(LineMetricsTest, CertificateExpiryIsTheLastReadingOfTheServerAndGoesWithTheLine) {
  const std::string family = "sipsentry_tls_certificate_expiry_timestamp_seconds";
  EXPECT_EQ(recorder_.scrape().find(family + "{"), std::string::npos)
      << "no series before a chain is read, never one for a UDP or TCP server";
  recorder_.certificate_read("reception", 1, testing::epoch() + std::chrono::days(3));
  EXPECT_EQ(value(family, {{"server", line_.servers[1].name}}), 1'700'000'000 + 3 * 86400);
  recorder_.certificate_read("reception", 1, testing::epoch() + std::chrono::days(90));
  EXPECT_EQ(value(family, {{"server", line_.servers[1].name}}), 1'700'000'000 + 90 * 86400)
      << "a renewed certificate";
  recorder_.certificate_read("nobody", 0, testing::epoch());     // no such line
  recorder_.certificate_read("reception", 7, testing::epoch());  // no such server
  size_t series = 0;
  for (const testing::Sample& sample : testing::samples_of(recorder_.scrape()))
    series += sample.name == family ? 1 : 0;
  EXPECT_EQ(series, 1u);
  recorder_.add_line(line_);  // a reload restarted it
  EXPECT_EQ(recorder_.scrape().find(family + "{"), std::string::npos);
  recorder_.certificate_read("reception", 1, testing::epoch());
  recorder_.remove_line("reception");
  EXPECT_EQ(recorder_.scrape().find(family + "{"), std::string::npos) << "gone with its line";
}

}  // namespace
}  // namespace sipsentry::metrics
