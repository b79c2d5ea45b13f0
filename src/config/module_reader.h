#pragma once
// Internal to the config module: the `modules` and `probe` sections, what
// /probe may do.

#include <map>
#include <string>

#include "config/password_reader.h"
#include "config/probe_settings.h"
#include "config/yaml_reader.h"

namespace sipsentry::config {

/// `modules`: a mapping of module names to modules.
void read_modules(YamlReader& reader, const YamlNode& node, const SecretSources& secrets,
                  std::map<std::string, ProbeModule>& modules);

/// `probe`: {allowed_targets: [...]}.
void read_probe(YamlReader& reader, const YamlNode& node, ProbeSettings& probe);

}  // namespace sipsentry::config
