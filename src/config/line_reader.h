#pragma once
// Internal to the config module: reading `defaults` and `lines` entries.

#include <string>

#include "config/config.h"
#include "config/environment.h"
#include "config/load.h"
#include "config/password_reader.h"
#include "config/yaml_reader.h"

namespace sipsentry::config {

/// Applies a `defaults` mapping to `defaults` (only its shared keys are allowed there).
void read_defaults(YamlReader& reader, const YamlNode& node, LineConfig& defaults);

/// Reads one entry of `lines`, starting from `defaults`; every key given
/// overrides, and nested mappings (timers, failback …) merge per key.
LineConfig read_line(YamlReader& reader, const YamlNode& node, const LineConfig& defaults,
                     const SecretSources& secrets);

}  // namespace sipsentry::config
