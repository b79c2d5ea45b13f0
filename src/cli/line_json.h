#pragma once

#include <nlohmann/json.hpp>

#include "cli/check_result.h"

namespace sipsentry::cli {

/// One line's result as JSON: an element of `check --format json`'s
/// "lines" (schema 1, README "sipsentry check"), and of the daemon's
/// /api/v1/lines, which adds its own fields to the same object.
/// A server without a final outcome yet says so in its "reason":
/// `unprobed_reason` ("check_timeout" for the check), or null when nullptr.
nlohmann::json line_json(const LineResult& line, const char* unprobed_reason = "check_timeout");

}  // namespace sipsentry::cli
