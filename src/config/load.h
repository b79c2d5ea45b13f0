#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/diagnostic.h"
#include "config/environment.h"

namespace sipsentry::config {

/// A loaded configuration, or every mistake found in it.
struct LoadResult {
  std::optional<Config> config;  // set only when `errors` is empty
  std::vector<Diagnostic> errors;
};

/// Reads and checks the file at `path`. Relative password_file paths are
/// taken from the file's directory.
LoadResult load_config_file(const std::string& path, const Environment& env);

/// Checks `yaml_text`, naming it `file_name` in diagnostics.
LoadResult parse_config(std::string_view yaml_text, const std::string& file_name,
                        const Environment& env, const std::string& base_dir);

}  // namespace sipsentry::config
