#pragma once
// One line driven in real time through a SIP agent of its own, as
// `sipsentry run` drives it, with every event recorded and logged.

#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "config/config.h"
#include "daemon/event_log.h"
#include "daemon/line_driver.h"
#include "sip/sip_agent.h"

namespace sipsentry::testing {

/// A line of `servers` (name, port, transport on 127.0.0.1) with the given
/// timers, everything but registration turned off: no keep-alive, no
/// observation, no failback, unless the test turns it on.
config::LineConfig quiet_line(
    const std::vector<std::tuple<std::string, uint16_t, engine::Transport>>& servers,
    engine::Timers timers = {});

class LineRunner : public daemon::EventObserver {
 public:
  /// REQUIRES: `line` names only loopback servers.
  explicit LineRunner(config::LineConfig line, sip::AgentOptions options = {});

  void start() { driver_->start(); }
  void place_test_call() { driver_->place_test_call(); }
  /// Serves the event loop until an event satisfies `match` or `limit`
  /// passes; returns the event.
  std::optional<engine::Event> run_until(const std::function<bool(const engine::Event&)>& match,
                                         engine::Millis limit);
  /// Serves the event loop for `duration`.
  void run_for(engine::Millis duration);
  /// The first event of type T that satisfies `match`, waiting up to `limit`.
  template <typename T>
  std::optional<T> wait_for(
      engine::Millis limit,
      const std::function<bool(const T&)>& match = [](const T&) { return true; }) {
    auto found = run_until(
        [&](const engine::Event& e) {
          auto* what = std::get_if<T>(&e.what);
          return what && match(*what);
        },
        limit);
    if (!found) return std::nullopt;
    return std::get<T>(found->what);
  }

  /// Every event so far, in order.
  const std::vector<engine::Event>& events() const { return events_; }
  sip::SipAgent& agent() { return *agent_; }
  const daemon::LineDriver& driver() const { return *driver_; }
  /// The event log, as `sipsentry run` writes it (logfmt, debug level).
  std::string log() const { return log_text_.str(); }

  void on_event(const engine::LineSettings& line, const engine::Event& event) override;

 private:
  std::ostringstream log_text_;
  daemon::EventLog log_{log_text_, daemon::EventLog::Format::kText, daemon::LogLevel::kDebug};
  std::vector<engine::Event> events_;
  size_t examined_ = 0;  // events run_until has looked at already
  std::unique_ptr<sip::SipAgent> agent_;
  std::unique_ptr<daemon::LineDriver> driver_;
};

}  // namespace sipsentry::testing
