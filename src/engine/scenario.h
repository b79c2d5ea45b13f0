#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/virtual_driver.h"

namespace sipsentry::engine {

/// A failure the `plan` command plays through a line's engine.
enum class Scenario {
  kPrimarySilent,  // the primary never answers
  kPrimary503,     // the primary answers every request with 503
  kPrimaryIcmp,    // the primary's port is closed: ICMP over UDP, refused over TCP/TLS
  kAllSilent,      // no server answers
};

inline constexpr Scenario kAllScenarios[] = {Scenario::kPrimarySilent, Scenario::kPrimary503,
                                             Scenario::kPrimaryIcmp, Scenario::kAllSilent};

/// "primary-silent", "primary-503", "primary-icmp", "all-silent".
const char* to_string(Scenario scenario);
std::optional<Scenario> parse_scenario(std::string_view name);
/// One sentence saying what the servers do in the scenario.
const char* describe(Scenario scenario);

/// What the line did in the scenario, in virtual time from start-up.
struct ScenarioRun {
  std::vector<JournalEntry> journal;
  Millis horizon;  // how far the run went
};

/// Runs a fresh engine for `settings` through `scenario`: long enough to see
/// the failover, a failed failback probe and the next one (primary
/// scenarios), or two register walks (all-silent). Servers that answer do so
/// at once with 200 OK.
ScenarioRun run_scenario(const LineSettings& settings, Scenario scenario);

}  // namespace sipsentry::engine
