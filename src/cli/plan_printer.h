#pragma once

#include <ostream>

#include "engine/line_settings.h"
#include "engine/scenario.h"
#include "resolve/rfc3263.h"

namespace sipsentry::cli {

/// "H:MM:SS.mmm" since start-up, the clock of a plan's timeline.
std::string format_offset(engine::Millis offset);
/// "7.5s", "32s", "250ms", "30m", "1h": a duration as an operator writes it.
std::string format_duration(engine::Millis duration);

/// Prints the timeline of `run` for `line`: every SIP request the line
/// sends (first sends and retransmissions) and every decision it takes.
/// Keep-alive and observation OPTIONS are summarised in the header rather
/// than listed, since they never move the line in these scenarios.
/// `as_written` (LineConfig::server_names) says which servers are resolved
/// by DNS SRV; empty: none.
void print_plan(std::ostream& out, const engine::LineSettings& line, engine::Scenario scenario,
                const engine::ScenarioRun& run,
                const std::vector<resolve::ServerName>& as_written = {});

}  // namespace sipsentry::cli
