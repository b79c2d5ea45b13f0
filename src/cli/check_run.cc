#include "cli/check_run.h"

#include <algorithm>
#include <optional>
#include <utility>

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

/// The places of a walk: each server entry, or each SRV target of it.
using Walk = std::vector<std::pair<size_t, std::optional<engine::Target>>>;

/// Every entry as configured, one place each.
Walk configured_walk(const engine::LineSettings& line) {
  Walk walk;
  for (size_t i = 0; i < line.servers.size(); ++i) walk.emplace_back(i, std::nullopt);
  return walk;
}

/// The budget of `method` to the walk's place `i`: non-last but for the
/// very last place, over the place's own transport.
engine::Millis budget_at(const engine::LineSettings& line, const Walk& walk, size_t i,
                         engine::Method method) {
  const auto& [entry, target] = walk[i];
  engine::Transport transport = target ? target->transport : line.servers.at(entry).transport;
  return engine::plan_request(line, entry, transport, method,
                              engine::budget_kind_for(i, walk.size()))
      .budget;
}

engine::Millis walk_sum(const engine::LineSettings& line, const Walk& walk) {
  engine::Millis total{0};
  for (size_t i = 0; i < walk.size(); ++i)
    total += budget_at(line, walk, i, engine::Method::kRegister);
  return total;
}

/// The longest budget of `method` over the walk's places.
engine::Millis longest_budget(const engine::LineSettings& line, const Walk& walk,
                              engine::Method method) {
  engine::Millis longest{0};
  for (size_t i = 0; i < walk.size(); ++i)
    longest = std::max(longest, budget_at(line, walk, i, method));
  return longest;
}

engine::Millis call_over(const engine::LineSettings& line, const Walk& walk) {
  if (!line.test_call) return engine::Millis{0};
  return longest_budget(line, walk, engine::Method::kInvite) + line.test_call->ring_timeout +
         line.test_call->duration + longest_budget(line, walk, engine::Method::kBye);
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
  return walk_sum(line, configured_walk(line));
}

engine::Millis worst_walk(const engine::LineEngine& engine) {
  return walk_sum(engine.settings(), engine.walk_targets());
}

engine::Millis worst_call(const engine::LineSettings& line) {
  return call_over(line, configured_walk(line));
}

engine::Millis worst_call(const engine::LineEngine& engine) {
  return call_over(engine.settings(), engine.walk_targets());
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
    : agent_(agent),
      calls_(calls),
      results_(settings_of(lines, calls), calls),
      fanout_(results_, log) {
  for (config::LineConfig line : lines) {
    line.settings = check_settings(line.settings, calls);
    drivers_.push_back(std::make_unique<daemon::LineDriver>(agent_, std::move(line), fanout_));
  }
}

CheckReport CheckRun::run(std::optional<engine::Millis> timeout,
                          const std::function<bool()>& stop) {
  engine::Millis started = agent_.now();
  for (auto& driver : drivers_) driver->start();
  // The default grows, never shrinks, as SRV targets lengthen a walk.
  engine::Millis limit = timeout.value_or(engine::Millis{0});
  auto deadline = [&] {
    if (!timeout) limit = std::max(limit, walk_timeout());
    return started + limit;
  };
  for (bool over = false; !over;) {
    engine::Millis until = deadline();
    agent_.run_until(
        [&] {
          over = finish_decided() || stop();
          return over || deadline() > until;
        },
        until);
    // Again only for a deadline that moved; the loop ends at the one it had.
    over = over || deadline() <= until;
  }
  for (size_t i = 0; i < drivers_.size(); ++i) {
    if (!results_.sealed(i)) on_decided(i, true);
    if (results_.calling(i)) results_.call_timed_out(i);
    if (!drivers_[i]->engine().stopped()) drivers_[i]->stop();
  }
  CheckReport report{.lines = results_.results(), .timeout = limit};
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

engine::Millis CheckRun::walk_timeout() const {
  engine::Millis longest{0};
  for (const auto& driver : drivers_) {
    const engine::LineEngine& engine = driver->engine();
    longest =
        std::max(longest, worst_walk(engine) + (calls_ ? worst_call(engine) : engine::Millis{0}));
  }
  return longest + kTimeoutMargin;
}

bool CheckRun::idle() const {
  return std::ranges::all_of(
      drivers_, [](const auto& driver) { return driver->engine().requests_in_flight() == 0; });
}

}  // namespace sipsentry::cli
