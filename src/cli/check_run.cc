#include "cli/check_run.h"

#include <algorithm>

#include "engine/budget.h"

namespace sipsentry::cli {
namespace {

/// Longer than any check: the start-up round is the only observation round.
constexpr engine::Millis kOneRound = std::chrono::hours(24);

std::vector<engine::LineSettings> settings_of(const std::vector<config::LineConfig>& lines,
                                              bool calls) {
  std::vector<engine::LineSettings> settings;
  for (const config::LineConfig& line : lines)
    settings.push_back(check_settings(line.settings, calls));
  return settings;
}

/// The longest budget of `method` over the line's servers.
engine::Millis longest_budget(const engine::LineSettings& line, engine::Method method) {
  engine::Millis longest{0};
  size_t count = line.servers.size();
  for (size_t i = 0; i < count; ++i)
    longest = std::max(
        longest, engine::plan_request(line, i, method, engine::budget_kind_for(i, count)).budget);
  return longest;
}

}  // namespace

engine::LineSettings check_settings(engine::LineSettings settings, bool calls) {
  // Every server is probed once: the walk reaches the primary (and the
  // servers it fails over to), the start-up observation round every other.
  settings.observe_interval = kOneRound;
  // No scheduled test call: --call places exactly one, when it is time.
  if (calls && settings.test_call)
    settings.test_call->interval = kOneRound;
  else
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

engine::Millis worst_call(const engine::LineSettings& line) {
  if (!line.test_call) return engine::Millis{0};
  return longest_budget(line, engine::Method::kInvite) + line.test_call->ring_timeout +
         line.test_call->duration + longest_budget(line, engine::Method::kBye);
}

engine::Millis default_timeout(const std::vector<config::LineConfig>& lines, bool calls) {
  engine::Millis longest{0};
  for (const config::LineConfig& line : lines)
    longest = std::max(longest, worst_walk(line.settings) +
                                    (calls ? worst_call(line.settings) : engine::Millis{0}));
  return longest + kTimeoutMargin;
}

void CheckRun::Fanout::on_event(const engine::LineSettings& line, const engine::Event& event) {
  results_.on_event(line, event);
  if (log_) log_->on_event(line, event);
}

CheckRun::CheckRun(sip::SipAgent& agent, const std::vector<config::LineConfig>& lines,
                   daemon::EventObserver* log, bool calls)
    : agent_(agent), results_(settings_of(lines, calls), calls), fanout_(results_, log) {
  for (config::LineConfig line : lines) {
    line.settings = check_settings(line.settings, calls);
    drivers_.push_back(std::make_unique<daemon::LineDriver>(agent_, std::move(line), fanout_));
  }
}

CheckReport CheckRun::run(engine::Millis timeout, const std::function<bool()>& stop) {
  engine::Millis started = agent_.now();
  for (auto& driver : drivers_) driver->start();
  engine::Millis deadline = started + timeout;
  agent_.run_until([&] { return finish_decided() || stop(); }, deadline);
  for (size_t i = 0; i < drivers_.size(); ++i) {
    if (!results_.sealed(i)) on_decided(i, true);
    if (results_.calling(i)) results_.call_timed_out(i);
    if (!drivers_[i]->engine().stopped()) drivers_[i]->stop();
  }
  CheckReport report{.lines = results_.results(), .timeout = timeout};
  report.elapsed = agent_.now() - started;
  engine::Millis grace_end = agent_.now() + kUnregisterGrace;
  agent_.run_until([&] { return idle(); }, grace_end);
  return report;
}

bool CheckRun::finish_decided() {
  bool all_done = true;
  for (size_t i = 0; i < drivers_.size(); ++i) {
    daemon::LineDriver& driver = *drivers_[i];
    if (!results_.sealed(i) && results_.decided(i, driver.engine())) on_decided(i, false);
    if (!done(i))
      all_done = false;
    else if (!driver.engine().stopped())
      driver.stop();  // the check's un-REGISTER, after the call if there was one
  }
  return all_done;
}

void CheckRun::on_decided(size_t index, bool timed_out) {
  results_.seal(index, drivers_[index]->engine(), timed_out);
  if (!results_.call_due(index)) return;
  results_.call_placed(index);
  drivers_[index]->place_test_call();
}

bool CheckRun::done(size_t index) const {
  return results_.sealed(index) && !results_.calling(index);
}

bool CheckRun::idle() const {
  return std::ranges::all_of(
      drivers_, [](const auto& driver) { return driver->engine().requests_in_flight() == 0; });
}

}  // namespace sipsentry::cli
