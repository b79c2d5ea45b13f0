#pragma once
// Internal to the config module.

#include <vector>

#include "config/yaml_reader.h"
#include "engine/line_settings.h"

namespace sipsentry::config {

inline constexpr size_t kMaxServers = 8;

/// Reads a line's `servers` list: 1 to 8 entries, primary first.
std::vector<engine::Server> read_servers(YamlReader& reader, const YamlNode& node);

}  // namespace sipsentry::config
