// The daemon's set of lines in virtual time: paced start-up, reloads that
// leave unchanged lines alone, and a stop that un-REGISTERs where asked.
#include "daemon/monitor.h"

#include <gtest/gtest.h>

#include "fake_sip_agent.h"

namespace sipsentry::daemon {
namespace {

using engine::Millis;
using testing::FakeSipAgent;
using namespace std::chrono_literals;

config::LineConfig line(const std::string& name) {
  config::LineConfig line;
  line.settings.name = name;
  line.settings.user = name;
  line.settings.servers = {{.name = "pbx", .address = "127.0.0.1"}};
  line.settings.keepalive_interval = 0ms;
  line.settings.observe_interval = 0ms;
  return line;
}

/// Remembers which lines were added and removed, and every event.
struct Recorder : EventObserver {
  void on_event(const engine::LineSettings& line, const engine::Event&) override {
    events.push_back(line.name);
  }
  void on_line_added(const engine::LineSettings& line) override { added.push_back(line.name); }
  void on_line_removed(const std::string& name) override { removed.push_back(name); }
  std::vector<std::string> events, added, removed;
};

class MonitorTest : public ::testing::Test {
 protected:
  /// The user of each REGISTER sent so far, with its time.
  std::vector<std::pair<Millis, std::string>> registers() const {
    std::vector<std::pair<Millis, std::string>> out;
    for (const auto& sent : agent_.sent())
      if (sent.request.method == engine::Method::kRegister)
        out.emplace_back(sent.at, sent.request.user);
    return out;
  }

  FakeSipAgent agent_;
  Recorder observer_;
  int all_started_calls_ = 0;
  Monitor monitor_{agent_, observer_, [this] { ++all_started_calls_; }};
  config::StartupSettings paced_{.rate = 2, .jitter = 0ms};
};

TEST_F(MonitorTest, LinesStartAtTheConfiguredPace) {
  monitor_.apply({line("a"), line("b"), line("c")}, paced_);
  EXPECT_EQ(observer_.added, (std::vector<std::string>{"a", "b", "c"}))
      << "every line's series exist before it starts";
  EXPECT_FALSE(monitor_.all_started());
  agent_.advance(999ms);
  EXPECT_EQ(all_started_calls_, 0) << "c is still waiting for its slot";
  agent_.advance(1001ms);
  EXPECT_EQ(all_started_calls_, 1) << "told once, when the last line started";
  EXPECT_EQ(registers(),
            (std::vector<std::pair<Millis, std::string>>{{0ms, "a"}, {500ms, "b"}, {1000ms, "c"}}));
  EXPECT_TRUE(monitor_.all_started());
}

// A shard that holds none of the file's lines: the daemon is ready (its
// /healthz says so) with nothing to start.
TEST_F(MonitorTest, NoLineToStartIsAllStartedAtOnce) {
  monitor_.apply({}, paced_);
  EXPECT_TRUE(monitor_.all_started());
  EXPECT_EQ(all_started_calls_, 1);
  EXPECT_TRUE(agent_.sent().empty());
}

TEST_F(MonitorTest, AReloadLeavesUnchangedLinesAloneAndRestartsChangedOnes) {
  monitor_.apply({line("same"), line("changed"), line("removed")}, paced_);
  agent_.advance(2s);
  for (size_t i = 0; i < agent_.sent().size(); ++i) agent_.answer(i, 200);
  const LineDriver* same = monitor_.line("same");
  ASSERT_EQ(same->engine().registered_server(), 0u);

  config::LineConfig changed = line("changed");
  changed.settings.servers[0].expires = 60s;
  ReloadPlan plan = monitor_.apply({line("same"), changed, line("added")}, paced_);
  EXPECT_EQ(
      plan,
      (ReloadPlan{
          .kept = {"same"}, .restarted = {"changed"}, .added = {"added"}, .removed = {"removed"}}));
  EXPECT_EQ(monitor_.line("same"), same) << "the same driver, registration and all";
  EXPECT_EQ(monitor_.line("removed"), nullptr);
  EXPECT_EQ(observer_.removed, (std::vector<std::string>{"removed", "changed"}));
  size_t before = registers().size();
  agent_.advance(2s);
  auto after = registers();
  ASSERT_EQ(after.size(), before + 2) << "the changed and the added line register; no other";
  EXPECT_EQ(after[before].second, "changed");
  EXPECT_EQ(after[before + 1].second, "added");
  EXPECT_EQ(monitor_.line("same")->engine().registered_server(), 0u);
}

TEST_F(MonitorTest, StopUnregistersWhereConfiguredAndCancelsStartsNotYetDue) {
  config::LineConfig polite = line("polite");
  polite.settings.unregister_on_exit = true;
  monitor_.apply({polite, line("late")}, paced_);
  agent_.advance(100ms);
  agent_.answer(0, 200);
  monitor_.stop();
  agent_.advance(5s);
  auto sent = registers();
  ASSERT_EQ(sent.size(), 2u) << "the start-up REGISTER and the un-REGISTER; 'late' never starts";
  EXPECT_EQ(agent_.sent().back().request.expires, Millis(0));
  EXPECT_FALSE(monitor_.idle()) << "the un-REGISTER is still in flight";
  agent_.answer(agent_.sent().size() - 1, 200);
  EXPECT_TRUE(monitor_.idle());
}

}  // namespace
}  // namespace sipsentry::daemon
