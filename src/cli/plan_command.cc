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
  for (const config::LineConfig& line : lines) {
    if (!options.line.empty() && line.settings.name != options.line) continue;
    for (engine::Scenario scenario : chosen_scenarios(options)) {
      if (!first) std::cout << "\n";
      first = false;
      print_plan(std::cout, line.settings, scenario, engine::run_scenario(line.settings, scenario));
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
  add_shard_option(*plan, options->shard);
  add_strict_option(*plan, options->secrets);
  plan->callback([options, &exit_code] { exit_code = run_plan(*options); });
}

}  // namespace sipsentry::cli
