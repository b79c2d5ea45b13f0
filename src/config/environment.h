#pragma once

#include <optional>
#include <string>

namespace sipsentry::config {

/// Where passwords come from besides the file: environment variables and
/// password files. Tests use a fake so that they never touch the process.
class Environment {
 public:
  virtual ~Environment() = default;
  virtual std::optional<std::string> variable(const std::string& name) const = 0;
  /// The whole content of the file at `path`, or nothing when it cannot be read.
  virtual std::optional<std::string> read_file(const std::string& path) const = 0;
};

/// The real process environment and file system.
const Environment& process_environment();

}  // namespace sipsentry::config
