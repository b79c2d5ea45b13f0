#pragma once
// Internal to the config module.

#include <algorithm>
#include <cctype>
#include <string_view>

namespace sipsentry::config {

/// Letters, digits, '_', '.' and '-' only, and not empty: a name that
/// goes into a metric label (a line's) or a URL's query (a probe module's)
/// as written.
inline bool is_plain_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace sipsentry::config
