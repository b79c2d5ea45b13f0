#include "support/line_runner.h"

#include <stdexcept>

namespace sipsentry::testing {

config::LineConfig quiet_line(
    const std::vector<std::tuple<std::string, uint16_t, engine::Transport>>& servers,
    engine::Timers timers) {
  config::LineConfig line;
  engine::LineSettings& settings = line.settings;
  settings.name = "desk";
  settings.user = "1001";
  settings.domain = "127.0.0.1";
  for (const auto& [name, port, transport] : servers)
    settings.servers.push_back({name, "127.0.0.1", port, transport, engine::Millis(60'000)});
  settings.timers = timers;
  settings.keepalive_interval = engine::Millis(0);
  settings.observe_interval = engine::Millis(0);
  settings.failback.enabled = false;
  line.auth_user = settings.user;
  return line;
}

LineRunner::LineRunner(config::LineConfig line, sip::AgentOptions options) {
  if (options.bind == sip::AgentOptions{}.bind) options.bind = {"127.0.0.1:0"};
  options.log = [this](sip::LogSeverity, const std::string& text) {
    log_.message(daemon::LogLevel::kDebug, text);
  };
  std::string error;
  agent_ = sip::SipAgent::create(options, error);
  if (!agent_) throw std::runtime_error("SIP agent: " + error);
  driver_ = std::make_unique<daemon::LineDriver>(*agent_, std::move(line), *this);
}

void LineRunner::on_event(const engine::LineSettings& line, const engine::Event& event) {
  events_.push_back(event);
  log_.on_event(line, event);
}

std::optional<engine::Event> LineRunner::run_until(
    const std::function<bool(const engine::Event&)>& match, engine::Millis limit) {
  std::optional<engine::Event> found;
  engine::Millis deadline = agent_->now() + limit;
  agent_->run_until(
      [&] {
        for (; !found && examined_ < events_.size(); ++examined_)
          if (match(events_[examined_])) found = events_[examined_];
        return found.has_value();
      },
      deadline);
  return found;
}

void LineRunner::run_for(engine::Millis duration) {
  engine::Millis until = agent_->now() + duration;
  agent_->run_until([] { return false; }, until);
}

}  // namespace sipsentry::testing
