#pragma once
// Internal to the config module.

#include <vector>

#include "config/yaml_reader.h"
#include "engine/line_settings.h"
#include "resolve/rfc3263.h"

namespace sipsentry::config {

inline constexpr size_t kMaxServers = 8;

/// Reads a line's `servers` list: 1 to 8 entries, primary first;
/// `as_written` gets each as written (LineConfig::server_names).
std::vector<engine::Server> read_servers(YamlReader& reader, const YamlNode& node,
                                         std::vector<resolve::ServerName>& as_written);

}  // namespace sipsentry::config
