#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/diagnostic.h"
#include "config/environment.h"

namespace sipsentry::config {

/// Whether a password that cannot be read (password_env unset,
/// password_file unreadable) stops the load. Only the commands that send
/// passwords need them; a pipeline that validates or plans has none.
enum class SecretPolicy {
  kRequired,  // an error: run, a reload of run
  kLines,     // an error for a line's, a warning for a probe module's: check,
              // which never sends a module's (only run's /probe does)
  kOptional,  // a warning, and the password is empty: validate, plan
};

/// A loaded configuration, or every mistake found in it.
struct LoadResult {
  std::optional<Config> config;  // set only when `errors` is empty
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;  // with a config or without, top to bottom
};

/// Reads and checks the file at `path`. Relative password_file paths are
/// taken from the file's directory.
LoadResult load_config_file(const std::string& path, const Environment& env,
                            SecretPolicy secrets = SecretPolicy::kRequired);

/// Checks `yaml_text`, naming it `file_name` in diagnostics.
LoadResult parse_config(std::string_view yaml_text, const std::string& file_name,
                        const Environment& env, const std::string& base_dir,
                        SecretPolicy secrets = SecretPolicy::kRequired);

}  // namespace sipsentry::config
