#include "cli/check_run.h"

#include <algorithm>

#include "engine/budget.h"

namespace sipsentry::cli {
namespace {

/// Longer than any check: the start-up round is the only observation round.
constexpr engine::Millis kOneRound = std::chrono::hours(24);

std::vector<engine::LineSettings> settings_of(const std::vector<config::LineConfig>& lines) {
  std::vector<engine::LineSettings> settings;
  for (const config::LineConfig& line : lines) settings.push_back(check_settings(line.settings));
  return settings;
}

}  // namespace

engine::LineSettings check_settings(engine::LineSettings settings) {
  // Every server is probed once: the walk reaches the primary (and the
  // servers it fails over to), the start-up observation round every other.
  settings.observe_interval = kOneRound;
  // A test call is not part of the check (a later --call places exactly one).
  settings.test_call.reset();
  // The check's registration must not outlive it.
  settings.unregister_on_exit = true;
  return settings;
}

engine::Millis worst_walk(const engine::LineSettings& line) {
  engine::Millis total{0};
  size_t count = line.servers.size();
  for (size_t i = 0; i < count; ++i)
    total +=
        engine::plan_request(line, i, engine::Method::kRegister, engine::budget_kind_for(i, count))
            .budget;
  return total;
}

engine::Millis default_timeout(const std::vector<config::LineConfig>& lines) {
  engine::Millis longest{0};
  for (const config::LineConfig& line : lines)
    longest = std::max(longest, worst_walk(line.settings));
  return longest + kTimeoutMargin;
}

void CheckRun::Fanout::on_event(const engine::LineSettings& line, const engine::Event& event) {
  results_.on_event(line, event);
  if (log_) log_->on_event(line, event);
}

CheckRun::CheckRun(sip::SipAgent& agent, const std::vector<config::LineConfig>& lines,
                   daemon::EventObserver* log)
    : agent_(agent), results_(settings_of(lines)), fanout_(results_, log) {
  for (config::LineConfig line : lines) {
    line.settings = check_settings(line.settings);
    drivers_.push_back(std::make_unique<daemon::LineDriver>(agent_, std::move(line), fanout_));
  }
}

CheckReport CheckRun::run(engine::Millis timeout, const std::function<bool()>& stop) {
  engine::Millis started = agent_.now();
  for (auto& driver : drivers_) driver->start();
  engine::Millis deadline = started + timeout;
  agent_.run_until([&] { return finish_decided() || agent_.now() >= deadline || stop(); });
  for (size_t i = 0; i < drivers_.size(); ++i)
    if (!results_.sealed(i)) on_decided(i, true);
  CheckReport report{.lines = results_.results(), .timeout = timeout};
  report.elapsed = agent_.now() - started;
  engine::Millis grace_end = agent_.now() + kUnregisterGrace;
  agent_.run_until([&] { return idle() || agent_.now() >= grace_end; });
  return report;
}

bool CheckRun::finish_decided() {
  bool all_done = true;
  for (size_t i = 0; i < drivers_.size(); ++i) {
    if (results_.sealed(i)) continue;
    if (results_.decided(i, drivers_[i]->engine()))
      on_decided(i, false);
    else
      all_done = false;
  }
  return all_done;
}

void CheckRun::on_decided(size_t index, bool timed_out) {
  results_.seal(index, drivers_[index]->engine(), timed_out);
  drivers_[index]->stop();
}

bool CheckRun::idle() const {
  return std::ranges::all_of(
      drivers_, [](const auto& driver) { return driver->engine().requests_in_flight() == 0; });
}

}  // namespace sipsentry::cli
