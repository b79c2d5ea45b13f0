#include "daemon/reload_plan.h"

#include <unordered_map>

namespace sipsentry::daemon {
namespace {

/// The lines by name: files of 10,000 lines are compared in linear time.
std::unordered_map<std::string, const config::LineConfig*> by_name(
    const std::vector<const config::LineConfig*>& lines) {
  std::unordered_map<std::string, const config::LineConfig*> index;
  for (const config::LineConfig* line : lines) index.emplace(line->settings.name, line);
  return index;
}

std::vector<const config::LineConfig*> addresses(const std::vector<config::LineConfig>& lines) {
  std::vector<const config::LineConfig*> pointers;
  pointers.reserve(lines.size());
  for (const config::LineConfig& line : lines) pointers.push_back(&line);
  return pointers;
}

/// Whether `reloaded` may keep `running`'s registration: every key the same,
/// but tls.expiry_warning, which only decides how a certificate reads (the
/// certificate watch takes the new one) and never what the line sends.
bool same_line(const config::LineConfig& running, const config::LineConfig& reloaded) {
  if (running.tls.expiry_warning == reloaded.tls.expiry_warning) return running == reloaded;
  config::LineConfig warned_as_before = reloaded;
  warned_as_before.tls.expiry_warning = running.tls.expiry_warning;
  return running == warned_as_before;
}

}  // namespace

ReloadPlan plan_reload(const std::vector<const config::LineConfig*>& running,
                       const std::vector<config::LineConfig>& reloaded) {
  ReloadPlan plan;
  auto before = by_name(running);
  for (const config::LineConfig& line : reloaded) {
    auto found = before.find(line.settings.name);
    auto& list = found == before.end()             ? plan.added
                 : same_line(*found->second, line) ? plan.kept
                                                   : plan.restarted;
    list.push_back(line.settings.name);
  }
  auto after = by_name(addresses(reloaded));
  for (const config::LineConfig* line : running)
    if (!after.contains(line->settings.name)) plan.removed.push_back(line->settings.name);
  return plan;
}

ReloadPlan plan_reload(const std::vector<config::LineConfig>& running,
                       const std::vector<config::LineConfig>& reloaded) {
  return plan_reload(addresses(running), reloaded);
}

std::string summary(const ReloadPlan& plan) {
  return std::to_string(plan.kept.size()) + " kept, " + std::to_string(plan.restarted.size()) +
         " restarted, " + std::to_string(plan.added.size()) + " added, " +
         std::to_string(plan.removed.size()) + " removed";
}

}  // namespace sipsentry::daemon
