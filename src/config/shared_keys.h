#pragma once
// Internal to the config module.

#include "config/config.h"
#include "config/yaml_reader.h"

namespace sipsentry::config {

/// Adds the handlers of the keys that `defaults` and lines share to
/// `handlers`; they write into `line`, which must outlive the handlers.
/// `retry: {count: N}` (phone V3) or `{period: D}` (phone V2), into `retry`;
/// a line's, its defaults', or one server's own.
void read_retry(YamlReader& r, const YamlNode& node, engine::RetryPolicy& retry);

void add_shared_handlers(YamlReader& reader, YamlReader::Handlers& handlers, LineConfig& line);

}  // namespace sipsentry::config
