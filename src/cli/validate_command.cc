#include "cli/validate_command.h"

#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/exit_codes.h"
#include "cli/instance_options.h"
#include "cli/load_errors.h"
#include "cli/plan_printer.h"
#include "cli/server_text.h"
#include "cli/strict_option.h"
#include "config/load.h"
#include "config/shard.h"
#include "engine/budget.h"

namespace sipsentry::cli {
namespace {

std::string describe_sends(const std::vector<engine::Millis>& sends) {
  std::string text;
  for (engine::Millis at : sends) text += (text.empty() ? "" : "/") + format_duration(at);
  return text;
}

/// The redundancy settings that differ from the seed phone's (spec.md
/// §5a), as "; failback at the registration's refresh; …", so that an
/// operator sees which phone a line behaves like. Empty for the seed's.
std::string redundancy_settings(const engine::LineSettings& line) {
  std::string text;
  using Mode = engine::FailbackSettings::Mode;
  bool concurrent = line.redundancy == engine::Redundancy::kConcurrent;
  if (concurrent)
    text +=
        "; concurrent: registered with every server at once, calls through the first that "
        "holds a registration, back to the primary when it registers again";
  // A concurrent line has no failback probes: the failback mode does not apply.
  switch (concurrent ? Mode::kTimer : line.failback.mode) {
    case Mode::kTimer:
      break;
    case Mode::kRegistration:
      text += "; failback at the registration's refresh";
      break;
    case Mode::kNewRequests:
      text += "; failback at the refresh, and test calls try the primary first";
      break;
    case Mode::kDnsTtl:
      text += "; failback when the primary's SRV records expire (else every " +
              format_duration(line.failback.interval) + ")";
      break;
  }
  if (line.register_retry.mode == engine::RegisterRetry::Mode::kBackoff)
    text += "; register retry RFC 5626 back-off from " + format_duration(line.register_retry.base) +
            (concurrent ? " (" + format_duration(line.register_retry.base_not_failed) +
                              " while another server holds a registration)"
                        : std::string()) +
            " up to " + format_duration(line.register_retry.max);
  return text;
}

/// "reception: pbx-a udp 192.0.2.10:5060 (primary, budget 7.5s, sends 0s/500ms/1.5s/3.5s); …",
/// a server resolved by SRV as "pbx pbx.example.com (resolved by DNS SRV/NAPTR, RFC 3263) (…)".
std::string summarise(const config::LineConfig& config) {
  const engine::LineSettings& line = config.settings;
  std::ostringstream out;
  out << line.name << ":";
  for (size_t i = 0; i < line.servers.size(); ++i) {
    const engine::Server& server = line.servers[i];
    auto kind = engine::budget_kind_for(i, line.servers.size());
    auto plan = engine::plan_request(line, i, engine::Method::kRegister, kind);
    const resolve::ServerName* written =
        i < config.server_names.size() ? &config.server_names[i] : nullptr;
    out << (i ? "; " : " ") << server.name << " " << describe_server(server, written) << " ("
        << (i == 0 ? "primary" : "backup") << ", budget " << format_duration(plan.budget)
        << ", sends " << describe_sends(plan.sends) << ")";
  }
  out << redundancy_settings(line);
  return out.str();
}

struct ValidateOptions {
  std::string config_path;
  std::optional<config::Shard> shard;  // none: every line
  // Passwords are not sent here: unless --strict, one that cannot be read
  // is a warning, so that a pipeline without the secrets can run this.
  config::SecretPolicy secrets = config::SecretPolicy::kOptional;
};

int run_validate(const ValidateOptions& options) {
  config::LoadResult loaded =
      config::load_config_file(options.config_path, config::process_environment(), options.secrets);
  if (!loaded.config) return print_load_errors(loaded);
  print_load_warnings(loaded);
  std::vector<config::LineConfig>& lines = loaded.config->lines;
  // The whole file is checked; with --shard only its lines are listed, so
  // that an operator sees what each instance will run.
  if (options.shard) std::cout << config::select_shard(lines, *options.shard).to_string() << "\n";
  for (const config::LineConfig& line : lines) std::cout << summarise(line) << "\n";
  return kExitOk;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* validate = app.add_subcommand("validate", "Check a configuration file");
  validate->add_option("-c,--config", options->config_path, "Configuration file")->required();
  add_shard_option(*validate, options->shard);
  add_strict_option(*validate, options->secrets);
  validate->callback([options, &exit_code] { exit_code = run_validate(*options); });
}

}  // namespace sipsentry::cli
