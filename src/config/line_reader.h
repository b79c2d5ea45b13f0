#pragma once
// Internal to the config module: reading `defaults` and `lines` entries.

#include <string>

#include "config/config.h"
#include "config/environment.h"
#include "config/load.h"
#include "config/yaml_reader.h"

namespace sipsentry::config {

/// Where a line's passwords are looked up.
struct SecretSources {
  const Environment& env;
  std::string base_dir;  // for relative password_file paths
  SecretPolicy policy = SecretPolicy::kRequired;
};

/// Applies a `defaults` mapping to `defaults` (only its shared keys are allowed there).
void read_defaults(YamlReader& reader, const YamlNode& node, LineConfig& defaults);

/// Reads one entry of `lines`, starting from `defaults`; every key given
/// overrides, and nested mappings (timers, failback …) merge per key.
LineConfig read_line(YamlReader& reader, const YamlNode& node, const LineConfig& defaults,
                     const SecretSources& secrets);

}  // namespace sipsentry::config
