#include "cli/run_command.h"

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/load_errors.h"
#include "config/load.h"
#include "daemon/event_log.h"
#include "daemon/line_driver.h"

namespace sipsentry::cli {
namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) {
  stop_requested = true;
}

/// How long a stopping daemon waits for its un-REGISTERs.
constexpr engine::Millis kShutdownGrace{2000};

int run_daemon(const std::string& config_path) {
  config::LoadResult loaded = config::load_config_file(config_path, config::process_environment());
  if (!loaded.config) return print_load_errors(loaded);
  const config::Config& config = *loaded.config;
  daemon::EventLog log(std::cerr,
                       config.log.format == "json" ? daemon::EventLog::Format::kJson
                                                   : daemon::EventLog::Format::kText,
                       daemon::parse_log_level(config.log.level));
  // Sofia's own diagnostics at debug level, warnings (TLS verification off) at warn.
  sip::AgentOptions sip_options{.bind = config.sip.bind};
  sip_options.log = [&log](sip::LogSeverity severity, const std::string& text) {
    log.message(
        severity == sip::LogSeverity::kWarning ? daemon::LogLevel::kWarn : daemon::LogLevel::kDebug,
        text);
  };
  std::string error;
  auto agent = sip::SipAgent::create(sip_options, error);
  if (!agent) {
    std::cerr << "sipsentry run: " << error << "\n";
    return kExitCritical;
  }
  std::vector<std::unique_ptr<daemon::LineDriver>> lines;
  for (const config::LineConfig& line : config.lines)
    lines.push_back(std::make_unique<daemon::LineDriver>(*agent, line, log));
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  log.message(daemon::LogLevel::kInfo,
              "started with " + std::to_string(lines.size()) + " line(s) from " + config_path);
  for (auto& line : lines) line->start();
  agent->run_until([] { return stop_requested.load(); });
  for (auto& line : lines) line->stop();
  engine::Millis deadline = agent->now() + kShutdownGrace;
  agent->run_until([&] {
    bool idle = true;
    for (const auto& line : lines) idle = idle && line->engine().requests_in_flight() == 0;
    return idle || agent->now() >= deadline;
  });
  log.message(daemon::LogLevel::kInfo, "stopped");
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* run =
      app.add_subcommand("run", "Run the monitor: register every line, log every event");
  run->add_option("-c,--config", *path, "Configuration file")->required();
  run->callback([path, &exit_code] { exit_code = run_daemon(*path); });
}

}  // namespace sipsentry::cli
