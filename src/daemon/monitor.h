#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/event_observer.h"
#include "daemon/line_driver.h"
#include "daemon/reload_plan.h"
#include "sip/sip_agent.h"

namespace sipsentry::daemon {

/// Every line of a configuration, each driven by its own engine through one
/// shared SIP agent: what `sipsentry run` keeps running. Lines start paced by
/// the start-up settings; a reload touches only the lines that changed.
class Monitor {
 public:
  /// Runs on the event loop whenever the last line waiting for its start-up
  /// slot has started, and at once when apply() leaves none waiting.
  using AllStarted = std::function<void()>;
  /// REQUIRES: `agent` and `observer` outlive the monitor.
  Monitor(sip::SipAgent& agent, EventObserver& observer, AllStarted all_started = {});
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  /// Takes `lines` as the running set: lines that are new or changed start
  /// (paced by `startup`), unchanged ones go on untouched, and lines that are
  /// not in `lines` stop. The first call starts everything.
  ReloadPlan apply(const std::vector<config::LineConfig>& lines,
                   const config::StartupSettings& startup);
  /// Every line has been started (none is waiting for its start-up slot).
  bool all_started() const { return pending_.empty(); }
  /// Stops every line: engines send their un-REGISTERs where configured.
  /// Lines still waiting for their start-up slot never start.
  void stop();
  /// No line has a request in flight.
  bool idle() const;
  /// The running line called `name`, or null.
  const LineDriver* line(const std::string& name) const;

 private:
  struct Running {
    std::unique_ptr<LineDriver> driver;
    bool started = false;
  };
  struct PendingStart {
    engine::Millis at;
    std::string name;
  };

  /// The running lines' configurations, in file order: each driver holds
  /// its own, so the monitor keeps no copy.
  std::vector<const config::LineConfig*> running() const;
  void add(const config::LineConfig& line);
  void remove(const std::string& name);
  void schedule(const std::vector<std::string>& names, const config::StartupSettings& startup);
  void arm_pacer();
  void start_due();

  sip::SipAgent& agent_;
  EventObserver& observer_;
  AllStarted all_started_;
  std::vector<std::string> order_;  // the running lines' names, in file order
  std::map<std::string, Running> lines_;
  std::deque<PendingStart> pending_;  // sorted by `at`
  std::optional<sip::SipAgent::TimerId> pacer_;
  uint64_t seed_;
};

}  // namespace sipsentry::daemon
