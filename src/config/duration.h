#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "engine/time.h"

namespace sipsentry::config {

/// Parses "500ms", "30s", "30m", "1h", "14d", or a plain number of seconds ("30",
/// "0.5"), as the phone writes them. Returns the duration, or a message
/// saying what is wrong.
std::variant<engine::Millis, std::string> parse_duration(std::string_view text);

}  // namespace sipsentry::config
