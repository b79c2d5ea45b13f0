#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace sipsentry::daemon {

/// What a reload does to each line, by name (spec.md §9: lines that did not
/// change keep their state).
struct ReloadPlan {
  std::vector<std::string> kept{};       // identical in both: registration and counters stay
  std::vector<std::string> restarted{};  // changed in any way (a password too): starts over
  std::vector<std::string> added{};      // new
  std::vector<std::string> removed{};    // gone: stopped, their series removed
  bool operator==(const ReloadPlan&) const = default;
};

/// Compares the running lines with the reloaded file's, each list in the
/// order of the file it comes from.
ReloadPlan plan_reload(const std::vector<const config::LineConfig*>& running,
                       const std::vector<config::LineConfig>& reloaded);
/// The same, for running lines held in a list of their own.
ReloadPlan plan_reload(const std::vector<config::LineConfig>& running,
                       const std::vector<config::LineConfig>& reloaded);

/// "2 kept, 1 restarted, 0 added, 1 removed", for the log.
std::string summary(const ReloadPlan& plan);

}  // namespace sipsentry::daemon
