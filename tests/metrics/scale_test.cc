// What 10,000 lines pay for (spec.md §8 "Scale"): a line's own series stay
// few, and the distributions are about servers, not lines.
#include <gtest/gtest.h>

#include <string>

#include "exposition.h"
#include "metrics/metrics_recorder.h"
#include "sample_history.h"

namespace sipsentry::metrics {
namespace {

using namespace engine;
using testing::Labels;

const Reason kTimeout{Reason::Kind::kTimeout};

/// A desk phone's line: pbx-a, then pbx-b; failback on, no test call.
LineSettings desk_line(std::string name) {
  LineSettings line = testing::reception_line();
  line.name = std::move(name);
  line.servers.resize(2);
  line.test_call.reset();
  return line;
}

/// Records `line`'s events at offsets from the tests' epoch.
auto recorder_of(MetricsRecorder& recorder, const LineSettings& line) {
  return [&](Millis offset, const decltype(Event::what)& what) {
    testing::record_at(recorder, line, offset, what);
  };
}

/// A healthy line: registered on the primary, both servers answering the
/// keep-alive and the observation.
void register_and_keep_alive(MetricsRecorder& recorder, const LineSettings& line) {
  auto at = recorder_of(recorder, line);
  at(0s, RequestFinished{0, Method::kRegister, true, "2xx", 200, std::nullopt, 20ms});
  at(0s, StateChanged{LineState::kRegistering, LineState::kRegistered});
  at(0s, Registered{0, 3600s, false});
  at(30s, RequestFinished{0, Method::kOptions, true, "2xx", 200, std::nullopt, 10ms});
  at(30s, RequestFinished{1, Method::kOptions, true, "2xx", 200, std::nullopt, 12ms});
}

/// A day in the life of a line: healthy, then it loses the primary to a
/// timeout, fails over, probes back and fails back.
void live_a_day(MetricsRecorder& recorder, const LineSettings& line) {
  register_and_keep_alive(recorder, line);
  auto at = recorder_of(recorder, line);
  at(60s, RequestFinished{0, Method::kOptions, false, "timeout", 0, kTimeout, 7500ms});
  at(60s, StateChanged{LineState::kRegistered, LineState::kRegistering, kTimeout});
  at(68s, RequestFinished{1, Method::kRegister, true, "2xx", 200, std::nullopt, 15ms});
  at(68s, StateChanged{LineState::kRegistering, LineState::kRegistered});
  at(68s, Registered{1, 3600s, false});
  at(68s, Failover{0, 1, Method::kOptions, kTimeout, 7500ms});
  at(1868s, FailbackProbe{FailbackProbe::Result::kUnavailable, kTimeout});
  at(3668s, FailbackProbe{FailbackProbe::Result::kSuccess, std::nullopt});
  at(3668s, Registered{0, 3600s, false});
  at(3668s, Failback{1, 0});
}

size_t series_of_line(const MetricsRecorder& recorder, const std::string& line) {
  return testing::samples_with(recorder.scrape(), "line", line).size();
}

size_t histogram_samples(const std::string& text) {
  size_t count = 0;
  for (const testing::Sample& sample : testing::samples_of(text))
    if (sample.name.ends_with("_bucket") || sample.name.ends_with("_sum") ||
        sample.name.ends_with("_count"))
      ++count;
  return count;
}

TEST(ScaleTest, ATwoServerLineHasAtMost24Series) {
  MetricsRecorder recorder;
  LineSettings line = desk_line("desk");
  recorder.add_line(line);
  // 5 states, registered, 2 active-server flags, switches, register
  // failures, 1 failback pair and 3 probe results.
  EXPECT_EQ(series_of_line(recorder, "desk"), 14u) << "at its start";
  register_and_keep_alive(recorder, line);
  // Plus the expiry, each server's up and its requests by method and class.
  EXPECT_EQ(series_of_line(recorder, "desk"), 20u) << "registered, both servers answering";
  EXPECT_LE(series_of_line(recorder, "desk"), 24u);
}

TEST(ScaleTest, ALinesSeriesAreBoundedByWhatCanHappenNotByHowOften) {
  MetricsRecorder recorder;
  LineSettings line = desk_line("desk");
  live_a_day(recorder, line);
  size_t after_one_day = series_of_line(recorder, "desk");
  for (int day = 0; day < 5; ++day) live_a_day(recorder, line);
  EXPECT_EQ(series_of_line(recorder, "desk"), after_one_day);
}

TEST(ScaleTest, DistributionsDoNotGrowWithTheLines) {
  MetricsRecorder recorder;
  for (int i = 0; i < 10; ++i) live_a_day(recorder, desk_line("desk-" + std::to_string(i)));
  size_t with_ten = histogram_samples(recorder.scrape());
  for (int i = 10; i < 100; ++i) live_a_day(recorder, desk_line("desk-" + std::to_string(i)));
  EXPECT_EQ(histogram_samples(recorder.scrape()), with_ten);
}

TEST(ScaleTest, LinesThatShareAServerShareItsDistributions) {
  MetricsRecorder recorder;
  live_a_day(recorder, desk_line("desk"));
  live_a_day(recorder, desk_line("annex"));
  std::string text = recorder.scrape();
  EXPECT_EQ(
      testing::value_of(text, "sipsentry_failover_detection_seconds_count", {{"server", "pbx-a"}}),
      2);
  EXPECT_EQ(testing::value_of(text, "sipsentry_request_duration_seconds_count",
                              {{"server", "pbx-a"}, {"method", "OPTIONS"}}),
            2)
      << "the timeout had no response to time";
  EXPECT_DOUBLE_EQ(*testing::value_of(text, "sipsentry_request_duration_seconds_sum",
                                      {{"server", "pbx-b"}, {"method", "REGISTER"}}),
                   0.03);
}

TEST(ScaleTest, PerLineHistogramsCarryTheLineToo) {
  MetricsRecorder recorder;
  recorder.set_per_line_histograms(true);
  live_a_day(recorder, desk_line("desk"));
  live_a_day(recorder, desk_line("annex"));
  std::string text = recorder.scrape();
  for (std::string line : {"desk", "annex"})
    EXPECT_EQ(testing::value_of(text, "sipsentry_failover_detection_seconds_count",
                                {{"line", line}, {"server", "pbx-a"}}),
              1)
        << line;
  EXPECT_EQ(
      testing::value_of(text, "sipsentry_failover_detection_seconds_count", {{"server", "pbx-a"}}),
      std::nullopt)
      << "no aggregate beside them";
}

TEST(ScaleTest, TurningPerLineHistogramsOnStartsThemAnewForEveryLine) {
  MetricsRecorder recorder;
  live_a_day(recorder, desk_line("desk"));
  recorder.set_per_line_histograms(true);
  EXPECT_EQ(testing::value_of(recorder.scrape(), "sipsentry_failover_detection_seconds_count",
                              {{"line", "desk"}, {"server", "pbx-b"}}),
            0);
}

TEST(ScaleTest, AServersDistributionsGoWithItsLastLine) {
  MetricsRecorder recorder;
  LineSettings desk = desk_line("desk");
  LineSettings annex = desk_line("annex");
  annex.servers[1].name = "pbx-z";
  live_a_day(recorder, desk);
  live_a_day(recorder, annex);

  recorder.remove_line("annex");
  std::string text = recorder.scrape();
  EXPECT_TRUE(testing::samples_with(text, "server", "pbx-z").empty());
  EXPECT_EQ(
      testing::value_of(text, "sipsentry_failover_detection_seconds_count", {{"server", "pbx-a"}}),
      2)
      << "desk still uses pbx-a: what annex saw of it stays counted";

  recorder.remove_line("desk");
  EXPECT_EQ(histogram_samples(recorder.scrape()), 0u);
}

TEST(ScaleTest, ANameThatNeedsEscapingStaysOneLabelValue) {
  MetricsRecorder recorder;
  LineSettings line = desk_line("front \"desk\" \\ 1");
  recorder.add_line(line);
  std::string text = recorder.scrape();
  EXPECT_NE(text.find(R"(line="front \"desk\" \\ 1")"), std::string::npos);
  EXPECT_EQ(testing::value_of(text, "sipsentry_line_registered", {{"line", line.name}}), 0);
}

}  // namespace
}  // namespace sipsentry::metrics
