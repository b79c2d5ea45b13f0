#include "cli/plan_command.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/instance_options.h"
#include "cli/load_errors.h"
#include "cli/plan_printer.h"
#include "cli/resolve_now.h"
#include "cli/server_text.h"
#include "cli/strict_option.h"
#include "config/load.h"
#include "config/shard.h"

namespace sipsentry::cli {
namespace {

struct PlanOptions {
  std::string config_path;
  std::string line;
  std::vector<std::string> scenarios;
  std::optional<config::Shard> shard;  // none: every line
  bool resolve = false;                // resolve the servers given by name now
  // Passwords are not sent here: unless --strict, one that cannot be read
  // is a warning, so that a pipeline without the secrets can run this.
  config::SecretPolicy secrets = config::SecretPolicy::kOptional;
};

std::vector<engine::Scenario> chosen_scenarios(const PlanOptions& options) {
  std::vector<engine::Scenario> chosen;
  for (const std::string& name : options.scenarios)
    chosen.push_back(*engine::parse_scenario(name));  // CLI11 checked the names
  if (chosen.empty()) chosen.push_back(engine::Scenario::kPrimarySilent);
  return chosen;
}

bool has_line(const std::vector<config::LineConfig>& lines, const std::string& name) {
  return std::ranges::any_of(lines, [&](const auto& line) { return line.settings.name == name; });
}

/// `plan --resolve`: the servers of the chosen lines that are resolved by
/// DNS SRV, resolved now (each name once), with the targets a walk would
/// try in order; or why they cannot be.
void print_resolved_now(const std::vector<config::LineConfig>& lines, const std::string& only) {
  std::vector<resolve::ServerName> wanted;
  for (const config::LineConfig& line : lines)
    if (only.empty() || line.settings.name == only)
      for (const resolve::ServerName& server : srv_servers(line.server_names))
        if (std::find(wanted.begin(), wanted.end(), server) == wanted.end())
          wanted.push_back(server);
  std::cout << "resolved now by DNS (RFC 3263), in the order a walk would try them:\n";
  if (wanted.empty()) {
    std::cout << "  no server is resolved by DNS SRV (each has a port or an IP address)\n\n";
    return;
  }
  std::string error;
  auto agent = sip::SipAgent::create({.bind = {"127.0.0.1:0"}}, error);
  if (!agent) {
    std::cout << "  cannot resolve: " << error << "\n\n";
    return;
  }
  std::vector<resolve::Resolution> resolutions =
      resolve_now(*agent, wanted, resolve::kLookupDeadline);
  resolve::RandomDraw draw = resolve::system_draw();
  for (size_t i = 0; i < wanted.size(); ++i)
    print_resolution(std::cout, wanted[i], resolutions[i], draw);
  std::cout << "\n";
}

int usage_error(const std::string& message) {
  std::cerr << "sipsentry plan: " << message << "\n";
  return kExitUsage;
}

int run_plan(const PlanOptions& options) {
  config::LoadResult loaded =
      config::load_config_file(options.config_path, config::process_environment(), options.secrets);
  if (!loaded.config) return print_load_errors(loaded);
  print_load_warnings(loaded);
  std::vector<config::LineConfig>& lines = loaded.config->lines;
  if (!options.line.empty() && !has_line(lines, options.line))
    return usage_error("no line named '" + options.line + "' in " + options.config_path);
  bool first = true;
  if (options.shard) {
    std::cout << config::select_shard(lines, *options.shard).to_string() << "\n";
    if (!options.line.empty() && !has_line(lines, options.line))
      return usage_error(line_not_in_shard(options.line, *options.shard));
    first = false;
  }
  if (options.resolve) {
    print_resolved_now(lines, options.line);
    first = true;
  }
  for (const config::LineConfig& line : lines) {
    if (!options.line.empty() && line.settings.name != options.line) continue;
    for (engine::Scenario scenario : chosen_scenarios(options)) {
      if (!first) std::cout << "\n";
      first = false;
      print_plan(std::cout, line.settings, scenario, engine::run_scenario(line.settings, scenario),
                 line.server_names);
    }
  }
  return kExitOk;
}

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  for (engine::Scenario scenario : engine::kAllScenarios) names.push_back(to_string(scenario));
  return names;
}

}  // namespace

void add_plan_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* plan = app.add_subcommand(
      "plan", "Print the timeline each line follows when its servers fail, computed by the engine");
  plan->add_option("-c,--config", options->config_path, "Configuration file")->required();
  plan->add_option("--line", options->line, "Only this line");
  plan->add_option("--scenario", options->scenarios,
                   "primary-silent (default), primary-503, primary-icmp, all-silent; repeatable")
      ->check(CLI::IsMember(scenario_names()));
  plan->add_flag("--resolve", options->resolve,
                 "Resolve the servers given by name without a port (DNS NAPTR/SRV, RFC 3263) "
                 "now and print the targets a walk would try, in order, with their TTL");
  add_shard_option(*plan, options->shard);
  add_strict_option(*plan, options->secrets);
  plan->callback([options, &exit_code] { exit_code = run_plan(*options); });
}

}  // namespace sipsentry::cli
