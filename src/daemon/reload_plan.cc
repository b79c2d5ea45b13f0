#include "daemon/reload_plan.h"

#include <algorithm>

namespace sipsentry::daemon {
namespace {

const config::LineConfig* find_line(const std::vector<config::LineConfig>& lines,
                                    const std::string& name) {
  auto found = std::ranges::find(lines, name, [](const auto& l) { return l.settings.name; });
  return found == lines.end() ? nullptr : &*found;
}

}  // namespace

ReloadPlan plan_reload(const std::vector<config::LineConfig>& running,
                       const std::vector<config::LineConfig>& reloaded) {
  ReloadPlan plan;
  for (const config::LineConfig& line : reloaded) {
    const config::LineConfig* before = find_line(running, line.settings.name);
    auto& list = !before ? plan.added : *before == line ? plan.kept : plan.restarted;
    list.push_back(line.settings.name);
  }
  for (const config::LineConfig& line : running)
    if (!find_line(reloaded, line.settings.name)) plan.removed.push_back(line.settings.name);
  return plan;
}

std::string summary(const ReloadPlan& plan) {
  return std::to_string(plan.kept.size()) + " kept, " + std::to_string(plan.restarted.size()) +
         " restarted, " + std::to_string(plan.added.size()) + " added, " +
         std::to_string(plan.removed.size()) + " removed";
}

}  // namespace sipsentry::daemon
