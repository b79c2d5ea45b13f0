// spec.md §8 is the product's interface: these tests hold the exposition to
// its names, types and labels, and its label values to bounded sets.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "exposition.h"
#include "metrics/metrics_recorder.h"
#include "sample_history.h"
#include "version.h"

namespace sipsentry::metrics {
namespace {

using testing::Labels;
using testing::Sample;

struct FamilySpec {
  std::string type;
  std::set<std::string> labels;
};

// The table of spec.md §8, plus the families sipsentry adds.
const std::map<std::string, FamilySpec>& families() {
  static const std::map<std::string, FamilySpec> table{
      {"sipsentry_server_up", {"gauge", {"line", "server", "role"}}},
      {"sipsentry_server_failures_total", {"counter", {"line", "server", "reason"}}},
      {"sipsentry_requests_total", {"counter", {"line", "server", "method", "outcome"}}},
      {"sipsentry_request_duration_seconds", {"histogram", {"server", "method"}}},
      {"sipsentry_line_registered", {"gauge", {"line"}}},
      {"sipsentry_line_active_server", {"gauge", {"line", "server", "role"}}},
      {"sipsentry_line_active_target_info", {"gauge", {"line", "role", "server", "target"}}},
      {"sipsentry_line_state", {"gauge", {"line", "state"}}},
      {"sipsentry_failovers_total", {"counter", {"line", "from", "to", "method", "reason"}}},
      {"sipsentry_failbacks_total", {"counter", {"line", "from", "to"}}},
      {"sipsentry_failback_probes_total", {"counter", {"line", "result"}}},
      {"sipsentry_register_failures_total", {"counter", {"line"}}},
      {"sipsentry_last_switch_timestamp_seconds", {"gauge", {"line"}}},
      {"sipsentry_registration_expiry_timestamp_seconds", {"gauge", {"line"}}},
      {"sipsentry_failover_detection_seconds", {"histogram", {"server"}}},
      {"sipsentry_test_calls_total", {"counter", {"line", "server", "result"}}},
      {"sipsentry_test_call_setup_seconds", {"histogram", {"server"}}},
      {"sipsentry_build_info", {"gauge", {"version"}}},
      {"sipsentry_config_last_reload_successful", {"gauge", {}}},
      {"sipsentry_config_last_reload_success_timestamp_seconds", {"gauge", {}}},
      // Beyond the spec.
      {"sipsentry_sip_messages_dropped_total", {"counter", {"reason"}}},
      {"sipsentry_line_switches_total", {"counter", {"line"}}},
      {"sipsentry_test_call_post_dial_delay_seconds", {"histogram", {"server"}}},
      {"sipsentry_tls_certificate_expiry_timestamp_seconds", {"gauge", {"line", "server"}}},
      {"sipsentry_server_registered", {"gauge", {"line", "server", "role"}}},
  };
  return table;
}

/// The family a sample belongs to: its own name, or a histogram's.
std::string family_of(const Sample& sample) {
  if (families().contains(sample.name)) return sample.name;
  for (std::string suffix : {"_bucket", "_sum", "_count"})
    if (sample.name.ends_with(suffix))
      return sample.name.substr(0, sample.name.size() - suffix.size());
  return sample.name;
}

std::set<std::string> label_names(const Sample& sample) {
  std::set<std::string> names;
  for (const auto& [name, value] : sample.labels)
    if (!(name == "le" && sample.name.ends_with("_bucket"))) names.insert(name);
  return names;
}

/// The sample history ends unregistered; the line registers again on an
/// SRV target, so that the active target's family has its series.
void registered_on_target(MetricsRecorder& recorder, const engine::LineSettings& line) {
  testing::record_at(recorder, line, std::chrono::seconds(6000),
                     engine::Registered{0, std::chrono::seconds(3600), false,
                                        engine::Target{"pbx1.example.com", 5060}});
}

/// A second line, `lobby`, with redundancy: concurrent, whose backup holds
/// a registration: the one line kind with sipsentry_server_registered.
void concurrent_backup_holds(MetricsRecorder& recorder) {
  engine::LineSettings line = testing::reception_line();
  line.name = "lobby";
  line.redundancy = engine::Redundancy::kConcurrent;
  recorder.add_line(line);
  testing::record_at(recorder, line, std::chrono::seconds(7000),
                     engine::ServerRegistration{1, true, std::nullopt, std::nullopt});
}

class ContractTest : public ::testing::Test {
 protected:
  ContractTest() {
    testing::record_history(recorder_, line_);
    registered_on_target(recorder_, line_);
    concurrent_backup_holds(recorder_);
  }

