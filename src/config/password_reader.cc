#include "config/password_reader.h"

#include <filesystem>

namespace sipsentry::config {
namespace {

constexpr std::string_view kPasswordKeys[] = {"password", "password_file", "password_env"};

}  // namespace

void PasswordReader::add_handlers(YamlReader::Handlers& handlers) {
  for (std::string_view key : kPasswordKeys)
    handlers.emplace_back(key, [this, key](const YamlNode& v) { read(key, v); });
}

void PasswordReader::read(std::string_view key, const YamlNode& value) {
  if (seen_) {
    r_.error(value, "'" + std::string(key) +
                        "': give only one of 'password', 'password_file', 'password_env'");
    return;
  }
  seen_ = true;
  std::optional<std::string> text = r_.string(value, key);
  if (!text) return;
  if (key == "password") target_ = Secret(*text);
  if (key == "password_env") from_env(value, *text);
  if (key == "password_file") from_file(value, *text);
}

void PasswordReader::from_env(const YamlNode& value, const std::string& name) {
  std::optional<std::string> found = secrets_.env.variable(name);
  if (!found)
    unreadable(value, "'password_env': environment variable '" + name + "' is not set");
  else
    target_ = Secret(*found);
}

void PasswordReader::from_file(const YamlNode& value, const std::string& path) {
  std::filesystem::path full = path;
  if (full.is_relative()) full = std::filesystem::path(secrets_.base_dir) / full;
  std::optional<std::string> content = secrets_.env.read_file(full.string());
  if (!content) {
    unreadable(value, "'password_file': cannot read '" + full.string() + "'");
    return;
  }
  // The first line is the password: editors add a trailing newline.
  target_ = Secret(content->substr(0, content->find_first_of("\r\n")));
}

/// The password is named but cannot be had here: where it is required it
/// stops the load, elsewhere the operator is told it will be needed.
void PasswordReader::unreadable(const YamlNode& value, std::string message) {
  if (secrets_.policy != SecretPolicy::kOptional)
    r_.error(value, std::move(message));
  else
    r_.warning(value, std::move(message));
}

}  // namespace sipsentry::config
