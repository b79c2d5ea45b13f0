#include "cli/check_command.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/check_certificates.h"
#include "cli/check_report.h"
#include "cli/check_run.h"
#include "cli/exit_codes.h"
#include "cli/instance_options.h"
#include "cli/load_errors.h"
#include "cli/sip_log.h"
#include "config/duration.h"
#include "config/load.h"
#include "config/shard.h"
#include "daemon/event_log.h"

namespace sipsentry::cli {
namespace {

struct CheckOptions {
  std::string config_path;
  std::string line;     // empty: every line
  std::string timeout;  // empty: the default (CheckRun::run), SRV targets included
  std::string format = "text";
  bool verbose = false;
  bool call = false;                   // one test call per line (spec.md §6) once it is registered
  std::optional<config::Shard> shard;  // none: every line of the file
};

std::atomic<bool> stop_requested{false};

void request_stop(int) {
  stop_requested = true;
}

ReportFormat format_of(const std::string& name) {
  if (name == "json") return ReportFormat::kJson;
  if (name == "nagios") return ReportFormat::kNagios;
  return ReportFormat::kText;
}

/// Nothing could be checked: says why in the chosen format; exit 3.
int unknown(const CheckOptions& options, const std::string& why) {
  print_report(std::cout, format_of(options.format), CheckReport{.error = why});
  return kExitUsage;
}

std::vector<config::LineConfig> chosen_lines(const CheckOptions& options,
                                             const config::Config& config) {
  std::vector<config::LineConfig> chosen;
  for (const config::LineConfig& line : config.lines)
    if (options.line.empty() || line.settings.name == options.line) chosen.push_back(line);
  return chosen;
}

/// The lines of --shard among `lines`, or why there are none: a check that
/// checked nothing must not say OK.
std::optional<std::string> keep_shard(const CheckOptions& options,
                                      std::vector<config::LineConfig>& lines) {
  if (!options.shard) return std::nullopt;
  config::ShardSelection selection = config::select_shard(lines, *options.shard);
  if (selection.kept > 0) return std::nullopt;
  if (options.line.empty())
    return "shard " + config::to_string(*options.shard) + ": none of the " +
           std::to_string(selection.total) + " lines of " + options.config_path +
           " is in this shard, nothing to check";
  return line_not_in_shard(options.line, *options.shard);
}

/// --timeout (nullopt: the default, which CheckRun works out as the lines'
/// SRV targets come in); a message when it is wrong.
std::variant<std::optional<engine::Millis>, std::string> timeout_of(const CheckOptions& options) {
  if (options.timeout.empty()) return std::nullopt;
  auto parsed = config::parse_duration(options.timeout);
  if (auto* message = std::get_if<std::string>(&parsed)) return "--timeout: " + *message;
  engine::Millis timeout = std::get<engine::Millis>(parsed);
  if (timeout <= engine::Millis(0)) return std::string("--timeout: must be longer than 0");
  return std::optional(timeout);
}

int run_check(const CheckOptions& options) {
  config::LoadResult loaded = config::load_config_file(
      options.config_path, config::process_environment(), config::SecretPolicy::kLines);
  if (!loaded.config) {
    print_load_errors(loaded);
    return unknown(options, "invalid configuration " + options.config_path + " (" +
                                std::to_string(loaded.errors.size()) + " error(s) on stderr)");
  }
  std::vector<config::LineConfig> lines = chosen_lines(options, *loaded.config);
  if (lines.empty())
    return unknown(options, "no line named '" + options.line + "' in " + options.config_path);
  if (auto why = keep_shard(options, lines)) return unknown(options, *why);
  // --call on lines none of which has a test_call would say OK for ever
  // without calling: that is a command line that cannot do what it asks.
  if (options.call && std::ranges::none_of(lines, [](const auto& line) {
        return line.settings.test_call.has_value();
      }))
    return unknown(options, "--call: no checked line has a test_call in " + options.config_path);
  auto timeout = timeout_of(options);
  if (auto* message = std::get_if<std::string>(&timeout)) return unknown(options, *message);
  std::string error;
  auto agent = sip::SipAgent::create(
      {.bind = loaded.config->sip.bind, .log = stderr_sink("check", options.verbose)}, error);
  if (!agent) return unknown(options, "cannot start SIP: " + error);
  daemon::EventLog log(std::cerr, daemon::EventLog::Format::kText, daemon::LogLevel::kDebug);
  // The TLS servers' certificates, read meanwhile in handshakes of their own.
  CertificateCheck certificates(
      lines, std::get<std::optional<engine::Millis>>(timeout).value_or(default_timeout(lines)));
  CheckRun run(*agent, lines, options.verbose ? &log : nullptr, options.call);
  // SIGINT and SIGTERM (timeout(1), a stopped service) end the pass as the
  // timeout would: the report is printed and the check's bindings removed.
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  CheckReport report = run.run(std::get<std::optional<engine::Millis>>(timeout),
                               [] { return stop_requested.load(); });
  certificates.finish(report.lines);
  print_report(std::cout, format_of(options.format), report);
  return exit_code_of(report.status());
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* check = app.add_subcommand(
      "check", "One pass for cron and Nagios: register every line, probe every server");
  check->add_option("-c,--config", options->config_path, "Configuration file")->required();
  check->add_option("--line", options->line, "Only this line");
  add_shard_option(*check, options->shard);
  check->add_flag("--call", options->call,
                  "Place one test call through each line with a test_call once it is registered");
  check->add_option("--timeout", options->timeout,
                    "Overall bound (default: the longest worst-case walk of the lines, and with "
                    "--call of their test call, plus 5s)");
  check->add_option("--format", options->format, "text (default), json or nagios")
      ->check(CLI::IsMember({"text", "json", "nagios"}));
  check->add_flag("-v,--verbose", options->verbose,
                  "Log every engine event and Sofia-SIP's diagnostics to stderr");
  check->callback([options, &exit_code] { exit_code = run_check(*options); });
}

}  // namespace sipsentry::cli
