#include "daemon/monitor.h"

#include <algorithm>
#include <random>

#include "daemon/startup_schedule.h"

namespace sipsentry::daemon {
namespace {

constexpr engine::Millis kStartGrain{10};

}  // namespace

Monitor::Monitor(sip::SipAgent& agent, EventObserver& observer, AllStarted all_started)
    : agent_(agent),
      observer_(observer),
      all_started_(std::move(all_started)),
      seed_(std::random_device{}()) {}

Monitor::~Monitor() {
  if (pacer_) agent_.cancel_timer(*pacer_);
}

ReloadPlan Monitor::apply(const std::vector<config::LineConfig>& lines,
                          const config::StartupSettings& startup) {
  ReloadPlan plan = plan_reload(running(), lines);
  for (const std::string& name : plan.removed) remove(name);
  for (const std::string& name : plan.restarted) remove(name);
  order_.clear();
  for (const config::LineConfig& line : lines) {
    if (!lines_.contains(line.settings.name)) add(line);
    order_.push_back(line.settings.name);
  }
  std::vector<std::string> to_start = plan.restarted;
  to_start.insert(to_start.end(), plan.added.begin(), plan.added.end());
  schedule(to_start, startup);
  // Nothing to pace (a shard without lines, a reload that starts none): no
  // pacer will run to say that all started, so say it now.
  if (pending_.empty() && all_started_) all_started_();
  return plan;
}

std::vector<const config::LineConfig*> Monitor::running() const {
  std::vector<const config::LineConfig*> running;
  running.reserve(order_.size());
  for (const std::string& name : order_) running.push_back(&lines_.at(name).driver->line());
  return running;
}

void Monitor::add(const config::LineConfig& line) {
  observer_.on_line_added(line.settings);
  lines_[line.settings.name].driver = std::make_unique<LineDriver>(agent_, line, observer_);
}

void Monitor::remove(const std::string& name) {
  // Destroying the driver cancels its timers and abandons its requests; its
  // registration is left to expire, as a phone's is when it loses power.
  lines_.erase(name);
  observer_.on_line_removed(name);
}

void Monitor::schedule(const std::vector<std::string>& names,
                       const config::StartupSettings& startup) {
  std::vector<engine::Millis> offsets = startup_offsets(names.size(), startup, seed_++);
  engine::Millis now = agent_.now();
  for (size_t k = 0; k < names.size(); ++k) pending_.push_back({now + offsets[k], names[k]});
  std::ranges::stable_sort(pending_, {}, &PendingStart::at);
  arm_pacer();
}

void Monitor::arm_pacer() {
  if (pacer_ || pending_.empty()) return;
  engine::Millis delay = std::max(pending_.front().at - agent_.now(), engine::Millis(0));
  pacer_ = agent_.start_timer(delay, [this] {
    pacer_.reset();
    start_due();
  });
}

void Monitor::start_due() {
  engine::Millis now = agent_.now();
  // Lines due within the next grain start together: one wake-up each 10 ms
  // rather than one per line at 1,000 lines a second, at the same pace.
  while (!pending_.empty() && pending_.front().at <= now + kStartGrain) {
    auto found = lines_.find(pending_.front().name);
    pending_.pop_front();
    // A line a reload removed meanwhile is gone; one it replaced is pending again.
    if (found == lines_.end() || found->second.started) continue;
    found->second.started = true;
    found->second.driver->start();
  }
  if (pending_.empty() && all_started_) all_started_();
  arm_pacer();
}

void Monitor::stop() {
  pending_.clear();
  if (pacer_) agent_.cancel_timer(*pacer_);
  pacer_.reset();
  for (auto& [name, line] : lines_)
    if (line.started) line.driver->stop();
}

bool Monitor::idle() const {
  return std::ranges::all_of(lines_, [](const auto& entry) {
    return entry.second.driver->engine().requests_in_flight() == 0;
  });
}

const LineDriver* Monitor::line(const std::string& name) const {
  auto found = lines_.find(name);
  return found == lines_.end() ? nullptr : found->second.driver.get();
}

}  // namespace sipsentry::daemon