  engine::LineSettings line_ = testing::reception_line();
  MetricsRecorder recorder_;
};

TEST_F(ContractTest, EveryFamilyHasItsTypeAndHelp) {
  std::string text = recorder_.scrape();
  std::map<std::string, std::string> types = testing::types_of(text);
  std::map<std::string, std::string> helps = testing::helps_of(text);
  for (const auto& [name, spec] : families()) {
    EXPECT_EQ(types[name], spec.type) << name;
    EXPECT_FALSE(helps[name].empty()) << name;
  }
  EXPECT_EQ(types.size(), families().size()) << "a family the table does not know";
}

TEST_F(ContractTest, EverySampleHasExactlyItsFamilysLabels) {
  std::set<std::string> seen;
  for (const Sample& sample : testing::samples_of(recorder_.scrape())) {
    std::string family = family_of(sample);
    ASSERT_TRUE(families().contains(family)) << sample.name;
    EXPECT_EQ(label_names(sample), families().at(family).labels) << sample.name;
    seen.insert(family);
  }
  EXPECT_EQ(seen.size(), families().size()) << "the history leaves a family without series";
}

TEST(PerLineContractTest, PerLineHistogramsAddTheLineToTheirLabels) {
  MetricsRecorder recorder;
  recorder.set_per_line_histograms(true);
  engine::LineSettings line = testing::reception_line();
  testing::record_history(recorder, line);
  registered_on_target(recorder, line);
  for (const Sample& sample : testing::samples_of(recorder.scrape())) {
    const FamilySpec& spec = families().at(family_of(sample));
    std::set<std::string> expected = spec.labels;
    if (spec.type == "histogram") expected.insert("line");
    EXPECT_EQ(label_names(sample), expected) << sample.name;
  }
}

// Users grep the exposition (the README does): labels stand in the order
// of their names, a bucket's `le` last.
TEST_F(ContractTest, LabelsStandInTheOrderOfTheirNames) {
  std::istringstream text(recorder_.scrape());
  const std::regex label_name(R"re([{,]([a-z_]+)=")re");
  for (std::string line; std::getline(text, line);) {
    if (line.starts_with("#")) continue;
    std::vector<std::string> names;
    std::string rest = line.substr(0, line.find('}') + 1);
    for (std::sregex_iterator it(rest.begin(), rest.end(), label_name), end; it != end; ++it)
      names.push_back((*it)[1]);
    if (!names.empty() && names.back() == "le") names.pop_back();
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << line;
  }
}

TEST_F(ContractTest, LabelValuesAreBounded) {
  const std::regex reason(
      "status_[1-6][0-9][0-9]|icmp|tcp_refused|tcp_timeout|tls|dns|timeout|auth_failed|rejected|"
      "malformed|out_of_range");
  const std::map<std::string, std::regex> allowed{
      {"line", std::regex("reception|lobby")},
      {"server", std::regex("pbx-[abc]|none")},
      {"from", std::regex("pbx-[abc]")},
      {"to", std::regex("pbx-[abc]")},
      {"role", std::regex("primary|backup")},
      {"state", std::regex("registering|registered|unregistered|rejected|auth_failed")},
      {"method", std::regex("REGISTER|OPTIONS|INVITE|ACK|BYE|CANCEL")},
      {"outcome", std::regex("[2-6]xx|status_[1-6][0-9][0-9]|icmp|tcp_refused|tcp_timeout|tls|"
                             "dns|timeout")},
      {"reason", reason},
      {"result", std::regex("success|unavailable|rejected|answered|[1-6][0-9][0-9]")},
      {"version", std::regex(std::string(kVersion))},
      {"le", std::regex("[0-9.]+|\\+Inf")},
      {"target", std::regex("pbx1\\.example\\.com:5060;transport=udp")},
  };
  for (const Sample& sample : testing::samples_of(recorder_.scrape()))
    for (const auto& [name, value] : sample.labels) {
      ASSERT_TRUE(allowed.contains(name)) << name << " in " << sample.name;
      EXPECT_TRUE(std::regex_match(value, allowed.at(name)))
          << name << "=\"" << value << "\" in " << sample.name;
    }
}

TEST(RecorderProcessTest, BuildInfoIsOne) {
  MetricsRecorder recorder;
  EXPECT_EQ(testing::value_of(recorder.scrape(), "sipsentry_build_info", {{"version", kVersion}}),
            1);
}

TEST(RecorderProcessTest, ConfigGaugesFollowLoadsAndReloads) {
  MetricsRecorder recorder;
  auto value = [&](const std::string& name) { return testing::value_of(recorder.scrape(), name); };
  EXPECT_EQ(value("sipsentry_config_last_reload_successful"), 0);
  EXPECT_EQ(value("sipsentry_config_last_reload_success_timestamp_seconds"), std::nullopt);

  recorder.config_loaded(true, testing::epoch());
  EXPECT_EQ(value("sipsentry_config_last_reload_successful"), 1);
  EXPECT_EQ(value("sipsentry_config_last_reload_success_timestamp_seconds"), 1'700'000'000);

  // A refused reload: the old configuration keeps running, its time stays.
  recorder.config_loaded(false, testing::epoch() + std::chrono::seconds(60));
  EXPECT_EQ(value("sipsentry_config_last_reload_successful"), 0);
  EXPECT_EQ(value("sipsentry_config_last_reload_success_timestamp_seconds"), 1'700'000'000);
}

TEST(RecorderProcessTest, DroppedSipMessagesFollowTheAgentsTotal) {
  using DropReason = MetricsRecorder::DropReason;
  MetricsRecorder recorder;
  auto dropped = [&](const std::string& reason) {
    return testing::value_of(recorder.scrape(), "sipsentry_sip_messages_dropped_total",
                             {{"reason", reason}});
  };
  EXPECT_EQ(dropped("malformed"), 0);
  EXPECT_EQ(dropped("out_of_range"), 0);
  recorder.dropped_sip_messages(DropReason::kMalformed, 3);
  recorder.dropped_sip_messages(DropReason::kMalformed, 3);
  EXPECT_EQ(dropped("malformed"), 3);
  recorder.dropped_sip_messages(DropReason::kMalformed, 5);
  EXPECT_EQ(dropped("malformed"), 5);
  // A new agent counts from 0 again; the counter never goes back.
  recorder.dropped_sip_messages(DropReason::kMalformed, 2);
  EXPECT_EQ(dropped("malformed"), 7);
  // Each reason follows its own total.
  EXPECT_EQ(dropped("out_of_range"), 0);
  recorder.dropped_sip_messages(DropReason::kOutOfRange, 4);
  EXPECT_EQ(dropped("out_of_range"), 4);
  EXPECT_EQ(dropped("malformed"), 7);
}

}  // namespace
}  // namespace sipsentry::metrics
