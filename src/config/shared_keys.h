#pragma once
// Internal to the config module.

#include "config/config.h"
#include "config/yaml_reader.h"

namespace sipsentry::config {

/// Adds the handlers of the keys that `defaults` and lines share to
/// `handlers`; they write into `line`, which must outlive the handlers.
void add_shared_handlers(YamlReader& reader, YamlReader::Handlers& handlers, LineConfig& line);

}  // namespace sipsentry::config
