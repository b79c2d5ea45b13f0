#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "status/line_query.h"
#include "status/status_board.h"

namespace sipsentry::status {

/// Seconds since the Unix epoch, with milliseconds.
double unix_seconds(WallTime time);

/// One line for /api/v1/lines: `check --format json`'s line object
/// (cli::line_json) plus "since", "last_switch" and each server's
/// "retry_after_until" (README, "Status page and JSON API").
nlohmann::json status_line_json(const LineStatus& line);
/// The body of /api/v1/lines: {"schema", "matched", "offset", "limit",
/// "lines"}, `matched` counting the lines that pass the query's filters.
nlohmann::json lines_json(const std::vector<LineStatus>& lines, size_t matched,
                          const LineQuery& query);
/// The body of /api/v1/events: {"schema", "last_sequence", "events"}.
nlohmann::json events_json(const std::vector<EventEntry>& events, uint64_t after);

}  // namespace sipsentry::status
