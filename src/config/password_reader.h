#pragma once
// Internal to the config module: the one password form a line or a probe
// module may give (password, password_file, password_env).

#include <string>
#include <string_view>

#include "config/load.h"
#include "config/secret.h"
#include "config/yaml_reader.h"

namespace sipsentry::config {

/// Where passwords are looked up.
struct SecretSources {
  const Environment& env;
  std::string base_dir;  // for relative password_file paths
  SecretPolicy policy = SecretPolicy::kRequired;
};

/// Reads whichever of the three keys a mapping gives into `target`, and
/// says when it gives more than one.
class PasswordReader {
 public:
  PasswordReader(YamlReader& r, const SecretSources& secrets, Secret& target)
      : r_(r), secrets_(secrets), target_(target) {}

  /// Adds a handler for each of the three keys.
  void add_handlers(YamlReader::Handlers& handlers);
  /// Whether one of them was given.
  bool seen() const { return seen_; }

 private:
  void read(std::string_view key, const YamlNode& value);
  void from_env(const YamlNode& value, const std::string& name);
  void from_file(const YamlNode& value, const std::string& path);
  void unreadable(const YamlNode& value, std::string message);

  YamlReader& r_;
  const SecretSources& secrets_;
  Secret& target_;
  bool seen_ = false;
};

}  // namespace sipsentry::config
